// Floating-point conversions and rounding to integral (src/core/exec/fp_cvt.ts): FCVT between half,
// single and double precision (with FPCR.AHP), FCVT{N,P,M,Z,A}{S,U} and SCVTF/UCVTF to and from W/X
// registers (integer and fixed-point forms), FRINT{N,P,M,Z,A,X,I}.
//
// Hand-checked cases pin the rules (saturation with IOC and no IXC, NaN to 0, ties away, NaN payload
// conversion, AHP overflow and NaN/infinity handling); when qemu-aarch64 is installed a sweep runs every
// form on edge operands (zeros, denormals, largest finite values, infinities, NaNs, values around the
// 2^31/2^32/2^63/2^64 boundaries and halfway cases) and random ones, under every FPCR combination of
// RMode x FZ x DN x AHP, on the core and on qemu-aarch64 -cpu cortex-a57, comparing V0, X0 and FPSR.
import { describe, it, expect } from 'vitest';
import { A64_TABLE } from '../../src/core/generated/table';
import { haveQemu, assemble } from '../helpers/cross';
import {
  useVCore, vstate, runCore, runQemu, diffCore, expectUndefined, expectFpTrap, xorshift32,
  JUNK, M64, FZ, DN, AHP, RN, RP, RM, RZ, IOC, OFC, UFC, IXC, IDC, QC, type VState,
} from '../helpers/vcases';

useVCore();

// ---- state ---------------------------------------------------------------------------------------------

/** What these conversions change and the tests compare: V0, X0 and FPSR (the state also holds V1-V3 and X1). */
const view = (s: VState): string[] => [`v0=${s.v[0].toString(16)}`, `x0=${s.x[0].toString(16)}`, `fpsr=${s.fpsr.toString(16)}`];

const JUNK_X0 = 0xa5a5a5a5_5a5a5a5an;

/**
 * Source kinds: an FP operand in the low bits of V1 (h, s, d; the rest of V1 junk), an integer operand
 * in W1/X1 (w, x) or in the low 32/64 bits of V1 (vw, vx), or a whole 128-bit vector in V1 whose lanes
 * are of kind Vh/Vs/Vd/Vw/Vx (the operand is then the 128-bit value).
 */
type Src = 'h' | 's' | 'd' | 'w' | 'x' | 'vw' | 'vx' | 'Vh' | 'Vs' | 'Vd' | 'Vw' | 'Vx';
function state(op: bigint, src: Src, fpcr: bigint): VState {
  const v = [...JUNK];
  const x = [JUNK_X0, 0xfedcba98_76543210n];
  if (src === 'w' || src === 'x') x[1] = src === 'w' ? (0xfedcba98n << 32n) | op : op;
  else if (src[0] === 'V') v[1] = op;
  else {
    const keep = src === 'h' ? 16n : src === 's' || src === 'vw' ? 32n : 64n;
    v[1] = ((v[1] >> keep) << keep) | op;
  }
  return vstate({ v, x, fpcr });
}

// ---- hand-checked cases ----------------------------------------------------------------------------

