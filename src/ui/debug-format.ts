// Pure helpers behind the debugger panel (DebugPanel.tsx): hex dumps, register diffs between two
// snapshots, the address expressions typed into the memory view, SIMD lane formatting and the
// "step over" rule. No DOM and no emulator code, so the worker may import it too (stepOverReturn).
import type { CpuSnapshot } from '../machine/inspect';

const MASK64 = (1n << 64n) - 1n;

/** `v` as 0x-less hex, zero-padded to `digits`. */
export function hex(v: bigint | number, digits: number): string {
  const n = typeof v === 'bigint' ? BigInt.asUintN(64, v) : v >>> 0;
  return n.toString(16).padStart(digits, '0');
}

/** A 64-bit value as 16 hex digits with a `_` between the halves, the way addresses are easiest to read. */
export function hex64(v: bigint): string {
  const s = hex(v, 16);
  return `${s.slice(0, 8)}_${s.slice(8)}`;
}

/** The stack pointer PSTATE selects: SP_EL0 at EL0 or with PSTATE.SP == 0, otherwise SP_ELx. */
export function currentSpIndex(cpu: Pick<CpuSnapshot, 'el' | 'spsel'>): number {
  return cpu.spsel === 0 ? 0 : cpu.el;
}

// ---------------------------------------------------------------------------------------------
// Address expressions: `sp`, `x1+0x10`, `elr_el2 - 8`, `4000_0000`.

/**
 * The value of a register named in an address expression (case-insensitive), or undefined: X0-X30,
 * W0-W30 (the low 32 bits), sp (the one PSTATE selects), sp_el0..2, pc, lr (X30), fp (X29), xzr/wzr,
 * and the inspected system registers (vbar_el1, elr_el2, far_el1, ...).
 */
export function registerValue(name: string, cpu: CpuSnapshot): bigint | undefined {
  const n = name.toLowerCase();
  const xw = /^([xw])(\d{1,2})$/.exec(n);
  if (xw) {
    const i = Number(xw[2]);
    if (i > 30) return undefined;
    const v = cpu.x[i] ?? 0n;
    return xw[1] === 'w' ? v & 0xffff_ffffn : v;
  }
  switch (n) {
    case 'pc': return cpu.pc;
    case 'sp': return cpu.sp[currentSpIndex(cpu)];
    case 'lr': return cpu.x[30];
    case 'fp': return cpu.x[29];
    case 'xzr': case 'wzr': return 0n;
  }
  const spEl = /^sp_el([012])$/.exec(n);
  if (spEl) return cpu.sp[Number(spEl[1])];
  const upper = name.toUpperCase();
  for (const [reg, v] of Object.entries(cpu.sysregs)) if (reg === upper) return v;
  return undefined;
}

/**
 * Parses what the user typed as an address: terms joined by + and -, each a number or a register
 * name (registerValue). Numbers are hex, with or without 0x, and may use _ as a separator: addresses
 * are always written in hex, so "1000" means 0x1000. The sum wraps to 64 bits.
 */
export function parseAddress(expr: string, cpu: CpuSnapshot | null): { value: bigint } | { error: string } {
  const text = expr.trim();
  if (text === '') return { error: 'type an address or a register' };
  const tokens = text.match(/[+-]|[^\s+-]+/g) ?? [];
  let sum = 0n;
  let sign = 1n;
  let expectTerm = true;
  let first = true;
  for (const tok of tokens) {
    if (tok === '+' || tok === '-') {
      // One operator between terms, or one sign before the first term.
      if (expectTerm && !first) return { error: `two operators in a row in "${text}"` };
      sign = tok === '-' ? -1n : 1n;
      expectTerm = true;
      first = false;
      continue;
    }
    first = false;
    if (!expectTerm) return { error: `missing + or - before "${tok}"` };
    let v: bigint | undefined;
    // No register name is made of hex digits only (x1, sp, elr_el2 all have a letter past f).
    const num = /^(0x)?([0-9a-f_]+)$/i.exec(tok);
    const digits = num?.[2]?.replace(/_/g, '') ?? '';
    if (num && digits !== '') {
      if (digits.length > 16) return { error: `${tok} is wider than 64 bits` };
      v = BigInt('0x' + digits);
    } else if (cpu) {
      v = registerValue(tok, cpu);
      if (v === undefined) return { error: `unknown register "${tok}"` };
    } else {
      return { error: `"${tok}": no register values while there is no CPU` };
    }
    sum = (sum + sign * v) & MASK64;
    sign = 1n;
    expectTerm = false;
  }
  if (expectTerm) return { error: `"${text}" ends with an operator` };
  return { value: sum };
}

