// AdvSIMD floating-point arithmetic (src/core/exec/simd_fp.ts on src/core/softfloat.ts): vector FADD,
// FSUB, FMUL, FDIV, FMLA, FMLS, FABD, FADDP, FMULX, FRECPS, FRSQRTS (2S/4S/2D), their scalar forms
// (FABD, FMULX, FRECPS, FRSQRTS, pairwise FADDP) and the by-element FMUL, FMLA, FMLS, FMULX.
//
// Hand-checked cases pin the lane plumbing and the special rules (FMULX's 0 * inf = +-2, the step
// functions' fused rounding and their 0 * inf results, FABD clearing a NaN's sign, FMLS negating
// before NaN selection, FADDP's pair order), their encodings checked against aarch64-linux-gnu-as and
// their expectations against qemu-aarch64. When qemu-aarch64 is installed, a sweep runs every form on
// all pairs of edge operands (packed into lanes) and on random ones under all 16 FPCR combinations of
// RMode, FZ and DN on the core and on qemu-aarch64 -cpu cortex-a57, comparing V0-V3, NZCV and FPSR.
//
// The core computes with native f32/f64 arithmetic where that is provably exact (RN, FPSR.IXC already
// set, no operand that FZ would flush, a normal or exact-zero result: see src/core/softfloat.ts), a
// whole vector at once when every lane qualifies, so every hand-checked case and every sweep state
// also runs with FPSR.IXC set beforehand, and a last test compares the native and the exact path on
// the core itself.
import { describe, it, expect, beforeAll } from 'vitest';
import { A64_TABLE } from '../../src/core/generated/table';
import { haveBinutils, haveQemu, assemble } from '../helpers/cross';
import {
  useVCore, vcore, vstate, runCore, runQemu, diffCore, show, expectUndefined, expectFpTrap, pack, xorshift32, randomFp,
  ordinaryOperands,
  M64, FZ, DN, RN, RP, RM, RZ, IOC, DZC, OFC, IXC, IDC, type VState,
} from '../helpers/vcases';

useVCore();

// ---- hand-checked cases ----------------------------------------------------------------------------

interface Case {
  asm: string;
  word: number;
  v: bigint[]; // V0-V3 before
  fpcr: bigint;
  res: bigint; // V0 after
  fpsr: bigint;
}
const S4 = (...l: number[]): bigint => pack(32, l);
const D2 = (...l: bigint[]): bigint => pack(64, l);

const one = 0x3f800000;
const two = 0x40000000;
const sInf = 0x7f800000;
const sDN = 0x7fc00000;
const dOne = 0x3ff0000000000000n;
const dTwo = 0x4000000000000000n;
const dInf = 0x7ff0000000000000n;
const JUNK = 0xdeadbeefcafef00d_0badf00dfeedfacen;

