// The Snapshots tab: save the running machine under a name (kept in IndexedDB, so every tab of the
// lab lists it), restore, download as a .armlab file, upload one, delete; and move the machine to
// another tab, warm (stop, copy, resume there) or live (copy while it runs, then a short stop).
import { useCallback, useEffect, useState } from 'react';
import type { Remote } from 'comlink';
import type { MachineWorkerApi, RunState } from '../worker/protocol';
import { addSnapshot, deleteSnapshot, listSnapshots, snapshotBytes, type SnapshotMeta } from './snapshotStore';
import type { MigrationMode, MigrationStatus } from './migrationLink';

export const SNAPSHOT_EXT = '.armlab';

interface Props {
  api: Remote<MachineWorkerApi> | null;
  state: RunState;
  /** The running guest's name (the default snapshot name). */
  guest: string | null;
  migration: MigrationStatus;
  receiving: boolean;
  onReceive(on: boolean): void;
  onMigrate(mode: MigrationMode): void;
  /** A file dropped on the page that looks like a snapshot (App routes .armlab drops here). */
  dropped: File | null;
  onDroppedTaken(): void;
}

function size(n: number): string {
  if (n < 1000) return `${n} bytes`;
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1e3)} kB`;
}

function fileName(name: string): string {
  return (name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'snapshot') + SNAPSHOT_EXT;
}

function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName(name);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function SnapshotsPanel({ api, state, guest, migration, receiving, onReceive, onMigrate, dropped, onDroppedTaken }: Props) {
  const [list, setList] = useState<SnapshotMeta[] | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const live = state === 'running' || state === 'idle' || state === 'paused';

  const refresh = useCallback(() => {
    listSnapshots().then(setList, (e: unknown) => {
      setList([]);
      setMessage({ error: true, text: `The snapshot list is unavailable (IndexedDB): ${e instanceof Error ? e.message : String(e)}` });
    });
  }, []);
  useEffect(() => {
    refresh();
    // Another tab may have saved or deleted one: look again when this tab gets the focus back.
    window.addEventListener('focus', refresh);
    return () => window.removeEventListener('focus', refresh);
  }, [refresh]);

  const run = async (what: string, fn: () => Promise<void>): Promise<void> => {
    setBusy(what);
    setMessage(null);
    try {
      await fn();
    } catch (e) {
      setMessage({ error: true, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(null);
      refresh();
    }
  };

  const save = (): Promise<void> =>
    run('save', async () => {
      if (!api) return;
      const s = await api.save();
      const label = name.trim() || `${s.guest} ${new Date().toLocaleTimeString()}`;
      await addSnapshot({ name: label, guest: s.guest, savedAt: Date.now(), instructions: s.instructions }, s.bytes);
      setName('');
      setMessage({ error: false, text: `Saved "${label}" (${size(s.bytes.length)}).` });
    });

  const restoreBytes = async (bytes: Uint8Array, guest: string, label: string): Promise<boolean> => {
    if (!api) return false;
    const r = await api.restore(bytes, guest);
    if (!r.ok) {
      setMessage({ error: true, text: `Cannot restore ${label}: ${r.error}` });
      return false;
    }
    setMessage({ error: false, text: `Restored "${label}".` });
    return true;
  };

  const restore = (s: SnapshotMeta): Promise<void> =>
    run('restore', async () => {
      await restoreBytes(await snapshotBytes(s.id), s.guest, `"${s.name}"`);
    });

  // An uploaded file is restored at once (so a bad one is refused right away, the machine untouched)
  // and, if good, joins the list.
  const upload = (f: File): Promise<void> =>
    run('upload', async () => {
      const bytes = new Uint8Array(await f.arrayBuffer());
      const label = f.name.endsWith(SNAPSHOT_EXT) ? f.name.slice(0, -SNAPSHOT_EXT.length) : f.name;
      if (await restoreBytes(bytes, label, f.name)) {
        await addSnapshot({ name: label, guest: label, savedAt: Date.now(), instructions: 0 }, bytes);
      }
    });

  useEffect(() => {
    if (!dropped || !api) return;
    onDroppedTaken();
    void upload(dropped);
    // (upload and onDroppedTaken change every render; the file is what matters)
  }, [dropped, api]);

  const m = migration;
  const moving = m.phase === 'waiting' || m.phase === 'copying' || m.phase === 'stopping';
  return (
    <div className="snapshots-tab" data-testid="snapshots">
      <h2>Save</h2>
      <div className="snap-save">
        <input
          type="text"
          value={name}
          placeholder={guest ? `${guest} …` : 'name'}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && live && !busy) void save();
          }}
          aria-label="snapshot name"
          data-testid="snapshot-name"
        />
        <button className="primary" onClick={() => void save()} disabled={!api || !live || busy !== null} data-testid="snapshot-save">
          Save
        </button>
        <label className="button-like" title="Restore a .armlab file (or drop it on the page)">
          Upload…
          <input
            type="file"
            accept={`${SNAPSHOT_EXT},application/octet-stream`}
            hidden
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void upload(f);
            }}
            data-testid="snapshot-upload"
          />
        </label>
      </div>
      {busy && <p className="meta" data-testid="snapshot-busy">{busy === 'save' ? 'Saving…' : 'Restoring…'}</p>}
      {message && (
        <p className={message.error ? 'notice error' : 'notice'} data-testid={message.error ? 'snapshot-error' : 'snapshot-message'}>
          {message.text}
        </p>
      )}
      <h2>Saved in this browser</h2>
      {list === null ? (
        <p className="meta">loading…</p>
      ) : list.length === 0 ? (
        <p className="meta" data-testid="snapshot-empty">No snapshots yet.</p>
      ) : (
        <ul className="snap-list" data-testid="snapshot-list">
          {list.map((s) => (
            <li key={s.id} data-testid="snapshot-row" data-name={s.name}>
              <div className="snap-info">
                <strong>{s.name}</strong>
                <span className="meta">
                  {s.guest} · {new Date(s.savedAt).toLocaleString()} · {size(s.size)}
                </span>
              </div>
              <div className="snap-actions">
                <button onClick={() => void restore(s)} disabled={!api || busy !== null} data-testid="snapshot-restore">
                  Restore
                </button>
                <button
                  onClick={() => void run('download', async () => download(await snapshotBytes(s.id), s.name))}
                  disabled={busy !== null}
                  data-testid="snapshot-download"
                >
                  Download
                </button>
                <button onClick={() => void run('delete', () => deleteSnapshot(s.id))} disabled={busy !== null} data-testid="snapshot-delete">
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <h2>Move to another tab</h2>
      <p className="meta">
        Open the lab in a second tab and click <em>Receive a machine</em> there (or open it with <code>?receive=1</code>). Warm: the
        machine stops, is copied and resumes there. Live: it is copied while it runs, then stops only for the last pages.
      </p>
      <div className="snap-save">
        <button onClick={() => onMigrate('warm')} disabled={!api || !live || moving} data-testid="migrate-warm">
          Move to another tab
        </button>
        <button onClick={() => onMigrate('live')} disabled={!api || !live || moving} data-testid="migrate-live">
          Live-migrate to another tab
        </button>
        <button className={receiving ? 'toggled' : ''} aria-pressed={receiving} onClick={() => onReceive(!receiving)} disabled={moving} data-testid="migrate-receive">
          {receiving ? 'Receiving… (click to stop)' : 'Receive a machine'}
        </button>
      </div>
      {m.phase !== 'idle' && (
        <div className={m.phase === 'failed' ? 'notice error' : 'notice'} data-testid="migration-status" data-phase={m.phase}>
          {m.message && <p data-testid="migration-message">{m.message}</p>}
          <p className="meta">
            {m.role === 'source' ? 'sent' : 'received'} ({m.mode ?? ''}): {m.mode === 'live' && <>rounds <span data-testid="migration-rounds">{m.rounds}</span>, </>}
            <span data-testid="migration-bytes">{size(m.bytes)}</span>
            {m.downtimeMs !== null && (
              <>
                , downtime <span data-testid="migration-downtime">{m.downtimeMs}</span> ms
              </>
            )}{' '}
            · {m.phase}
          </p>
        </div>
      )}
    </div>
  );
}
