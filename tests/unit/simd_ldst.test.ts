// SIMD&FP loads and stores (src/core/exec/simd_ldst.ts). Hand-written cases pin down the values of
// each form (register zeroing, lanes, interleaving, writeback); a differential run executes every form
// on the core and on qemu-aarch64 -cpu cortex-a57 from the same registers and memory and compares
// V0-V31, the base and offset registers and 256 bytes of memory. Alignment faults (EL1, MMU off:
// Device memory) and the unallocated encodings are checked on the core alone.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { testCore, load, CODE, RAM_BASE } from '../helpers/core';
import type { Core } from '../../src/machine/core';
import { A64_TABLE } from '../../src/core/generated/table';
import { SR_CPACR_EL1, SR_VBAR_EL1, SR_ESR_EL1, SR_FAR_EL1, SR_ELR_EL1, SR_SCTLR_EL1 } from '../../src/core/layout';
import { haveBinutils, haveQemu, withDir, build, assemble } from '../helpers/cross';
import { M64, M128 } from '../helpers/vcases';

const BUF = RAM_BASE + 0x8000; // 256 bytes of test memory
const BASE_OFF = 64; // x1 starts here, so negative offsets stay inside the buffer
const VBAR = RAM_BASE + 0x1000;

const memPattern = (): Uint8Array => new Uint8Array(256).map((_, k) => (k * 37 + 11) & 0xff);
const junkV = (n: number): bigint => (0x0f1e2d3c4b5a6978_8796a5b4c3d2e1f0n * BigInt(n + 1) + BigInt(n)) & M128;
/** Byte k of the test memory. */
const mb = (k: number): number => (k * 37 + 11) & 0xff;
/** Little-endian value of len bytes of test memory from offset off. */
const mv = (off: number, len: number): bigint => {
  let v = 0n;
  for (let k = len - 1; k >= 0; k--) v = (v << 8n) | BigInt(mb(off + k));
  return v;
};

// ---- one instruction on the core ------------------------------------------------------------------

/** What a memory case observes: V0-V31, x1 relative to the buffer, x2, and the buffer. */
interface Obs {
  v: bigint[];
  x1: bigint;
  x2: bigint;
  mem: string;
}
interface MemCase {
  asm: string;
  x2?: bigint;
  base?: number; // x1 = BUF + base (default BASE_OFF)
}
const hexMem = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const show = (o: Obs): string[] => [
  ...o.v.map((v, n) => `v${n}=${v.toString(16)}`),
  `x1=buf+${BigInt.asIntN(64, o.x1)}`,
  `x2=${o.x2.toString(16)}`,
  `mem=${o.mem}`,
];

let user: Core; // EL0 user mode: no alignment checks, like qemu-aarch64
let el1: Core; // EL1 with the MMU off: alignStrict

function runCore(c: Core, word: number, k: MemCase, v: bigint[] = Array.from({ length: 32 }, (_, n) => junkV(n))): Obs {
  c.writePhys(BUF, memPattern());
  v.forEach((val, n) => c.setV(n, val));
  c.setX(1, BigInt(BUF + (k.base ?? BASE_OFF)));
  c.setX(2, k.x2 ?? 0n);
  c.pc = BigInt(CODE);
  load(c, [word]);
  c.run(1);
  expect(c.pc, `${k.asm}: one instruction executed without an exception`).toBe(BigInt(CODE) + 4n);
  return {
    v: Array.from({ length: 32 }, (_, n) => c.v(n)),
    x1: (c.x(1) - BigInt(BUF)) & M64,
    x2: c.x(2),
    mem: hexMem(c.readPhys(BUF, 256)),
  };
}

const DUMP = 512 + 16 + 256;