const cases: Case[] = [
  // Lanes are independent; flags from every lane accumulate (IXC from lane 1, DZC from lane 2).
  { asm: 'fdiv v0.4s, v1.4s, v2.4s', word: 0x6e22fc20, v: [JUNK, S4(one, one, one, 0x40c00000), S4(two, 0x40400000, 0, 0x40400000), JUNK], fpcr: RN, res: S4(0x3f000000, 0x3eaaaaab, sInf, two), fpsr: IXC | DZC },
  // Q = 0: the top half of V0 is cleared.
  { asm: 'fadd v0.2s, v1.2s, v2.2s', word: 0x0e22d420, v: [JUNK, S4(one, two, 5, 6), S4(one, two, 7, 8), JUNK], fpcr: RN, res: S4(two, 0x40800000, 0, 0), fpsr: 0n },
  { asm: 'fsub v0.2d, v1.2d, v2.2d', word: 0x4ee2d420, v: [JUNK, D2(dOne, dInf), D2(dOne, dInf), JUNK], fpcr: RM, res: D2(1n << 63n, 0x7ff8000000000000n), fpsr: IOC },
  // FABD clears the sign of a NaN result too.
  { asm: 'fabd v0.4s, v1.4s, v2.4s', word: 0x6ea2d420, v: [JUNK, S4(one, 0xffc00001, two, 0), S4(two, one, one, 0x80000000), JUNK], fpcr: RN, res: S4(one, 0x7fc00001, one, 0), fpsr: 0n },
  // FMULX: 0 * inf is 2.0 with the product's sign and no Invalid Operation.
  { asm: 'fmulx v0.4s, v1.4s, v2.4s', word: 0x4e22dc20, v: [JUNK, S4(0, 0x80000000, sInf, two), S4(sInf, sInf, 0x80000000, 0x40400000), JUNK], fpcr: RN, res: S4(two, 0xc0000000, 0xc0000000, 0x40c00000), fpsr: 0n },
  { asm: 'fmul v0.4s, v1.4s, v2.4s', word: 0x6e22dc20, v: [JUNK, S4(0, one, one, one), S4(sInf, one, one, one), JUNK], fpcr: RN, res: S4(sDN, one, one, one), fpsr: IOC },
  // FMLA/FMLS accumulate into V0 with one rounding; FMLS negates Vn (a NaN in Vn changes sign).
  { asm: 'fmla v0.2d, v1.2d, v2.2d', word: 0x4e62cc20, v: [D2(0xbff0000000000002n, dOne), D2(0x3ff0000000000001n, dTwo), D2(0x3ff0000000000001n, dTwo), JUNK], fpcr: RN, res: D2(0x3970000000000000n, 0x4014000000000000n), fpsr: 0n },
  { asm: 'fmls v0.4s, v1.4s, v2.4s', word: 0x4ea2cc20, v: [S4(0x40a00000, 0, 0, 0), S4(two, 0x7fc00001, 0, 0), S4(two, one, 0, 0), JUNK], fpcr: RN, res: S4(one, 0xffc00001, 0, 0), fpsr: 0n },
  // FADDP: Vn's pairs in the low half, Vm's in the high half.
  { asm: 'faddp v0.4s, v1.4s, v2.4s', word: 0x6e22d420, v: [JUNK, S4(one, one, two, two), S4(0x40400000, one, 0x40a00000, 0x40a00000), JUNK], fpcr: RN, res: S4(two, 0x40800000, 0x40800000, 0x41200000), fpsr: 0n },
  { asm: 'faddp s0, v1.2s', word: 0x7e30d820, v: [JUNK, S4(one, two, 0x7f800001, 0), JUNK, JUNK], fpcr: RN, res: 0x40400000n, fpsr: 0n },
  { asm: 'faddp d0, v1.2d', word: 0x7e70d820, v: [JUNK, D2(dOne, 0x7ff0000000000001n), JUNK, JUNK], fpcr: DN, res: 0x7ff8000000000000n, fpsr: IOC },
  // FRECPS: 2 - a * b fused (lane 0: 2 - 1.00000003 is a tie, to even 1.0); 0 * inf gives +2.0 without
  // IOC; a NaN Vn comes out negated; an exact zero is -0 when rounding towards -infinity.
  { asm: 'frecps v0.4s, v1.4s, v2.4s', word: 0x4e22fc20, v: [JUNK, S4(0x3fc00000, 0x80000000, 0x7fc00001, one), S4(0x3f2aaaab, sInf, one, one), JUNK], fpcr: RN, res: S4(one, two, 0xffc00001, one), fpsr: IXC },
  { asm: 'frecps s0, s1, s2', word: 0x5e22fc20, v: [JUNK, S4(one, 1, 2, 3), S4(two, 4, 5, 6), JUNK], fpcr: RM, res: 0x80000000n, fpsr: 0n },
  // FRSQRTS: (3 - a * b) / 2 fused; 0 * inf gives 1.5; the halved value does not overflow.
  { asm: 'frsqrts v0.4s, v1.4s, v2.4s', word: 0x4ea2fc20, v: [JUNK, S4(one, 0, 0xff7fffff, 0x40400000), S4(one, sInf, two, one), JUNK], fpcr: RN, res: S4(one, 0x3fc00000, 0x7f7fffff, 0), fpsr: IXC },
  { asm: 'frsqrts d0, d1, d2', word: 0x5ee2fc20, v: [JUNK, D2(dTwo, 5n), D2(dOne, 6n), JUNK], fpcr: RN, res: 0x3fe0000000000000n, fpsr: 0n },
  { asm: 'fabd s0, s1, s2', word: 0x7ea2d420, v: [JUNK, S4(one, 9, 9, 9), S4(0x40400000, 9, 9, 9), JUNK], fpcr: RN, res: BigInt(two), fpsr: 0n },
  { asm: 'fmulx d0, d1, d2', word: 0x5e62dc20, v: [JUNK, D2(1n << 63n, 7n), D2(dInf, 8n), JUNK], fpcr: RN, res: 0xc000000000000000n, fpsr: 0n },
  // By element: the indexed lane of Vm for every lane of Vn.
  { asm: 'fmul v0.4s, v1.4s, v2.s[3]', word: 0x4fa29820, v: [JUNK, S4(one, two, 0x40400000, 0x40800000), S4(0, 0, 0, 0x40400000), JUNK], fpcr: RN, res: S4(0x40400000, 0x40c00000, 0x41100000, 0x41400000), fpsr: 0n },
  { asm: 'fmla v0.2s, v1.2s, v2.s[2]', word: 0x0f821820, v: [S4(one, one, 7, 7), S4(one, two, 7, 7), S4(0, 0, two, 0), JUNK], fpcr: RN, res: S4(0x40400000, 0x40a00000, 0, 0), fpsr: 0n },
  { asm: 'fmls v0.2d, v1.2d, v2.d[1]', word: 0x4fc25820, v: [D2(dTwo, dTwo), D2(dOne, dTwo), D2(0n, dOne), JUNK], fpcr: RN, res: D2(dOne, 0n), fpsr: 0n },
  { asm: 'fmulx v0.2s, v1.2s, v2.s[1]', word: 0x2fa29020, v: [JUNK, S4(0, 0x80000000, 1, 1), S4(0, sInf, 0, 0), JUNK], fpcr: RN, res: S4(two, 0xc0000000, 0, 0), fpsr: 0n },
  { asm: 'fmul s0, s1, v2.s[1]', word: 0x5fa29020, v: [JUNK, S4(0x00000001, 5, 5, 5), S4(0, one, 0, 0), JUNK], fpcr: FZ, res: 0n, fpsr: IDC },
  { asm: 'fmla d0, d1, v2.d[1]', word: 0x5fc21820, v: [D2(dOne, 9n), D2(dTwo, 9n), D2(0n, dTwo), JUNK], fpcr: RN, res: 0x4014000000000000n, fpsr: 0n },
  { asm: 'fmulx d0, d1, v2.d[1]', word: 0x7fc29820, v: [JUNK, D2(dInf, 9n), D2(dOne, 0n), JUNK], fpcr: RN, res: 0x4000000000000000n, fpsr: 0n },
  // Overflow per lane under directed rounding.
  { asm: 'fadd v0.4s, v1.4s, v2.4s', word: 0x4e22d420, v: [JUNK, S4(0x7f7fffff, 0xff7fffff, one, one), S4(0x7f7fffff, 0xff7fffff, one, one), JUNK], fpcr: RZ, res: S4(0x7f7fffff, 0xff7fffff, two, two), fpsr: OFC | IXC },
  { asm: 'fadd v0.4s, v1.4s, v2.4s', word: 0x4e22d420, v: [JUNK, S4(one, 0xbf800000, one, one), S4(0x33800000, 0xb3800000, 0, 0), JUNK], fpcr: RP, res: S4(0x3f800001, 0xbf800000, one, one), fpsr: IXC },
];

