// Integer AdvSIMD with two source vectors (src/core/exec/simd_3.ts): hand-checked edge cases, the
// UNDEFINED holes of 70-simd_3.decode, and a sweep of every implemented form on edge-heavy operands
// compared with qemu-aarch64 -cpu cortex-a57 (skipped when the cross tools are not installed).
import { describe, it, expect } from 'vitest';
import { haveBinutils, haveQemu, assemble } from '../helpers/cross';
import { useVCore, vstate, runCore, runQemu, diffCore, expectUndefined, expectFpTrap, pack, M64, M128, QC, type VState } from '../helpers/vcases';

useVCore();

const h = (...v: (number | bigint)[]): bigint => pack(16, v);
const s = (...v: (number | bigint)[]): bigint => pack(32, v);
const d = (...v: (number | bigint)[]): bigint => pack(64, v);
const b = (...v: (number | bigint)[]): bigint => pack(8, v);

interface VCase {
  asm: string;
  word: number;
  in: Record<number, bigint>;
  out?: Record<number, bigint>;
  qc?: boolean;
}
const vc = (asm: string, word: number, inV: Record<number, bigint>, out: Record<number, bigint>, qc = false): VCase => ({ asm, word, in: inV, out, qc });

/** Junk in every V register a case does not set, so a stray write shows. */
const junk = (n: number): bigint => (0xa5a5_0000_0000_0000n | BigInt(n) * 0x0101_0101n) * ((1n << 64n) + 1n) + BigInt(n);

function initialV(k: VCase): bigint[] {
  const v = Array.from({ length: 32 }, (_, n) => junk(n) & M128);
  for (const [n, x] of Object.entries(k.in)) v[Number(n)] = x & M128;
  return v;
}

/** A case's state before: V0-V31, FPCR, FPSR and NZCV zero. */
const before = (k: VCase): VState => vstate({ v: initialV(k) });
/** What the tests compare: V0-V31 and FPSR.QC. */
const view = (st: VState): string[] => [...st.v.map((x, n) => `v${n}=${hex(x)}`), `qc=${(st.fpsr & QC) !== 0n}`];

const hex = (v: bigint): string => '0x' + v.toString(16).padStart(32, '0');