/** Runs each case under qemu-aarch64 from the same registers and memory and returns what it saw. */
function runQemu(cases: MemCase[]): Obs[] {
  return withDir((dir) => {
    const hex = (v: bigint): string => '0x' + (v & M64).toString(16);
    const lines: string[] = [];
    const bytes = Array.from(memPattern()).join(', ');
    cases.forEach((k, n) => {
      const vdata = Array.from({ length: 32 }, (_, r) => [hex(junkV(r)), hex(junkV(r) >> 64n)]).flat();
      lines.push('.pushsection .data', '.balign 16', `in${n}: .quad ${vdata.join(', ')}`, '.balign 16', `mem${n}: .byte ${bytes}`, '.popsection');
      lines.push(`adrp x0, in${n}`, `add x0, x0, :lo12:in${n}`);
      for (let r = 0; r < 32; r += 4) lines.push(`ld1 {v${r}.16b, v${r + 1}.16b, v${r + 2}.16b, v${r + 3}.16b}, [x0], #64`);
      lines.push(`adrp x1, mem${n}`, `add x1, x1, :lo12:mem${n}`, `add x1, x1, #${k.base ?? BASE_OFF}`, `ldr x2, =${hex(k.x2 ?? 0n)}`);
      lines.push(k.asm);
      lines.push('adrp x9, buf', 'add x9, x9, :lo12:buf', 'mov x0, x9');
      for (let r = 0; r < 32; r += 4) lines.push(`st1 {v${r}.16b, v${r + 1}.16b, v${r + 2}.16b, v${r + 3}.16b}, [x0], #64`);
      lines.push(`adrp x3, mem${n}`, `add x3, x3, :lo12:mem${n}`, 'sub x1, x1, x3', 'stp x1, x2, [x0], #16');
      lines.push('mov x5, #0', '1: ldr x6, [x3, x5]', 'str x6, [x0, x5]', 'add x5, x5, #8', 'cmp x5, #256', 'b.ne 1b');
      lines.push('mov x0, #1', 'mov x1, x9', `mov x2, #${DUMP}`, 'mov x8, #64', 'svc #0', 'b 2f', '.ltorg', '2:');
    });
    lines.push('mov x0, #0', 'mov x8, #93', 'svc #0', '.bss', '.balign 16', `buf: .skip ${DUMP}`);
    const elf = build(dir, lines.join('\n'));
    const r = spawnSync('qemu-aarch64', ['-cpu', 'cortex-a57', elf], { maxBuffer: 1 << 28 });
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out.length).toBe(DUMP * cases.length);
    return cases.map((_, n) => {
      const b = DUMP * n;
      const rd = (off: number): bigint => out.readBigUInt64LE(b + off);
      return {
        v: Array.from({ length: 32 }, (_, r) => rd(16 * r) | (rd(16 * r + 8) << 64n)),
        x1: rd(512),
        x2: rd(520),
        mem: out.subarray(b + 528, b + 528 + 256).toString('hex'),
      };
    });
  });
}

beforeAll(async () => {
  user = await testCore({ userMode: true, el: 0 });
  el1 = await testCore();
  el1.setSysreg(SR_CPACR_EL1, 3n << 20n);
});

// ---- hand-written cases ---------------------------------------------------------------------------

const J = junkV;
/** Lane idx of esize bytes of v. */
const laneOf = (v: bigint, esize: number, idx: number): bigint => (v >> BigInt(8 * esize * idx)) & ((1n << BigInt(8 * esize)) - 1n);
/** v with lane idx of esize bytes replaced by x. */
const withLane = (v: bigint, esize: number, idx: number, x: bigint): bigint => {
  const sh = BigInt(8 * esize * idx);
  const m = ((1n << BigInt(8 * esize)) - 1n) << sh;
  return (v & ~m & M128) | ((x << sh) & m);
};
/** Register `member` of an LDn of `elements` structures of selem elements of esize bytes at off. */
const deint = (off: number, esize: number, elements: number, selem: number, member: number): bigint => {
  let v = 0n;
  for (let e = 0; e < elements; e++) v |= mv(off + (e * selem + member) * esize, esize) << BigInt(8 * esize * e);
  return v;
};
/** An element of esize bytes replicated over bytes bytes. */
const rep = (x: bigint, esize: number, bytes: number): bigint => {
  let v = 0n;
  for (let e = 0; e < bytes / esize; e++) v |= x << BigInt(8 * esize * e);
  return v;
};
/** Memory writes (offset, value, bytes) of ST2-ST4 from registers regs (lane e of each, in turn). */
const interleave = (off: number, esize: number, elements: number, regs: number[]): [number, bigint, number][] => {
  const w: [number, bigint, number][] = [];
  for (let e = 0; e < elements; e++) regs.forEach((r, s) => w.push([off + (e * regs.length + s) * esize, laneOf(J(r), esize, e), esize]));
  return w;
};
const lo = (v: bigint): bigint => v & M64;

interface ValCase extends MemCase {
  word: number;
  v?: Record<number, bigint>;
  x1?: number;
  mem?: [number, bigint, number][];
  unaligned?: boolean; // accesses not aligned to their size: skipped on the EL1 (Device memory) run
}
const c = (asm: string, word: number, want: Omit<ValCase, 'asm' | 'word'> = {}): ValCase => ({ asm, word, ...want });

function expected(k: ValCase): Obs {
  const mem = memPattern();
  for (const [off, val, len] of k.mem ?? []) for (let b = 0; b < len; b++) mem[off + b] = Number((val >> BigInt(8 * b)) & 0xffn);
  return {
    v: Array.from({ length: 32 }, (_, n) => k.v?.[n] ?? J(n)),
    x1: BigInt(k.x1 ?? k.base ?? BASE_OFF),
    x2: k.x2 ?? 0n,
    mem: hexMem(mem),
  };
}

