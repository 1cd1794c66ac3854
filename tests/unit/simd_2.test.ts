// Integer AdvSIMD with one source vector, copies, permutes, immediates, shifts by immediate and the FMOV
// bit moves (src/core/exec/simd_2.ts). Hand-written cases with edge values check each instruction
// (their encodings against aarch64-linux-gnu-as, their expectations against qemu-aarch64 when
// installed), and a differential run feeds every form edge-value and random operands on both the core
// and qemu-aarch64 -cpu cortex-a57, comparing V0-V31, X0-X30, NZCV and FPSR.
import { describe, it, expect } from 'vitest';
import { haveQemu, assemble } from '../helpers/cross';
import { useVCore, vstate, checkCases, runQemu, diffCore, expectUndefined, expectFpTrap, pack, vc, M64, M128, type VCase, type VState } from '../helpers/vcases';

useVCore();

/** Before a case: every V and X register junk (a stray write shows), FPCR and FPSR zero. */
const junkV = (n: number): bigint => (0x0f1e2d3c4b5a6978_8796a5b4c3d2e1f0n * BigInt(n + 1)) & M128;
const junkX = (n: number): bigint => 0x5a5a_0000_0000_0000n + BigInt(n) * 0x0101_0101n;
const BASE = vstate({ v: Array.from({ length: 32 }, (_, n) => junkV(n)), x: Array.from({ length: 31 }, (_, n) => junkX(n)) });

// ---- hand-written cases ----------------------------------------------------------------------------

const B = (...bytes: number[]): bigint => pack(8, bytes);
const H = (...h: number[]): bigint => pack(16, h);
const S = (...w: number[]): bigint => pack(32, w);
const D = (...d: bigint[]): bigint => pack(64, d);
const SEQ = B(...Array.from({ length: 16 }, (_, n) => n)); // bytes 0..15
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