/** Before a case: its V0-V3 and FPCR, FPSR as given (normally zero) and NZCV zero. */
const before = (c: Case, fpsrIn = 0n): VState => vstate({ v: c.v, fpcr: c.fpcr, fpsr: fpsrIn });
/** After it: the result in V0, the rest unchanged. */
const expected = (c: Case, fpsrIn = 0n): VState => ({ ...before(c, fpsrIn), v: [c.res, c.v[1], c.v[2], c.v[3]], fpsr: c.fpsr | fpsrIn });

describe('hand-checked cases', () => {
  // Each case from FPSR = 0, and again with FPSR.IXC already set (where the native path may apply).
  for (const fpsrIn of [0n, IXC]) {
    const tag = fpsrIn ? ', IXC set' : '';
    it.each(cases.map((c, n) => [`${c.asm} #${n}${tag}`, c] as const))('%s', (_, c) => {
      expect(show(runCore(c.word, before(c, fpsrIn)))).toEqual(show(expected(c, fpsrIn)));
    });
  }
  it.skipIf(!haveBinutils)('encodings agree with aarch64-linux-gnu-as', () => {
    const words = assemble(cases.map((c) => c.asm));
    expect(words.map((w) => w.toString(16))).toEqual(cases.map((c) => (c.word >>> 0).toString(16)));
  });
  it.skipIf(!haveQemu)('expectations agree with qemu-aarch64', () => {
    for (const fpsrIn of [0n, IXC]) {
      const got = runQemu(cases.map((c) => ({ asm: c.asm, states: [before(c, fpsrIn)] })));
      cases.forEach((c, n) => expect(show(got[n][0]), `${c.asm}, FPSR ${fpsrIn}`).toEqual(show(expected(c, fpsrIn))));
    }
  });
  it('Rm = M:Rm reaches V16-V31 in the by-element forms', () => {
    // fmla v0.4s, v1.4s, v17.s[3]
    vcore().setV(17, S4(0, 0, 0, two));
    const out = runCore(0x4fb11820, vstate({ v: [S4(one, one, one, one), S4(one, two, one, two), 0n, 0n], fpcr: RN }));
    expect(out.v[0]).toBe(S4(0x40400000, 0x40a00000, 0x40400000, 0x40a00000));
  });
});