const registerForms: ValCase[] = [
  c('ldr b0, [x1, #3]', 0x3d400c20, { v: { 0: mv(67, 1) } }),
  c('ldr h0, [x1, #6]', 0x7d400c20, { v: { 0: mv(70, 2) } }),
  c('ldr s0, [x1, #8]', 0xbd400820, { v: { 0: mv(72, 4) } }),
  c('ldr d0, [x1, #16]', 0xfd400820, { v: { 0: mv(80, 8) } }),
  c('ldr q0, [x1, #32]', 0x3dc00820, { v: { 0: mv(96, 16) } }),
  c('ldur q1, [x1, #-5]', 0x3cdfb021, { v: { 1: mv(59, 16) }, unaligned: true }),
  c('ldur h1, [x1, #1]', 0x7c401021, { v: { 1: mv(65, 2) }, unaligned: true }),
  c('ldr q2, [x1], #-16', 0x3cdf0422, { v: { 2: mv(64, 16) }, x1: 48 }),
  c('ldr s3, [x1, #4]!', 0xbc404c23, { v: { 3: mv(68, 4) }, x1: 68 }),
  c('ldr b9, [x1, #-1]!', 0x3c5ffc29, { v: { 9: mv(63, 1) }, x1: 63 }),
  c('ldr d4, [x1, x2, lsl #3]', 0xfc627824, { x2: 3n, v: { 4: mv(88, 8) } }),
  c('ldr q5, [x1, w2, sxtw #4]', 0x3ce2d825, { x2: 0xffff_fffen, v: { 5: mv(32, 16) } }),
  c('ldr h6, [x1, w2, uxtw #1]', 0x7c625826, { x2: 0x1_0000_0005n, v: { 6: mv(74, 2) } }),
  c('ldr b7, [x1, x2]', 0x3c626827, { x2: -64n & M64, v: { 7: mv(0, 1) } }),
  c('ldr q8, [x1, x2, sxtx]', 0x3ce2e828, { x2: -16n & M64, v: { 8: mv(48, 16) } }),
  c('str b0, [x1, #3]', 0x3d000c20, { mem: [[67, J(0), 1]] }),
  c('str q31, [x1, #-32]!', 0x3c9e0c3f, { mem: [[32, J(31), 16]], x1: 32 }),
  c('str h2, [x1], #7', 0x7c007422, { mem: [[64, J(2), 2]], x1: 71 }),
  c('stur d3, [x1, #-3]', 0xfc1fd023, { mem: [[61, J(3), 8]], unaligned: true }),
  c('str s4, [x1, x2, sxtx #2]', 0xbc22f824, { x2: -4n & M64, mem: [[48, J(4), 4]] }),
  c('str q5, [x1, #48]', 0x3d800c25, { mem: [[112, J(5), 16]] }),
  c('str d6, [x1, w2, uxtw]', 0xfc224826, { x2: 8n, mem: [[72, J(6), 8]] }),
];

const pairs: ValCase[] = [
  c('ldp s0, s1, [x1, #-8]', 0x2d7f0420, { v: { 0: mv(56, 4), 1: mv(60, 4) } }),
  c('ldp d2, d3, [x1], #16', 0x6cc10c22, { v: { 2: mv(64, 8), 3: mv(72, 8) }, x1: 80 }),
  c('ldp q4, q5, [x1, #-32]!', 0xadff1424, { v: { 4: mv(32, 16), 5: mv(48, 16) }, x1: 32 }),
  c('stp q0, q1, [x1, #16]', 0xad008420, { mem: [[80, J(0), 16], [96, J(1), 16]] }),
  c('stnp d6, d7, [x1, #-64]', 0x6c3c1c26, { mem: [[0, lo(J(6)), 8], [8, lo(J(7)), 8]] }),
  c('ldnp q0, q31, [x1]', 0xac407c20, { v: { 0: mv(64, 16), 31: mv(80, 16) } }),
  c('stp s30, s31, [x1], #-4', 0x2cbffc3e, { mem: [[64, J(30), 4], [68, J(31), 4]], x1: 60 }),
  c('stp d8, d9, [x1, #8]!', 0x6d80a428, { mem: [[72, J(8), 8], [80, J(9), 8]], x1: 72 }),
  c('ldp q0, q0, [x1]', 0xad400020, { v: { 0: mv(80, 16) } }), // Rt == Rt2: the second element (QEMU)
];

