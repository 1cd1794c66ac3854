// Floating-point arithmetic that rounds (src/core/exec/fp_arith.ts on src/core/softfloat.ts): FADD,
// FSUB, FMUL, FNMUL, FDIV, FSQRT, FMADD, FMSUB, FNMADD, FNMSUB in single and double precision.
//
// Hand-checked cases pin the Arm ARM's rules (ties to even, directed rounding, overflow to infinity or
// the largest finite value, tininess before rounding, FZ flushing with UFC and no IXC, the sign of an
// exact zero sum, the invalid cases, division by zero, fused single rounding), their encodings checked
// against aarch64-linux-gnu-as and their expectations against qemu-aarch64. When qemu-aarch64 is
// installed a sweep runs every instruction on edge operands (zeros, denormals, the smallest normal,
// the largest finite values, infinities, NaNs, values around 1 whose sums and products round at every
// boundary) and on random operands, under all 16 FPCR combinations of RMode, FZ and DN, on both the
// core and qemu-aarch64 -cpu cortex-a57, comparing V0-V3, NZCV and FPSR.
//
// The core computes with native f32/f64 arithmetic where that is provably exact (RN, FPSR.IXC already
// set, no operand that FZ would flush, a normal or exact-zero result: see src/core/softfloat.ts), so
// every hand-checked case and every sweep state also runs with FPSR.IXC set beforehand, and a last
// test compares the native and the exact path on the core itself over many ordinary operands.
import { describe, it, expect, beforeAll } from 'vitest';
import { A64_TABLE } from '../../src/core/generated/table';
import { haveBinutils, haveQemu, assemble } from '../helpers/cross';
import {
  useVCore, vstate, runCore, runQemu, diffCore, show, expectUndefined, expectFpTrap, pack, xorshift32, randomFp,
  ordinaryOperands,
  JUNK, M64, FZ, DN, RN, RP, RM, RZ, IOC, DZC, OFC, UFC, IXC, IDC, type VState,
} from '../helpers/vcases';

useVCore();

// ---- operands ------------------------------------------------------------------------------------------

/** Scalar operands in V1, V2, V3 (the rest of each register junk, which must be ignored); V0 junk. */
function state(ops: bigint[], dbl: boolean, fpcr: bigint, fpsr = 0n): VState {
  const keep = dbl ? 64n : 32n;
  const v = JUNK.map((j, n) => (n >= 1 && n <= ops.length ? ((j >> keep) << keep) | ops[n - 1] : j));
  return vstate({ v, fpcr, fpsr });
}

// ---- hand-checked cases ----------------------------------------------------------------------------

interface Case {
  asm: string;
  word: number;
  dbl: boolean;
  ops: bigint[];
  fpcr: bigint;
  res: bigint; // the scalar result (the rest of V0 must be zero)
  fpsr: bigint;
}
const S = (asm: string, word: number, ops: number[], fpcr: bigint, res: number, fpsr = 0n): Case => ({
  asm,
  word,
  dbl: false,
  ops: ops.map((w) => BigInt(w >>> 0)),
  fpcr,
  res: BigInt(res >>> 0),
  fpsr,
});
const D = (asm: string, word: number, ops: bigint[], fpcr: bigint, res: bigint, fpsr = 0n): Case => ({ asm, word, dbl: true, ops, fpcr, res, fpsr });

const FADD_S = 0x1e222820; // fadd s0, s1, s2
const FSUB_S = 0x1e223820;
const FMUL_S = 0x1e220820;
const FNMUL_S = 0x1e228820;
const FDIV_S = 0x1e221820;
const FSQRT_S = 0x1e21c020; // fsqrt s0, s1
const FMADD_S = 0x1f020c20; // fmadd s0, s1, s2, s3
const FADD_D = 0x1e622820;
const FDIV_D = 0x1e621820;
const FSQRT_D = 0x1e61c020;
const FMADD_D = 0x1f420c20;
const FNMSUB_D = 0x1f628c20; // fnmsub d0, d1, d2, d3

