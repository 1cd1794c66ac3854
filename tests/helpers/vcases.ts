// One-instruction cases for the SIMD&FP unit tests: a state of V registers (and, where a test needs
// them, X registers), FPCR, FPSR and NZCV is set up, one instruction word runs on the core, and the
// state after it is read back. runQemu runs the same instructions from the same states under
// qemu-aarch64 -cpu cortex-a57 (an ARMv8.0 CPU, like ours), so sweeps can compare the two.
//
// Conventions shared by the users (tests/unit/fp_*.test.ts, simd_*.test.ts):
// - useVCore() at the top of a test file creates the file's core (EL1, SIMD&FP enabled).
// - A state's shape is its v.length and x.length: V0..V(n-1) and X0..X(m-1) are set and read back,
//   every other register is left alone. One runQemu call takes states of one shape.
// - show() lists what a state compares: V, X, NZCV, FPSR (not FPCR, which these instructions only read).
// - diffCore() replays QEMU's groups on the core and lists the differences; checkCases() turns a table
//   of hand-checked cases (registers by name, before and after) into tests.
// Checks against the cross tools skip where they are missing (see ./cross): callers put runQemu under
// it.skipIf(!haveQemu) or the like, and checkCases does so itself.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../../src/machine/core';
import { SR_CPACR_EL1, SR_VBAR_EL1, SR_ESR_EL1 } from '../../src/core/layout';
import { testCore, load, CODE } from './core';
import { haveBinutils, haveQemu, withDir, build, assemble } from './cross';

export const M64 = (1n << 64n) - 1n;
export const M128 = (1n << 128n) - 1n;

// FPCR: rounding mode (RMode, bits 23:22), flush-to-zero, default NaN, alternative half precision.
export const RN = 0n;
export const RP = 1n << 22n;
export const RM = 2n << 22n;
export const RZ = 3n << 22n;
export const FZ = 1n << 24n;
export const DN = 1n << 25n;
export const AHP = 1n << 26n;
// FPSR cumulative flags: Invalid Operation, Divide by Zero, Overflow, Underflow, Inexact, Input
// Denormal, and the AdvSIMD saturation flag QC.
export const IOC = 1n;
export const DZC = 2n;
export const OFC = 4n;
export const UFC = 8n;
export const IXC = 16n;
export const IDC = 128n;
export const QC = 1n << 27n;

/** Junk for V0-V3 before a case: every 32-bit lane differs, so a stray write or a missed clear shows. */
export const JUNK: readonly bigint[] = [
  0x0123456789abcdef_fedcba9876543210n,
  0x1111222233334444_5555666677778888n,
  0x99990000aaaa0000_bbbb0000cccc0000n,
  0xdeadbeefcafef00d_0badf00dfeedfacen,
];

export interface VState {
  v: bigint[]; // V0.., 128 bits each
  x: bigint[]; // X0.., often none
  fpcr: bigint;
  fpsr: bigint;
  nzcv: bigint; // 4 bits
}

/** A state: V0-V3 junk, no X registers, FPCR, FPSR and NZCV zero, unless given. */
export const vstate = (p: Partial<VState> = {}): VState => ({
  v: [...(p.v ?? JUNK)],
  x: [...(p.x ?? [])],
  fpcr: p.fpcr ?? 0n,
  fpsr: p.fpsr ?? 0n,
  nzcv: p.nzcv ?? 0n,
});

/** Register values by name: v0..v31, x0..x30, fpcr, fpsr, nzcv, and qc (FPSR.QC, 0 or 1). */
export type Regs = Record<string, bigint>;

/** A copy of s with regs written into it. */
export function apply(s: VState, regs: Regs): VState {
  const t = vstate(s);
  for (const [name, val] of Object.entries(regs)) {
    const n = Number(name.slice(1));
    if (name === 'fpcr') t.fpcr = val;
    else if (name === 'fpsr') t.fpsr = val;
    else if (name === 'nzcv') t.nzcv = val;
    else if (name === 'qc') t.fpsr = (t.fpsr & ~QC) | (val ? QC : 0n);
    else if (/^v\d+$/.test(name) && n < t.v.length) t.v[n] = val & M128;
    else if (/^x\d+$/.test(name) && n < t.x.length) t.x[n] = BigInt.asUintN(64, val);
    else throw new Error(`${name} is not part of this state`);
  }
  return t;
}

