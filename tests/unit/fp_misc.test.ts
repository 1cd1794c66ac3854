// FMOV (scalar, immediate) and FSQRT (vector) (src/core/exec/fp_misc.ts, 64-fp_misc.decode).
//
// Encodings come from aarch64-linux-gnu-as; expectations from qemu-aarch64 -cpu cortex-a57. The sweep
// runs FMOV on every imm8 in S and D, and FSQRT 2S/4S/2D on lanes of edge operands (±0, denormals, the
// smallest normal, ±max, ±inf, quiet and signalling NaNs, values with inexact roots) under all 16
// FPCR combinations of RMode, FZ and DN, comparing V0..V3, NZCV and FPSR.
import { describe, it, expect } from 'vitest';
import { haveBinutils, haveQemu, assemble } from '../helpers/cross';
import { useVCore, vstate, runQemu, diffCore, expectUndefined, JUNK, type VState } from '../helpers/vcases';

useVCore();

/** Every FPCR combination of RMode (23:22), FZ (24) and DN (25). */
const FPCRS: bigint[] = [];
for (let m = 0n; m < 16n; m++) FPCRS.push(m << 22n);

const S_EDGE = [
  0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00400000, 0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff,
  0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001, 0xff800123, 0x3f800000, 0x40000000, 0x40400000,
  0x3f800001, 0x3fffffff, 0x40490fdb, 0x00000003, 0x3e800000, 0xbf800000, 0x4b000001, 0x01000000,
].map((x) => BigInt(x));
const D_EDGE = [
  0n, 0x8000000000000000n, 1n, 0x800fffffffffffffn, 0x0008000000000000n, 0x0010000000000000n, 0x7fefffffffffffffn,
  0xffefffffffffffffn, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n, 0xfff8000000000001n,
  0x7ff0000000000001n, 0xfff0000000000abcn, 0x3ff0000000000000n, 0x4000000000000000n, 0x4008000000000000n,
  0x3ff0000000000001n, 0x3fffffffffffffffn, 0x400921fb54442d18n, 3n, 0xbff0000000000000n, 0x0000000000000005n,
];