const one = 0x3f800000;
const half = 0x3f000000;
const sMax = 0x7f7fffff;
const sInf = 0x7f800000;
const sNmin = 0x00800000;
const sDN = 0x7fc00000;

const cases: Case[] = [
  // Ties to even: 1 + 2^-24 is halfway between 1 and 1 + 2^-23 and goes to the even 1.
  S('fadd s0, s1, s2', FADD_S, [one, 0x33800000], RN, one, IXC),
  S('fadd s0, s1, s2', FADD_S, [one, 0x33800001], RN, 0x3f800001, IXC),
  S('fadd s0, s1, s2', FADD_S, [0x3f800001, 0x33800000], RN, 0x3f800002, IXC),
  S('fadd s0, s1, s2', FADD_S, [one, 0x33800000], RP, 0x3f800001, IXC),
  S('fadd s0, s1, s2', FADD_S, [0xbf800000, 0xb3800000], RM, 0xbf800001, IXC),
  S('fadd s0, s1, s2', FADD_S, [0xbf800000, 0xb3800000], RZ, 0xbf800000, IXC),
  // Carry into the exponent: (2 - 2^-23) + 2^-23 = 2 exactly.
  S('fadd s0, s1, s2', FADD_S, [0x3fffffff, 0x34000000], RN, 0x40000000),
  // An exact zero sum is +0, or -0 when rounding towards -infinity; equal-signed zeros keep their sign.
  S('fadd s0, s1, s2', FADD_S, [one, 0xbf800000], RN, 0),
  S('fadd s0, s1, s2', FADD_S, [one, 0xbf800000], RM, 0x80000000),
  S('fsub s0, s1, s2', FSUB_S, [one, one], RM, 0x80000000),
  S('fadd s0, s1, s2', FADD_S, [0, 0x80000000], RN, 0),
  S('fadd s0, s1, s2', FADD_S, [0, 0x80000000], RM, 0x80000000),
  S('fadd s0, s1, s2', FADD_S, [0x80000000, 0x80000000], RP, 0x80000000),
  S('fsub s0, s1, s2', FSUB_S, [0x80000000, 0], RN, 0x80000000),
  // inf - inf is the default NaN with Invalid Operation.
  S('fadd s0, s1, s2', FADD_S, [sInf, 0xff800000], RN, sDN, IOC),
  S('fsub s0, s1, s2', FSUB_S, [sInf, sInf], RN, sDN, IOC),
  // Overflow: infinity, or the largest finite value when rounding away from it.
  S('fadd s0, s1, s2', FADD_S, [sMax, sMax], RN, sInf, OFC | IXC),
  S('fadd s0, s1, s2', FADD_S, [sMax, sMax], RZ, sMax, OFC | IXC),
  S('fadd s0, s1, s2', FADD_S, [sMax, sMax], RM, sMax, OFC | IXC),
  S('fadd s0, s1, s2', FADD_S, [0xff7fffff, 0xff7fffff], RP, 0xff7fffff, OFC | IXC),
  S('fadd s0, s1, s2', FADD_S, [0xff7fffff, 0xff7fffff], RM, 0xff800000, OFC | IXC),
  // Products: 0 * inf is invalid; exact denormal results raise nothing, inexact ones Underflow.
  S('fmul s0, s1, s2', FMUL_S, [0x80000000, sInf], RN, sDN, IOC),
  S('fmul s0, s1, s2', FMUL_S, [sNmin, half], RN, 0x00400000),
  S('fmul s0, s1, s2', FMUL_S, [0x00000001, half], RN, 0, UFC | IXC),
  S('fmul s0, s1, s2', FMUL_S, [0x00000001, half], RP, 1, UFC | IXC),
  S('fmul s0, s1, s2', FMUL_S, [0x00000003, half], RN, 2, UFC | IXC),
  // Tininess is detected before rounding: this rounds up to the smallest normal but is still tiny.
  S('fmul s0, s1, s2', FMUL_S, [0x00ffffff, half], RN, sNmin, UFC | IXC),
  // FZ: a tiny result is flushed to a zero of its sign with Underflow and no Inexact; denormal inputs
  // are zeros (IDC).
  S('fmul s0, s1, s2', FMUL_S, [sNmin, 0xbf000000], FZ, 0x80000000, UFC),
  S('fmul s0, s1, s2', FMUL_S, [0x00ffffff, half], FZ, 0, UFC),
  S('fadd s0, s1, s2', FADD_S, [0x00000001, one], FZ, one, IDC),
  S('fnmul s0, s1, s2', FNMUL_S, [0x40000000, 0x40400000], RN, 0xc0c00000),
  // FNMUL negates the product after rounding, NaNs included.
  S('fnmul s0, s1, s2', FNMUL_S, [0x7fc00001, one], RN, 0xffc00001),
  S('fnmul s0, s1, s2', FNMUL_S, [0x7f800001, one], DN, 0xffc00000, IOC),
  S('fnmul s0, s1, s2', FNMUL_S, [one, 0x33800000], RP, 0xb3800000),
  // Division: x/0 is infinity with Divide by Zero, 0/0 and inf/inf are invalid, inf/0 raises nothing.
  S('fdiv s0, s1, s2', FDIV_S, [one, 0], RN, sInf, DZC),
  S('fdiv s0, s1, s2', FDIV_S, [0xbf800000, 0], RN, 0xff800000, DZC),
  S('fdiv s0, s1, s2', FDIV_S, [0, 0x80000000], RN, sDN, IOC),
  S('fdiv s0, s1, s2', FDIV_S, [sInf, sInf], RN, sDN, IOC),
  S('fdiv s0, s1, s2', FDIV_S, [sInf, 0], RN, sInf),
  S('fdiv s0, s1, s2', FDIV_S, [one, 0x40400000], RN, 0x3eaaaaab, IXC),
  S('fdiv s0, s1, s2', FDIV_S, [one, 0x40400000], RZ, 0x3eaaaaaa, IXC),
  S('fdiv s0, s1, s2', FDIV_S, [one, sInf], RN, 0),
  S('fdiv s0, s1, s2', FDIV_S, [sMax, half], RN, sInf, OFC | IXC),
  // Square root.
  S('fsqrt s0, s1', FSQRT_S, [0x40000000], RN, 0x3fb504f3, IXC),
  S('fsqrt s0, s1', FSQRT_S, [0x40800000], RN, 0x40000000),
  S('fsqrt s0, s1', FSQRT_S, [0x80000000], RN, 0x80000000),
  S('fsqrt s0, s1', FSQRT_S, [0xbf800000], RN, sDN, IOC),
  S('fsqrt s0, s1', FSQRT_S, [0xff800000], RN, sDN, IOC),
  S('fsqrt s0, s1', FSQRT_S, [sInf], RN, sInf),
  S('fsqrt s0, s1', FSQRT_S, [0x00000001], RN, 0x1a3504f3, IXC),
  S('fsqrt s0, s1', FSQRT_S, [0xff800001], RN, 0xffc00001, IOC),
  // Fused multiply-add: 1 * 1 + -1 is an exact zero (-0 towards -infinity).
  S('fmadd s0, s1, s2, s3', FMADD_S, [one, one, 0xbf800000], RN, 0),
  S('fmadd s0, s1, s2, s3', FMADD_S, [one, one, 0xbf800000], RM, 0x80000000),
  // A quiet NaN addend with 0 * inf: the default NaN and Invalid Operation.
  S('fmadd s0, s1, s2, s3', FMADD_S, [0, sInf, 0x7fc00001], RN, sDN, IOC),
  S('fmadd s0, s1, s2, s3', FMADD_S, [one, one, 0x7fc00001], RN, 0x7fc00001),
  // 1 + (1 + 2^-12) * (1 - 2^-12 + 2^-24) * 2^-24 = 1 + 2^-24 + 2^-60: just above the midpoint between
  // 1 and 1 + 2^-23, so it rounds up; rounded to a double first it would be the midpoint itself, and
  // then round to even, down.
  S('fmadd s0, s1, s2, s3', FMADD_S, [0x3f800800, 0x337ff001, one], RN, 0x3f800001, IXC),
  D('fadd d0, d1, d2', FADD_D, [0x3ff0000000000000n, 0x3ca0000000000000n], RN, 0x3ff0000000000000n, IXC),
  D('fadd d0, d1, d2', FADD_D, [0x3ff0000000000000n, 0x3ca0000000000000n], RP, 0x3ff0000000000001n, IXC),
  D('fdiv d0, d1, d2', FDIV_D, [0x3ff0000000000000n, 0x4008000000000000n], RN, 0x3fd5555555555555n, IXC),
  D('fsqrt d0, d1', FSQRT_D, [0x4000000000000000n], RN, 0x3ff6a09e667f3bcdn, IXC),
  // Fused: (1 + 2^-52)^2 - (1 + 2^-51) = 2^-104 exactly (an unfused product would round it away).
  D('fmadd d0, d1, d2, d3', FMADD_D, [0x3ff0000000000001n, 0x3ff0000000000001n, 0xbff0000000000002n], RN, 0x3970000000000000n),
  // 1 + (1 + 2^-19) * (1 - 2^-19 + 2^-38) * 2^-53 = 1 + 2^-53 + 2^-110: just above the midpoint, up.
  D('fmadd d0, d1, d2, d3', FMADD_D, [0x3ff0000200000000n, 0x3c9ffffc00008000n, 0x3ff0000000000000n], RN, 0x3ff0000000000001n, IXC),
  // FNMSUB: -Va + Vn * Vm; FNMADD/FNMSUB negate the addend before NaN selection.
  D('fnmsub d0, d1, d2, d3', FNMSUB_D, [0x4000000000000000n, 0x4008000000000000n, 0x3ff0000000000000n], RN, 0x4014000000000000n),
  D('fnmsub d0, d1, d2, d3', FNMSUB_D, [0x3ff0000000000000n, 0x3ff0000000000000n, 0x7ff8000000000001n], RN, 0xfff8000000000001n),
];