interface Case {
  asm: string;
  src: Src;
  op: bigint;
  fpcr: bigint;
  v0?: bigint; // result in V0 (the rest zero)
  x0?: bigint; // result in X0
  fpsr: bigint;
}
const cases: Case[] = [
  // FCVT: rounding, overflow, NaN payloads, AHP.
  { asm: 'fcvt s0, d1', src: 'd', op: 0x3ff0000010000000n, fpcr: RN, v0: 0x3f800000n, fpsr: IXC },
  { asm: 'fcvt s0, d1', src: 'd', op: 0x3ff0000010000000n, fpcr: RP, v0: 0x3f800001n, fpsr: IXC },
  { asm: 'fcvt s0, d1', src: 'd', op: 0x7fe0000000000000n, fpcr: RZ, v0: 0x7f7fffffn, fpsr: OFC | IXC },
  { asm: 'fcvt s0, d1', src: 'd', op: 0x7ff0000000000001n, fpcr: RN, v0: 0x7fc00000n, fpsr: IOC },
  { asm: 'fcvt s0, d1', src: 'd', op: 0xfff4000020000000n, fpcr: RN, v0: 0xffe00001n, fpsr: IOC },
  { asm: 'fcvt d0, s1', src: 's', op: 0x7f800001n, fpcr: RN, v0: 0x7ff8000020000000n, fpsr: IOC },
  { asm: 'fcvt d0, s1', src: 's', op: 0x00000001n, fpcr: FZ, v0: 0n, fpsr: IDC },
  { asm: 'fcvt d0, h1', src: 'h', op: 0x0001n, fpcr: FZ, v0: 0x3e70000000000000n, fpsr: 0n },
  { asm: 'fcvt h0, s1', src: 's', op: 0x477ff000n, fpcr: RN, v0: 0x7c00n, fpsr: OFC | IXC },
  { asm: 'fcvt h0, s1', src: 's', op: 0x477ff000n, fpcr: AHP, v0: 0x7c00n, fpsr: IXC },
  // A tiny half-precision result is a denormal (no flushing for half): Underflow and Inexact.
  { asm: 'fcvt h0, s1', src: 's', op: 0x33000001n, fpcr: FZ, v0: 0x0001n, fpsr: UFC | IXC },
  { asm: 'fcvt h0, s1', src: 's', op: 0x7f800000n, fpcr: AHP, v0: 0x7fffn, fpsr: IOC },
  { asm: 'fcvt h0, s1', src: 's', op: 0xffc00000n, fpcr: AHP, v0: 0x8000n, fpsr: IOC },
  { asm: 'fcvt s0, h1', src: 'h', op: 0x7c00n, fpcr: AHP, v0: 0x47800000n, fpsr: 0n },
  { asm: 'fcvt s0, h1', src: 'h', op: 0x7e01n, fpcr: RN, v0: 0x7fc02000n, fpsr: 0n },
  // FP to integer: saturation raises IOC without IXC, a NaN gives 0.
  { asm: 'fcvtzs w0, s1', src: 's', op: 0x4f000000n, fpcr: RN, x0: 0x7fffffffn, fpsr: IOC },
  { asm: 'fcvtzs w0, s1', src: 's', op: 0xcf000000n, fpcr: RN, x0: 0x80000000n, fpsr: 0n },
  { asm: 'fcvtzu x0, d1', src: 'd', op: 0xbfe0000000000000n, fpcr: RN, x0: 0n, fpsr: IXC },
  { asm: 'fcvtzu x0, d1', src: 'd', op: 0xbff0000000000000n, fpcr: RN, x0: 0n, fpsr: IOC },
  { asm: 'fcvtzs x0, d1', src: 'd', op: 0x7ff8000000000000n, fpcr: RN, x0: 0n, fpsr: IOC },
  { asm: 'fcvtas w0, s1', src: 's', op: 0xc0200000n, fpcr: RN, x0: 0xfffffffdn, fpsr: IXC },
  { asm: 'fcvtns w0, s1', src: 's', op: 0xc0200000n, fpcr: RN, x0: 0xfffffffen, fpsr: IXC },
  { asm: 'fcvtms x0, s1', src: 's', op: 0xbf000000n, fpcr: RN, x0: M64, fpsr: IXC },
  { asm: 'fcvtps x0, s1', src: 's', op: 0x3e800000n, fpcr: RN, x0: 1n, fpsr: IXC },
  { asm: 'fcvtzs w0, s1, #4', src: 's', op: 0x3fc00000n, fpcr: RN, x0: 24n, fpsr: 0n },
  // Integer to FP: rounded by FPCR.
  { asm: 'scvtf s0, w1', src: 'w', op: 0x01000001n, fpcr: RN, v0: 0x4b800000n, fpsr: IXC },
  { asm: 'scvtf s0, w1', src: 'w', op: 0x01000001n, fpcr: RP, v0: 0x4b800001n, fpsr: IXC },
  { asm: 'ucvtf d0, x1', src: 'x', op: M64, fpcr: RN, v0: 0x43f0000000000000n, fpsr: IXC },
  { asm: 'scvtf d0, x1', src: 'x', op: 1n << 63n, fpcr: RN, v0: 0xc3e0000000000000n, fpsr: 0n },
  { asm: 'ucvtf s0, w1, #32', src: 'w', op: 0x80000000n, fpcr: RN, v0: 0x3f000000n, fpsr: 0n },
  // FRINT.
  { asm: 'frinta s0, s1', src: 's', op: 0xbf000000n, fpcr: RN, v0: 0xbf800000n, fpsr: 0n },
  { asm: 'frintn s0, s1', src: 's', op: 0xbf000000n, fpcr: RN, v0: 0x80000000n, fpsr: 0n },
  { asm: 'frintx s0, s1', src: 's', op: 0x3fc00000n, fpcr: RN, v0: 0x40000000n, fpsr: IXC },
  { asm: 'frinti d0, d1', src: 'd', op: 0x3ff8000000000000n, fpcr: RM, v0: 0x3ff0000000000000n, fpsr: 0n },
  { asm: 'frintz d0, d1', src: 'd', op: 0x7ff0000000000001n, fpcr: DN, v0: 0x7ff8000000000000n, fpsr: IOC },
];