// CASES_BEGIN
const FF = (1n << 128n) - 1n;
const misc: VCase[] = [
  vc('rev64 v0.16b, v1.16b', 0x4e200820, { v1: SEQ }, { v0: B(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8) }),
  vc('rev32 v0.4h, v1.4h', 0x2e600820, { v1: H(1, 2, 3, 4, 5, 6, 7, 8) }, { v0: H(2, 1, 4, 3) }),
  vc('rev16 v0.16b, v1.16b', 0x4e201820, { v1: SEQ }, { v0: B(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14) }),
  vc('saddlp v0.4s, v1.8h', 0x4e602820, { v1: H(0x8000, 0x8000, 0x7fff, 0x7fff, -1, 1, 0, 5) }, { v0: S(-0x10000, 0xfffe, 0, 5) }),
  vc('uaddlp v0.4s, v1.8h', 0x6e602820, { v1: H(0x8000, 0x8000, 0x7fff, 0x7fff, -1, 1, 0, 5) }, { v0: S(0x10000, 0xfffe, 0x10000, 5) }),
  vc('sadalp v0.1d, v1.2s', 0x0ea06820, { v0: D(5n, 99n), v1: S(0x80000000, 0x80000000, 7, 7) }, { v0: D(5n - (1n << 32n)) }),
  vc('uadalp v0.2d, v1.4s', 0x6ea06820, { v0: D(-1n, 1n), v1: S(-1, -1, 1, 2) }, { v0: D(0x1_ffff_fffdn, 4n) }),
  vc('suqadd v0.16b, v1.16b', 0x4e203820, { v0: B(0x7f, 0x80, 0xff, 0x10), v1: B(1, 0xff, 0xff, 0x10) }, { v0: B(0x7f, 0x7f, 0x7f, 0x20), qc: 1n }),
  vc('suqadd d0, d1', 0x5ee03820, { v0: D(I64_MIN, 3n), v1: D(-1n, 3n) }, { v0: D(I64_MAX) }),
  vc('usqadd v0.2d, v1.2d', 0x6ee03820, { v0: D(5n, -2n), v1: D(-6n, 5n) }, { v0: D(0n, -1n), qc: 1n }),
  vc('usqadd d0, d1', 0x7ee03820, { v0: D(10n, 77n), v1: D(-3n, 1n) }, { v0: D(7n) }),
  vc('usqadd b0, b1', 0x7e203820, { v0: B(0xf0, 1), v1: B(0x7f, 1) }, { v0: B(0xff), qc: 1n }),
  vc('cls v0.8h, v1.8h', 0x4e604820, { v1: H(0, 0xffff, 0x8000, 0x7fff, 1, 0x4000, 0xc000, 0x3fff) }, { v0: H(15, 15, 0, 0, 14, 0, 1, 1) }),
  vc('clz v0.4s, v1.4s', 0x6ea04820, { v1: S(0, 1, 0x80000000, 0x00ffffff) }, { v0: S(32, 31, 0, 8) }),
  vc('cnt v0.8b, v1.8b', 0x0e205820, { v1: B(0, 0xff, 0x80, 0x55, 7, 0xfe, 1, 3, 0xff, 0xff) }, { v0: B(0, 8, 1, 4, 3, 7, 1, 2) }),
  vc('mvn v0.16b, v1.16b', 0x6e205820, { v1: SEQ }, { v0: SEQ ^ FF }),
  vc('rbit v0.8b, v1.8b', 0x2e605820, { v1: B(1, 0x80, 0xf0, 0x12) | (FF << 64n) }, { v0: B(0x80, 1, 0x0f, 0x48) }),
  vc('sqabs v0.8h, v1.8h', 0x4e607820, { v1: H(0x8000, 0x8001, 0xffff, 5, 0x7fff, 0, 0x8000, 1) }, { v0: H(0x7fff, 0x7fff, 1, 5, 0x7fff, 0, 0x7fff, 1), qc: 1n }),
  vc('sqneg v0.2d, v1.2d', 0x6ee07820, { v1: D(I64_MIN, 5n) }, { v0: D(I64_MAX, -5n), qc: 1n }),
  vc('sqabs b0, b1', 0x5e207820, { v1: B(0x81, 0x80) }, { v0: B(0x7f) }),
  vc('abs v0.2d, v1.2d', 0x4ee0b820, { v1: D(I64_MIN, -7n) }, { v0: D(I64_MIN, 7n) }),
  vc('neg v0.4s, v1.4s', 0x6ea0b820, { v1: S(0x80000000, 1, 0, -5) }, { v0: S(0x80000000, -1, 0, 5) }),
  vc('neg d0, d1', 0x7ee0b820, { v1: D(1n, 9n) }, { v0: D(-1n) }),
  vc('cmge v0.16b, v1.16b, #0', 0x6e208820, { v1: B(0, 0x80, 0x7f, 0xff) }, { v0: B(0xff, 0, 0xff, 0, ...Array(12).fill(0xff)) }),
  vc('cmle v0.2s, v1.2s, #0', 0x2ea09820, { v1: S(0, 1, 5, 5) }, { v0: S(-1, 0) }),
  vc('cmgt v0.2d, v1.2d, #0', 0x4ee08820, { v1: D(1n, I64_MIN) }, { v0: D(-1n, 0n) }),
  vc('cmlt d0, d1, #0', 0x5ee0a820, { v1: D(-1n, 0n) }, { v0: D(-1n) }),
  vc('cmeq d0, d1, #0', 0x5ee09820, { v1: D(0n, 1n) }, { v0: D(-1n) }),
  vc('xtn2 v0.16b, v1.8h', 0x4e212820, { v0: D(0x1122334455667788n, 0xdeadn), v1: H(0x1234, 0xff80, 0x100, 0xff, 0, 0, 0, 0x8001) }, { v0: D(0x1122334455667788n, B(0x34, 0x80, 0, 0xff, 0, 0, 0, 1)) }),
  vc('sqxtn v0.8b, v1.8h', 0x0e214820, { v1: H(0x7f, 0x80, 0xff80, 0xff7f, 0x7fff, 0x8000, 0, 0xffff) }, { v0: B(0x7f, 0x7f, 0x80, 0x80, 0x7f, 0x80, 0, 0xff), qc: 1n }),
  vc('uqxtn v0.4h, v1.4s', 0x2e614820, { v1: S(0xffff, 0x10000, 0xffffffff, 7) }, { v0: H(0xffff, 0xffff, 0xffff, 7), qc: 1n }),
  vc('sqxtun v0.2s, v1.2d', 0x2ea12820, { v1: D(-1n, 0x1_0000_0000n) }, { v0: S(0, -1), qc: 1n }),
  vc('sqxtun b0, h1', 0x7e212820, { v1: H(0x100) }, { v0: B(0xff), qc: 1n }),
  vc('sqxtn s0, d1', 0x5ea14820, { v1: D(-0x8000_0000n, 1n) }, { v0: S(0x80000000) }),
  vc('shll2 v0.4s, v1.8h, #16', 0x6e613820, { v1: H(1, 2, 3, 4, 0x8000, 1, 0xffff, 0x1234) }, { v0: S(0x80000000, 0x10000, 0xffff0000, 0x12340000) }),
];
const across: VCase[] = [
  vc('addv b0, v1.16b', 0x4e31b820, { v1: SEQ }, { v0: 120n }),
  vc('addv h0, v1.4h', 0x0e71b820, { v1: H(0xffff, 2, 0x8000, 0x8000, 9, 9, 9, 9) }, { v0: 1n }),
  vc('saddlv d0, v1.4s', 0x4eb03820, { v1: S(0x80000000, 0x80000000, 0x80000000, 0x80000000) }, { v0: D(-(1n << 33n)) }),
  vc('uaddlv h0, v1.16b', 0x6e303820, { v1: FF }, { v0: 0xff0n }),
  vc('smaxv b0, v1.16b', 0x4e30a820, { v1: B(0x80, 0x7f, 0xff) }, { v0: 0x7fn }),
  vc('sminv b0, v1.8b', 0x0e31a820, { v1: B(0x80, 0x7f, 0xff) }, { v0: 0x80n }),
  vc('umaxv h0, v1.8h', 0x6e70a820, { v1: H(1, 0x8000, 0xffff, 3) }, { v0: 0xffffn }),
  vc('uminv s0, v1.4s', 0x6eb1a820, { v1: S(5, 0x80000000, 4, 0xffffffff) }, { v0: 4n }),
];
const copy: VCase[] = [
  vc('dup v0.8h, v1.h[7]', 0x4e1e0420, { v1: H(0, 0, 0, 0, 0, 0, 0, 0xbeef) }, { v0: H(...Array(8).fill(0xbeef)) }),
  vc('dup v0.2s, w1', 0x0e040c20, { x1: 0x1234_5678_9abc_def0n }, { v0: S(0x9abcdef0, 0x9abcdef0) }),
  vc('dup v0.2d, x1', 0x4e080c20, { x1: 0x1234_5678_9abc_def0n }, { v0: D(0x1234_5678_9abc_def0n, 0x1234_5678_9abc_def0n) }),
  vc('dup v0.16b, v1.b[15]', 0x4e1f0420, { v1: B(...Array(15).fill(0), 0x9c) }, { v0: B(...Array(16).fill(0x9c)) }),
  vc('mov v0.h[7], w1', 0x4e1e1c20, { v0: 0n, x1: 0xabcd1234n }, { v0: H(0, 0, 0, 0, 0, 0, 0, 0x1234) }),
  vc('mov v0.d[1], xzr', 0x4e181fe0, { v0: FF }, { v0: D(-1n) }),
  vc('mov v0.s[1], v1.s[3]', 0x6e0c6420, { v0: D(0x1111111122222222n, 0x3333333344444444n), v1: S(0, 0, 0, 0xcafebabe) }, { v0: D(0xcafebabe22222222n, 0x3333333344444444n) }),
  vc('smov x0, v1.b[1]', 0x4e032c20, { v1: B(0, 0x80) }, { x0: -128n }),
  vc('smov w0, v1.h[0]', 0x0e022c20, { v1: H(0x8000) }, { x0: 0xffff8000n }),
  vc('umov w0, v1.b[15]', 0x0e1f3c20, { v1: B(...Array(15).fill(0), 0x9c) }, { x0: 0x9cn }),
  vc('mov x0, v1.d[1]', 0x4e183c20, { v1: D(1n, -2n) }, { x0: -2n }),
  vc('mov s0, v1.s[3]', 0x5e1c0420, { v1: S(1, 2, 3, 0xfeedf00d) }, { v0: 0xfeedf00dn }),
];
const permute: VCase[] = [
  vc('zip1 v0.8h, v1.8h, v2.8h', 0x4e423820, { v1: H(0, 1, 2, 3, 4, 5, 6, 7), v2: H(0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17) }, { v0: H(0, 0x10, 1, 0x11, 2, 0x12, 3, 0x13) }),
  vc('zip2 v0.4s, v1.4s, v2.4s', 0x4e827820, { v1: S(0, 1, 2, 3), v2: S(10, 11, 12, 13) }, { v0: S(2, 12, 3, 13) }),
  vc('uzp1 v0.16b, v1.16b, v2.16b', 0x4e021820, { v1: SEQ, v2: SEQ << 4n }, { v0: B(0, 2, 4, 6, 8, 10, 12, 14, 0x00, 0x20, 0x40, 0x60, 0x80, 0xa0, 0xc0, 0xe0) }),
  vc('uzp2 v0.4h, v1.4h, v2.4h', 0x0e425820, { v1: H(0, 1, 2, 3), v2: H(10, 11, 12, 13) }, { v0: H(1, 3, 11, 13) }),
  vc('trn1 v0.2d, v1.2d, v2.2d', 0x4ec22820, { v1: D(1n, 2n), v2: D(3n, 4n) }, { v0: D(1n, 3n) }),
  vc('trn2 v0.8b, v1.8b, v2.8b', 0x0e026820, { v1: SEQ, v2: SEQ << 4n }, { v0: B(1, 0x10, 3, 0x30, 5, 0x50, 7, 0x70) }),
  vc('ext v0.16b, v1.16b, v2.16b, #3', 0x6e021820, { v1: SEQ, v2: SEQ + B(...Array(16).fill(16)) }, { v0: B(...Array.from({ length: 16 }, (_, n) => n + 3)) }),
  vc('ext v0.8b, v1.8b, v2.8b, #5', 0x2e022820, { v1: SEQ, v2: SEQ + B(...Array(16).fill(16)) }, { v0: B(5, 6, 7, 16, 17, 18, 19, 20) }),
  vc('tbl v0.16b, {v1.16b, v2.16b}, v3.16b', 0x4e032020, { v1: SEQ + B(...Array(16).fill(0x40)), v2: SEQ + B(...Array(16).fill(0x50)), v3: B(0, 15, 16, 31, 32, 255, 5, 17) }, { v0: B(0x40, 0x4f, 0x50, 0x5f, 0, 0, 0x45, 0x51, ...Array(8).fill(0x40)) }),
  vc('tbx v0.16b, {v1.16b, v2.16b}, v3.16b', 0x4e033020, { v0: FF / 0xffn * 0xaan, v1: SEQ + B(...Array(16).fill(0x40)), v2: SEQ + B(...Array(16).fill(0x50)), v3: B(0, 15, 16, 31, 32, 255, 5, 17) }, { v0: B(0x40, 0x4f, 0x50, 0x5f, 0xaa, 0xaa, 0x45, 0x51, ...Array(8).fill(0x40)) }),
  vc('tbl v0.8b, {v31.16b, v0.16b}, v1.8b', 0x0e0123e0, { v31: SEQ, v0: SEQ << 4n, v1: B(16, 0, 31, 32, 17, 1, 2, 3) }, { v0: B(0, 0, 0xf0, 0, 0x10, 1, 2, 3) }),
  vc('tbx v0.8b, {v1.16b}, v2.8b', 0x0e021020, { v0: FF, v1: SEQ, v2: B(3, 16, 0x80, 15) }, { v0: B(3, 0xff, 0xff, 15, 0, 0, 0, 0) }),
];
const imm: VCase[] = [
  vc('movi v0.2d, #0xff00ff0000ff00ff', 0x6f05e4a0, {}, { v0: D(0xff00ff0000ff00ffn, 0xff00ff0000ff00ffn) }),
  vc('movi d0, #0xff000000000000ff', 0x2f04e420, {}, { v0: D(0xff000000000000ffn) }),
  vc('movi v0.4s, #0x12, msl #16', 0x4f00d640, {}, { v0: S(0x12ffff, 0x12ffff, 0x12ffff, 0x12ffff) }),
  vc('movi v0.2s, #0xab, lsl #24', 0x0f056560, {}, { v0: S(0xab000000, 0xab000000) }),
  vc('mvni v0.8h, #0x5a, lsl #8', 0x6f02a740, {}, { v0: H(...Array(8).fill(0xa5ff)) }),
  vc('mvni v0.2s, #0x12, msl #8', 0x2f00c640, {}, { v0: S(0xffffed00, 0xffffed00) }),
  vc('movi v0.8b, #0x80', 0x0f04e400, {}, { v0: 0x8080808080808080n }),
  vc('orr v0.4s, #0xab, lsl #16', 0x4f055560, { v0: S(1, 2, 3, 4) }, { v0: S(0xab0001, 0xab0002, 0xab0003, 0xab0004) }),
  vc('bic v0.8h, #0xff', 0x6f0797e0, { v0: FF }, { v0: H(...Array(8).fill(0xff00)) }),
  vc('bic v0.2s, #0x80, lsl #24', 0x2f047400, { v0: FF }, { v0: S(0x7fffffff, 0x7fffffff) }),
  vc('fmov v0.4s, #1.0', 0x4f03f600, {}, { v0: S(0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000) }),
  vc('fmov v0.2d, #-0.125', 0x6f06f400, {}, { v0: D(0xbfc0000000000000n, 0xbfc0000000000000n) }),
  vc('fmov v0.2s, #31.0', 0x0f01f7e0, {}, { v0: S(0x41f80000, 0x41f80000) }),
];
const shift: VCase[] = [
  vc('sshr v0.2d, v1.2d, #64', 0x4f400420, { v1: D(I64_MIN, 5n) }, { v0: D(-1n, 0n) }),
  vc('ushr v0.2d, v1.2d, #64', 0x6f400420, { v1: D(-1n, 5n) }, { v0: 0n }),
  vc('srshr v0.16b, v1.16b, #1', 0x4f0f2420, { v1: B(0xff, 1, 3, 0x80) }, { v0: B(0, 1, 2, 0xc0) }),
  vc('srshr d0, d1, #64', 0x5f402420, { v1: D(I64_MIN) }, { v0: 0n }),
  vc('urshr d0, d1, #64', 0x7f402420, { v1: D(I64_MIN) }, { v0: 1n }),
  vc('ursra v0.4s, v1.4s, #32', 0x6f203420, { v0: S(1, 1, 1, 1), v1: S(0x80000000, 0x7fffffff, 0xffffffff, 0) }, { v0: S(2, 1, 2, 1) }),
  vc('ssra v0.8h, v1.8h, #15', 0x4f111420, { v0: H(1, 1, 0x8000), v1: H(0x8000, 0x7fff, 0x8000) }, { v0: H(0, 1, 0x7fff) }),
  vc('sri v0.16b, v1.16b, #3', 0x6f0d4420, { v0: FF, v1: B(...Array(16).fill(0x80)) }, { v0: B(...Array(16).fill(0xf0)) }),
  vc('sri d0, d1, #64', 0x7f404420, { v0: D(0x1234n, 5n), v1: D(-1n) }, { v0: 0x1234n }),
  vc('sli d0, d1, #63', 0x7f7f5420, { v0: D(0x7fff_ffff_ffff_fffen, 5n), v1: D(1n) }, { v0: D(-2n) }),
  vc('shl v0.4h, v1.4h, #15', 0x0f1f5420, { v1: H(1, 2, 3, 0xffff) }, { v0: H(0x8000, 0, 0x8000, 0x8000) }),
  vc('sqshl v0.8b, v1.8b, #1', 0x0f097420, { v1: B(0x40, 0x3f, 0xc0, 0xbf, 0x80, 0, 1, 0xff) }, { v0: B(0x7f, 0x7e, 0x80, 0x80, 0x80, 0, 2, 0xfe), qc: 1n }),
  vc('uqshl s0, s1, #31', 0x7f3f7420, { v1: S(2) }, { v0: 0xffffffffn, qc: 1n }),
  vc('sqshlu v0.4s, v1.4s, #1', 0x6f216420, { v1: S(-1, 0x40000000, 0x80000000, 0x3fffffff) }, { v0: S(0, 0x80000000, 0, 0x7ffffffe), qc: 1n }),
  vc('uqshl d0, d1, #63', 0x7f7f7420, { v1: D(1n) }, { v0: D(I64_MIN) }),
  vc('sqshl d0, d1, #1', 0x5f417420, { v1: D(I64_MIN) }, { v0: D(I64_MIN), qc: 1n }),
  vc('shrn v0.8b, v1.8h, #8', 0x0f088420, { v1: H(0x1234, 0xabcd) }, { v0: B(0x12, 0xab) }),
  vc('rshrn v0.4h, v1.4s, #16', 0x0f108c20, { v1: S(0x00018000, 0x00017fff, 0xffff8000, 0x7fff8000) }, { v0: H(2, 1, 0, 0x8000) }),
  vc('sqrshrn v0.4h, v1.4s, #16', 0x0f109c20, { v1: S(0x00018000, 0x00017fff, 0xffff8000, 0x7fff8000) }, { v0: H(2, 1, 0, 0x7fff), qc: 1n }),
  vc('sqrshrn2 v0.8h, v1.4s, #1', 0x4f1f9c20, { v0: D(7n, 9n), v1: S(0xfffffffd, 0xffffffff, 0x7fffffff, 3) }, { v0: D(7n, H(0xffff, 0, 0x7fff, 2)), qc: 1n }),
  vc('uqrshrn s0, d1, #32', 0x7f209c20, { v1: D(0xffff_ffff_8000_0000n) }, { v0: 0xffffffffn, qc: 1n }),
  vc('uqrshrn s0, d1, #1', 0x7f3f9c20, { v1: D(-1n) }, { v0: 0xffffffffn, qc: 1n }), // (2^64 - 1 + 1) >> 1 = 2^63
  vc('uqshrn v0.8b, v1.8h, #1', 0x2f0f9420, { v1: H(0xffff, 0x1fe, 0x1ff, 0x200) }, { v0: B(0xff, 0xff, 0xff, 0xff), qc: 1n }),
  vc('sqrshrun h0, s1, #1', 0x7f1f8c20, { v1: S(0xfffffffe) }, { v0: 0n, qc: 1n }),
  vc('sqshrun v0.8b, v1.8h, #4', 0x2f0c8420, { v1: H(0x0ff0, 0x1000, 0x8000, 0x0ff) }, { v0: B(0xff, 0xff, 0, 0x0f), qc: 1n }),
  vc('sshll2 v0.2d, v1.4s, #31', 0x4f3fa420, { v1: S(0, 0, 0x80000000, 1) }, { v0: D(-(1n << 62n), 1n << 31n) }),
  vc('uxtl v0.8h, v1.8b', 0x2f08a420, { v1: B(0xff, 0x80) }, { v0: H(0xff, 0x80) }),
  vc('sxtl v0.8h, v1.8b', 0x0f08a420, { v1: B(0xff, 0x80) }, { v0: H(0xffff, 0xff80) }),
];
const fmovGen: VCase[] = [
  vc('fmov w0, s1', 0x1e260020, { v1: D(0x1234_5678_9abc_def0n, 1n) }, { x0: 0x9abc_def0n }),
  vc('fmov s0, w1', 0x1e270020, { x1: 0x1234_5678_9abc_def0n }, { v0: 0x9abc_def0n }),
  vc('fmov x0, d1', 0x9e660020, { v1: D(0x1234_5678_9abc_def0n, 1n) }, { x0: 0x1234_5678_9abc_def0n }),
  vc('fmov d0, x1', 0x9e670020, { x1: -3n }, { v0: D(-3n) }),
  vc('fmov x0, v1.d[1]', 0x9eae0020, { v1: D(1n, -5n) }, { x0: -5n }),
  vc('fmov v0.d[1], x1', 0x9eaf0020, { v0: D(0x77n, 0x88n), x1: -5n }, { v0: D(0x77n, -5n) }),
];
checkCases('two-register misc', misc, BASE);
checkCases('across lanes', across, BASE);
checkCases('copy', copy, BASE);
checkCases('permute, EXT, TBL/TBX', permute, BASE);
checkCases('modified immediate', imm, BASE);
checkCases('shift by immediate', shift, BASE);
checkCases('FMOV general <-> SIMD&FP', fmovGen, BASE);
// CASES_END