/** V0 holds the result with bits 127:32 or 127:64 cleared; V1-V3 keep the operands. */
function expected(c: Case, fpsrIn = 0n): VState {
  const s = state(c.ops, c.dbl, c.fpcr, fpsrIn);
  return { ...s, v: [c.res, s.v[1], s.v[2], s.v[3]], fpsr: c.fpsr | fpsrIn };
}

describe('hand-checked cases', () => {
  // Each case from FPSR = 0, and again with FPSR.IXC already set (where the native path may apply):
  // the result is the same and the other flags are raised just the same.
  for (const fpsrIn of [0n, IXC]) {
    const tag = fpsrIn ? ', IXC set' : '';
    it.each(cases.map((c, n) => [`${c.asm} #${n}${tag}`, c] as const))('%s', (_, c) => {
      expect(show(runCore(c.word, state(c.ops, c.dbl, c.fpcr, fpsrIn)))).toEqual(show(expected(c, fpsrIn)));
    });
  }
  it.skipIf(!haveBinutils)('encodings agree with aarch64-linux-gnu-as', () => {
    const words = assemble(cases.map((c) => c.asm));
    expect(words.map((w) => w.toString(16))).toEqual(cases.map((c) => (c.word >>> 0).toString(16)));
  });
  it.skipIf(!haveQemu)('expectations agree with qemu-aarch64', () => {
    for (const fpsrIn of [0n, IXC]) {
      const got = runQemu(cases.map((c) => ({ asm: c.asm, states: [state(c.ops, c.dbl, c.fpcr, fpsrIn)] })));
      cases.forEach((c, n) => expect(show(got[n][0]), `${c.asm}, FPSR ${fpsrIn}`).toEqual(show(expected(c, fpsrIn))));
    }
  });
});