describe('hand-checked cases', () => {
  const words = assemble(cases.map((c) => c.asm));
  cases.forEach((c, n) => {
    it(`${c.asm} ${c.op.toString(16)} fpcr=${c.fpcr.toString(16)}`, () => {
      const o = runCore(words[n], state(c.op, c.src, c.fpcr));
      if (c.v0 !== undefined) expect(o.v[0].toString(16)).toBe(c.v0.toString(16));
      if (c.x0 !== undefined) expect(o.x[0].toString(16)).toBe(c.x0.toString(16));
      expect(o.fpsr.toString(16)).toBe(c.fpsr.toString(16));
    });
  });
});

describe.skipIf(!haveQemu)('hand-checked expectations', () => {
  it('agree with qemu-aarch64', () => {
    const got = runQemu(cases.map((c) => ({ asm: c.asm, states: [state(c.op, c.src, c.fpcr)] })));
    cases.forEach((c, n) => {
      const o = got[n][0];
      if (c.v0 !== undefined) expect(o.v[0].toString(16), c.asm).toBe(c.v0.toString(16));
      if (c.x0 !== undefined) expect(o.x[0].toString(16), c.asm).toBe(c.x0.toString(16));
      expect(o.fpsr.toString(16), c.asm).toBe(c.fpsr.toString(16));
    });
  });
});

describe('unallocated encodings', () => {
  it.each([
    ['fcvt h0, h1 (ftype = opc)', 0x1ee3c020],
    ['fcvt with opc 10', 0x1e234020],
    ['frint with rmode 101', 0x1e26c020],
    ['frintn h0, h1 (FEAT_FP16)', 0x1ee44020],
    ['fcvtzs w0, h1 (FEAT_FP16)', 0x1ef80020],
    ['fcvtzs w0, s1, #33 (sf = 0, scale < 32)', 0x1e187c20],
    ['fcvtzs v0.1d, v1.1d (Q = 0, sz = 1)', 0x0ee1b820],
    ['fcvtxn from single', 0x2e216820],
    ['scvtf v0.1d, v1.1d, #1 (Q = 0, immh = 1xxx)', 0x0f7fe420],
    ['scvtf v0.4h, v1.4h, #1 (FEAT_FP16)', 0x0f1fe420],
    ['scvtf h0, h1, #1 (FEAT_FP16)', 0x5f1fe420],
    ['fcvtxn s0, s1', 0x7e216820],
  ])('%s', (_, word) => expectUndefined(word));
});

describe('SIMD&FP access trap', () => {
  it('CPACR_EL1.FPEN = 00 traps these instructions with EC 0x07', () => {
    expectFpTrap(assemble(['fcvt d0, s1', 'fcvtzs x0, d1', 'scvtf s0, w1', 'frintx d0, d1', 'fcvtl v0.2d, v1.2s', 'ucvtf v0.4s, v1.4s, #3']));
  });
});

// ---- sweep against qemu-aarch64 ----------------------------------------------------------------------------

interface Form {
  asm: string;
  src: Src;
  ahp?: boolean; // the result depends on FPCR.AHP
}

const forms: Form[] = [];
for (const [d, s] of [['s', 'd'], ['s', 'h'], ['d', 's'], ['d', 'h'], ['h', 's'], ['h', 'd']] as const)
  forms.push({ asm: `fcvt ${d}0, ${s}1`, src: s, ahp: d === 'h' || s === 'h' });