describe('FMOV (scalar, immediate) and FSQRT (vector)', () => {
  it('decodes only the ARMv8.0 forms (the unallocated neighbours are UNDEFINED)', () => {
    if (!haveBinutils) return;
    const [fmovS, fmovD, sq4s, sq2s, sq2d] = assemble(['fmov s0, #1.0', 'fmov d0, #-0.125', 'fsqrt v0.4s, v1.4s', 'fsqrt v0.2s, v1.2s', 'fsqrt v0.2d, v1.2d']);
    expect(fmovS).toBe(0x1e2e1000);
    // Each checked UNDEFINED on qemu-aarch64 -cpu cortex-a57: FMOV with imm5 != 0, ftype 10 and 11;
    // FSQRT/FRECPE/FRSQRTE 1D; URECPE/URSQRTE with 64-bit lanes; vector op 11111 with U = 0; scalar
    // op 11111 with U = 1; scalar op 11100 (no scalar URECPE/URSQRTE).
    const bad = [
      fmovS | (1 << 5), fmovS | (2 << 22), fmovS | (3 << 22), sq2d & ~(1 << 30), 0x0ee1d820, 0x2ee1d820,
      0x4ee1c820, 0x6ee1c820, 0x4ea1f820, 0x7ea1f820, 0x5ea1c820, 0x7ea1c820,
    ];
    for (const w of bad) expectUndefined(w);
    for (const w of [fmovD, sq4s, sq2s, sq2d]) expect(w).toBeGreaterThan(0);
  });

  it.runIf(haveQemu)('FMOV (scalar, immediate) matches qemu-aarch64 for every imm8', () => {
    for (const dbl of [false, true]) {
      const asms: string[] = [];
      for (let imm = 0; imm < 256; imm++) {
        // The value VFPExpandImm gives: (-1)^a * (16 + efgh)/16 * 2^e, e = cd + 1 (b = 0) or cd - 3 (b = 1).
        const a = imm >> 7, b = (imm >> 6) & 1, cd = (imm >> 4) & 3, efgh = imm & 15;
        asms.push(`fmov ${dbl ? 'd' : 's'}0, #${(a ? -1 : 1) * ((16 + efgh) / 16) * 2 ** (b ? cd - 3 : cd + 1)}`);
      }
      const ws = assemble(asms);
      ws.forEach((w, imm) => expect((w >> 13) & 0xff, asms[imm]).toBe(imm));
      // FMOV neither reads FPCR nor touches FPSR: every mode, with cumulative flags already set or not.
      const states = FPCRS.map((fpcr, k) => vstate({ fpcr, fpsr: k & 1 ? 0x9fn : 0n }));
      const groups = asms.map((asm, k) => ({ asm, word: ws[k], states }));
      expect(diffCore(groups, runQemu(groups)).slice(0, 10)).toEqual([]);
    }
  });

  it.runIf(haveQemu)('FSQRT (vector) matches qemu-aarch64 on edge lanes under all FPCR modes', () => {
    const forms: [string, boolean, number][] = [
      ['fsqrt v0.4s, v1.4s', false, 4],
      ['fsqrt v0.2s, v1.2s', false, 2],
      ['fsqrt v0.2d, v1.2d', true, 2],
      ['fsqrt v1.4s, v1.4s', false, 4],
    ];
    const ws = assemble(forms.map((f) => f[0]));
    const groups = forms.map(([asm, dbl, lanes], k) => {
      const edge = dbl ? D_EDGE : S_EDGE;
      const bits = dbl ? 64n : 32n;
      const states: VState[] = [];
      for (const fpcr of FPCRS)
        for (let s = 0; s < edge.length; s++) {
          let v1 = JUNK[1];
          if (lanes * Number(bits) === 64) v1 = (v1 >> 64n) << 64n;
          else v1 = 0n;
          for (let l = 0; l < lanes; l++) v1 |= edge[(s + l * 7) % edge.length] << (BigInt(l) * bits);
          states.push(vstate({ v: [JUNK[0], v1, JUNK[2], JUNK[3]], fpcr, fpsr: s % 5 === 0 ? 0x9fn : 0n }));
        }
      return { asm, word: ws[k], states };
    });
    expect(diffCore(groups, runQemu(groups)).slice(0, 10)).toEqual([]);
  });

  it.runIf(haveQemu)('FRECPE, FRSQRTE, FRECPX, URECPE, URSQRTE match qemu-aarch64 under all FPCR modes', () => {
    // Vector forms take lanes of edge operands; scalar forms one edge operand with junk above it.
    const vec: [string, boolean, number][] = [
      ['frecpe v0.4s, v1.4s', false, 4], ['frecpe v0.2s, v1.2s', false, 2], ['frecpe v0.2d, v1.2d', true, 2],
      ['frsqrte v0.4s, v1.4s', false, 4], ['frsqrte v0.2s, v1.2s', false, 2], ['frsqrte v0.2d, v1.2d', true, 2],
      ['urecpe v0.4s, v1.4s', false, 4], ['urecpe v0.2s, v1.2s', false, 2],
      ['ursqrte v0.4s, v1.4s', false, 4], ['ursqrte v0.2s, v1.2s', false, 2],
    ];
    const sca: [string, boolean][] = [
      ['frecpe s0, s1', false], ['frecpe d0, d1', true], ['frsqrte s0, s1', false], ['frsqrte d0, d1', true],
      ['frecpx s0, s1', false], ['frecpx d0, d1', true],
    ];
    const ws = assemble([...vec.map((f) => f[0]), ...sca.map((f) => f[0])]);
    // Extra operands: every 9-bit estimate input (top mantissa bits) at odd and even exponents, and
    // reciprocal overflow/underflow thresholds.
    const sMore: bigint[] = [0x00200000n, 0x001fffffn, 0x80100000n, 0x7e800000n, 0x7e7fffffn, 0xfe800001n, 0x7f000000n];
    const dMore: bigint[] = [0x0004000000000000n, 0x0003ffffffffffffn, 0x7fd0000000000000n, 0x7fcfffffffffffffn, 0xffd0000000000001n, 0x7fe0000000000000n];
    for (let k = 0; k < 512; k++) {
      sMore.push(BigInt(((k & 256 ? 0x3f : 0x40) << 24) | ((k & 255) << 15) | 0x1234));
      dMore.push((BigInt(k & 256 ? 0x3ff : 0x400) << 52n) | (BigInt(k & 255) << 44n) | 0x123456789n);
    }
    const sOps = [...S_EDGE, ...sMore];
    const dOps = [...D_EDGE, ...dMore];
    const groups: { asm: string; word: number; states: VState[] }[] = [];
    vec.forEach(([asm, dbl, lanes], k) => {
      const ops = asm.startsWith('u') ? [...sOps, ...sOps.map((x) => (x * 0x9e3779b1n) & 0xffffffffn), 0n, 0xffffffffn, 0x40000000n, 0x3fffffffn, 0x80000000n, 0x7fffffffn] : dbl ? dOps : sOps;
      const bits = dbl ? 64n : 32n;
      const states: VState[] = [];
      for (const fpcr of FPCRS)
        for (let s = 0; s < ops.length; s += lanes === 4 || dbl ? 1 : 2) {
          let v1 = lanes * Number(bits) === 64 ? (JUNK[1] >> 64n) << 64n : 0n;
          for (let l = 0; l < lanes; l++) v1 |= ops[(s + l * 7) % ops.length] << (BigInt(l) * bits);
          states.push(vstate({ v: [JUNK[0], v1, JUNK[2], JUNK[3]], fpcr, fpsr: s % 5 === 0 ? 0x9fn : 0n }));
        }
      groups.push({ asm, word: ws[k], states });
    });
    sca.forEach(([asm, dbl], k) => {
      const ops = dbl ? dOps : sOps;
      const keep = dbl ? 64n : 32n;
      const states: VState[] = [];
      for (const fpcr of FPCRS)
        ops.forEach((x, s) => states.push(vstate({ v: [JUNK[0], ((JUNK[1] >> keep) << keep) | x, JUNK[2], JUNK[3]], fpcr, fpsr: s % 5 === 0 ? 0x9fn : 0n })));
      groups.push({ asm, word: ws[vec.length + k], states });
    });
    expect(diffCore(groups, runQemu(groups)).slice(0, 10)).toEqual([]);
  });
});
