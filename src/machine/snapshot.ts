// The snapshot container (docs/snapshot-format.md): a versioned list of checksummed sections holding
// the machine configuration, the CPU state block, the GIC's state, every device's state, RAM (zero
// pages elided, the rest deflated with fflate) and, optionally, the boot images (so reset still works
// after a restore). This file only encodes and decodes; Machine.save()/Machine.restore() decide what
// goes in and check that it fits.
import { deflateSync, inflateSync } from 'fflate';

export const SNAPSHOT_MAGIC = 'ARMLABSN';
/** Readers refuse another major version; a newer minor version only adds optional sections. */
export const SNAPSHOT_MAJOR = 1;
export const SNAPSHOT_MINOR = 0;
export const PAGE = 4096;

/** Section flags. */
export const F_REQUIRED = 1; // a reader that does not know this section must refuse the file
export const F_DEFLATE = 2; // the payload is deflate-compressed

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

export interface Section {
  tag: string;
  flags: number;
  /** The payload, decompressed. */
  data: Uint8Array;
}

// ---- CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) --------------------------------------------
let crcTable: Uint32Array | null = null;
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const HEADER = 20; // magic(8) major(2) minor(2) count(4) crc(4) of the first 16 bytes
const SECTION_HEADER = 16; // tag(4) flags(2) reserved(2) length(4) crc(4) of the first 12 bytes + payload

/** The CRC of a section: its header fields (tag, flags, reserved, length) and its stored payload. */
function sectionCrc(header: Uint8Array, payload: Uint8Array): number {
  const b = new Uint8Array(12 + payload.length);
  b.set(header.subarray(0, 12), 0);
  b.set(payload, 12);
  return crc32(b);
}