describe('unallocated encodings', () => {
  it.each([
    ['fadd 1D (sz:Q = 10)', 0x0e62d420],
    ['fmla 1D', 0x0e62cc20],
    ['faddp 1D', 0x2e62d420],
    ['three same U=0 a=0 opcode 11101', 0x0e22ec20],
    ['three same U=0 a=1 opcode 11011', 0x0ea2dc20],
    ['three same U=1 a=0 opcode 11001', 0x2e22cc20],
    ['three same U=1 a=1 opcode 11111', 0x2ea2fc20],
    ['scalar three same fadd-like opcode 11010 U=0', 0x5e22d420],
    ['scalar three same U=1 a=1 opcode 11011', 0x7ea2dc20],
    ['scalar pairwise U=0 (FP16 faddp)', 0x5e30d820],
    ['scalar pairwise U=1 a=1 opcode 01101', 0x7eb0d820],
    ['fmul by element, size 01', 0x4f629820],
    ['fmul by element, size 00 (FP16)', 0x4f229820],
    ['fmul by element, sz:L = 11', 0x4fe29820],
    ['fmul by element, 1D', 0x0fc29820],
    ['U=1 opcode 0001 by element', 0x6f821020],
    ['scalar fmul by element, sz:L = 11', 0x5fe29020],
    ['scalar U=1 opcode 0101 by element', 0x7f825020],
  ])('%s', (_, word) => expectUndefined(word));
});

// ---- sweep against qemu-aarch64 ----------------------------------------------------------------------------

const sEdges = [
  0, 0x80000000, 1, 0x80000001, 3, 0x007fffff, 0x807fffff, 0x00400000, 0x00800000, 0x80800000, 0x00800001, 0x00ffffff, 0x01000000,
  0x7f7fffff, 0xff7fffff, 0x7f000000, 0x7effffff, sInf, 0xff800000, 0x7fc00001, 0xffc12345, 0x7f800001, 0xff812345,
  one, 0xbf800000, 0x3f800001, 0x3fffffff, 0x3f7fffff, two, 0x40400000, 0x3f000000, 0x33800000, 0x33800001, 0xb3800000,
  0x3fc00000, 0x1f800000, 0x5f800000, 0xc0400000, 0xbfc00000,
].map((w) => BigInt(w >>> 0));
const dEdges = [
  0n, 1n << 63n, 1n, (1n << 63n) | 1n, 3n, 0x000fffffffffffffn, 0x800fffffffffffffn, 0x0008000000000000n, 0x0010000000000000n, 0x8010000000000000n,
  0x0010000000000001n, 0x001fffffffffffffn, 0x0020000000000000n, 0x7fefffffffffffffn, 0xffefffffffffffffn, 0x7fe0000000000000n, 0x7fdfffffffffffffn,
  dInf, 0xfff0000000000000n, 0x7ff8000000000123n, 0xfff8000000000456n, 0x7ff0000000000789n, 0xfff000000000abcdn,
  dOne, 0xbff0000000000000n, 0x3ff0000000000001n, 0x3fffffffffffffffn, 0x3fefffffffffffffn, dTwo,
  0x4008000000000000n, 0x3fe0000000000000n, 0x3ca0000000000000n, 0x3ca0000000000001n, 0xbca0000000000000n,
  0x3ff8000000000000n, 0x1ff0000000000000n, 0x5ff0000000000000n, 0xc008000000000000n, 0xbff8000000000000n,
];