/** What a state compares, one register a line: V, X, NZCV, FPSR. */
export const show = (s: VState): string[] => [
  ...s.v.map((v, n) => `v${n}=${v.toString(16)}`),
  ...s.x.map((v, n) => `x${n}=${v.toString(16)}`),
  `nzcv=${s.nzcv.toString(2).padStart(4, '0')}`,
  `fpsr=${s.fpsr.toString(16)}`,
];

/** Lanes (lane 0 first) of `bits` bits each, packed into one register value. */
export const pack = (bits: number, lanes: readonly (number | bigint)[]): bigint =>
  lanes.reduce<bigint>((acc, x, n) => acc | ((BigInt(x) & ((1n << BigInt(bits)) - 1n)) << BigInt(bits * n)), 0n);

/** A small deterministic generator (xorshift32), so a failing sweep repeats. */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/**
 * A random single (or double) operand biased towards interesting exponents and significands:
 * denormals and the smallest normals, near overflow, around 1, or (given `near`) close to another
 * operand's exponent, for cancellation and rounding at the edge of alignment; significands nearly all
 * ones, nearly zero or random.
 */
export function randomFp(next: () => number, dbl: boolean, near?: bigint): bigint {
  const F = dbl ? 52n : 23n;
  const EMAX = dbl ? 0x7ffn : 0xffn;
  const r = next() % 8;
  let exp: bigint;
  if (near !== undefined && r < 3) {
    const e = (near >> F) & EMAX;
    exp = e + BigInt((next() % 61) - 30);
    if (exp < 0n) exp = 0n;
    if (exp > EMAX) exp = EMAX;
  } else if (r < 4) exp = BigInt(next() % 4);
  else if (r < 5) exp = EMAX - 1n - BigInt(next() % 4);
  else if (r < 6) exp = (EMAX >> 1n) + BigInt((next() % 7) - 3);
  else exp = BigInt(next()) % (EMAX + 1n);
  const fr = next() % 4;
  const randBits = (BigInt(next()) << 32n) | BigInt(next());
  let frac: bigint;
  if (fr === 0) frac = (1n << F) - 1n - BigInt(next() % 4);
  else if (fr === 1) frac = BigInt(next() % 8);
  else frac = randBits & ((1n << F) - 1n);
  const sign = BigInt(next() & 1) << (dbl ? 63n : 31n);
  return sign | (exp << F) | frac;
}

const fpView = new DataView(new ArrayBuffer(8));
/** The host number a single (dbl = false) or double bit pattern stands for. */
export function fpNumber(x: bigint, dbl: boolean): number {
  if (dbl) fpView.setBigUint64(0, x, true);
  else fpView.setUint32(0, Number(x), true);
  return dbl ? fpView.getFloat64(0, true) : fpView.getFloat32(0, true);
}
/** The bits of a host number as a single (rounded) or double. */
export function fpBits(x: number, dbl: boolean): bigint {
  if (dbl) fpView.setFloat64(0, x, true);
  else fpView.setFloat32(0, x, true);
  return dbl ? fpView.getBigUint64(0, true) : BigInt(fpView.getUint32(0, true));
}

/**
 * An ordinary operand, the kind the core's native fast path takes: a normal number of either sign with
 * its unbiased exponent near `exp` (clamped to the normal range), a significand with few bits (for
 * exact products and ties), nearly all ones, or random.
 */
export function ordinaryFp(next: () => number, dbl: boolean, exp: number): bigint {
  const F = dbl ? 52n : 23n;
  const bias = dbl ? 1023 : 127;
  const e = Math.min(Math.max(exp + bias, 1), 2 * bias);
  const kind = next() % 4;
  const rand = ((BigInt(next()) << 32n) | BigInt(next())) & ((1n << F) - 1n);
  let frac: bigint;
  if (kind === 0) frac = ((rand >> BigInt(next() % Number(F))) << BigInt(next() % Number(F))) & ((1n << F) - 1n);
  else if (kind === 1) frac = (1n << F) - 1n - BigInt(next() % 3);
  else frac = rand;
  return (BigInt(next() & 1) << (dbl ? 63n : 31n)) | (BigInt(e) << F) | frac;
}