// ---- Hand-checked cases -------------------------------------------------------------------------------
const cases: VCase[] = [
  // Lane boundaries: each byte wraps on its own; Q = 0 clears bits 127:64.
  vc('add v0.16b, v1.16b, v2.16b', 0x4e228420, { 1: b(0xff, 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0xff), 2: b(1, 0x80, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1) },
    { 0: b(0, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0) }),
  vc('add v0.8b, v1.8b, v2.8b', 0x0e228420, { 0: M128, 1: b(1, 2, 3, 4, 5, 6, 7, 8, 9, 9), 2: b(1, 1, 1, 1, 1, 1, 1, 1, 1, 1) }, { 0: b(2, 3, 4, 5, 6, 7, 8, 9) }),
  vc('sub v0.2d, v1.2d, v2.2d', 0x6ee28420, { 1: d(0, 5), 2: d(1, 7) }, { 0: d(M64, -2n) }),
  // Saturation sets FPSR.QC.
  vc('sqadd v0.4s, v1.4s, v2.4s', 0x4ea20c20, { 1: s(0x7fffffff, 0x80000000, 5, -1), 2: s(1, -1, 6, -1) }, { 0: s(0x7fffffff, 0x80000000, 11, -2) }, true),
  vc('sqadd v0.4s, v1.4s, v2.4s (no saturation)', 0x4ea20c20, { 1: s(0x7ffffffe, 0x80000001, 5, -1), 2: s(1, -1, 6, -1) }, { 0: s(0x7fffffff, 0x80000000, 11, -2) }),
  vc('uqsub v0.2d, v1.2d, v2.2d', 0x6ee22c20, { 1: d(0, 9), 2: d(1, 4) }, { 0: d(0, 5) }, true),
  vc('uqadd b0, b1, b2', 0x7e220c20, { 1: b(0xf0, 0xff), 2: b(0x20, 0xff) }, { 0: b(0xff) }, true),
  vc('sqsub d0, d1, d2', 0x5ee22c20, { 1: d(1n << 63n), 2: d(1) }, { 0: d(1n << 63n) }, true),
  // Shifts by the signed bottom byte: negative counts shift right, rounding forms round half up.
  vc('srshl v0.4s, v1.4s, v2.4s', 0x4ea25420, { 1: s(3, -3, -1, 0x40000000), 2: s(0xff, 0x1ff, 0xff, 0x1) }, { 0: s(2, -1, 0, 0x80000000) }),
  vc('urshl v0.4s, v1.4s, v2.4s', 0x6ea25420, { 1: s(0xffffffff, 3, 0x80000000, 7), 2: s(0xff, 0xfe, 0xe0, 0x20) }, { 0: s(0x80000000, 1, 1, 0) }),
  vc('sshl v0.2d, v1.2d, v2.2d', 0x4ee24420, { 1: d(-256n, 1), 2: d(0xc0, 0x3f) }, { 0: d(M64, 1n << 63n) }),
  vc('ushl v0.2d, v1.2d, v2.2d', 0x6ee24420, { 1: d(M64, M64), 2: d(0xc0, 0x40) }, { 0: d(0, 0) }),
  vc('sqshl d0, d1, d2', 0x5ee24c20, { 1: d(1), 2: d(63) }, { 0: d((1n << 63n) - 1n) }, true),
  vc('uqrshl h0, h1, h2', 0x7e625c20, { 1: h(0x8001), 2: h(0xff) }, { 0: h(0x4001) }),
  vc('sqrshl v0.8h, v1.8h, v2.8h', 0x4e625c20, { 1: h(0x4000, -2, 1, -1, 0x7fff, 0, 3, 3), 2: h(1, 0x7f, 0xf0, 0xf0, 0xff, 0x40, 0x81, 0x2) }, { 0: h(0x7fff, -0x8000, 0, 0, 0x4000, 0, 0, 12) }, true),
  // Doubling multiplies: only MIN * MIN saturates.
  vc('sqdmulh v0.8h, v1.8h, v2.8h', 0x4e62b420, { 1: h(0x8000, 0x8000, 0x4000, 0x7fff, 3, -3), 2: h(0x8000, 0x7fff, 0x4000, 0x7fff, 0x4000, 0x4000) }, { 0: h(0x7fff, 0x8001, 0x2000, 0x7ffe, 1, -2) }, true),
  vc('sqrdmulh v0.4s, v1.4s, v2.4s', 0x6ea2b420, { 1: s(3, -3, 0x80000000, 1), 2: s(0x40000000, 0x40000000, 0x80000001, 0x40000000) }, { 0: s(2, -1, 0x7fffffff, 1) }),
  vc('sqdmlal d0, s1, s2', 0x5ea29020, { 0: d((1n << 63n) - 2n), 1: s(1), 2: s(1) }, { 0: d((1n << 63n) - 1n) }, true),
  vc('sqdmull v0.2d, v1.2s, v2.2s', 0x0ea2d020, { 1: s(0x80000000, 2), 2: s(0x80000000, -3) }, { 0: d((1n << 63n) - 1n, -12n) }, true),
  // "2" forms: long ops read the upper halves; narrowing ones write the upper half and keep the lower.
  vc('smull2 v0.4s, v1.8h, v2.8h', 0x4e62c020, { 1: h(9, 9, 9, 9, -2, 0x7fff, 0x8000, 1), 2: h(9, 9, 9, 9, 3, 0x7fff, 0x8000, -1) }, { 0: s(-6, 0x3fff0001, 0x40000000, -1) }),
  vc('addhn2 v0.16b, v1.8h, v2.8h', 0x4e224020, { 0: d(0x1122334455667788n, M64), 1: h(0x1280, 0xff00, 0, 1, 2, 3, 4, 5), 2: h(0x0080, 0x0100, 0, 0, 0, 0, 0, 0) }, { 0: d(0x1122334455667788n, 0x0000000000000013n) }),
  vc('raddhn v0.8b, v1.8h, v2.8h', 0x2e224020, { 0: M128, 1: h(0x1280, 0x127f, 0xff80), 2: h(0, 0, 0) }, { 0: b(0x13, 0x12, 0x00) }),
  vc('uabal v0.2d, v1.2s, v2.2s', 0x2ea25020, { 0: d(1, M64), 1: s(0, 0xffffffff), 2: s(0xffffffff, 0) }, { 0: d(0x100000000n, 0xfffffffen) }),
  vc('pmull v0.8h, v1.8b, v2.8b', 0x0e22e020, { 1: b(0xff, 3, 0x80), 2: b(0xff, 3, 0x80) }, { 0: h(0x5555, 5, 0x4000) }),
  vc('pmul v0.8b, v1.8b, v2.8b', 0x2e229c20, { 1: b(0xff, 3), 2: b(0xff, 3) }, { 0: b(0x55, 5) }),
  // By element: 16-bit elements take the index from H:L:M and Rm from V0-V15.
  vc('mul v0.8h, v1.8h, v15.h[7]', 0x4f7f8820, { 1: h(1, 2, 3, 4, 5, 6, 7, 0x8000), 15: h(0, 0, 0, 0, 0, 0, 0, 3) }, { 0: h(3, 6, 9, 12, 15, 18, 21, 0x8000) }),
  vc('sqdmlsl2 v0.2d, v1.4s, v31.s[3]', 0x4fbf7820, { 0: d(0, 1n << 63n), 1: s(0, 0, 1, 1), 31: s(0, 0, 0, 5) }, { 0: d(-10n, 1n << 63n) }, true),
  vc('umlal2 v0.4s, v1.8h, v2.h[0]', 0x6f422020, { 0: s(1, 2, 3, 4), 1: h(0, 0, 0, 0, 0xffff, 1, 2, 3), 2: h(0xffff) }, { 0: s(0xfffe0002, 0x10001, 0x20001, 0x30001) }),
  vc('sqrdmulh s0, s1, v2.s[1]', 0x5fa2d020, { 1: s(0x80000000, 7), 2: s(0, 0x80000000) }, { 0: s(0x7fffffff) }, true),
  // Compares and pairwise.
  vc('cmhi v0.2d, v1.2d, v2.2d', 0x6ee23420, { 1: d(M64, 1), 2: d(1, M64) }, { 0: d(M64, 0) }),
  vc('cmge d0, d1, d2', 0x5ee23c20, { 1: d(-1n), 2: d(1) }, { 0: d(0) }),
  vc('cmtst v0.8b, v1.8b, v2.8b', 0x0e228c20, { 1: b(1, 2, 0xff), 2: b(1, 1, 0x80) }, { 0: b(0xff, 0, 0xff) }),
  vc('cmeq v0.16b, v1.16b, v2.16b', 0x6e228c20, { 1: b(0x80, 0, 1, 0xff, 0x7f), 2: b(0, 0, 1, 0x7f, 0xff) }, { 0: b(0, 0xff, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff) }),
  vc('cmtst v0.4h, v1.4h, v2.4h', 0x0e628c20, { 0: M128, 1: h(0x8000, 0x0001, 0x00ff, 0xffff), 2: h(0x8000, 0x8000, 0xff00, 0x0100) }, { 0: h(0xffff, 0, 0, 0xffff) }),
  vc('uminp v0.4s, v1.4s, v2.4s', 0x6ea2ac20, { 1: s(5, 2, -1, 7), 2: s(1, 3, 0, 0x80000000) }, { 0: s(2, 7, 1, 0) }),
  vc('addp d0, v1.2d', 0x5ef1b820, { 1: d(M64, 2) }, { 0: d(1) }),
  vc('bsl v0.16b, v1.16b, v2.16b', 0x6e621c20, { 0: d(0xff00ff00ff00ff00n, 0), 1: d(0x1111111111111111n, M64), 2: d(0x2222222222222222n, 0) }, { 0: d(0x1122112211221122n, 0) }),
  vc('bif v0.8b, v1.8b, v2.8b', 0x2ee21c20, { 0: M128, 1: d(0), 2: d(0xf0f0n) }, { 0: d(0xf0f0n) }),
];