/** A reciprocal (step) operand pair: b near 1/a or 1/a^2 from the host, so 2 - a*b and 3 - a*b cancel. */
function stepPartner(a: bigint, dbl: boolean, sq: boolean, next: () => number): bigint {
  const buf = Buffer.alloc(8);
  let x: number;
  if (dbl) {
    buf.writeBigUInt64LE(a);
    x = buf.readDoubleLE(0);
  } else {
    buf.writeUInt32LE(Number(a));
    x = buf.readFloatLE(0);
  }
  const y = sq ? 3 / (x * x) : 2 / x;
  let b: bigint;
  if (dbl) {
    buf.writeDoubleLE(y);
    b = buf.readBigUInt64LE(0);
  } else {
    buf.writeFloatLE(y);
    b = BigInt(buf.readUInt32LE(0));
  }
  return (b + BigInt((next() % 5) - 2)) & (dbl ? M64 : 0xffffffffn);
}

const RMODES = [RN, RP, RM, RZ];
const FPCRS = RMODES.flatMap((r) => [r, r | FZ, r | DN, r | FZ | DN]);

interface Form {
  asm: string;
  dbl: boolean;
  lanes: number; // lanes of operand pairs each state holds
  layout: 'vec' | 'pair' | 'elem' | 'scalar' | 'scpair';
  index: number; // the indexed element (elem forms)
  op: string;
}
function forms(): Form[] {
  const f: Form[] = [];
  const vops = ['fadd', 'fsub', 'fmul', 'fdiv', 'fabd', 'fmulx', 'frecps', 'frsqrts', 'fmla', 'fmls'];
  for (const [arr, dbl, lanes] of [['2s', false, 2], ['4s', false, 4], ['2d', true, 2]] as const) {
    for (const op of vops) f.push({ asm: `${op} v0.${arr}, v1.${arr}, v2.${arr}`, dbl, lanes, layout: 'vec', index: 0, op });
    f.push({ asm: `faddp v0.${arr}, v1.${arr}, v2.${arr}`, dbl, lanes, layout: 'pair', index: 0, op: 'faddp' });
    for (const op of ['fmul', 'fmla', 'fmls', 'fmulx']) {
      const index = dbl ? 1 : arr === '2s' ? 2 : 3;
      f.push({ asm: `${op} v0.${arr}, v1.${arr}, v2.${dbl ? 'd' : 's'}[${index}]`, dbl, lanes, layout: 'elem', index, op });
    }
  }
  for (const dbl of [false, true]) {
    const p = dbl ? 'd' : 's';
    for (const op of ['fabd', 'fmulx', 'frecps', 'frsqrts']) f.push({ asm: `${op} ${p}0, ${p}1, ${p}2`, dbl, lanes: 1, layout: 'scalar', index: 0, op });
    f.push({ asm: `faddp ${p}0, v1.2${p}`, dbl, lanes: 1, layout: 'scpair', index: 0, op: 'faddp' });
    for (const op of ['fmul', 'fmla', 'fmls', 'fmulx']) {
      // (the random-encoding test below covers the other index values)
      f.push({ asm: `${op} ${p}0, ${p}1, v2.${p}[1]`, dbl, lanes: 1, layout: 'elem', index: 1, op });
    }
  }
  return f;
}

const RANDOM = Number(process.env.SIMD_FP_RANDOM ?? 300);

/**
 * A form's states under every FPCR: all pairs of edge operands, then random pairs (a third of them
 * near-cancelling for the step functions), with a random or edge accumulator in V0, packed into lanes.
 */