describe('unallocated encodings', () => {
  it.each([
    ['fadd h0, h1, h2 (FEAT_FP16)', 0x1ee22820],
    ['fadd with ftype 10', 0x1ea22820],
    ['fnmul h0, h1, h2 (FEAT_FP16)', 0x1ee28820],
    ['two-source opcode 1001', 0x1e229820],
    ['two-source opcode 1111', 0x1e22f820],
    ['fsqrt h0, h1 (FEAT_FP16)', 0x1ee1c020],
    ['fmadd h0, h1, h2, h3 (FEAT_FP16)', 0x1fc20c20],
    ['fmadd with ftype 10', 0x1f820c20],
  ])('%s', (_, word) => expectUndefined(word));
});

// ---- sweep against qemu-aarch64 ----------------------------------------------------------------------------

const sEdges = [
  0, 0x80000000, 1, 0x80000001, 3, 0x007fffff, 0x807fffff, 0x00400000, sNmin, 0x80800000, 0x00800001, 0x00ffffff, 0x01000000,
  sMax, 0xff7fffff, 0x7f000000, 0x7effffff, sInf, 0xff800000, 0x7fc00001, 0xffc12345, 0x7f800001, 0xff812345,
  one, 0xbf800000, 0x3f800001, 0x3fffffff, 0x3f7fffff, 0x40000000, 0x40400000, half, 0x33800000, 0x33800001, 0xb3800000, 0x34000000,
  0x3fc00000, 0x1f800000, 0x5f800000, 0x20000000,
].map((w) => BigInt(w >>> 0));
const dEdges = [
  0n, 1n << 63n, 1n, (1n << 63n) | 1n, 3n, 0x000fffffffffffffn, 0x800fffffffffffffn, 0x0008000000000000n, 0x0010000000000000n, 0x8010000000000000n,
  0x0010000000000001n, 0x001fffffffffffffn, 0x0020000000000000n, 0x7fefffffffffffffn, 0xffefffffffffffffn, 0x7fe0000000000000n, 0x7fdfffffffffffffn,
  0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000123n, 0xfff8000000000456n, 0x7ff0000000000789n, 0xfff000000000abcdn,
  0x3ff0000000000000n, 0xbff0000000000000n, 0x3ff0000000000001n, 0x3fffffffffffffffn, 0x3fefffffffffffffn, 0x4000000000000000n,
  0x4008000000000000n, 0x3fe0000000000000n, 0x3ca0000000000000n, 0x3ca0000000000001n, 0xbca0000000000000n, 0x3cb0000000000000n,
  0x3ff8000000000000n, 0x1ff0000000000000n, 0x5ff0000000000000n, 0x2000000000000000n,
];

