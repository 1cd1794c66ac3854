// The Snapshots list, kept in IndexedDB so it outlives the page and every tab of the origin sees the
// same list (a snapshot saved in one tab restores in a fresh one). The list (names, times, sizes) and
// the files themselves live in two object stores under one key, so listing never reads megabytes.

const DB_NAME = 'armlab';
const DB_VERSION = 1;
const META = 'snapshots';
const DATA = 'snapshot-bytes';

export interface SnapshotMeta {
  id: number;
  /** What the user called it. */
  name: string;
  /** The guest that was running (the image's name). */
  guest: string;
  /** When it was saved (ms since the epoch). */
  savedAt: number;
  /** Size of the file in bytes. */
  size: number;
  /** Instructions the machine had retired. */
  instructions: number;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((ok, fail) => {
    tx.oncomplete = () => ok();
    tx.onabort = tx.onerror = () => fail(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

let opened: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  if (!opened) {
    opened = new Promise((ok, fail) => {
      const r = indexedDB.open(DB_NAME, DB_VERSION);
      r.onupgradeneeded = () => {
        const db = r.result;
        if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: 'id', autoIncrement: true });
        if (!db.objectStoreNames.contains(DATA)) db.createObjectStore(DATA);
      };
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error ?? new Error('could not open IndexedDB'));
    });
    opened.catch(() => (opened = null)); // try again next time (private mode, quota, ...)
  }
  return opened;
}

/** The saved snapshots, newest first. */
export async function listSnapshots(): Promise<SnapshotMeta[]> {
  const db = await open();
  const all = await request(db.transaction(META, 'readonly').objectStore(META).getAll() as IDBRequest<SnapshotMeta[]>);
  return all.sort((a, b) => b.savedAt - a.savedAt);
}

export async function addSnapshot(meta: Omit<SnapshotMeta, 'id' | 'size'>, bytes: Uint8Array): Promise<SnapshotMeta> {
  const db = await open();
  const tx = db.transaction([META, DATA], 'readwrite');
  const record: Omit<SnapshotMeta, 'id'> = { ...meta, size: bytes.length };
  const id = (await request(tx.objectStore(META).add(record))) as number;
  tx.objectStore(DATA).put(bytes, id);
  await done(tx);
  return { ...record, id };
}

export async function snapshotBytes(id: number): Promise<Uint8Array> {
  const db = await open();
  const bytes = (await request(db.transaction(DATA, 'readonly').objectStore(DATA).get(id))) as unknown;
  if (!(bytes instanceof Uint8Array)) throw new Error(`snapshot ${id} has no data (deleted in another tab?)`);
  return bytes;
}

export async function deleteSnapshot(id: number): Promise<void> {
  const db = await open();
  const tx = db.transaction([META, DATA], 'readwrite');
  tx.objectStore(META).delete(id);
  tx.objectStore(DATA).delete(id);
  await done(tx);
}