function sweepStates(f: Form, next: () => number): VState[] {
  const edges = f.dbl ? dEdges : sEdges;
  const bits = f.dbl ? 64 : 32;
  const pick = (): bigint => (next() & 1 ? edges[next() % edges.length] : randomFp(next, f.dbl));
  const triples: bigint[][] = [];
  for (const a of edges) for (const b of edges) triples.push([a, b, pick()]);
  for (let k = 0; k < RANDOM; k++) {
    const a = randomFp(next, f.dbl);
    let b = randomFp(next, f.dbl, a);
    if ((f.op === 'frecps' || f.op === 'frsqrts') && next() % 3 === 0) b = stepPartner(a, f.dbl, f.op === 'frsqrts', next);
    triples.push([a, b, pick()]);
  }
  const regs: bigint[][] = [];
  const laneCount = f.dbl ? 2 : 4;
  if (f.layout === 'elem') {
    // One Vm element for all lanes of a state: group triples sharing b in lanes.
    for (let k = 0; k < triples.length; k += f.lanes) {
      const group = triples.slice(k, k + f.lanes);
      const vm = Array.from({ length: laneCount }, () => pick());
      vm[f.index] = group[0][1];
      const ns = Array.from({ length: laneCount }, (_, n) => (n < group.length ? group[n][0] : pick()));
      const ds = Array.from({ length: laneCount }, (_, n) => (n < group.length ? group[n][2] : pick()));
      regs.push([pack(bits, ds), pack(bits, ns), pack(bits, vm)]);
    }
  } else if (f.layout === 'scpair') {
    for (const t of triples) regs.push([pack(bits, [t[2], t[2]]), pack(bits, [t[0], t[1], pick(), pick()].slice(0, laneCount)), 0n]);
  } else if (f.layout === 'pair') {
    // Pairs (a, b) sit in adjacent lanes of Vn and Vm.
    const per = f.lanes; // pairs per state: half from Vn, half from Vm
    for (let k = 0; k < triples.length; k += per) {
      const group = triples.slice(k, k + per);
      const flat = group.flatMap((t) => [t[0], t[1]]);
      while (flat.length < 2 * f.lanes) flat.push(pick());
      const vn = flat.slice(0, f.lanes);
      const vm = flat.slice(f.lanes, 2 * f.lanes);
      while (vn.length < laneCount) vn.push(pick());
      while (vm.length < laneCount) vm.push(pick());
      regs.push([pack(bits, Array.from({ length: laneCount }, () => pick())), pack(bits, vn), pack(bits, vm)]);
    }
  } else {
    for (let k = 0; k < triples.length; k += f.lanes) {
      const group = triples.slice(k, k + f.lanes);
      const col = (j: number): bigint[] => Array.from({ length: laneCount }, (_, n) => (n < group.length ? group[n][j] : pick()));
      regs.push([pack(bits, col(2)), pack(bits, col(0)), pack(bits, col(1))]);
    }
  }
  const states: VState[] = [];
  let n = 0;
  // FPSR starts with IDC now and then, so cumulative flags must be kept; every state runs with IXC
  // clear and with IXC set (which lets the native path apply).
  for (const fpcr of FPCRS)
    for (const ixc of [0n, IXC])
      for (const r of regs) {
        const fpsr = ixc | (n++ % 7 === 0 ? IDC : 0n);
        states.push(vstate({ v: [r[0], r[1], r[2], 0x0123456789abcdef_fedcba9876543210n], fpcr, fpsr }));
      }
  return states;
}

describe.skipIf(!haveQemu)('sweep against qemu-aarch64', () => {
  const all = forms();
  const next = xorshift32(Number(process.env.SIMD_FP_SEED ?? 0x51d0f9));
  const groups = all.map((f) => ({ asm: f.asm, word: 0, states: sweepStates(f, next) }));
  let want: VState[][] = [];
  beforeAll(() => {
    assemble(all.map((f) => f.asm)).forEach((w, k) => (groups[k].word = w));
    want = runQemu(groups);
  }, 300_000);
  it.each(all.map((f, k) => [f.asm, k] as const))('%s: edge and random operands under all 16 FPCR modes', (_, k) => {
    expect(diffCore([groups[k]], [want[k]]).slice(0, 8)).toEqual([]);
    expect(groups[k].states.length).toBeGreaterThan(5000);
  }, 120_000);
});