for (const p of ['s', 'd'] as const) {
  for (const r of 'npmzaxi') forms.push({ asm: `frint${r} ${p}0, ${p}1`, src: p });
  for (const r of ['n', 'p', 'm', 'z', 'a'])
    for (const us of ['s', 'u'])
      for (const w of ['w', 'x']) forms.push({ asm: `fcvt${r}${us} ${w}0, ${p}1`, src: p });
  for (const us of ['s', 'u'])
    for (const w of ['w', 'x'] as const) {
      forms.push({ asm: `${us}cvtf ${p}0, ${w}1`, src: w });
      for (const fb of w === 'w' ? [1, 16, 31, 32] : [1, 32, 63, 64]) {
        forms.push({ asm: `${us}cvtf ${p}0, ${w}1, #${fb}`, src: w });
        forms.push({ asm: `fcvtz${us} ${w}0, ${p}1, #${fb}`, src: p });
      }
    }
}

for (const [arr, lane] of [['2s', 's'], ['4s', 's'], ['2d', 'd']] as const) {
  const V = lane === 's' ? 'Vs' : 'Vd';
  const I = lane === 's' ? 'Vw' : 'Vx';
  for (const r of 'npmzaxi') forms.push({ asm: `frint${r} v0.${arr}, v1.${arr}`, src: V });
  for (const r of ['n', 'p', 'm', 'z', 'a'])
    for (const us of ['s', 'u']) forms.push({ asm: `fcvt${r}${us} v0.${arr}, v1.${arr}`, src: V });
  for (const us of ['s', 'u']) {
    forms.push({ asm: `${us}cvtf v0.${arr}, v1.${arr}`, src: I });
    for (const fb of lane === 's' ? [1, 17, 32] : [1, 33, 64]) {
      forms.push({ asm: `${us}cvtf v0.${arr}, v1.${arr}, #${fb}`, src: I });
      forms.push({ asm: `fcvtz${us} v0.${arr}, v1.${arr}, #${fb}`, src: V });
    }
  }
}
for (const p of ['s', 'd'] as const) {
  for (const r of ['n', 'p', 'm', 'z', 'a'])
    for (const us of ['s', 'u']) forms.push({ asm: `fcvt${r}${us} ${p}0, ${p}1`, src: p });
  for (const us of ['s', 'u']) {
    forms.push({ asm: `${us}cvtf ${p}0, ${p}1`, src: p === 's' ? 'vw' : 'vx' });
    for (const fb of p === 's' ? [1, 17, 32] : [1, 33, 64]) {
      forms.push({ asm: `${us}cvtf ${p}0, ${p}1, #${fb}`, src: p === 's' ? 'vw' : 'vx' });
      forms.push({ asm: `fcvtz${us} ${p}0, ${p}1, #${fb}`, src: p });
    }
  }
}
forms.push({ asm: 'fcvtxn s0, d1', src: 'd' });
forms.push({ asm: 'fcvtxn v0.2s, v1.2d', src: 'Vd' }, { asm: 'fcvtxn2 v0.4s, v1.2d', src: 'Vd' });
forms.push({ asm: 'fcvtn v0.2s, v1.2d', src: 'Vd' }, { asm: 'fcvtn2 v0.4s, v1.2d', src: 'Vd' });
forms.push({ asm: 'fcvtn v0.4h, v1.4s', src: 'Vs', ahp: true }, { asm: 'fcvtn2 v0.8h, v1.4s', src: 'Vs', ahp: true });
forms.push({ asm: 'fcvtl v0.2d, v1.2s', src: 'Vs' }, { asm: 'fcvtl2 v0.2d, v1.4s', src: 'Vs' });
forms.push({ asm: 'fcvtl v0.4s, v1.4h', src: 'Vh', ahp: true }, { asm: 'fcvtl2 v0.4s, v1.8h', src: 'Vh', ahp: true });