const RMODES = [RN, RP, RM, RZ];
const FPCRS = RMODES.flatMap((r) => [r, r | FZ, r | DN, r | FZ | DN]);

interface Form {
  asm: string;
  arity: number;
  dbl: boolean;
}
function forms(): Form[] {
  const f: Form[] = [];
  for (const dbl of [false, true]) {
    const p = dbl ? 'd' : 's';
    for (const op of ['fadd', 'fsub', 'fmul', 'fnmul', 'fdiv']) f.push({ asm: `${op} ${p}0, ${p}1, ${p}2`, arity: 2, dbl });
    f.push({ asm: `fsqrt ${p}0, ${p}1`, arity: 1, dbl });
    for (const op of ['fmadd', 'fmsub', 'fnmadd', 'fnmsub']) f.push({ asm: `${op} ${p}0, ${p}1, ${p}2, ${p}3`, arity: 3, dbl });
  }
  return f;
}

/** Random operands per form; FP_ARITH_RANDOM=<n> (and FP_ARITH_SEED=<n>) run a longer sweep by hand. */
const RANDOM = Number(process.env.FP_ARITH_RANDOM ?? 400);

/**
 * One form's inputs under every FPCR: all pairs of edge operands (one-source: each edge) plus random
 * ones; for the fused forms random triples of edge and random operands, a third of them with an addend
 * that nearly cancels the product (the host's rounded -(a * b), nudged by a few ulps).
 */