// ---- random encodings against qemu-aarch64 ----------------------------------------------------------------

const CLAIMED = [
  'FABD_sc', 'FABD_v', 'FADDP_sc', 'FADDP_v', 'FADD_v', 'FDIV_v', 'FMLA_se', 'FMLA_v', 'FMLA_ve', 'FMLS_se', 'FMLS_v', 'FMLS_ve',
  'FMULX_sc', 'FMULX_se', 'FMULX_v', 'FMULX_ve', 'FMUL_se', 'FMUL_v', 'FMUL_ve', 'FRECPS_sc', 'FRECPS_v', 'FRSQRTS_sc', 'FRSQRTS_v', 'FSUB_v',
];

describe.skipIf(!haveQemu)('random encodings against qemu-aarch64', () => {
  it('every claimed pattern, 60 random words each', () => {
    const next = xorshift32(0x5f0e1);
    const entries = A64_TABLE.filter((e) => e.group === 'simd_fp' && !e.unalloc && !e.unimpl);
    expect(entries.map((e) => e.name).sort()).toEqual([...CLAIMED].sort());
    const groups: { asm: string; word: number; states: VState[] }[] = [];
    for (const e of entries) {
      for (let k = 0; k < 60; ) {
        let w = (e.value | (next() & ~e.mask)) >>> 0;
        // Registers V0-V3 only, so sources and destination alias often.
        for (const f of e.fields) if (/^r[dnm]$/.test(f.name)) w = ((w & ~(31 << f.lsb)) | ((next() & 3) << f.lsb)) >>> 0;
        if (A64_TABLE.find((t) => ((w & t.mask) >>> 0) === t.value) !== e) continue;
        k++;
        const v = [0, 1, 2, 3].map(() => {
          const dbl = (next() & 1) === 1;
          const edges = dbl ? dEdges : sEdges;
          return pack(dbl ? 64 : 32, Array.from({ length: dbl ? 2 : 4 }, () => (next() & 1 ? edges[next() % edges.length] : randomFp(next, dbl))));
        });
        const fpsr = (next() & 1 ? IDC : 0n) | (next() & 1 ? IXC : 0n);
        groups.push({ asm: `.inst 0x${w.toString(16)}`, word: w, states: [vstate({ v, fpcr: FPCRS[next() & 15], fpsr })] });
      }
    }
    expect(diffCore(groups, runQemu(groups)).slice(0, 12)).toEqual([]);
  }, 120_000);
});

// ---- the native path against the exact path ------------------------------------------------------------

/**
 * As in fp_arith.test.ts: each state runs on the core with FPSR = 0 (the exact path, lane by lane) and
 * with FPSR.IXC set (the native path, a vector at a time where every lane qualifies), which must agree.
 * Lanes hold ordinary operands, and now and then an edge or random one, which sends that vector lane
 * by lane. SIMD_FP_NATIVE_RANDOM=<n> runs a longer comparison by hand.
 */
