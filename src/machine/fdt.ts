// Flattened device tree (FDT, "DTB") writer and reader, after the Devicetree Specification v0.4,
// chapter 5 ("Flattened Devicetree (DTB) Format").
//
// A blob is a 40-byte header, then three blocks:
//   memory reservation block  (address, size) u64 pairs ending in a (0, 0) pair; 8-byte aligned
//   structure block           a token stream: FDT_BEGIN_NODE name, FDT_PROP len nameoff value,
//                             FDT_END_NODE, ..., FDT_END; every token 4-byte aligned
//   strings block             the property names, NUL-terminated, referenced by offset
// All integers are big-endian. We write version 17 with last_comp_version 16, as dtc does, which
// every Linux and U-Boot reads.
//
// The tree in memory is plain data: a node has a name ("" for the root, "name@unit" otherwise),
// properties in order (name and raw value bytes) and children in order. The value helpers below
// (cells, u64s, reg, str, strList, empty) encode the usual property types; the reader hands raw
// bytes back and has decoders for the same types. Reading and writing a tree gives the same bytes
// apart from string-block layout, so a user's DTB can be read, patched (/chosen) and written again.

export class FdtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FdtError';
  }
}

export const FDT_MAGIC = 0xd00dfeed;
export const FDT_VERSION = 17;
export const FDT_LAST_COMP_VERSION = 16;
export const FDT_HEADER_SIZE = 40;

const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;

export interface FdtProp {
  readonly name: string;
  value: Uint8Array;
}

export interface FdtNode {
  readonly name: string;
  props: FdtProp[];
  children: FdtNode[];
}

export interface MemReserve {
  address: bigint;
  size: bigint;
}

export interface FdtTree {
  root: FdtNode;
  memReserve: MemReserve[];
  /** The physical ID of the boot CPU (header field boot_cpuid_phys). */
  bootCpuid: number;
}

// ---- Property values ---------------------------------------------------------------------------

/** A property's value, already encoded. Build one with the helpers below. */
export type PropValue = Uint8Array;

function checkU32(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new FdtError(`${what} ${n} is not a 32-bit cell value`);
}

/** A property with no value (a boolean flag such as `interrupt-controller;`). */
export function empty(): PropValue {
  return new Uint8Array(0);
}

/** 32-bit cells: `<a b c>`. Phandle references are cells too. */
export function cells(...values: number[]): PropValue {
  const b = new Uint8Array(4 * values.length);
  const dv = new DataView(b.buffer);
  values.forEach((v, i) => {
    checkU32(v, 'cell');
    dv.setUint32(4 * i, v, false);
  });
  return b;
}

/** 64-bit values, two cells each (high cell first): addresses and sizes with #*-cells = 2. */
export function u64s(...values: (number | bigint)[]): PropValue {
  const b = new Uint8Array(8 * values.length);
  const dv = new DataView(b.buffer);
  values.forEach((v, i) => {
    const n = BigInt(v);
    if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new FdtError(`value ${v} does not fit in 64 bits`);
    dv.setBigUint64(8 * i, n, false);
  });
  return b;
}

/** A `reg` of (address, size) pairs under #address-cells = #size-cells = 2. */
export function reg(...pairs: [number | bigint, number | bigint][]): PropValue {
  return u64s(...pairs.flat());
}

function encodeString(s: string): Uint8Array {
  if (s.includes('\0')) throw new FdtError(`string ${JSON.stringify(s)} contains a NUL`);
  return new TextEncoder().encode(s);
}

/** A NUL-terminated string. */
export function str(s: string): PropValue {
  return strList(s);
}

/** A string list: each string NUL-terminated, one after the other ("a\0b\0"). */
export function strList(...list: string[]): PropValue {
  const parts = list.map(encodeString);
  const b = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    b.set(p, at);
    at += p.length + 1;
  }
  return b;
}

// ---- Decoders for read values ---------------------------------------------------------------------

export function readCells(value: Uint8Array): number[] {
  if (value.length % 4 !== 0) throw new FdtError(`a cell list of ${value.length} bytes is not a multiple of 4`);
  const dv = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const out: number[] = [];
  for (let i = 0; i < value.length; i += 4) out.push(dv.getUint32(i, false));
  return out;
}