/** An unbiased exponent for ordinaryFp: mostly moderate, sometimes near either end of the format. */
export function ordinaryExponent(next: () => number, dbl: boolean): number {
  const emax = dbl ? 1023 : 127;
  const r = next() % 8;
  if (r < 4) return (next() % 81) - 40;
  if (r === 4) return emax - (next() % 40);
  if (r === 5) return -emax + 1 + (next() % 40);
  return (next() % (2 * emax)) - emax + 1;
}

/**
 * Operands for a one-, two- or three-source operation (a, b[, addend]), mostly ordinary: b near a
 * (cancellation) or anywhere; for the fused forms, in double precision, exponent sums near the edges
 * of the native fused path's range (-917 and 998), and an addend that nearly cancels the product,
 * one with the product near half its ulp (ties, and the double rounding of the single-precision
 * path), one at the edges of the addend's range (-969, 1000), or another.
 */
export function ordinaryOperands(next: () => number, dbl: boolean, arity: number): bigint[] {
  const a = ordinaryFp(next, dbl, ordinaryExponent(next, dbl));
  if (arity === 1) return [a];
  const ea = Number((a >> (dbl ? 52n : 23n)) & (dbl ? 0x7ffn : 0xffn)) - (dbl ? 1023 : 127);
  // b near a (cancellation in sums) or anywhere; for the fused forms, b also near the edges of the
  // fast path's product range (exponent sums near -917 and 998 for doubles).
  let eb = next() & 1 ? ea + (next() % 9) - 4 : ordinaryExponent(next, dbl);
  if (arity === 3 && dbl && next() % 4 === 0) eb = (next() & 1 ? -917 : 998) - ea + (next() % 5) - 2;
  const b = ordinaryFp(next, dbl, eb);
  if (arity === 2) return [a, b];
  const prod = fpNumber(a, dbl) * fpNumber(b, dbl);
  const ep = ea + Number((b >> (dbl ? 52n : 23n)) & (dbl ? 0x7ffn : 0xffn)) - (dbl ? 1023 : 127);
  const r = next() % 4;
  let c: bigint;
  if (r === 0 && Number.isFinite(prod) && prod !== 0) {
    // Nearly cancels the product: -(a * b) rounded, nudged by a few ulps.
    c = (fpBits(-prod, dbl) + BigInt((next() % 7) - 3)) & (dbl ? M64 : 0xffffffffn);
  } else if (r === 1) {
    // The product near half an ulp of the addend, where ties and the double rounding of the
    // single-precision path live.
    c = ordinaryFp(next, dbl, ep + (dbl ? 53 : 24) + (next() % 3) - 1);
  } else if (r === 2 && dbl) {
    c = ordinaryFp(next, dbl, next() & 1 ? -969 + (next() % 5) - 2 : 1000 + (next() % 5) - 2);
  } else {
    c = ordinaryFp(next, dbl, next() & 1 ? ep + (next() % 121) - 60 : ordinaryExponent(next, dbl));
  }
  return [a, b, c];
}

// ---- the core ---------------------------------------------------------------------------------------

const FPEN_NO_TRAP = 3n << 20n; // CPACR_EL1.FPEN = 0b11
const SP = BigInt(CODE) + 0x7ff0n;
const VBAR = BigInt(CODE) + 0x8000n;
const hexWord = (w: number): string => `0x${(w >>> 0).toString(16)}`;

let core: Core | undefined;

/** Creates this file's shared core (EL1, SIMD&FP enabled): call at the top of a test file. */
export function useVCore(): void {
  beforeAll(async () => {
    core = await testCore();
    core.setSysreg(SR_CPACR_EL1, FPEN_NO_TRAP);
  });
}

/** The shared core, for the odd test that sets more than a state holds. */
export function vcore(): Core {
  if (core === undefined) throw new Error('useVCore() must run first');
  return core;
}