// ---- unallocated encodings and the SIMD&FP trap ---------------------------------------------------

// Each word is an assembled instruction with a field changed into an unallocated value (checked with
// aarch64-linux-gnu-objdump, which decodes none of them except the three FEAT_FP16 forms, ARMv8.2).
const UNDEF: [number, string][] = [
  [0x4ee00820, 'rev64 size 11'], // from rev64 v0.4s, v1.4s
  [0x6ea00820, 'rev32 size 10'], // from rev32 v0.8h, v1.8h
  [0x4e601820, 'rev16 size 01'], // from rev16 v0.16b, v1.16b
  [0x6e201820, 'rev16 with U=1'], // from rev16 v0.16b, v1.16b
  [0x4ee02820, 'saddlp size 11'], // from saddlp v0.2d, v1.4s
  [0x6ee06820, 'uadalp size 11'], // from uadalp v0.2d, v1.4s
  [0x0ee03820, 'suqadd 1d'], // from suqadd v0.2s, v1.2s
  [0x2ee07820, 'sqneg 1d'], // from sqneg v0.2s, v1.2s
  [0x6ee04820, 'clz size 11'], // from clz v0.4s, v1.4s
  [0x4e605820, 'cnt size 01'], // from cnt v0.16b, v1.16b
  [0x6ea05820, 'not/rbit size 10'], // from not v0.16b, v1.16b
  [0x0ee08820, 'cmgt #0 1d'], // from cmgt v0.2s, v1.2s, #0
  [0x0ee0b820, 'abs 1d'], // from abs v0.2s, v1.2s
  [0x6ea0a820, 'cmlt #0 with U=1'], // from cmlt v0.4s, v1.4s, #0
  [0x0ee12820, 'xtn size 11'], // from xtn v0.2s, v1.2d
  [0x2ee14820, 'uqxtn size 11'], // from uqxtn v0.2s, v1.2d
  [0x2ee13820, 'shll size 11'], // from shll v0.2d, v1.2s, #32
  [0x5ea0b820, 'abs s (scalar, not D)'], // from abs d0, d1
  [0x5e209820, 'cmeq b #0 (scalar, not D)'], // from cmeq d0, d1, #0
  [0x7ee0a820, 'cmlt d #0 with U=1'], // from cmlt d0, d1, #0
  [0x5ee14820, 'sqxtn scalar size 11'], // from sqxtn s0, d1
  [0x5ea12820, 'scalar xtn'], // from sqxtun s0, d1
  [0x0eb1b820, 'addv 2s'], // from addv s0, v1.4s
  [0x4ef1b820, 'addv 2d'], // from addv s0, v1.4s
  [0x6eb1b820, 'addv with U=1'], // from addv s0, v1.4s
  [0x0eb03820, 'saddlv 2s'], // from saddlv d0, v1.4s
  [0x6ef0a820, 'umaxv 2d'], // from umaxv s0, v1.4s
  [0x0eb1a820, 'sminv 2s'], // from sminv s0, v1.4s
  [0x4e000420, 'dup imm5 = 0'], // from dup v0.16b, v1.b[0]
  [0x0e080420, 'dup 1d (element)'], // from dup v0.2d, v1.d[0]
  [0x0e080c20, 'dup 1d (general)'], // from dup v0.2d, x1
  [0x0e0c2c20, 'smov w, s'], // from smov x0, v1.s[1]
  [0x4e082c20, 'smov x, d'], // from smov x0, v1.s[1]
  [0x0e183c20, 'umov w, d'], // from mov x0, v1.d[1]
  [0x4e0c3c20, 'umov x, s'], // from mov w0, v1.s[1]
  [0x0e0c1c20, 'ins general Q=0'], // from mov v0.s[1], w1
  [0x2e0c4420, 'ins element Q=0'], // from mov v0.s[1], v1.s[2]
  [0x4e041420, 'copy imm4 0010'], // from dup v0.4s, w1
  [0x5e0c0c20, 'scalar copy imm4 0001'], // from mov s0, v1.s[1]
  [0x5e000420, 'scalar dup imm5 = 0'], // from mov s0, v1.s[1]
  [0x0ec23820, 'zip1 1d'], // from zip1 v0.2s, v1.2s, v2.2s
  [0x4e820820, 'permute opcode 000'], // from zip1 v0.4s, v1.4s, v2.4s
  [0x4e824820, 'permute opcode 100'], // from zip1 v0.4s, v1.4s, v2.4s
  [0x2e024020, 'ext 8b #8'], // from ext v0.8b, v1.8b, v2.8b, #0
  [0x6e420820, 'ext op2 01'], // from ext v0.16b, v1.16b, v2.16b, #1
  [0x4e820020, 'tbl op2 10'], // from tbl v0.16b, {v1.16b}, v2.16b
  [0x4f03fe00, 'movi o2 = 1 (FP16 fmov)'], // from fmov v0.4s, #1.0
  [0x2f03f600, 'fmov 1d immediate'], // from fmov v0.2d, #1.0
  [0x0f7d0420, 'sshr 1d'], // from sshr v0.2d, v1.2d, #3
  [0x0f437420, 'sqshl 1d'], // from sqshl v0.2d, v1.2d, #3
  [0x0f7d8420, 'shrn from 2d to d'], // from shrn v0.2s, v1.2d, #3
  [0x4f63a420, 'sshll2 from d'], // from sshll2 v0.2d, v1.4s, #3
  [0x4f3d4420, 'sri with U=0'], // from sri v0.4s, v1.4s, #3
  [0x4f236420, 'sqshlu with U=0'], // from sqshlu v0.4s, v1.4s, #3
  [0x4f3d0c20, 'shift opcode 00001'], // from sshr v0.4s, v1.4s, #3
  [0x5f7d4420, 'shift opcode 01000 U=0 scalar'], // from sri d0, d1, #3
  [0x5f3d0420, 'scalar sshr s'], // from sshr d0, d1, #3
  [0x5f235420, 'scalar shl s'], // from shl d0, d1, #3
  [0x5f7d9420, 'scalar sqshrn from d'], // from sqshrn s0, d1, #3
  [0x5f3d8420, 'scalar shrn'], // from sqshrn s0, d1, #3
  [0x5f037420, 'scalar shift immh 0000'], // from sqshl b0, b1, #3
  [0x1ee60020, 'fmov w0, h1 (FP16)'], // from fmov w0, s1
  [0x9ee60020, 'fmov x0, h1 (FP16)'], // from fmov x0, d1
];