/** A number of `n` cells (1 or 2, as #address-cells says) at cell index `at`. */
export function readNumber(value: Uint8Array, n: number, at = 0): bigint {
  const c = readCells(value);
  let v = 0n;
  for (let i = 0; i < n; i++) v = (v << 32n) | BigInt(c[at + i] ?? 0);
  return v;
}

export function readStringList(value: Uint8Array): string[] {
  if (value.length === 0 || value[value.length - 1] !== 0) throw new FdtError('a string value must end with a NUL');
  return new TextDecoder().decode(value.subarray(0, value.length - 1)).split('\0');
}

export function readString(value: Uint8Array): string {
  const list = readStringList(value);
  if (list.length !== 1) throw new FdtError('a string value holds more than one string');
  return list[0]!;
}

// ---- Building trees --------------------------------------------------------------------------------

// Devicetree Specification 2.2.1 and 2.2.4: the characters of node and property names.
const NODE_NAME = /^[A-Za-z0-9,._+-]{1,31}(@[A-Za-z0-9,._+-]+)?$/;
const PROP_NAME = /^[A-Za-z0-9,._+?#-]{1,31}$/;

/**
 * A node: `node('pl011@9000000', { compatible: strList('arm,pl011', 'arm,primecell'), ... }, [children])`.
 * Properties keep the order of the object's keys. Names are checked against the specification.
 */
export function node(name: string, props: Record<string, PropValue> = {}, children: FdtNode[] = []): FdtNode {
  const n: FdtNode = { name, props: [], children: [] };
  if (name !== '' && !NODE_NAME.test(name)) throw new FdtError(`invalid node name "${name}"`);
  for (const [k, v] of Object.entries(props)) setProp(n, k, v);
  for (const c of children) addChild(n, c);
  return n;
}

export function addChild(parent: FdtNode, child: FdtNode): FdtNode {
  if (child.name === '') throw new FdtError(`only the root node has an empty name (a child of "${parent.name || '/'}")`);
  if (parent.children.some((c) => c.name === child.name)) throw new FdtError(`node "${parent.name || '/'}" already has a child "${child.name}"`);
  parent.children.push(child);
  return child;
}

/** Sets a property, replacing an existing one of the same name in its place. */
export function setProp(n: FdtNode, name: string, value: PropValue): void {
  if (!PROP_NAME.test(name)) throw new FdtError(`invalid property name "${name}"`);
  const old = n.props.find((p) => p.name === name);
  if (old) old.value = value;
  else n.props.push({ name, value });
}

export function getProp(n: FdtNode, name: string): Uint8Array | undefined {
  return n.props.find((p) => p.name === name)?.value;
}

export function removeProp(n: FdtNode, name: string): void {
  n.props = n.props.filter((p) => p.name !== name);
}

/** The node at an absolute path ("/", "/chosen", "/cpus/cpu@0"), or undefined. */
export function findNode(root: FdtNode, path: string): FdtNode | undefined {
  if (!path.startsWith('/')) throw new FdtError(`"${path}" is not an absolute node path`);
  let n: FdtNode | undefined = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    n = n.children.find((c) => c.name === part);
    if (!n) return undefined;
  }
  return n;
}