/** Runs word from s on the core; it must complete without an exception. */
export function runCore(word: number, s: VState): VState {
  const c = vcore();
  s.v.forEach((v, n) => c.setV(n, v));
  s.x.forEach((v, n) => c.setX(n, v));
  c.fpcr = Number(s.fpcr);
  c.fpsr = Number(s.fpsr);
  c.nzcv = Number(s.nzcv) << 28;
  c.pc = BigInt(CODE);
  load(c, [word]);
  c.run(1);
  expect(c.pc, `${hexWord(word)}: one instruction executed without an exception`).toBe(BigInt(CODE) + 4n);
  return {
    v: s.v.map((_, n) => c.v(n)),
    x: s.x.map((_, n) => c.x(n)),
    fpcr: BigInt(c.fpcr >>> 0),
    fpsr: BigInt(c.fpsr >>> 0),
    nzcv: BigInt(c.nzcv >>> 28),
  };
}

/** An encoding that must be UNDEFINED (EC 0 at VBAR_EL1 + 0x200), not counted as unimplemented. */
export function expectUndefined(word: number): void {
  const c = vcore();
  c.setSysreg(SR_VBAR_EL1, VBAR);
  c.setSysreg(SR_ESR_EL1, 0xffff_ffffn);
  const before = c.unimplementedCount;
  c.pc = BigInt(CODE);
  load(c, [word]);
  c.run(1);
  expect(c.pc, `${hexWord(word)} should be UNDEFINED`).toBe(VBAR + 0x200n);
  expect(c.sysreg(SR_ESR_EL1) >> 26n).toBe(0n);
  expect(c.unimplementedCount, `${hexWord(word)} is unallocated, not unimplemented`).toBe(before);
  c.setElSp(1, 1, SP);
}

/** With CPACR_EL1.FPEN = 00 each word traps with EC 0x07 before it runs (V0 unchanged). */
export function expectFpTrap(words: number[]): void {
  const c = vcore();
  c.setSysreg(SR_CPACR_EL1, 0n);
  try {
    for (const word of words) {
      c.setSysreg(SR_VBAR_EL1, VBAR);
      c.setV(0, 0x1234n);
      c.pc = BigInt(CODE);
      load(c, [word]);
      c.run(1);
      expect(c.pc, hexWord(word)).toBe(VBAR + 0x200n);
      expect(c.sysreg(SR_ESR_EL1) >> 26n, hexWord(word)).toBe(0x07n);
      expect(c.v(0), `${hexWord(word)} must not write V0`).toBe(0x1234n);
      c.setElSp(1, 1, SP);
    }
  } finally {
    c.setSysreg(SR_CPACR_EL1, FPEN_NO_TRAP);
  }
}

// ---- QEMU ---------------------------------------------------------------------------------------------

export interface VGroup {
  asm: string; // an instruction, or `.inst 0x...`
  states: VState[];
}

const align16 = (n: number): number => (n + 15) & ~15;
/** movz/movk of a 32-bit count, which needs no literal pool within reach. */
const mov32 = (reg: string, n: number): string[] => [`movz ${reg}, #${n & 0xffff}`, `movk ${reg}, #${n >>> 16}, lsl #16`];

/**
 * Runs each group's instruction from each of its states under qemu-aarch64 and returns the states
 * after it (FPCR as given). The states go in as one binary blob (.incbin); each group is a loop that
 * loads a state, runs the instruction and stores the state. The input and output cursors and the loop
 * count live in memory (vc_cur), since the state may take every X register: X30 walks the input and
 * is loaded last, and X0 is parked in TPIDR_EL0 while the output cursor is fetched.
 */