describe('unallocated encodings', () => {
  it.each(UNDEF.map(([w, what]) => [w.toString(16), what, w] as const))('%s (%s) is UNDEFINED', (_, __, w) => expectUndefined(w));
});

describe('SIMD&FP access trap', () => {
  it('with CPACR_EL1.FPEN = 0 a copy or a bit move traps with EC 0x07 before it runs', () => {
    expectFpTrap([0x0e205820 /* cnt v0.8b, v1.8b */, 0x9e670020 /* fmov d0, x1 */]);
  });
});

// ---- differential run against qemu-aarch64 --------------------------------------------------------

const DIFF: string[] = [
  // two-register misc
  'rev64 v0.16b, v1.16b', 'rev64 v0.8h, v1.8h', 'rev64 v0.2s, v1.2s', 'rev32 v0.16b, v1.16b', 'rev32 v0.4h, v1.4h',
  'rev16 v0.16b, v1.16b', 'rev16 v0.8b, v1.8b',
  'saddlp v0.8h, v1.16b', 'saddlp v0.4s, v1.8h', 'saddlp v0.2d, v1.4s', 'saddlp v0.1d, v1.2s', 'uaddlp v0.4h, v1.8b',
  'uaddlp v0.2d, v1.4s', 'sadalp v0.8h, v1.16b', 'sadalp v0.1d, v1.2s', 'uadalp v0.4s, v1.8h', 'uadalp v0.2d, v1.4s',
  'suqadd v0.16b, v1.16b', 'suqadd v0.8h, v1.8h', 'suqadd v0.2s, v1.2s', 'suqadd v0.2d, v1.2d',
  'usqadd v0.16b, v1.16b', 'usqadd v0.4h, v1.4h', 'usqadd v0.4s, v1.4s', 'usqadd v0.2d, v1.2d',
  'cls v0.16b, v1.16b', 'cls v0.8h, v1.8h', 'cls v0.2s, v1.2s', 'clz v0.8b, v1.8b', 'clz v0.4h, v1.4h', 'clz v0.4s, v1.4s',
  'cnt v0.16b, v1.16b', 'cnt v0.8b, v1.8b', 'not v0.16b, v1.16b', 'mvn v0.8b, v1.8b', 'rbit v0.16b, v1.16b', 'rbit v0.8b, v1.8b',
  'sqabs v0.16b, v1.16b', 'sqabs v0.4h, v1.4h', 'sqabs v0.4s, v1.4s', 'sqabs v0.2d, v1.2d',
  'sqneg v0.8b, v1.8b', 'sqneg v0.8h, v1.8h', 'sqneg v0.2s, v1.2s', 'sqneg v0.2d, v1.2d',
  'cmgt v0.16b, v1.16b, #0', 'cmge v0.8h, v1.8h, #0', 'cmeq v0.2s, v1.2s, #0', 'cmle v0.2d, v1.2d, #0', 'cmlt v0.4s, v1.4s, #0',
  'cmgt v0.2d, v1.2d, #0', 'cmeq v0.16b, v1.16b, #0', 'cmlt v0.8b, v1.8b, #0',
  'abs v0.16b, v1.16b', 'abs v0.4h, v1.4h', 'abs v0.4s, v1.4s', 'abs v0.2d, v1.2d', 'neg v0.8b, v1.8b', 'neg v0.8h, v1.8h', 'neg v0.2d, v1.2d',
  'xtn v0.8b, v1.8h', 'xtn2 v0.16b, v1.8h', 'xtn v0.4h, v1.4s', 'xtn2 v0.4s, v1.2d',
  'sqxtn v0.8b, v1.8h', 'sqxtn2 v0.8h, v1.4s', 'sqxtn v0.2s, v1.2d', 'uqxtn v0.8b, v1.8h', 'uqxtn v0.4h, v1.4s', 'uqxtn2 v0.4s, v1.2d',
  'sqxtun v0.8b, v1.8h', 'sqxtun2 v0.16b, v1.8h', 'sqxtun v0.4h, v1.4s', 'sqxtun v0.2s, v1.2d',
  'shll v0.8h, v1.8b, #8', 'shll2 v0.8h, v1.16b, #8', 'shll v0.4s, v1.4h, #16', 'shll2 v0.2d, v1.4s, #32',
  'abs d0, d1', 'neg d0, d1', 'cmgt d0, d1, #0', 'cmge d0, d1, #0', 'cmeq d0, d1, #0', 'cmle d0, d1, #0', 'cmlt d0, d1, #0',
  'sqabs b0, b1', 'sqabs h0, h1', 'sqabs s0, s1', 'sqabs d0, d1', 'sqneg b0, b1', 'sqneg s0, s1', 'sqneg d0, d1',
  'suqadd b0, b1', 'suqadd h0, h1', 'suqadd s0, s1', 'suqadd d0, d1', 'usqadd b0, b1', 'usqadd h0, h1', 'usqadd d0, d1',
  'sqxtn b0, h1', 'sqxtn h0, s1', 'sqxtn s0, d1', 'uqxtn b0, h1', 'uqxtn s0, d1', 'sqxtun b0, h1', 'sqxtun h0, s1', 'sqxtun s0, d1',
  // across lanes
  'addv b0, v1.16b', 'addv b0, v1.8b', 'addv h0, v1.8h', 'addv h0, v1.4h', 'addv s0, v1.4s',
  'saddlv h0, v1.16b', 'saddlv h0, v1.8b', 'saddlv s0, v1.8h', 'saddlv d0, v1.4s', 'uaddlv h0, v1.16b', 'uaddlv s0, v1.4h', 'uaddlv d0, v1.4s',
  'smaxv b0, v1.16b', 'smaxv h0, v1.4h', 'smaxv s0, v1.4s', 'umaxv b0, v1.8b', 'umaxv h0, v1.8h', 'umaxv s0, v1.4s',
  'sminv b0, v1.16b', 'sminv h0, v1.8h', 'sminv s0, v1.4s', 'uminv b0, v1.16b', 'uminv h0, v1.4h', 'uminv s0, v1.4s',
  // copy
  'dup v0.16b, v1.b[15]', 'dup v0.8h, v1.h[3]', 'dup v0.4s, v1.s[2]', 'dup v0.2d, v1.d[1]', 'dup v0.2s, v1.s[3]', 'dup v0.8b, v1.b[0]',
  'dup v0.16b, w1', 'dup v0.4h, w1', 'dup v0.2s, w1', 'dup v0.2d, x1', 'dup v0.8h, wzr',
  'mov v0.b[5], w1', 'mov v0.h[7], w1', 'mov v0.s[1], w1', 'mov v0.d[1], x1', 'mov v0.d[0], xzr',
  'mov v0.b[3], v1.b[12]', 'mov v0.h[1], v1.h[6]', 'mov v0.s[3], v1.s[0]', 'mov v0.d[0], v1.d[1]', 'mov v1.b[0], v1.b[15]',
  'umov w0, v1.b[9]', 'umov w0, v1.h[5]', 'mov w0, v1.s[3]', 'mov x0, v1.d[1]', 'umov w0, v1.b[15]',
  'smov w0, v1.b[15]', 'smov w0, v1.h[2]', 'smov x0, v1.b[1]', 'smov x0, v1.h[7]', 'smov x0, v1.s[3]',
  'mov b0, v1.b[7]', 'mov h0, v1.h[5]', 'mov s0, v1.s[3]', 'mov d0, v1.d[1]',
  // permute
  ...['zip1', 'zip2', 'uzp1', 'uzp2', 'trn1', 'trn2'].flatMap((op) =>
    ['16b', '8b', '8h', '4h', '4s', '2s', '2d'].map((t) => `${op} v0.${t}, v1.${t}, v2.${t}`)),
  'zip1 v1.4s, v1.4s, v2.4s', 'uzp2 v2.8h, v1.8h, v2.8h',
  'ext v0.16b, v1.16b, v2.16b, #0', 'ext v0.16b, v1.16b, v2.16b, #3', 'ext v0.16b, v1.16b, v2.16b, #15', 'ext v0.8b, v1.8b, v2.8b, #5',
  'ext v1.16b, v1.16b, v1.16b, #8',
  'tbl v0.16b, {v1.16b}, v2.16b', 'tbl v0.8b, {v1.16b, v2.16b}, v3.8b', 'tbl v0.16b, {v30.16b, v31.16b, v0.16b}, v2.16b',
  'tbl v0.16b, {v30.16b, v31.16b, v0.16b, v1.16b}, v2.16b', 'tbl v2.16b, {v1.16b, v2.16b}, v2.16b',
  'tbx v0.16b, {v1.16b}, v2.16b', 'tbx v0.8b, {v1.16b, v2.16b, v3.16b}, v4.8b', 'tbx v0.16b, {v31.16b, v0.16b, v1.16b, v2.16b}, v3.16b',
  // modified immediate
  'movi v0.4s, #0xab', 'movi v0.4s, #0xab, lsl #8', 'movi v0.2s, #0xab, lsl #16', 'movi v0.4s, #0xab, lsl #24',
  'movi v0.8h, #0x5a', 'movi v0.4h, #0x5a, lsl #8', 'movi v0.4s, #0x12, msl #8', 'movi v0.2s, #0x12, msl #16',
  'movi v0.16b, #0xe7', 'movi v0.8b, #0x80', 'movi d0, #0xff00ff0000ff00ff', 'movi v0.2d, #0xff000000000000ff',
  'mvni v0.4s, #0xab', 'mvni v0.2s, #0xab, lsl #24', 'mvni v0.8h, #0x5a', 'mvni v0.4h, #0x5a, lsl #8', 'mvni v0.4s, #0x12, msl #8', 'mvni v0.2s, #0x12, msl #16',
  'orr v0.4s, #0xab, lsl #16', 'orr v0.2s, #0xab', 'orr v0.4h, #0x5a, lsl #8', 'orr v0.8h, #0x5a',
  'bic v0.4s, #0xff', 'bic v0.2s, #0x01, lsl #24', 'bic v0.8h, #0x5a, lsl #8', 'bic v0.4h, #0xa5',
  'fmov v0.4s, #1.0', 'fmov v0.2s, #-0.125', 'fmov v0.2d, #31.0', 'fmov v0.4s, #-1.9375', 'fmov v0.2d, #0.1875',
  // shift by immediate, vector
  ...['sshr', 'ushr', 'ssra', 'usra', 'srshr', 'urshr', 'srsra', 'ursra', 'sri'].flatMap((op) => [
    `${op} v0.16b, v1.16b, #1`, `${op} v0.8b, v1.8b, #8`, `${op} v0.8h, v1.8h, #16`, `${op} v0.4h, v1.4h, #5`,
    `${op} v0.4s, v1.4s, #32`, `${op} v0.2s, v1.2s, #7`, `${op} v0.2d, v1.2d, #64`, `${op} v0.2d, v1.2d, #1`, `${op} v0.2d, v1.2d, #37`]),
  ...['shl', 'sli', 'sqshl', 'uqshl', 'sqshlu'].flatMap((op) => [
    `${op} v0.16b, v1.16b, #0`, `${op} v0.8b, v1.8b, #7`, `${op} v0.8h, v1.8h, #1`, `${op} v0.4h, v1.4h, #15`,
    `${op} v0.4s, v1.4s, #31`, `${op} v0.2s, v1.2s, #9`, `${op} v0.2d, v1.2d, #63`, `${op} v0.2d, v1.2d, #0`, `${op} v0.2d, v1.2d, #4`]),
  ...['shrn', 'rshrn', 'sqshrn', 'uqshrn', 'sqrshrn', 'uqrshrn', 'sqshrun', 'sqrshrun'].flatMap((op) => [
    `${op} v0.8b, v1.8h, #1`, `${op} v0.8b, v1.8h, #8`, `${op}2 v0.16b, v1.8h, #3`, `${op} v0.4h, v1.4s, #16`,
    `${op}2 v0.8h, v1.4s, #1`, `${op} v0.2s, v1.2d, #32`, `${op}2 v0.4s, v1.2d, #1`, `${op} v0.2s, v1.2d, #13`]),
  'sshll v0.8h, v1.8b, #0', 'sshll v0.8h, v1.8b, #7', 'sshll2 v0.4s, v1.8h, #3', 'sshll2 v0.2d, v1.4s, #31',
  'ushll v0.8h, v1.8b, #5', 'ushll2 v0.8h, v1.16b, #0', 'ushll v0.2d, v1.2s, #31', 'sxtl v0.4s, v1.4h', 'uxtl2 v0.2d, v1.4s', 'sxtl2 v0.8h, v1.16b',
  // shift by immediate, scalar
  ...['sshr', 'ushr', 'ssra', 'usra', 'srshr', 'urshr', 'srsra', 'ursra', 'sri'].flatMap((op) => [
    `${op} d0, d1, #1`, `${op} d0, d1, #64`, `${op} d0, d1, #63`, `${op} d0, d1, #13`]),
  'shl d0, d1, #0', 'shl d0, d1, #63', 'sli d0, d1, #0', 'sli d0, d1, #63', 'sli d0, d1, #17',
  ...['sqshl', 'uqshl', 'sqshlu'].flatMap((op) => [`${op} b0, b1, #3`, `${op} h0, h1, #15`, `${op} s0, s1, #31`, `${op} s0, s1, #0`, `${op} d0, d1, #1`, `${op} d0, d1, #63`]),
  ...['sqshrn', 'uqshrn', 'sqrshrn', 'uqrshrn', 'sqshrun', 'sqrshrun'].flatMap((op) => [
    `${op} b0, h1, #8`, `${op} b0, h1, #1`, `${op} h0, s1, #16`, `${op} h0, s1, #5`, `${op} s0, d1, #32`, `${op} s0, d1, #1`]),
  // FMOV bit moves
  'fmov w0, s1', 'fmov s0, w1', 'fmov x0, d1', 'fmov d0, x1', 'fmov x0, v1.d[1]', 'fmov v0.d[1], x1', 'fmov s0, wzr',
];