/** Edge operands of each source kind (for a vector: single lanes, combined by vectorOps). */
function edges(src: Src): bigint[] {
  if (src === 'vw') return edges('w');
  if (src === 'vx') return edges('x');
  if (src === 'h')
    return [0n, 0x8000n, 1n, 0x83ffn, 0x0400n, 0x3c00n, 0xbc01n, 0x7bffn, 0xfbffn, 0x7c00n, 0xfc00n, 0x7c01n, 0xfd55n, 0x7e00n, 0x7fffn, 0x3555n];
  if (src === 's') {
    const l: bigint[] = [0n, 0x80000000n, 1n, 0x807fffffn, 0x00800000n, 0x7f7fffffn, 0xff7fffffn, 0x7f800000n, 0xff800000n, 0x7f800001n, 0xffa5a5a5n, 0x7fc00000n, 0xffffffffn];
    // 0.5, 1.5, 2.5, -0.5, -1.5, 0.25, 0.75, 1 - ulp, around 2^31, 2^32, 2^63, 2^64, half-precision range limits
    l.push(0x3f000000n, 0x3fc00000n, 0x40200000n, 0xbf000000n, 0xbfc00000n, 0x3e800000n, 0x3f400000n, 0x3f7fffffn, 0x3f800001n);
    for (const e of [31n, 32n, 63n, 64n, 15n, 16n, 23n, 24n]) {
      const b = (127n + e) << 23n;
      l.push(b, b - 1n, b + 1n, b | 0x80000000n, (b - 1n) | 0x80000000n, (b + 1n) | 0x80000000n);
    }
    l.push(0x477fe000n, 0x477ff000n, 0x477fefffn, 0x47800000n, 0x47ffe000n, 0x47fff000n, 0x48000000n, 0x38800000n, 0x387fffffn, 0x33800000n, 0x33000000n, 0x33000001n, 0x32ffffffn, 0x38ffe000n);
    return l;
  }
  if (src === 'd') {
    const l: bigint[] = [0n, 1n << 63n, 1n, 0x800fffffffffffffn, 0x0010000000000000n, 0x7fefffffffffffffn, 0xffefffffffffffffn, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff0000000000001n, 0xfff5a5a5a5a5a5a5n, 0x7ff8000000000000n, 0x7fffffffffffffffn];
    l.push(0x3fe0000000000000n, 0x3ff8000000000000n, 0x4004000000000000n, 0xbfe0000000000000n, 0xbff8000000000000n, 0x3fefffffffffffffn, 0x3ff0000000000001n, 0x3ff0000010000000n, 0x3ff0000030000000n, 0x3ff0000010000001n);
    for (const e of [31n, 32n, 63n, 64n, 52n, 53n]) {
      const b = (1023n + e) << 52n;
      l.push(b, b - 1n, b + 1n, b | (1n << 63n), (b - 1n) | (1n << 63n), (b + 1n) | (1n << 63n));
    }
    // 2^31 - 0.5, -2^31 - 0.5, -2^31 - 1, 2^32 - 0.5
    l.push(0x41dfffffffe00000n, 0xc1e0000000100000n, 0xc1e0000000200000n, 0x41efffffffe00000n, 0x41dfffffffc00000n);
    // single / half ranges
    l.push(0x47efffffe0000000n, 0x47efffffefffffffn, 0x47effffff0000000n, 0x3810000000000000n, 0x380fffffffffffffn, 0x36a0000000000000n, 0x36a0000000000001n, 0x40effe0000000000n, 0x40effc0000000000n, 0x40fffe0000000000n, 0x3f10000000000000n, 0x3e70000000000000n, 0x3e60000000000001n);
    return l;
  }
  if (src === 'w') return [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x01000001n, 0x01000003n, 0x00ffffffn, 0x80000001n, 0xfeffffffn, 0x40000040n];
  return [0n, 1n, M64, 1n << 63n, (1n << 63n) - 1n, (1n << 63n) + 1n, 0x0020000000000001n, 0x0020000000000003n, 0xffdfffffffffffffn, 0x00000000ffffffffn, 0x8000008000000000n, 0x7fffff8000000000n, 0x0000010000000001n];
}

const RANDOM = Number(process.env.FP_CVT_RANDOM ?? 24);
const LANE: Record<string, [Src, number]> = { Vh: ['h', 16], Vs: ['s', 32], Vd: ['d', 64], Vw: ['w', 32], Vx: ['x', 64] };
/** 128-bit vectors whose lanes walk the lane kind's edge values, then random lanes. */
function vectorOps(src: Src, next: () => number): bigint[] {
  const [kind, bits] = LANE[src];
  const e = edges(kind);
  const lanes = 128 / bits;
  const out: bigint[] = [];
  const vec = (pick: (l: number) => bigint): bigint => {
    let v = 0n;
    for (let l = 0; l < lanes; l++) v |= pick(l) << BigInt(l * bits);
    return v;
  };
  for (let j = 0; j * lanes < e.length + lanes; j++) out.push(vec((l) => e[(j * lanes + l * 7) % e.length]));
  for (let n = 0; n < RANDOM; n++) out.push(vec(() => randomOp(kind, next)));
  return out;
}
function randomOp(src: Src, next: () => number): bigint {
  const w = (): bigint => BigInt(next() >>> 0);
  const r64 = (w() << 32n) | w();
  switch (src) {
    case 'h':
      return r64 & 0xffffn;
    case 's':
    case 'w':
    case 'vw':
      // a third of single values near the integer range (exponent 126..160)
      if (src === 's' && next() % 3 === 0) return (r64 & 0x807fffffn) | (BigInt(126 + (next() % 36)) << 23n);
      return r64 & 0xffffffffn;
    case 'd':
      if (next() % 3 === 0) return (r64 & 0x800fffffffffffffn) | (BigInt(1022 + (next() % 68)) << 52n);
      return r64;
    default:
      return r64 >> BigInt(next() % 64);
  }
}