const multiple: ValCase[] = [
  c('ld1 {v0.16b}, [x1]', 0x4c407020, { v: { 0: mv(64, 16) } }),
  c('ld1 {v0.8b}, [x1]', 0x0c407020, { v: { 0: mv(64, 8) } }),
  c('ld1 {v0.4h, v1.4h}, [x1], #16', 0x0cdfa420, { v: { 0: mv(64, 8), 1: mv(72, 8) }, x1: 80 }),
  c('ld1 {v30.2d, v31.2d, v0.2d}, [x1], x2', 0x4cc26c3e, { x2: 5n, v: { 30: mv(64, 16), 31: mv(80, 16), 0: mv(96, 16) }, x1: 69 }),
  c('ld1 {v0.1d, v1.1d, v2.1d, v3.1d}, [x1]', 0x0c402c20, { v: { 0: mv(64, 8), 1: mv(72, 8), 2: mv(80, 8), 3: mv(88, 8) } }),
  c('ld1 {v4.4s, v5.4s, v6.4s, v7.4s}, [x1], #64', 0x4cdf2824, { v: { 4: mv(64, 16), 5: mv(80, 16), 6: mv(96, 16), 7: mv(112, 16) }, x1: 128 }),
  c('st1 {v0.2s, v1.2s}, [x1], #16', 0x0c9fa820, { mem: [[64, lo(J(0)), 8], [72, lo(J(1)), 8]], x1: 80 }),
  c('st1 {v29.16b, v30.16b, v31.16b, v0.16b}, [x1]', 0x4c00203d, { mem: [[64, J(29), 16], [80, J(30), 16], [96, J(31), 16], [112, J(0), 16]] }),
  c('ld2 {v0.8h, v1.8h}, [x1]', 0x4c408420, { v: { 0: deint(64, 2, 8, 2, 0), 1: deint(64, 2, 8, 2, 1) } }),
  c('ld2 {v0.16b, v1.16b}, [x1], #32', 0x4cdf8020, { v: { 0: deint(64, 1, 16, 2, 0), 1: deint(64, 1, 16, 2, 1) }, x1: 96 }),
  c('ld3 {v0.8b, v1.8b, v2.8b}, [x1], #24', 0x0cdf4020, { v: { 0: deint(64, 1, 8, 3, 0), 1: deint(64, 1, 8, 3, 1), 2: deint(64, 1, 8, 3, 2) }, x1: 88 }),
  c('ld3 {v0.2d, v1.2d, v2.2d}, [x1]', 0x4c404c20, { v: { 0: deint(64, 8, 2, 3, 0), 1: deint(64, 8, 2, 3, 1), 2: deint(64, 8, 2, 3, 2) } }),
  c('ld4 {v0.4s, v1.4s, v2.4s, v3.4s}, [x1]', 0x4c400820, { v: { 0: deint(64, 4, 4, 4, 0), 1: deint(64, 4, 4, 4, 1), 2: deint(64, 4, 4, 4, 2), 3: deint(64, 4, 4, 4, 3) } }),
  c('ld4 {v31.2s, v0.2s, v1.2s, v2.2s}, [x1], x2', 0x0cc2083f, {
    x2: -8n & M64, x1: 56,
    v: { 31: deint(64, 4, 2, 4, 0), 0: deint(64, 4, 2, 4, 1), 1: deint(64, 4, 2, 4, 2), 2: deint(64, 4, 2, 4, 3) },
  }),
  c('st2 {v0.4s, v1.4s}, [x1]', 0x4c008820, { mem: interleave(64, 4, 4, [0, 1]) }),
  c('st3 {v0.16b, v1.16b, v2.16b}, [x1], #48', 0x4c9f4020, { mem: interleave(64, 1, 16, [0, 1, 2]), x1: 112 }),
  c('st4 {v0.4h, v1.4h, v2.4h, v3.4h}, [x1]', 0x0c000420, { mem: interleave(64, 2, 4, [0, 1, 2, 3]) }),
  c('st2 {v30.2d, v31.2d}, [x1], x2', 0x4c828c3e, { x2: 16n, mem: interleave(64, 8, 2, [30, 31]), x1: 80 }),
];

const single: ValCase[] = [
  c('ld1 {v0.b}[15], [x1]', 0x4d401c20, { v: { 0: withLane(J(0), 1, 15, mv(64, 1)) } }),
  c('ld1 {v0.b}[3], [x1], #1', 0x0ddf0c20, { v: { 0: withLane(J(0), 1, 3, mv(64, 1)) }, x1: 65 }),
  c('ld1 {v0.h}[2], [x1], x2', 0x0dc25020, { x2: 3n, v: { 0: withLane(J(0), 2, 2, mv(64, 2)) }, x1: 67 }),
  c('ld1 {v0.s}[1], [x1], #4', 0x0ddf9020, { v: { 0: withLane(J(0), 4, 1, mv(64, 4)) }, x1: 68 }),
  c('ld1 {v0.d}[1], [x1]', 0x4d408420, { v: { 0: withLane(J(0), 8, 1, mv(64, 8)) } }),
  c('ld2 {v31.h, v0.h}[5], [x1], #4', 0x4dff483f, { v: { 31: withLane(J(31), 2, 5, mv(64, 2)), 0: withLane(J(0), 2, 5, mv(66, 2)) }, x1: 68 }),
  c('ld3 {v0.s, v1.s, v2.s}[3], [x1]', 0x4d40b020, { v: { 0: withLane(J(0), 4, 3, mv(64, 4)), 1: withLane(J(1), 4, 3, mv(68, 4)), 2: withLane(J(2), 4, 3, mv(72, 4)) } }),
  c('ld4 {v0.d, v1.d, v2.d, v3.d}[0], [x1], #32', 0x0dffa420, {
    x1: 96, v: { 0: withLane(J(0), 8, 0, mv(64, 8)), 1: withLane(J(1), 8, 0, mv(72, 8)), 2: withLane(J(2), 8, 0, mv(80, 8)), 3: withLane(J(3), 8, 0, mv(88, 8)) },
  }),
  c('ld4 {v0.b, v1.b, v2.b, v3.b}[13], [x1]', 0x4d603420, {
    v: { 0: withLane(J(0), 1, 13, mv(64, 1)), 1: withLane(J(1), 1, 13, mv(65, 1)), 2: withLane(J(2), 1, 13, mv(66, 1)), 3: withLane(J(3), 1, 13, mv(67, 1)) },
  }),
  c('st1 {v0.b}[15], [x1]', 0x4d001c20, { mem: [[64, laneOf(J(0), 1, 15), 1]] }),
  c('st2 {v0.s, v1.s}[3], [x1]', 0x4d209020, { mem: [[64, laneOf(J(0), 4, 3), 4], [68, laneOf(J(1), 4, 3), 4]] }),
  c('st3 {v0.d, v1.d, v2.d}[1], [x1], #24', 0x4d9fa420, { x1: 88, mem: [[64, laneOf(J(0), 8, 1), 8], [72, laneOf(J(1), 8, 1), 8], [80, laneOf(J(2), 8, 1), 8]] }),
  c('st4 {v0.h, v1.h, v2.h, v3.h}[6], [x1], x2', 0x4da27020, {
    x2: 2n, x1: 66, mem: [0, 1, 2, 3].map((r): [number, bigint, number] => [64 + 2 * r, laneOf(J(r), 2, 6), 2]),
  }),
];