// Unallocated encodings inside the claimed spaces.
const undefs: [string, number][] = [
  ['add v0.1d (size 11, Q 0)', 0x0ee28420],
  ['shadd v0.2d', 0x4ee20420],
  ['mul v0.2d', 0x4ee29c20],
  ['pmul v0.8h', 0x6e629c20],
  ['sqdmulh v0.16b', 0x4e22b420],
  ['U=1 opcode 10111', 0x6e22bc20],
  ['add s0, s1, s2 (scalar add is D only)', 0x5ea28420],
  ['sqdmulh b0, b1, b2', 0x5e22b420],
  ['addp s0 (scalar pairwise size 10)', 0x5eb1b820],
  ['saddl with size 11', 0x0ee20020],
  ['three different opcode 1111', 0x0e22f020],
  ['umull by element, size 00', 0x2f00a020],
  ['sqdmull b (scalar three different size 00)', 0x5e22d020],
];

describe('simd_3', () => {
  it.each(cases.map((k) => [k.asm, k] as const))('%s', (_, k) => {
    const got = runCore(k.word, before(k)); // (and the instruction completed: PC advanced by 4)
    const want = initialV(k);
    for (const [n, x] of Object.entries(k.out ?? {})) want[Number(n)] = x & M128;
    expect(got.v.map(hex)).toEqual(want.map(hex));
    expect((got.fpsr & QC) !== 0n).toBe(k.qc ?? false);
  });

  it.each(undefs)('%s is UNDEFINED', (_, word) => expectUndefined(word));

  it('traps to EL1 with EC 0x07 when CPACR_EL1.FPEN disables SIMD&FP', () => {
    expectFpTrap([0x4e228420]); // add v0.16b, v1.16b, v2.16b
  });

  it.skipIf(!haveBinutils)('encodings agree with aarch64-linux-gnu-as', () => {
    const words = assemble(cases.map((k) => k.asm.replace(/ \(.*\)$/, '')));
    expect(cases.map((k, n) => `${k.asm}: ${(words[n] >>> 0).toString(16)}`)).toEqual(cases.map((k) => `${k.asm}: ${(k.word >>> 0).toString(16)}`));
  });

  it.skipIf(!haveQemu)('hand-checked cases agree with qemu-aarch64', () => {
    const got = runQemu(cases.map((k) => ({ asm: `.inst 0x${(k.word >>> 0).toString(16)}`, states: [before(k)] })));
    cases.forEach((k, idx) => {
      const want = initialV(k);
      for (const [n, x] of Object.entries(k.out ?? {})) want[Number(n)] = x & M128;
      expect(got[idx][0].v.map(hex), k.asm).toEqual(want.map(hex));
      expect((got[idx][0].fpsr & QC) !== 0n, k.asm).toBe(k.qc ?? false);
    });
  });

  it.skipIf(!haveQemu)('every implemented form agrees with qemu-aarch64 on edge-heavy operands', () => {
    const asms = sweepAsm();
    const words = assemble(asms);
    const sweep: VCase[] = [];
    let seed = 0x1234567;
    const rnd = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 8;
    };
    const reps = Number(process.env.SIMD3_REPS ?? 4);
    for (let rep = 0; rep < reps; rep++) asms.forEach((asm, n) => sweep.push({ asm, word: words[n], in: randomRegs(rnd) }));
    const groups = sweep.map((k) => ({ asm: k.asm, word: k.word, states: [before(k)] }));
    expect(diffCore(groups, runQemu(groups), view).slice(0, 20)).toEqual([]);
  }, 120_000);
});