/** Writes a container. Sections with F_DEFLATE are compressed here. */
export function encodeSnapshot(sections: Section[]): Uint8Array {
  const stored = sections.map((s) => ({ ...s, payload: s.flags & F_DEFLATE ? deflateSync(s.data, { level: 1 }) : s.data }));
  const size = HEADER + stored.reduce((n, s) => n + SECTION_HEADER + s.payload.length, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out.set(new TextEncoder().encode(SNAPSHOT_MAGIC), 0);
  dv.setUint16(8, SNAPSHOT_MAJOR, true);
  dv.setUint16(10, SNAPSHOT_MINOR, true);
  dv.setUint32(12, stored.length, true);
  dv.setUint32(16, crc32(out.subarray(0, 16)), true);
  let off = HEADER;
  for (const s of stored) {
    if (s.tag.length !== 4) throw new Error(`section tag must be 4 characters: ${s.tag}`);
    for (let i = 0; i < 4; i++) out[off + i] = s.tag.charCodeAt(i);
    dv.setUint16(off + 4, s.flags, true);
    dv.setUint32(off + 8, s.payload.length, true);
    dv.setUint32(off + 12, sectionCrc(out.subarray(off, off + 12), s.payload), true);
    out.set(s.payload, off + SECTION_HEADER);
    off += SECTION_HEADER + s.payload.length;
  }
  return out;
}

/**
 * Reads a container, checking everything that can be checked without knowing the machine: magic,
 * version, section bounds, checksums, decompression, required sections this reader knows.
 */
export function decodeSnapshot(bytes: Uint8Array, knownTags: readonly string[]): Map<string, Section> {
  if (bytes.length < HEADER) throw new SnapshotError(`not a snapshot: ${bytes.length} bytes is shorter than the header`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== SNAPSHOT_MAGIC) throw new SnapshotError('not an ArmLab snapshot (wrong magic)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (crc32(bytes.subarray(0, 16)) !== dv.getUint32(16, true)) throw new SnapshotError('the snapshot header is corrupt (checksum mismatch)');
  const major = dv.getUint16(8, true);
  const minor = dv.getUint16(10, true);
  if (major !== SNAPSHOT_MAJOR) {
    throw new SnapshotError(`snapshot format ${major}.${minor} is not readable by this ArmLab (it reads format ${SNAPSHOT_MAJOR}.x)`);
  }
  const count = dv.getUint32(12, true);
  const sections = new Map<string, Section>();
  let off = HEADER;
  for (let i = 0; i < count; i++) {
    if (off + SECTION_HEADER > bytes.length) throw new SnapshotError(`truncated: section ${i + 1} of ${count} is missing`);
    const tag = String.fromCharCode(...bytes.subarray(off, off + 4));
    const flags = dv.getUint16(off + 4, true);
    const len = dv.getUint32(off + 8, true);
    const crc = dv.getUint32(off + 12, true);
    const start = off + SECTION_HEADER;
    if (start + len > bytes.length) throw new SnapshotError(`truncated: section "${tag}" needs ${len} bytes, ${bytes.length - start} are left`);
    const payload = bytes.subarray(start, start + len);
    if (sectionCrc(bytes.subarray(off, off + 12), payload) !== crc) throw new SnapshotError(`section "${tag}" is corrupt (checksum mismatch)`);
    if (dv.getUint16(off + 6, true) !== 0 || (flags & ~(F_REQUIRED | F_DEFLATE)) !== 0) throw new SnapshotError(`section "${tag}" has unknown flags`);
    off = start + len;
    if (!knownTags.includes(tag)) {
      if (flags & F_REQUIRED) throw new SnapshotError(`section "${tag}" is required but unknown to this ArmLab (a newer snapshot format?)`);
      continue; // optional sections of newer writers are skipped
    }
    if (sections.has(tag)) throw new SnapshotError(`section "${tag}" appears twice`);
    let data: Uint8Array;
    try {
      data = flags & F_DEFLATE ? inflateSync(payload) : payload;
    } catch {
      throw new SnapshotError(`section "${tag}" does not decompress`);
    }
    sections.set(tag, { tag, flags, data });
  }
  if (off !== bytes.length) throw new SnapshotError(`${bytes.length - off} bytes of garbage after the last section`);
  return sections;
}

// ---- RAM pages ----------------------------------------------------------------------------------------

/** RAM as a page-presence bitmap followed by the non-zero pages (the section is deflated as a whole). */
export function encodeRam(ram: Uint8Array): Uint8Array {
  const pages = Math.ceil(ram.length / PAGE);
  const bitmap = new Uint8Array(Math.ceil(pages / 8));
  const words = new Uint32Array(ram.buffer, ram.byteOffset, ram.length >>> 2);
  const present: number[] = [];
  for (let p = 0; p < pages; p++) {
    const w0 = (p * PAGE) >>> 2;
    let nonZero = false;
    for (let w = w0; w < w0 + PAGE / 4; w++) {
      if (words[w] !== 0) {
        nonZero = true;
        break;
      }
    }
    if (nonZero) {
      bitmap[p >>> 3] |= 1 << (p & 7);
      present.push(p);
    }
  }
  const out = new Uint8Array(8 + bitmap.length + present.length * PAGE);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, PAGE, true);
  dv.setUint32(4, pages, true);
  out.set(bitmap, 8);
  let off = 8 + bitmap.length;
  for (const p of present) {
    out.set(ram.subarray(p * PAGE, (p + 1) * PAGE), off);
    off += PAGE;
  }
  return out;
}

/** Checks a RAM section against the RAM size and returns a function that writes it into RAM. */
export function decodeRam(data: Uint8Array, ramSize: number): (ram: Uint8Array) => void {
  if (data.length < 8) throw new SnapshotError('RAM section is truncated');
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const pageSize = dv.getUint32(0, true);
  const pages = dv.getUint32(4, true);
  if (pageSize !== PAGE) throw new SnapshotError(`RAM section uses ${pageSize}-byte pages, not ${PAGE}`);
  if (pages * PAGE !== ramSize) {
    throw new SnapshotError(`the snapshot has ${(pages * PAGE) / 2 ** 20} MiB of RAM, the machine ${ramSize / 2 ** 20} MiB`);
  }
  const bitmapLen = Math.ceil(pages / 8);
  if (data.length < 8 + bitmapLen) throw new SnapshotError('RAM section is truncated (page bitmap)');
  const bitmap = data.subarray(8, 8 + bitmapLen);
  let present = 0;
  for (let p = 0; p < pages; p++) if (bitmap[p >>> 3] & (1 << (p & 7))) present++;
  if (data.length !== 8 + bitmapLen + present * PAGE) {
    throw new SnapshotError(`RAM section holds ${data.length - 8 - bitmapLen} bytes of pages, its bitmap says ${present * PAGE}`);
  }
  return (ram: Uint8Array) => {
    ram.fill(0);
    let off = 8 + bitmapLen;
    for (let p = 0; p < pages; p++) {
      if (bitmap[p >>> 3] & (1 << (p & 7))) {
        ram.set(data.subarray(off, off + PAGE), p * PAGE);
        off += PAGE;
      }
    }
  };
}

// ---- JSON sections ----------------------------------------------------------------------------------------

export function jsonSection(tag: string, value: unknown, flags = F_REQUIRED): Section {
  return { tag, flags, data: new TextEncoder().encode(JSON.stringify(value)) };
}

export function parseJsonSection(s: Section): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(s.data));
  } catch {
    throw new SnapshotError(`section "${s.tag}" is not valid JSON`);
  }
}

/**
 * Whether `value` has the same JSON shape as `like` (same keys, same types, arrays of the same element
 * types): how a device's saved state is checked against a fresh device's before load() sees it.
 */
export function sameShape(value: unknown, like: unknown): boolean {
  if (like === null) return value === null;
  if (Array.isArray(like)) {
    if (!Array.isArray(value)) return false;
    const kinds = new Set(like.map((v) => typeof v));
    return value.every((v) => (kinds.size === 0 ? typeof v === 'number' : kinds.has(typeof v)) && (typeof v !== 'number' || Number.isFinite(v)));
  }
  if (typeof like === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const a = Object.keys(like as object).sort();
    const b = Object.keys(value as object).sort();
    if (a.length !== b.length || a.some((k, i) => k !== b[i])) return false;
    return a.every((k) => sameShape((value as Record<string, unknown>)[k], (like as Record<string, unknown>)[k]));
  }
  if (typeof like === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === typeof like;
}