/** A small deterministic generator (xorshift64*) so a failure reproduces. */
let seed = 0x9e3779b97f4a7c15n;
function rand64(): bigint {
  seed ^= seed >> 12n;
  seed ^= (seed << 25n) & M64;
  seed ^= seed >> 27n;
  return (seed * 0x2545f4914f6cdd1dn) & M64;
}
const EDGE16 = [0x0000n, 0x0001n, 0x7fffn, 0x8000n, 0x8001n, 0xffffn, 0x00ffn, 0xff00n, 0x7f80n, 0x0080n, 0x007fn, 0xfffen];
const EDGE64 = [0n, 1n, M64, 1n << 63n, (1n << 63n) - 1n, (1n << 63n) + 1n, 0xffff_ffffn, 0x8000_0000n, 0x7fff_ffffn, 0xffff_ffff_8000_0000n];
const pick = <T>(a: T[]): T => a[Number(rand64() % BigInt(a.length))];

/** A 64-bit value: random, or edge values in its 16-bit pieces, or a 64-bit edge value. */
function value64(kind: number): bigint {
  if (kind === 0) return rand64();
  if (kind === 1) {
    let v = 0n;
    for (let k = 0n; k < 4n; k++) v |= (rand64() & 1n ? pick(EDGE16) : rand64() & 0xffffn) << (16n * k);
    return v;
  }
  if (kind === 2) return pick(EDGE64);
  let v = 0n; // small bytes, for table indices and shift counts
  for (let k = 0n; k < 8n; k++) v |= (rand64() % 72n) << (8n * k);
  return v;
}

function randomState(kind: number): VState {
  const s = vstate(BASE);
  s.v = s.v.map(() => value64(kind) | (value64(kind === 2 ? 1 : kind) << 64n));
  s.x = s.x.map(() => value64(kind === 3 ? 1 : kind));
  s.fpsr = 0n;
  return s;
}

describe('differential against qemu-aarch64', () => {
  it.skipIf(!haveQemu)(`${DIFF.length} forms x 5 operand sets`, () => {
    const words = assemble(DIFF);
    const groups = DIFF.flatMap((asm, n) => [0, 1, 2, 3, 1].map((kind) => ({ asm, word: words[n], states: [randomState(kind)] })));
    const bad = diffCore(groups, runQemu(groups));
    expect(bad.slice(0, 30)).toEqual([]);
  });
});