function sweepStates(f: Form, next: () => number): VState[] {
  const edges = f.dbl ? dEdges : sEdges;
  const ops: bigint[][] = [];
  if (f.arity === 1) {
    for (const a of edges) ops.push([a]);
    for (let k = 0; k < RANDOM; k++) ops.push([randomFp(next, f.dbl)]);
  } else if (f.arity === 2) {
    for (const a of edges) for (const b of edges) ops.push([a, b]);
    for (let k = 0; k < RANDOM; k++) {
      const a = randomFp(next, f.dbl);
      ops.push([a, randomFp(next, f.dbl, a)]);
    }
  } else {
    for (let k = 0; k < 3 * RANDOM; k++) {
      const pick = (): bigint => (next() & 1 ? edges[next() % edges.length] : randomFp(next, f.dbl));
      const a = pick();
      const b = pick();
      let c = pick();
      if (next() % 3 === 0) {
        // An addend that nearly cancels the product: -(a * b) rounded by the host, maybe nudged.
        const buf = Buffer.alloc(8);
        let prod: number;
        if (f.dbl) {
          buf.writeBigUInt64LE(a);
          const x = buf.readDoubleLE(0);
          buf.writeBigUInt64LE(b);
          prod = x * buf.readDoubleLE(0);
          buf.writeDoubleLE(-prod);
          c = buf.readBigUInt64LE(0);
        } else {
          buf.writeUInt32LE(Number(a));
          const x = buf.readFloatLE(0);
          buf.writeUInt32LE(Number(b));
          prod = Math.fround(x * buf.readFloatLE(0));
          buf.writeFloatLE(-prod);
          c = BigInt(buf.readUInt32LE(0));
        }
        c = (c + BigInt((next() % 5) - 2)) & (f.dbl ? M64 : 0xffffffffn);
      }
      ops.push([a, b, c]);
    }
  }
  const states: VState[] = [];
  let n = 0;
  for (const fpcr of FPCRS)
    for (const ixc of [0n, IXC])
      for (const o of ops) {
        // FPSR starts with IDC now and then, so cumulative flags must be kept; every operand set runs
        // with IXC clear and with IXC set (which lets the native path apply).
        states.push(state(o, f.dbl, fpcr, ixc | (n++ % 7 === 0 ? IDC : 0n)));
      }
  return states;
}

describe.skipIf(!haveQemu)('sweep against qemu-aarch64', () => {
  const all = forms();
  const next = xorshift32(Number(process.env.FP_ARITH_SEED ?? 0xf10a7));
  const groups = all.map((f) => ({ asm: f.asm, word: 0, states: sweepStates(f, next) }));
  let want: VState[][] = [];
  beforeAll(() => {
    assemble(all.map((f) => f.asm)).forEach((w, k) => (groups[k].word = w));
    want = runQemu(groups);
  }, 300_000);
  it.each(all.map((f, k) => [f.asm, k] as const))('%s: edge and random operands under all 16 FPCR modes', (_, k) => {
    expect(diffCore([groups[k]], [want[k]]).slice(0, 12)).toEqual([]);
    expect(groups[k].states.length).toBeGreaterThan(5000);
  }, 120_000);
});

// ---- random encodings against qemu-aarch64 ----------------------------------------------------------------