const replicate: ValCase[] = [
  c('ld1r {v0.16b}, [x1]', 0x4d40c020, { v: { 0: rep(mv(64, 1), 1, 16) } }),
  c('ld1r {v0.4h}, [x1], #2', 0x0ddfc420, { v: { 0: rep(mv(64, 2), 2, 8) }, x1: 66 }),
  c('ld2r {v0.4s, v1.4s}, [x1], x2', 0x4de2c820, { x2: 1n, x1: 65, v: { 0: rep(mv(64, 4), 4, 16), 1: rep(mv(68, 4), 4, 16) } }),
  c('ld3r {v0.1d, v1.1d, v2.1d}, [x1]', 0x0d40ec20, { v: { 0: mv(64, 8), 1: mv(72, 8), 2: mv(80, 8) } }),
  c('ld4r {v30.2d, v31.2d, v0.2d, v1.2d}, [x1], #32', 0x4dffec3e, {
    x1: 96, v: { 30: rep(mv(64, 8), 8, 16), 31: rep(mv(72, 8), 8, 16), 0: rep(mv(80, 8), 8, 16), 1: rep(mv(88, 8), 8, 16) },
  }),
  c('ld3r {v0.8b, v1.8b, v2.8b}, [x1]', 0x0d40e020, { v: { 0: rep(mv(64, 1), 1, 8), 1: rep(mv(65, 1), 1, 8), 2: rep(mv(66, 1), 1, 8) } }),
];

function checkCases(title: string, cases: ValCase[]): void {
  describe(title, () => {
    it.each(cases.map((k) => [k.asm, k] as const))('%s', (_, k) => {
      expect(show(runCore(user, k.word, k))).toEqual(show(expected(k)));
    });
    it('the same on EL1 with the MMU off (aligned accesses)', () => {
      for (const k of cases.filter((k) => !k.unaligned)) {
        expect(show(runCore(el1, k.word, k)), k.asm).toEqual(show(expected(k)));
      }
    });
    it.skipIf(!haveBinutils)('encodings agree with aarch64-linux-gnu-as', () => {
      const words = assemble(cases.map((k) => k.asm));
      expect(cases.map((k, n) => `${k.asm}: ${words[n].toString(16)}`)).toEqual(cases.map((k) => `${k.asm}: ${(k.word >>> 0).toString(16)}`));
    });
    it.skipIf(!haveQemu)('expectations agree with qemu-aarch64', () => {
      const got = runQemu(cases);
      cases.forEach((k, n) => expect(show(got[n]), k.asm).toEqual(show(expected(k))));
    });
  });
}

checkCases('LDR/STR/LDUR/STUR (B, H, S, D, Q)', registerForms);
checkCases('LDP/STP/LDNP/STNP (S, D, Q)', pairs);
checkCases('LD1-LD4/ST1-ST4 (multiple structures)', multiple);
checkCases('LD1-LD4/ST1-ST4 (single structure)', single);
checkCases('LD1R-LD4R', replicate);

// ---- literal and SP-based forms ------------------------------------------------------------------