export function runQemu(groups: VGroup[]): VState[][] {
  const all = groups.flatMap((g) => g.states);
  if (all.length === 0) return groups.map(() => []);
  const nv = all[0].v.length;
  const nx = all[0].x.length;
  expect(all.every((s) => s.v.length === nv && s.x.length === nx), 'one shape of state per runQemu call').toBe(true);
  expect(nv <= 32 && nx <= 31).toBe(true);
  const X_OFF = 16 * nv; // input and output: V, then X
  const CR_OFF = X_OFF + 8 * nx; // input: FPCR, FPSR, NZCV; output: FPSR, NZCV
  const IN_SIZE = align16(CR_OFF + 24);
  const OUT_SIZE = align16(CR_OFF + 16);
  return withDir((dir) => {
    const inp = Buffer.alloc(IN_SIZE * all.length);
    all.forEach((s, k) => {
      const b = IN_SIZE * k;
      s.v.forEach((v, n) => {
        inp.writeBigUInt64LE(v & M64, b + 16 * n);
        inp.writeBigUInt64LE((v >> 64n) & M64, b + 16 * n + 8);
      });
      s.x.forEach((v, n) => inp.writeBigUInt64LE(BigInt.asUintN(64, v), b + X_OFF + 8 * n));
      inp.writeBigUInt64LE(s.fpcr, b + CR_OFF);
      inp.writeBigUInt64LE(s.fpsr, b + CR_OFF + 8);
      inp.writeBigUInt64LE(s.nzcv << 28n, b + CR_OFF + 16);
    });
    writeFileSync(join(dir, 'in.bin'), inp);
    const cur = (reg: string): string[] => [`adrp ${reg}, vc_cur`, `add ${reg}, ${reg}, :lo12:vc_cur`];
    const vPairs = (op: 'ldp' | 'stp', base: string): string[] =>
      Array.from({ length: Math.ceil(nv / 2) }, (_, k) =>
        2 * k + 1 < nv ? `${op} q${2 * k}, q${2 * k + 1}, [${base}, #${32 * k}]` : `${op === 'ldp' ? 'ldr' : 'str'} q${2 * k}, [${base}, #${32 * k}]`,
      );
    const lines = [...cur('x0'), 'adrp x1, vc_in', 'add x1, x1, :lo12:vc_in', 'adrp x2, vc_out', 'add x2, x2, :lo12:vc_out', 'stp x1, x2, [x0]'];
    groups.forEach((g, n) => {
      if (g.states.length === 0) return;
      lines.push(...cur('x0'), ...mov32('x1', g.states.length), 'str x1, [x0, #16]', `vc_loop_${n}:`);
      // Load: advance the input cursor, then V, FPCR, FPSR, NZCV (through X0), then X0.. with X30 last.
      lines.push(...cur('x30'), 'ldr x0, [x30]', `add x1, x0, #${IN_SIZE}`, 'str x1, [x30]', 'mov x30, x0');
      lines.push(...vPairs('ldp', 'x30'));
      lines.push(`ldr x0, [x30, #${CR_OFF}]`, 'msr fpcr, x0', `ldr x0, [x30, #${CR_OFF + 8}]`, 'msr fpsr, x0');
      lines.push(`ldr x0, [x30, #${CR_OFF + 16}]`, 'msr nzcv, x0');
      for (let r = 0; r < nx; r++) lines.push(`ldr x${r}, [x30, #${X_OFF + 8 * r}]`);
      lines.push(g.asm);
      // Store: V, X1.., X0 (from TPIDR_EL0), FPSR, NZCV; then advance the output cursor and count down.
      if (nx > 0) lines.push('msr tpidr_el0, x0');
      lines.push(...cur('x0'), 'ldr x0, [x0, #8]', ...vPairs('stp', 'x0'));
      for (let r = 1; r < nx; r++) lines.push(`str x${r}, [x0, #${X_OFF + 8 * r}]`);
      if (nx > 0) lines.push('mrs x1, tpidr_el0', `str x1, [x0, #${X_OFF}]`);
      lines.push('mrs x1, fpsr', 'mrs x2, nzcv', `str x1, [x0, #${CR_OFF}]`, `str x2, [x0, #${CR_OFF + 8}]`);
      lines.push(`add x0, x0, #${OUT_SIZE}`, ...cur('x1'), 'str x0, [x1, #8]');
      lines.push('ldr x2, [x1, #16]', 'subs x2, x2, #1', 'str x2, [x1, #16]', `b.ne vc_loop_${n}`);
    });
    // write(1, vc_out, size); exit(0)
    lines.push('mov x0, #1', 'adrp x1, vc_out', 'add x1, x1, :lo12:vc_out', ...mov32('x2', OUT_SIZE * all.length), 'mov x8, #64', 'svc #0');
    lines.push('mov x0, #0', 'mov x8, #93', 'svc #0');
    lines.push('.data', '.balign 16', 'vc_cur: .skip 24', '.balign 16', 'vc_in: .incbin "in.bin"');
    lines.push('.bss', '.balign 16', `vc_out: .skip ${OUT_SIZE * all.length}`);
    const elf = build(dir, lines.join('\n'));
    const r = spawnSync('qemu-aarch64', ['-cpu', 'cortex-a57', elf], { maxBuffer: 1 << 30 });
    expect(r.status, `qemu-aarch64: ${r.stderr?.toString() ?? ''}`).toBe(0);
    const out = r.stdout;
    expect(out.length).toBe(OUT_SIZE * all.length);
    let k = 0;
    return groups.map((g) =>
      g.states.map((s) => {
        const b = OUT_SIZE * k++;
        const rd = (off: number): bigint => out.readBigUInt64LE(b + off);
        return {
          v: s.v.map((_, n) => rd(16 * n) | (rd(16 * n + 8) << 64n)),
          x: s.x.map((_, n) => rd(X_OFF + 8 * n)),
          fpcr: s.fpcr,
          fpsr: rd(CR_OFF),
          nzcv: (rd(CR_OFF + 8) >> 28n) & 15n,
        };
      }),
    );
  });
}