describe('native path against the exact path', () => {
  const NATIVE_RANDOM = Number(process.env.SIMD_FP_NATIVE_RANDOM ?? 1000);
  const words: [string, number][] = [
    ['fadd v0.2s, v1.2s, v2.2s', 0x0e22d420], ['fsub v0.2s, v1.2s, v2.2s', 0x0ea2d420], ['fmul v0.2s, v1.2s, v2.2s', 0x2e22dc20],
    ['fmulx v0.2s, v1.2s, v2.2s', 0x0e22dc20], ['fdiv v0.2s, v1.2s, v2.2s', 0x2e22fc20], ['fmla v0.2s, v1.2s, v2.2s', 0x0e22cc20],
    ['fmls v0.2s, v1.2s, v2.2s', 0x0ea2cc20], ['fabd v0.2s, v1.2s, v2.2s', 0x2ea2d420], ['fmul v0.2s, v1.2s, v2.s[2]', 0x0f829820],
    ['fmla v0.2s, v1.2s, v2.s[2]', 0x0f821820], ['fmls v0.2s, v1.2s, v2.s[2]', 0x0f825820], ['fmulx v0.2s, v1.2s, v2.s[2]', 0x2f829820],
    ['fadd v0.4s, v1.4s, v2.4s', 0x4e22d420], ['fsub v0.4s, v1.4s, v2.4s', 0x4ea2d420], ['fmul v0.4s, v1.4s, v2.4s', 0x6e22dc20],
    ['fmulx v0.4s, v1.4s, v2.4s', 0x4e22dc20], ['fdiv v0.4s, v1.4s, v2.4s', 0x6e22fc20], ['fmla v0.4s, v1.4s, v2.4s', 0x4e22cc20],
    ['fmls v0.4s, v1.4s, v2.4s', 0x4ea2cc20], ['fabd v0.4s, v1.4s, v2.4s', 0x6ea2d420], ['fmul v0.4s, v1.4s, v2.s[3]', 0x4fa29820],
    ['fmla v0.4s, v1.4s, v2.s[3]', 0x4fa21820], ['fmls v0.4s, v1.4s, v2.s[3]', 0x4fa25820], ['fmulx v0.4s, v1.4s, v2.s[3]', 0x6fa29820],
    ['fadd v0.2d, v1.2d, v2.2d', 0x4e62d420], ['fsub v0.2d, v1.2d, v2.2d', 0x4ee2d420], ['fmul v0.2d, v1.2d, v2.2d', 0x6e62dc20],
    ['fmulx v0.2d, v1.2d, v2.2d', 0x4e62dc20], ['fdiv v0.2d, v1.2d, v2.2d', 0x6e62fc20], ['fmla v0.2d, v1.2d, v2.2d', 0x4e62cc20],
    ['fmls v0.2d, v1.2d, v2.2d', 0x4ee2cc20], ['fabd v0.2d, v1.2d, v2.2d', 0x6ee2d420], ['fmul v0.2d, v1.2d, v2.d[1]', 0x4fc29820],
    ['fmla v0.2d, v1.2d, v2.d[1]', 0x4fc21820], ['fmls v0.2d, v1.2d, v2.d[1]', 0x4fc25820], ['fmulx v0.2d, v1.2d, v2.d[1]', 0x6fc29820],
  ];
  for (const [asm, word] of words) {
    it(`${asm}: ${NATIVE_RANDOM} states, RN with FZ and DN`, () => {
      const dbl = asm.includes('.2d');
      const bits = dbl ? 64 : 32;
      const lanes = dbl ? 2 : 4;
      const index = /\[(\d)\]/.exec(asm);
      const next = xorshift32(0x51a7e + word);
      const bad: string[] = [];
      for (let k = 0; k < NATIVE_RANDOM; k++) {
        // Lane e: Vn[e] = a, Vm[e] (or the indexed element, shared) = b, Vd[e] = the addend.
        const ops = Array.from({ length: lanes }, () =>
          next() % 16 === 0 ? [0, 1, 2].map(() => randomFp(next, dbl)) : ordinaryOperands(next, dbl, 3),
        );
        const vn = ops.map((o) => o[0]);
        const vm = ops.map((o) => o[1]);
        if (index) vm.fill(ops[0][1]);
        const vd = ops.map((o) => o[2]);
        const fpcr = [RN, DN, FZ, FZ | DN][k & 3];
        const regs = [pack(bits, vd), pack(bits, vn), pack(bits, vm), 0n];
        const exact = runCore(word, vstate({ v: regs, fpcr, fpsr: 0n }));
        const native = runCore(word, vstate({ v: regs, fpcr, fpsr: IXC }));
        if (native.v[0] !== exact.v[0] || native.fpsr !== (exact.fpsr | IXC)) {
          const hex = (x: bigint): string => x.toString(16);
          bad.push(`${regs.slice(0, 3).map(hex).join(' ')}: ${hex(native.v[0])} fpsr ${hex(native.fpsr)}, exact ${hex(exact.v[0])} fpsr ${hex(exact.fpsr)}`);
        }
      }
      expect(bad.slice(0, 8)).toEqual([]);
    }, 60_000);
  }
});

describe('SIMD&FP access trap', () => {
  it('CPACR_EL1.FPEN = 00 traps these instructions with EC 0x07', () => expectFpTrap([0x4e22d420, 0x7e30d820, 0x4fa29820, 0x5e22fc20]));
});