const FPCRS: bigint[] = [];
for (const rm of [RN, RP, RM, RZ]) for (const fz of [0n, FZ]) for (const dn of [0n, DN]) for (const ahp of [0n, AHP]) FPCRS.push(rm | fz | dn | ahp);

describe.skipIf(!haveQemu)('sweep against qemu-aarch64', () => {
  it('every form, edge and random operands, all FPCR modes', () => {
    const next = xorshift32(Number(process.env.FP_CVT_SEED ?? 0x5eed));
    const groups = forms.map((f) => {
      let ops: bigint[];
      if (f.src[0] === 'V') ops = vectorOps(f.src, next);
      else {
        ops = [...edges(f.src)];
        for (let n = 0; n < RANDOM; n++) ops.push(randomOp(f.src, next));
      }
      const states: VState[] = [];
      for (const cr of FPCRS) {
        if (!f.ahp && (cr & AHP) !== 0n) continue;
        for (const op of ops) states.push(state(op, f.src, cr));
      }
      return { asm: f.asm, word: 0, states };
    });
    assemble(forms.map((f) => f.asm)).forEach((w, k) => (groups[k].word = w));
    const bad = diffCore(groups, runQemu(groups), view);
    const compared = groups.reduce((n, g) => n + g.states.length, 0);
    expect(bad.slice(0, 30), `${bad.length} mismatches`).toEqual([]);
    console.log(`fp_cvt sweep: ${compared} states compared`);
    expect(compared).toBeGreaterThan(50_000);
  }, 600_000);
});

describe.skipIf(!haveQemu)('random encodings against qemu-aarch64', () => {
  // Every encoding this group claims with its other fields random (Rd = 0, Rn = 1 so the harness sees
  // them), on V1 holding edge and random lanes of either precision and X1 an edge or random integer.
  it('every claimed pattern, 40 random words each', () => {
    const next = xorshift32(0xc0ffee);
    const entries = A64_TABLE.filter((e) => e.group === 'fp_cvt' && !e.unalloc && !e.unimpl);
    expect(entries.length).toBeGreaterThan(20);
    const groups: { asm: string; word: number; states: VState[] }[] = [];
    for (const e of entries) {
      for (let k = 0, tries = 0; k < 40 && tries < 4000; tries++) {
        let w = (e.value | (next() & ~e.mask)) >>> 0;
        w = ((w & ~0x3ff) | (1 << 5)) >>> 0;
        if (A64_TABLE.find((t) => ((w & t.mask) >>> 0) === t.value) !== e) continue;
        k++;
        const kind = (['Vh', 'Vs', 'Vd', 'Vw', 'Vx'] as const)[next() % 5];
        const v1 = next() & 1 ? vectorOps(kind, next)[next() % 4] : (randomOp('d', next) << 64n) | randomOp('d', next);
        const xs = edges('x');
        const s0 = state(v1, 'Vd', FPCRS[next() % FPCRS.length]);
        s0.x[1] = next() & 1 ? xs[next() % xs.length] : randomOp('x', next);
        // FPSR is cumulative: flags already set must survive (QC = bit 27).
        s0.fpsr = [0n, IDC, QC | IXC, IOC | UFC][next() % 4];
        groups.push({ asm: `.inst 0x${w.toString(16)}`, word: w, states: [s0] });
      }
    }
    expect(diffCore(groups, runQemu(groups), view).slice(0, 12)).toEqual([]);
  }, 120_000);
});