/**
 * Runs every group's states on the core (word is the group's instruction) and lists those whose view
 * differs from QEMU's results `want`, each with its input and the lines that differ.
 */
export function diffCore(groups: readonly (VGroup & { word: number })[], want: VState[][], view: (s: VState) => string[] = show): string[] {
  const bad: string[] = [];
  groups.forEach((g, k) =>
    g.states.forEach((s, j) => {
      const got = view(runCore(g.word, s));
      const exp = view(want[k][j]);
      if (got.every((line, r) => line === exp[r])) return;
      const diff = got.flatMap((line, r) => (line === exp[r] ? [] : [`${line} (qemu ${exp[r]})`]));
      bad.push(`${g.asm} fpcr=${s.fpcr.toString(16)} from ${view(s).join(' ')}: ${diff.join(', ')}`);
    }),
  );
  return bad;
}

// ---- tables of hand-checked cases ----------------------------------------------------------------------

export interface VCase {
  asm: string;
  word: number;
  in: Regs; // set on top of the file's base state
  out: Regs; // what changes; everything else must keep its value
}
export const vc = (asm: string, word: number, inRegs: Regs, out: Regs): VCase => ({ asm, word, in: inRegs, out });

/**
 * A describe block for a table of cases from `base`: each case on the core, the encodings against
 * aarch64-linux-gnu-as, and the expectations against qemu-aarch64.
 */
export function checkCases(title: string, cases: VCase[], base: VState): void {
  const before = (k: VCase): VState => apply(base, k.in);
  const after = (k: VCase): VState => apply(before(k), k.out);
  describe(title, () => {
    it.each(cases.map((k, n) => [`${k.asm} #${n}`, k] as const))('%s', (_, k) => {
      expect(show(runCore(k.word, before(k)))).toEqual(show(after(k)));
    });
    it.skipIf(!haveBinutils)('encodings agree with aarch64-linux-gnu-as', () => {
      const words = assemble(cases.map((k) => k.asm));
      expect(cases.map((k, n) => `${k.asm}: ${words[n].toString(16)}`)).toEqual(cases.map((k) => `${k.asm}: ${(k.word >>> 0).toString(16)}`));
    });
    it.skipIf(!haveQemu)('expectations agree with qemu-aarch64', () => {
      const got = runQemu(cases.map((k) => ({ asm: k.asm, states: [before(k)] })));
      cases.forEach((k, n) => expect(show(got[n][0]), k.asm).toEqual(show(after(k))));
    });
  });
}