// ---- Writing -----------------------------------------------------------------------------------------

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Appends big-endian words and raw bytes into a growing buffer. */
class ByteSink {
  private buf = new Uint8Array(1024);
  private dv = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    bigger.set(this.buf.subarray(0, this.length));
    this.buf = bigger;
    this.dv = new DataView(bigger.buffer);
  }

  u32(v: number): void {
    this.room(4);
    this.dv.setUint32(this.length, v, false);
    this.length += 4;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Zero bytes up to a multiple of `a`. */
  pad(a: number): void {
    const n = align(this.length, a) - this.length;
    this.room(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }

  take(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/**
 * Serialises a tree (or just its root node) to a version-17 DTB. Property names are stored once
 * each in the strings block. Every block starts 8-byte aligned and the total size is a multiple of
 * 8, so the blob can be placed at any 8-byte-aligned address (booting.rst asks for that).
 */
export function writeFdt(tree: FdtTree | FdtNode): Uint8Array {
  const t: FdtTree = 'root' in tree ? tree : { root: tree, memReserve: [], bootCpuid: 0 };
  if (t.root.name !== '') throw new FdtError(`the root node must have an empty name, not "${t.root.name}"`);

  const strings = new ByteSink();
  const nameOffsets = new Map<string, number>();
  const nameOffset = (name: string): number => {
    let off = nameOffsets.get(name);
    if (off === undefined) {
      off = strings.length;
      strings.bytes(encodeString(name));
      strings.bytes(new Uint8Array(1));
      nameOffsets.set(name, off);
    }
    return off;
  };

  const struct = new ByteSink();
  const emit = (n: FdtNode): void => {
    struct.u32(FDT_BEGIN_NODE);
    struct.bytes(encodeString(n.name));
    struct.bytes(new Uint8Array(1));
    struct.pad(4);
    for (const p of n.props) {
      struct.u32(FDT_PROP);
      struct.u32(p.value.length);
      struct.u32(nameOffset(p.name));
      struct.bytes(p.value);
      struct.pad(4);
    }
    for (const c of n.children) emit(c);
    struct.u32(FDT_END_NODE);
  };
  emit(t.root);
  struct.u32(FDT_END);

  const out = new ByteSink();
  // Header placeholder, filled in below once the offsets are known.
  out.bytes(new Uint8Array(FDT_HEADER_SIZE));
  out.pad(8);
  const offRsv = out.length;
  for (const r of t.memReserve) {
    out.bytes(u64s(r.address, r.size));
  }
  out.bytes(new Uint8Array(16));
  const offStruct = out.length;
  out.bytes(struct.take());
  out.pad(8);
  const offStrings = out.length;
  out.bytes(strings.take());
  out.pad(8);

  const blob = out.take();
  const dv = new DataView(blob.buffer);
  const header = [FDT_MAGIC, blob.length, offStruct, offStrings, offRsv, FDT_VERSION, FDT_LAST_COMP_VERSION, t.bootCpuid, strings.length, struct.length];
  header.forEach((v, i) => dv.setUint32(4 * i, v >>> 0, false));
  return blob;
}

// ---- Reading -----------------------------------------------------------------------------------------

export interface FdtHeader {
  magic: number;
  totalsize: number;
  offDtStruct: number;
  offDtStrings: number;
  offMemRsvmap: number;
  version: number;
  lastCompVersion: number;
  bootCpuidPhys: number;
  sizeDtStrings: number;
  sizeDtStruct: number;
}

export function readHeader(b: Uint8Array): FdtHeader {
  if (b.length < FDT_HEADER_SIZE) throw new FdtError(`truncated: ${b.length} bytes, the header alone needs ${FDT_HEADER_SIZE}`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const w = (i: number): number => dv.getUint32(4 * i, false);
  if (w(0) !== FDT_MAGIC) throw new FdtError('not a flattened device tree (no 0xd00dfeed magic): compile .dts files with dtc');
  return {
    magic: w(0),
    totalsize: w(1),
    offDtStruct: w(2),
    offDtStrings: w(3),
    offMemRsvmap: w(4),
    version: w(5),
    lastCompVersion: w(6),
    bootCpuidPhys: w(7),
    sizeDtStrings: w(8),
    sizeDtStruct: w(9),
  };
}

/**
 * Parses and checks a DTB. Throws FdtError with a one-line reason for anything malformed: a bad
 * header, blocks outside the blob, an unknown token, a property or name running off its block,
 * unbalanced nodes, a missing FDT_END.
 */
export function readFdt(blob: Uint8Array): FdtTree {
  const h = readHeader(blob);
  if (h.totalsize > blob.length) throw new FdtError(`truncated: the header says ${h.totalsize} bytes, there are ${blob.length}`);
  if (h.totalsize < FDT_HEADER_SIZE) throw new FdtError(`totalsize ${h.totalsize} is smaller than the header`);
  if (h.version < 16) throw new FdtError(`version ${h.version} is too old: version 16 or 17 is needed (recompile it with dtc)`);
  if (h.lastCompVersion > FDT_VERSION) throw new FdtError(`needs a reader for version ${h.lastCompVersion} (last_comp_version); this one reads up to ${FDT_VERSION}`);
  const b = blob.subarray(0, h.totalsize);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const size = h.totalsize;

  // Memory reservation block.
  if (h.offMemRsvmap % 8 !== 0 || h.offMemRsvmap < FDT_HEADER_SIZE || h.offMemRsvmap > size) {
    throw new FdtError(`memory reservation block offset ${h.offMemRsvmap} is not an 8-byte-aligned offset inside the blob`);
  }
  const memReserve: MemReserve[] = [];
  for (let at = h.offMemRsvmap; ; at += 16) {
    if (at + 16 > size) throw new FdtError('the memory reservation block has no (0, 0) terminator');
    const address = dv.getBigUint64(at, false);
    const len = dv.getBigUint64(at + 8, false);
    if (address === 0n && len === 0n) break;
    memReserve.push({ address, size: len });
  }

  // Strings block.
  const stringsEnd = h.offDtStrings + h.sizeDtStrings;
  if (h.offDtStrings > size || stringsEnd > size) throw new FdtError(`the strings block (${h.offDtStrings}+${h.sizeDtStrings}) lies outside the ${size}-byte blob`);
  const nameAt = (off: number): string => {
    if (off >= h.sizeDtStrings) throw new FdtError(`property name offset ${off} is outside the ${h.sizeDtStrings}-byte strings block`);
    const start = h.offDtStrings + off;
    const end = b.indexOf(0, start);
    if (end < 0 || end >= stringsEnd) throw new FdtError(`property name at strings offset ${off} is not NUL-terminated`);
    return new TextDecoder().decode(b.subarray(start, end));
  };

  // Structure block (version 16 has no size_dt_struct: it runs to FDT_END).
  if (h.offDtStruct % 4 !== 0 || h.offDtStruct >= size) throw new FdtError(`structure block offset ${h.offDtStruct} is not a 4-byte-aligned offset inside the blob`);
  const structEnd = h.version >= 17 ? h.offDtStruct + h.sizeDtStruct : size;
  if (structEnd > size) throw new FdtError(`the structure block (${h.offDtStruct}+${h.sizeDtStruct}) lies outside the ${size}-byte blob`);

  let at = h.offDtStruct;
  const word = (): number => {
    if (at + 4 > structEnd) throw new FdtError('the structure block ends without FDT_END');
    const v = dv.getUint32(at, false);
    at += 4;
    return v;
  };
  const stack: FdtNode[] = [];
  let root: FdtNode | undefined;
  for (;;) {
    const tokenAt = at;
    const token = word();
    if (token === FDT_NOP) continue;
    if (token === FDT_BEGIN_NODE) {
      const end = b.indexOf(0, at);
      if (end < 0 || end >= structEnd) throw new FdtError(`node name at offset ${at} is not NUL-terminated`);
      const name = new TextDecoder().decode(b.subarray(at, end));
      at = align(end + 1, 4);
      const n: FdtNode = { name, props: [], children: [] };
      if (stack.length === 0) {
        if (root) throw new FdtError('a second root node follows the first');
        if (name !== '') throw new FdtError(`the root node has the name "${name}" (it must be empty)`);
        root = n;
      } else {
        stack[stack.length - 1]!.children.push(n);
      }
      stack.push(n);
    } else if (token === FDT_PROP) {
      if (stack.length === 0) throw new FdtError(`a property at offset ${tokenAt} is outside any node`);
      const len = word();
      const nameoff = word();
      if (at + len > structEnd) throw new FdtError(`a ${len}-byte property at offset ${tokenAt} runs past the structure block`);
      const value = b.slice(at, at + len);
      at = align(at + len, 4);
      stack[stack.length - 1]!.props.push({ name: nameAt(nameoff), value });
    } else if (token === FDT_END_NODE) {
      if (!stack.pop()) throw new FdtError(`FDT_END_NODE at offset ${tokenAt} closes no node`);
    } else if (token === FDT_END) {
      if (stack.length > 0) throw new FdtError(`FDT_END at offset ${tokenAt} while node "${stack[stack.length - 1]!.name || '/'}" is still open`);
      break;
    } else {
      throw new FdtError(`unknown token 0x${token.toString(16)} at offset ${tokenAt} of the structure block`);
    }
  }
  if (!root) throw new FdtError('the structure block has no root node');
  return { root, memReserve, bootCpuid: h.bootCpuidPhys };
}