describe('LDR (literal) and SP as the base register', () => {
  it('LDR St/Dt/Qt, label read PC-relative and zero the rest of the register', () => {
    // ldr s1, .+8 ; ldr d2, .+16 ; ldr q3, .+16 ; ldr q4, .-16 (the data sit around the code)
    const words = [0x1c000041, 0x5c000082, 0x9c000083, 0x9cffff84];
    const at0 = RAM_BASE + 0x4000;
    const lit = new Uint8Array(48).map((_, k) => 0xa0 + k);
    user.writePhys(at0 + 4 * 4, lit.subarray(0, 32));
    user.writePhys(at0 - 4, lit.subarray(32, 48));
    load(user, words, at0);
    [1, 2, 3, 4].forEach((n) => user.setV(n, M128));
    user.pc = BigInt(at0);
    user.run(4);
    expect(user.pc).toBe(BigInt(at0) + 16n);
    const at = (off: number, len: number): bigint => {
      let v = 0n;
      for (let k = len - 1; k >= 0; k--) v = (v << 8n) | BigInt(lit[off + k]);
      return v;
    };
    expect(user.v(1)).toBe(BigInt(words[2])); // at0 + 8 is the third word
    expect(user.v(2)).toBe(at(4, 8)); // at0 + 4 + 16 = at0 + 20: lit[4..12)
    expect(user.v(3)).toBe(at(8, 16)); // at0 + 8 + 16 = at0 + 24: lit[8..24)
    // at0 + 12 - 16 = at0 - 4: 4 bytes of data, then the first three words
    expect(user.v(4)).toBe(at(32, 4) | (BigInt(words[0]) << 32n) | (BigInt(words[1]) << 64n) | (BigInt(words[2]) << 96n));
  });
  it('uses SP as the base (ldr q0, [sp, #16]; st1 {v0.2d}, [sp], #16)', () => {
    const sp = BigInt(BUF + 64);
    el1.writePhys(BUF, memPattern());
    el1.setElSp(1, 1, sp);
    el1.setV(0, 0n);
    load(el1, [0x3dc007e0, 0x4c9f7fe0]);
    el1.pc = BigInt(CODE);
    el1.run(2);
    expect(el1.pc).toBe(BigInt(CODE) + 8n);
    expect(el1.v(0)).toBe(mv(80, 16));
    expect(el1.spEl(1)).toBe(sp + 16n);
    expect(hexMem(el1.readPhys(BUF + 64, 16))).toBe(hexMem(memPattern().subarray(80, 96)));
  });
});

// ---- alignment and faults ----------------------------------------------------------------------------

const EC = (k: Core): number => Number(k.sysreg(SR_ESR_EL1) >> 26n) & 0x3f;
const DFSC = (k: Core): number => Number(k.sysreg(SR_ESR_EL1) & 0x3fn);

describe('alignment (EL1 with the MMU off: Device memory) and fault atomicity', () => {
  /** Runs word on k with x1 = BUF + off; returns true when it completed, false when it took a fault. */
  function attempt(k: Core, word: number, off: number): boolean {
    k.setSysreg(SR_VBAR_EL1, BigInt(VBAR));
    k.writePhys(BUF, memPattern());
    for (let n = 0; n < 32; n++) k.setV(n, J(n));
    k.setX(1, BigInt(BUF + off));
    k.pc = BigInt(CODE);
    load(k, [word]);
    k.run(1);
    return k.pc === BigInt(CODE) + 4n;
  }
  const cases: [string, number, number, boolean][] = [
    // asm, word, x1 offset, completes at EL1
    ['ldr q0, [x1]', 0x3dc00020, 8, false],
    ['ldr q0, [x1]', 0x3dc00020, 16, true],
    ['ldr q0, [x1], #16', 0x3cc10420, 8, false],
    ['ldp q0, q1, [x1]', 0xad400420, 8, false],
    ['stp q0, q1, [x1]', 0xad000420, 24, false],
    ['str d0, [x1]', 0xfd000020, 4, false],
    ['ld1 {v0.4s}, [x1]', 0x4c407820, 2, false],
    ['ld1 {v0.4s}, [x1]', 0x4c407820, 4, true],
    ['ld1 {v0.2d, v1.2d}, [x1]', 0x4c40ac20, 8, true],
    ['ld4 {v0.b, v1.b, v2.b, v3.b}[1], [x1]', 0x0d602420, 3, true],
    ['ld1r {v0.4s}, [x1]', 0x4d40c820, 2, false],
    ['ld1 {v0.h}[1], [x1], #2', 0x0ddf4820, 1, false],
    ['st1 {v0.s}[0], [x1]', 0x0d008020, 6, false],
  ];
  it.each(cases)('%s at +%d', (_, word, off, ok) => {
    expect(attempt(el1, word, off)).toBe(ok);
    if (!ok) {
      expect(el1.pc).toBe(BigInt(VBAR) + 0x200n);
      expect(EC(el1)).toBe(0x25);
      expect(DFSC(el1)).toBe(0x21);
      expect(el1.sysreg(SR_FAR_EL1)).toBe(BigInt(BUF + off));
      expect(el1.sysreg(SR_ELR_EL1)).toBe(BigInt(CODE));
      // Nothing written: registers, base register, memory.
      for (let n = 0; n < 32; n++) expect(el1.v(n)).toBe(J(n));
      expect(el1.x(1)).toBe(BigInt(BUF + off));
      expect(hexMem(el1.readPhys(BUF, 256))).toBe(hexMem(memPattern()));
    }
    expect(attempt(user, word, off), 'EL0 user mode never checks alignment').toBe(true);
  });
  it('a structure load that faults on a later element writes no register and no base', async () => {
    const k = await testCore({ ramSize: 1 << 20 });
    k.setSysreg(SR_CPACR_EL1, 3n << 20n);
    k.setSysreg(SR_VBAR_EL1, BigInt(VBAR));
    const end = RAM_BASE + (1 << 20);
    for (let n = 0; n < 32; n++) k.setV(n, J(n));
    k.setX(1, BigInt(end - 32)); // ld4 {v0.16b-v3.16b}, [x1], #64 runs off the end of RAM
    load(k, [0x4cdf0020]);
    k.pc = BigInt(CODE);
    k.run(1);
    expect(k.pc).toBe(BigInt(VBAR) + 0x200n);
    expect(EC(k)).toBe(0x25);
    expect(k.sysreg(SR_FAR_EL1)).toBe(BigInt(end));
    for (let n = 0; n < 32; n++) expect(k.v(n)).toBe(J(n));
    expect(k.x(1)).toBe(BigInt(end - 32));
  });
  it('SP as the base obeys SCTLR_EL1.SA (EC 0x26), for structures too', async () => {
    for (const word of [0x3dc003e0, 0x4c9f7fe0]) { // ldr q0, [sp] ; st1 {v0.2d}, [sp], #16
      const k = await testCore();
      k.setSysreg(SR_CPACR_EL1, 3n << 20n);
      k.setSysreg(SR_VBAR_EL1, BigInt(VBAR));
      k.setSysreg(SR_SCTLR_EL1, 1n << 3n);
      k.setElSp(1, 1, BigInt(BUF + 8));
      k.setV(0, 5n);
      load(k, [word]);
      k.pc = BigInt(CODE);
      k.run(1);
      expect(EC(k)).toBe(0x26);
      expect(k.v(0)).toBe(5n);
      expect(k.spEl(1)).toBe(BigInt(BUF + 8));
    }
  });
  it('SIMD&FP loads and stores trap with EC 0x07 when CPACR_EL1.FPEN = 0', async () => {
    const k = await testCore();
    k.setSysreg(SR_VBAR_EL1, BigInt(VBAR));
    k.setX(1, BigInt(BUF));
    load(k, [0x4c407020]); // ld1 {v0.16b}, [x1]
    k.run(1);
    expect(EC(k)).toBe(0x07);
  });
});