// ---------------------------------------------------------------------------------------------
// Memory: reading in page-sized pieces, so one unmapped page does not hide its neighbours.

/** A piece of a memory read: the bytes, or why they could not be read. */
export interface MemSegment {
  addr: bigint;
  len: number;
  bytes: Uint8Array | null;
  error: string | null;
}

/** Splits [addr, addr + len) at 4 KiB page boundaries (translation differs per page). */
export function pageSegments(addr: bigint, len: number, pageSize = 0x1000): { addr: bigint; len: number }[] {
  const out: { addr: bigint; len: number }[] = [];
  let a = addr & MASK64;
  let left = len;
  const size = BigInt(pageSize);
  while (left > 0) {
    const n = Math.min(left, Number(size - (a % size)));
    out.push({ addr: a, len: n });
    a = (a + BigInt(n)) & MASK64;
    left -= n;
  }
  return out;
}

/** The byte at `addr` in `segments`, or null where it is unreadable or not covered. */
export function byteAt(segments: readonly MemSegment[], addr: bigint): number | null {
  for (const s of segments) {
    const off = Number((addr - s.addr) & MASK64);
    if (off < s.len) return s.bytes ? (s.bytes[off] ?? null) : null;
  }
  return null;
}

/** The first error among the segments covering [addr, addr + len), if any. */
export function errorIn(segments: readonly MemSegment[], addr: bigint, len: number): string | null {
  for (const s of segments) {
    if (s.error === null) continue;
    const start = Number((s.addr - addr) & MASK64);
    const back = Number((addr - s.addr) & MASK64);
    if (start < len || back < s.len) return s.error;
  }
  return null;
}

export interface HexRow {
  addr: bigint;
  /** One entry per byte: its value, or null where it could not be read. */
  cells: (number | null)[];
  /** Printable ASCII for each byte, '.' for the rest, ' ' where unreadable. */
  ascii: string;
  error: string | null;
}