// ---- The sweep ----------------------------------------------------------------------------------------
// Operands: v3 (destination, also an accumulator), v4, v5, and v20/v21 for 32-bit by-element forms.
function sweepAsm(): string[] {
  const out: string[] = [];
  const all = ['8b', '16b', '4h', '8h', '2s', '4s', '2d'];
  const no2d = all.slice(0, 6);
  const hs = ['4h', '8h', '2s', '4s'];
  const same = (ops: string[], arrs: string[]): void => {
    for (const op of ops) for (const t of arrs) out.push(`${op} v3.${t}, v4.${t}, v5.${t}`);
  };
  same(['sqadd', 'uqadd', 'sqsub', 'uqsub', 'cmgt', 'cmhi', 'cmge', 'cmhs', 'sshl', 'ushl', 'sqshl', 'uqshl', 'srshl', 'urshl', 'sqrshl', 'uqrshl', 'add', 'sub', 'cmtst', 'cmeq', 'addp'], all);
  same(['shadd', 'uhadd', 'srhadd', 'urhadd', 'shsub', 'uhsub', 'smax', 'umax', 'smin', 'umin', 'sabd', 'uabd', 'saba', 'uaba', 'mla', 'mls', 'mul', 'smaxp', 'umaxp', 'sminp', 'uminp'], no2d);
  same(['pmul', 'and', 'bic', 'orr', 'orn', 'eor', 'bsl', 'bit', 'bif'], ['8b', '16b']);
  same(['sqdmulh', 'sqrdmulh'], hs);
  const bhsd = ['b', 'h', 's', 'd'];
  for (const op of ['sqadd', 'uqadd', 'sqsub', 'uqsub', 'sqshl', 'uqshl', 'sqrshl', 'uqrshl']) for (const r of bhsd) out.push(`${op} ${r}3, ${r}4, ${r}5`);
  for (const op of ['cmgt', 'cmhi', 'cmge', 'cmhs', 'sshl', 'ushl', 'srshl', 'urshl', 'add', 'sub', 'cmtst', 'cmeq']) out.push(`${op} d3, d4, d5`);
  for (const op of ['sqdmulh', 'sqrdmulh']) for (const r of ['h', 's']) out.push(`${op} ${r}3, ${r}4, ${r}5`);
  out.push('addp d3, v4.2d');
  // Three different.
  const longs: [string, string, string][] = [['8h', '8b', '16b'], ['4s', '4h', '8h'], ['2d', '2s', '4s']];
  for (const op of ['saddl', 'uaddl', 'ssubl', 'usubl', 'sabal', 'uabal', 'sabdl', 'uabdl', 'smlal', 'umlal', 'smlsl', 'umlsl', 'smull', 'umull'])
    for (const [w, n, n2] of longs) out.push(`${op} v3.${w}, v4.${n}, v5.${n}`, `${op}2 v3.${w}, v4.${n2}, v5.${n2}`);
  for (const op of ['sqdmlal', 'sqdmlsl', 'sqdmull'])
    for (const [w, n, n2] of longs.slice(1)) out.push(`${op} v3.${w}, v4.${n}, v5.${n}`, `${op}2 v3.${w}, v4.${n2}, v5.${n2}`);
  for (const op of ['saddw', 'uaddw', 'ssubw', 'usubw'])
    for (const [w, n, n2] of longs) out.push(`${op} v3.${w}, v4.${w}, v5.${n}`, `${op}2 v3.${w}, v4.${w}, v5.${n2}`);
  for (const op of ['addhn', 'raddhn', 'subhn', 'rsubhn'])
    for (const [w, n, n2] of longs) out.push(`${op} v3.${n}, v4.${w}, v5.${w}`, `${op}2 v3.${n2}, v4.${w}, v5.${w}`);
  out.push('pmull v3.8h, v4.8b, v5.8b', 'pmull2 v3.8h, v4.16b, v5.16b');
  for (const op of ['sqdmlal', 'sqdmlsl', 'sqdmull']) out.push(`${op} s3, h4, h5`, `${op} d3, s4, s5`);
  // By element.
  for (const op of ['mul', 'mla', 'mls', 'sqdmulh', 'sqrdmulh'])
    out.push(`${op} v3.4h, v4.4h, v5.h[3]`, `${op} v3.8h, v4.8h, v15.h[6]`, `${op} v3.2s, v4.2s, v20.s[1]`, `${op} v3.4s, v4.4s, v21.s[2]`);
  for (const op of ['smull', 'umull', 'smlal', 'umlal', 'smlsl', 'umlsl', 'sqdmull', 'sqdmlal', 'sqdmlsl'])
    out.push(`${op} v3.4s, v4.4h, v5.h[5]`, `${op}2 v3.4s, v4.8h, v5.h[7]`, `${op} v3.2d, v4.2s, v20.s[0]`, `${op}2 v3.2d, v4.4s, v21.s[3]`);
  for (const op of ['sqdmulh', 'sqrdmulh']) out.push(`${op} h3, h4, v5.h[2]`, `${op} s3, s4, v21.s[3]`);
  for (const op of ['sqdmull', 'sqdmlal', 'sqdmlsl']) out.push(`${op} s3, h4, v15.h[4]`, `${op} d3, s4, v20.s[2]`);
  // Destination aliasing a source.
  out.push('sqrdmulh v4.8h, v4.8h, v4.h[1]', 'addhn2 v4.16b, v4.8h, v4.8h', 'smlal2 v5.4s, v5.8h, v5.8h', 'sqadd v0.4s, v0.4s, v0.4s');
  return out;
}

/** Registers full of edge values (0, ±1, MIN, MAX, small shift counts) at a random element size. */
function randomRegs(rnd: () => number): Record<number, bigint> {
  const regs: Record<number, bigint> = {};
  for (const r of [0, 3, 4, 5, 15, 20, 21]) {
    const bits = [8, 16, 32, 64][rnd() % 4];
    const mask = (1n << BigInt(bits)) - 1n;
    const vals: bigint[] = [];
    for (let k = 0; k < 128 / bits; k++) {
      const kind = rnd() % 9;
      const rand = (BigInt(rnd()) << 48n) ^ (BigInt(rnd()) << 24n) ^ BigInt(rnd());
      const v = [0n, 1n, mask, mask >> 1n, (mask >> 1n) + 1n, BigInt((rnd() % 140) - 70), rand, rand & 0xffn, (mask >> 1n) - 1n][kind];
      vals.push(v & mask);
    }
    regs[r] = pack(bits, vals);
  }
  return regs;
}