// ---- unallocated encodings ---------------------------------------------------------------------------

describe('unallocated SIMD&FP load/store encodings are UNDEFINED (not "unimplemented")', () => {
  const words: [string, number][] = [
    ['LDR (immediate) with size 01, opc 11', 0x7dc00020],
    ['LDR (immediate) with size 11, opc 11', 0xfdc00020],
    ['unprivileged form (bits 11:10 = 10)', 0x3c400820],
    ['register offset with option<1> = 0', 0x3c622827],
    ['LDR (literal) with opc 11', 0xdc000001],
    ['literal space with bit 24 set', 0x1d000001],
    ['LDP with opc 11', 0xed400420],
    ['ARMv8.1 atomic shape (bit 21, bits 11:10 = 00)', 0x3c220020],
    ['LD2 .1D', 0x0c408c20],
    ['LD3 .1D', 0x0c404c20],
    ['ST4 .1D', 0x0c000c20],
    ['LD1 (multiple) without post-index, Rm != 0', 0x4c417020],
    ['LD1 (multiple) with bit 21 set', 0x4c607020],
    ['multiple structures, opcode 0001', 0x4c401020],
    ['structures with bit 31 set', 0xcc407020],
    ['LD1 (single) without post-index, Rm != 0', 0x4d441c20],
    ['LD1 {Vt.H}[] with size<0> = 1', 0x0d404420],
    ['LD1 {Vt.S}[] with size 10', 0x0d408820],
    ['LD1 {Vt.S}[] with size 11', 0x0d408c20],
    ['LD1 {Vt.D}[] with S = 1', 0x0d409420],
    ['LD1R shape with L = 0', 0x4d00c020],
    ['LD1R with S = 1', 0x4d40d020],
  ];
  it.each(words)('%s', (_, word) => {
    el1.setSysreg(SR_VBAR_EL1, BigInt(VBAR));
    el1.setSysreg(SR_ESR_EL1, 0xffff_ffffn);
    const first = A64_TABLE.find((e) => ((word & e.mask) >>> 0) === e.value);
    expect(first?.unalloc, `first match ${first?.name}`).toBe(true);
    const before = el1.unimplementedCount;
    el1.pc = BigInt(CODE);
    load(el1, [word]);
    el1.run(1);
    expect(el1.pc).toBe(BigInt(VBAR) + 0x200n);
    expect(EC(el1)).toBe(0);
    expect(el1.unimplementedCount).toBe(before);
  });
});

// ---- every form against qemu-aarch64 -----------------------------------------------------------------