describe.skipIf(!haveQemu)('random encodings against qemu-aarch64', () => {
  // Every encoding this group claims, with random register fields in V0-V3 (so the destination and
  // the sources alias often), on registers holding edge and random values of either precision.
  it('every claimed pattern, 60 random words each', () => {
    const next = xorshift32(0xa11a5);
    const entries = A64_TABLE.filter((e) => e.group === 'fp_arith' && !e.unalloc && !e.unimpl);
    expect(entries.map((e) => e.name).sort()).toEqual(
      ['FADD_s', 'FDIV_s', 'FMADD', 'FMSUB', 'FMUL_s', 'FNMADD', 'FNMSUB', 'FNMUL_s', 'FSQRT_s', 'FSUB_s'],
    );
    const groups: { asm: string; word: number; states: VState[] }[] = [];
    for (const e of entries) {
      for (let k = 0; k < 60; ) {
        let w = (e.value | (next() & ~e.mask)) >>> 0;
        for (const f of e.fields) if (/^r[dnma]$/.test(f.name)) w = ((w & ~(31 << f.lsb)) | ((next() & 3) << f.lsb)) >>> 0;
        if (A64_TABLE.find((t) => ((w & t.mask) >>> 0) === t.value) !== e) continue;
        k++;
        const v = [0, 1, 2, 3].map(() => {
          const dbl = (next() & 1) === 1;
          const edges = dbl ? dEdges : sEdges;
          const lanes = Array.from({ length: dbl ? 2 : 4 }, () => (next() & 1 ? edges[next() % edges.length] : randomFp(next, dbl)));
          return pack(dbl ? 64 : 32, lanes);
        });
        const fpsr = (next() & 1 ? IDC : 0n) | (next() & 1 ? IXC : 0n);
        groups.push({ asm: `.inst 0x${w.toString(16)}`, word: w, states: [vstate({ v, fpcr: FPCRS[next() & 15], fpsr })] });
      }
    }
    expect(diffCore(groups, runQemu(groups)).slice(0, 12)).toEqual([]);
  }, 120_000);
});

describe('SIMD&FP access trap', () => {
  it('CPACR_EL1.FPEN = 00 traps these instructions with EC 0x07', () => expectFpTrap([FADD_S, FSQRT_D, FMADD_S]));
});

// ---- the native path against the exact path ------------------------------------------------------------

/**
 * The core's native fast path (RN, FPSR.IXC already set) must give the exact path's results
 * and flags. The exact path is the one the sweeps check against qemu-aarch64; here both run on the
 * core from the same operands, once with FPSR = 0 (always exact) and once with IXC set, over many more
 * ordinary operands than the sweeps hold: the values the fast path takes, with ties, cancellations and
 * exponents at the edges of its ranges. FP_NATIVE_RANDOM=<n> runs a longer comparison by hand.
 */
describe('native path against the exact path', () => {
  const NATIVE_RANDOM = Number(process.env.FP_NATIVE_RANDOM ?? 2500);
  const singleWords: [string, number, number][] = [
    ['fadd', 0x1e222820, 2], ['fsub', 0x1e223820, 2], ['fmul', 0x1e220820, 2], ['fnmul', 0x1e228820, 2], ['fdiv', 0x1e221820, 2],
    ['fsqrt', 0x1e21c020, 1], ['fmadd', 0x1f020c20, 3], ['fmsub', 0x1f028c20, 3], ['fnmadd', 0x1f220c20, 3], ['fnmsub', 0x1f228c20, 3],
  ];
  for (const dbl of [false, true]) {
    for (const [op, sWord, arity] of singleWords) {
      const word = dbl ? sWord | 0x00400000 : sWord;
      it(`${op} ${dbl ? 'd' : 's'}: ${NATIVE_RANDOM} operand sets, RN with FZ and DN`, () => {
        const next = xorshift32(0x7a71e + word);
        const bad: string[] = [];
        for (let k = 0; k < NATIVE_RANDOM; k++) {
          // Now and then an edge or random operand (a denormal, which FZ flushes, or a special value).
          const ops = ordinaryOperands(next, dbl, arity).map((x) => (next() % 16 === 0 ? randomFp(next, dbl) : x));
          const fpcr = [RN, DN, FZ, FZ | DN][k & 3];
          const exact = runCore(word, state(ops, dbl, fpcr, 0n));
          const native = runCore(word, state(ops, dbl, fpcr, IXC));
          if (native.v[0] !== exact.v[0] || native.fpsr !== (exact.fpsr | IXC)) {
            const hex = (x: bigint): string => x.toString(16);
            bad.push(`${ops.map(hex).join(' ')}: ${hex(native.v[0])} fpsr ${hex(native.fpsr)}, exact ${hex(exact.v[0])} fpsr ${hex(exact.fpsr)}`);
          }
        }
        expect(bad.slice(0, 8)).toEqual([]);
      }, 60_000);
    }
  }
});