/** A hex dump of `len` bytes from `base`, `width` bytes a row. */
export function hexDumpRows(base: bigint, len: number, segments: readonly MemSegment[], width = 16): HexRow[] {
  const rows: HexRow[] = [];
  for (let off = 0; off < len; off += width) {
    const addr = (base + BigInt(off)) & MASK64;
    const n = Math.min(width, len - off);
    const cells: (number | null)[] = [];
    let ascii = '';
    for (let i = 0; i < n; i++) {
      const b = byteAt(segments, (addr + BigInt(i)) & MASK64);
      cells.push(b);
      ascii += b === null ? ' ' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    rows.push({ addr, cells, ascii, error: errorIn(segments, addr, n) });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Registers.

/** Every register the panel shows, by its key: x0..x30, sp_el0..2, pc, el, spsel, daif, nzcv, v0..v31, fpcr, fpsr. */
export function registerValues(cpu: CpuSnapshot): Map<string, bigint> {
  const m = new Map<string, bigint>();
  cpu.x.forEach((v, i) => m.set(`x${i}`, v));
  cpu.sp.forEach((v, i) => m.set(`sp_el${i}`, v));
  m.set('pc', cpu.pc);
  m.set('el', BigInt(cpu.el));
  m.set('spsel', BigInt(cpu.spsel));
  m.set('daif', BigInt(cpu.daif));
  m.set('nzcv', BigInt(cpu.nzcv));
  cpu.v.forEach((v, i) => m.set(`v${i}`, v));
  m.set('fpcr', BigInt(cpu.fpcr));
  m.set('fpsr', BigInt(cpu.fpsr));
  return m;
}

/** The keys (as registerValues names them) whose values differ between two snapshots; none without a previous one. */
export function registerDiff(prev: CpuSnapshot | null, cur: CpuSnapshot): Set<string> {
  const changed = new Set<string>();
  if (!prev) return changed;
  const before = registerValues(prev);
  for (const [k, v] of registerValues(cur)) if (before.get(k) !== v) changed.add(k);
  return changed;
}

/** PSTATE.{D,A,I,F} (bits 9..6): a letter where the exception is masked, '-' where it is not. */
export function daifText(daif: number): string {
  return ['D', 'A', 'I', 'F'].map((c, i) => ((daif >> (9 - i)) & 1 ? c : '-')).join('');
}

/** PSTATE.{N,Z,C,V} (bits 31..28): a letter where the flag is set, '-' where it is clear. */
export function nzcvText(nzcv: number): string {
  return ['N', 'Z', 'C', 'V'].map((c, i) => ((nzcv >>> (31 - i)) & 1 ? c : '-')).join('');
}

const RMODE = ['RN', 'RP', 'RM', 'RZ'];

/** FPCR's fields that change results: AHP, DN, FZ, FZ16, RMode (rounding). */
export function fpcrText(fpcr: number): string {
  const parts = [`RMode=${RMODE[(fpcr >>> 22) & 3]}`];
  if ((fpcr >>> 26) & 1) parts.push('AHP');
  if ((fpcr >>> 25) & 1) parts.push('DN');
  if ((fpcr >>> 24) & 1) parts.push('FZ');
  if ((fpcr >>> 19) & 1) parts.push('FZ16');
  return parts.join(' ');
}

/** FPSR's cumulative exception flags that are set (QC, IDC, IXC, UFC, OFC, DZC, IOC), or '-'. */
export function fpsrText(fpsr: number): string {
  const flags: [number, string][] = [[27, 'QC'], [7, 'IDC'], [4, 'IXC'], [3, 'UFC'], [2, 'OFC'], [1, 'DZC'], [0, 'IOC']];
  const set = flags.filter(([bit]) => (fpsr >>> bit) & 1).map(([, name]) => name);
  return set.length ? set.join(' ') : '-';
}

// ---------------------------------------------------------------------------------------------
// SIMD&FP registers as lanes.

/** How a V register is shown: 16 bytes, or lanes of 8/16/32/64 bits in hex, or as half/single/double floats. */
export type LaneShape = '16b' | '8h' | '4s' | '2d' | '8h-f16' | '4s-f32' | '2d-f64';
export const LANE_SHAPES: readonly LaneShape[] = ['16b', '8h', '4s', '2d', '8h-f16', '4s-f32', '2d-f64'];
export const LANE_SHAPE_LABEL: Record<LaneShape, string> = {
  '16b': '16 bytes', '8h': '8 × 16-bit', '4s': '4 × 32-bit', '2d': '2 × 64-bit',
  '8h-f16': '8 × half', '4s-f32': '4 × single', '2d-f64': '2 × double',
};

/** The lanes of a 128-bit value, lane 0 (the least significant) first. */
export function lanes(v: bigint, bits: 8 | 16 | 32 | 64): bigint[] {
  const out: bigint[] = [];
  const mask = (1n << BigInt(bits)) - 1n;
  for (let i = 0; i < 128 / bits; i++) out.push((v >> BigInt(i * bits)) & mask);
  return out;
}

const f64Scratch = new DataView(new ArrayBuffer(8));

/** An IEEE half-precision value's bits as a number (exact: every half is a double). */
export function f16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal (or zero)
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function specialFloat(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  return null;
}

/** A single or double for reading: the fewest digits that still name this value at its precision. */
export function formatFloat(x: number, precision: 'single' | 'double'): string {
  const special = specialFloat(x);
  if (special !== null) return special;
  if (precision === 'double') return String(x); // JavaScript already prints the shortest round trip
  for (let p = 1; p < 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(Number(x.toPrecision(9)));
}

/**
 * A half-precision value for reading, with the fewest digits that round back to it: a candidate
 * names the half if it is nearer to it than to either neighbouring half.
 */
export function formatHalf(bits: number): string {
  const x = f16ToNumber(bits);
  const special = specialFloat(x);
  if (special !== null) return special;
  const mag = bits & 0x7fff;
  const ax = Math.abs(x);
  const above = mag + 1 === 0x7c00 ? 65536 : f16ToNumber(mag + 1); // past the largest, where rounding would go if it could
  const below = mag > 0 ? f16ToNumber(mag - 1) : -Infinity;
  for (let p = 1; p < 5; p++) {
    const c = Math.abs(Number(x.toPrecision(p)));
    const d = Math.abs(c - ax);
    if (d < Math.abs(above - c) && d < Math.abs(c - below)) return String(Number(x.toPrecision(p)));
  }
  return String(Number(x.toPrecision(5))); // 5 significant digits tell every half apart
}

/** A V register's lanes as text, lane 0 first (the UI shows them most significant first, as the Arm ARM draws them). */
export function formatLanes(v: bigint, shape: LaneShape): string[] {
  switch (shape) {
    case '16b': return lanes(v, 8).map((l) => hex(l, 2));
    case '8h': return lanes(v, 16).map((l) => hex(l, 4));
    case '4s': return lanes(v, 32).map((l) => hex(l, 8));
    case '2d': return lanes(v, 64).map((l) => hex(l, 16));
    case '8h-f16': return lanes(v, 16).map((l) => formatHalf(Number(l)));
    case '4s-f32': return lanes(v, 32).map((l) => {
      f64Scratch.setUint32(0, Number(l));
      return formatFloat(f64Scratch.getFloat32(0), 'single');
    });
    case '2d-f64': return lanes(v, 64).map((l) => {
      f64Scratch.setBigUint64(0, l);
      return formatFloat(f64Scratch.getFloat64(0), 'double');
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Disassembly and stepping.

/** One line of the disassembly view. */
export interface DisasmLine {
  addr: bigint;
  /** The instruction word, or null where the memory could not be read. */
  word: number | null;
  text: string;
  /** Where a direct branch goes (clickable in the view). */
  target?: bigint;
  isPc: boolean;
  breakpoint: boolean;
}

export type Disassemble = (word: number, pc: bigint) => { text: string; target?: bigint };

/** Disassembles `count` words from `base`, marking the PC and the breakpoints. */
export function disasmLines(
  base: bigint, count: number, segments: readonly MemSegment[], pc: bigint | null,
  breakpoints: ReadonlySet<bigint>, disassemble: Disassemble,
): DisasmLine[] {
  const lines: DisasmLine[] = [];
  for (let i = 0; i < count; i++) {
    const addr = (base + BigInt(i * 4)) & MASK64;
    const b = [0, 1, 2, 3].map((k) => byteAt(segments, (addr + BigInt(k)) & MASK64));
    const common = { addr, isPc: addr === pc, breakpoint: breakpoints.has(addr) };
    if (b.some((x) => x === null)) {
      lines.push({ ...common, word: null, text: errorIn(segments, addr, 4) ?? 'unreadable' });
      continue;
    }
    const [b0, b1, b2, b3] = b as number[];
    const word = (b0! | (b1! << 8) | (b2! << 16) | (b3! << 24)) >>> 0;
    let d: { text: string; target?: bigint };
    try {
      d = disassemble(word, addr);
    } catch (e) {
      d = { text: `.inst 0x${hex(word, 8)} (disassembler: ${e instanceof Error ? e.message : String(e)})` };
    }
    const line: DisasmLine = { ...common, word, text: d.text };
    if (d.target !== undefined) line.target = d.target & MASK64;
    lines.push(line);
  }
  return lines;
}

/**
 * Where the disassembly window of `count` instructions starts so that `focus` is in view: the
 * current start if `focus` is already well inside it (so stepping does not make the view jump),
 * otherwise a quarter of the window before `focus`.
 */
export function disasmBase(focus: bigint, current: bigint | null, count: number): bigint {
  const f = focus & ~3n & MASK64;
  const margin = 4n * 4n;
  if (current !== null) {
    const off = (f - current) & MASK64;
    if (off >= margin && off < BigInt(count * 4) - margin) return current;
  }
  return (f - BigInt(Math.floor(count / 4) * 4)) & MASK64;
}

/**
 * The instruction a "step over" runs to, or null when a single step will do: PC + 4 after a call
 * (BL, BLR, BLRAA/BLRAB/BLRAAZ/BLRABZ) or after a call into a higher EL (SVC, HVC, SMC, whose
 * handler returns with ERET to the next instruction).
 */
export function stepOverReturn(word: number, pc: bigint): bigint | null {
  const w = word >>> 0;
  const call =
    w >>> 26 === 0x25 || // BL
    ((w & 0xffff_fc1f) >>> 0) === 0xd63f_0000 || // BLR
    ((w & 0xffff_f81f) >>> 0) === 0xd63f_081f || // BLRAAZ, BLRABZ
    ((w & 0xffff_f800) >>> 0) === 0xd73f_0800 || // BLRAA, BLRAB
    (((w & 0xffe0_001c) >>> 0) === 0xd400_0000 && (w & 3) !== 0); // SVC, HVC, SMC
  return call ? (pc + 4n) & MASK64 : null;
}