/** Every arrangement, register count, lane size and addressing mode, with lists that wrap past V31. */
function allForms(): MemCase[] {
  const out: MemCase[] = [];
  const list = (t: number, n: number, arr: string): string => Array.from({ length: n }, (_, k) => `v${(t + k) % 32}.${arr}`).join(', ');
  const starts = [0, 5, 29, 31];
  let pick = 0;
  const nextT = (): number => starts[pick++ % starts.length];
  const arrs: [string, number][] = [['8b', 8], ['16b', 16], ['4h', 8], ['8h', 16], ['2s', 8], ['4s', 16], ['1d', 8], ['2d', 16]];
  for (const op of ['ld', 'st']) {
    for (const [arr, bytes] of arrs) {
      for (let n = 1; n <= 4; n++) {
        const forms = [[`${op}1`, n], ...(n > 1 && arr !== '1d' ? [[`${op}${n}`, n]] : [])] as [string, number][];
        for (const [mn, regs] of forms) {
          const l = `{${list(nextT(), regs, arr)}}`;
          out.push({ asm: `${mn} ${l}, [x1]` }, { asm: `${mn} ${l}, [x1], #${regs * bytes}` }, { asm: `${mn} ${l}, [x1], x2`, x2: -24n & M64 });
        }
      }
    }
    const lanes: [string, number][] = [['b', 16], ['h', 8], ['s', 4], ['d', 2]];
    const esizes: Record<string, number> = { b: 1, h: 2, s: 4, d: 8 };
    for (const [e, count] of lanes) {
      for (let n = 1; n <= 4; n++) {
        for (const index of [0, count - 1, count >> 1, 1]) {
          const l = `{${list(nextT(), n, e)}}[${index}]`;
          out.push({ asm: `${op}${n} ${l}, [x1]` }, { asm: `${op}${n} ${l}, [x1], #${n * esizes[e]}` }, { asm: `${op}${n} ${l}, [x1], x2`, x2: 40n });
        }
      }
    }
  }
  for (const [arr] of arrs) {
    const esize = { b: 1, h: 2, s: 4, d: 8 }[arr.slice(-1) as 'b' | 'h' | 's' | 'd'];
    for (let n = 1; n <= 4; n++) {
      const l = `{${list(nextT(), n, arr)}}`;
      out.push({ asm: `ld${n}r ${l}, [x1]` }, { asm: `ld${n}r ${l}, [x1], #${n * esize}` }, { asm: `ld${n}r ${l}, [x1], x2`, x2: 3n });
    }
  }
  const regs: [string, number][] = [['b', 1], ['h', 2], ['s', 4], ['d', 8], ['q', 16]];
  for (const op of ['ldr', 'str']) {
    for (const [r, size] of regs) {
      const t = `${r}${nextT()}`;
      const sh = Math.log2(size);
      out.push(
        { asm: `${op} ${t}, [x1, #${3 * size}]` },
        { asm: `${op.replace('r', 'ur')} ${t}, [x1, #-${size + 1}]` },
        { asm: `${op} ${t}, [x1], #-${size}` },
        { asm: `${op} ${t}, [x1, #${size}]!` },
        { asm: `${op} ${t}, [x1, x2]`, x2: 5n },
        { asm: `${op} ${t}, [x1, x2, lsl #${sh}]`, x2: 2n },
        { asm: `${op} ${t}, [x1, w2, uxtw]`, x2: 0x7_0000_0009n },
        { asm: `${op} ${t}, [x1, w2, sxtw #${sh}]`, x2: 0xffff_fffdn },
        { asm: `${op} ${t}, [x1, x2, sxtx]`, x2: -7n & M64 },
      );
    }
  }
  for (const [r, size] of regs.slice(2)) {
    for (const [op, suf] of [['ldp', ''], ['stp', ''], ['ldnp', ''], ['stnp', '']]) {
      const ta = nextT();
      const a = `${r}${ta}`;
      const b = `${r}${(ta + 3 + pick) % 32 === ta ? ta + 1 : (ta + 3 + pick) % 32}`;
      out.push({ asm: `${op}${suf} ${a}, ${b}, [x1, #-${2 * size}]` });
      if (op.length === 3) out.push({ asm: `${op} ${a}, ${b}, [x1], #${size}` }, { asm: `${op} ${a}, ${b}, [x1, #-${size}]!` });
    }
  }
  return out;
}

describe('every form against qemu-aarch64', () => {
  const cases = allForms();
  it.skipIf(!haveQemu)(`${cases.length} forms give the same registers and memory`, () => {
    const words = assemble(cases.map((k) => k.asm));
    const want = runQemu(cases);
    const bad: string[] = [];
    cases.forEach((k, n) => {
      const got = show(runCore(user, words[n], k));
      const exp = show(want[n]);
      const diff = got.filter((g, i) => g !== exp[i]);
      if (diff.length) bad.push(`${k.asm}: ${diff.join(' ')} (qemu: ${exp.filter((e, i) => e !== got[i]).join(' ')})`);
    });
    expect(bad).toEqual([]);
  });
});
