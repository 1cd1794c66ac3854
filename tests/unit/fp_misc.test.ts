// FMOV (scalar, immediate) and FSQRT (vector) (src/core/exec/fp_misc.ts, 64-fp_misc.decode).
//
// Encodings come from aarch64-linux-gnu-as; expectations from qemu-aarch64 -cpu cortex-a57. The sweep
// runs FMOV on every imm8 in S and D, and FSQRT 2S/4S/2D on lanes of edge operands (±0, denormals, the
// smallest normal, ±max, ±inf, quiet and signalling NaNs, values with inexact roots) under all 16
// FPCR combinations of RMode, FZ and DN, comparing V0..V3 and FPSR.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCore, load, CODE } from '../helpers/core';
import type { Core } from '../../src/machine/core';
import { SR_CPACR_EL1 } from '../../src/core/layout';
import { haveBinutils, haveQemu } from '../helpers/cross';


function inTmp<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'armlab-fpmisc-'));
  try {
    return f(dir);
  } finally {
    rmSync(dir, { recursive: true });
  }
}
function link(dir: string, body: string): string {
  writeFileSync(join(dir, 'a.s'), `.arch armv8-a\n.globl _start\n.text\n_start:\n${body}\n`);
  execFileSync('aarch64-linux-gnu-as', [join(dir, 'a.s'), '-o', join(dir, 'a.o')], { cwd: dir });
  execFileSync('aarch64-linux-gnu-ld', ['-static', `-Ttext=0x${CODE.toString(16)}`, join(dir, 'a.o'), '-o', join(dir, 'a.elf')]);
  return join(dir, 'a.elf');
}
function words(asms: string[]): number[] {
  return inTmp((dir) => {
    const elf = link(dir, asms.join('\n'));
    execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', elf, join(dir, 'a.bin')]);
    const bin = readFileSync(join(dir, 'a.bin'));
    return asms.map((_, n) => bin.readUInt32LE(4 * n));
  });
}

interface St {
  v: bigint[]; // V0..V3
  fpcr: bigint;
  fpsr: bigint;
}
const M64 = (1n << 64n) - 1n;

let core: Core;
beforeAll(async () => {
  core = await testCore();
  core.setSysreg(SR_CPACR_EL1, 3n << 20n);
});

function onCore(word: number, s: St): St {
  s.v.forEach((v, n) => core.setV(n, v));
  core.fpcr = Number(s.fpcr);
  core.fpsr = Number(s.fpsr);
  core.pc = BigInt(CODE);
  load(core, [word]);
  core.run(1);
  expect(core.pc, 'executed without an exception').toBe(BigInt(CODE) + 4n);
  return { v: [0, 1, 2, 3].map((n) => core.v(n)), fpcr: s.fpcr, fpsr: BigInt(core.fpsr >>> 0) };
}

/** Runs asm once per state under qemu-aarch64 and returns V0..V3 and FPSR after each. */
function onQemu(asm: string, states: St[]): St[] {
  return inTmp((dir) => {
    const inp = Buffer.alloc(80 * states.length);
    states.forEach((s, k) => {
      s.v.forEach((v, n) => {
        inp.writeBigUInt64LE(v & M64, 80 * k + 16 * n);
        inp.writeBigUInt64LE(v >> 64n, 80 * k + 16 * n + 8);
      });
      inp.writeBigUInt64LE(s.fpcr, 80 * k + 64);
      inp.writeBigUInt64LE(s.fpsr, 80 * k + 72);
    });
    writeFileSync(join(dir, 'in.bin'), inp);
    const src = [
      'adrp x19, inputs', 'add x19, x19, :lo12:inputs', 'adrp x20, buf', 'add x20, x20, :lo12:buf', `ldr x21, =${states.length}`,
      'L0:', 'ldp q0, q1, [x19], #32', 'ldp q2, q3, [x19], #32', 'ldp x1, x2, [x19], #16', 'msr fpcr, x1', 'msr fpsr, x2',
      asm, 'mrs x2, fpsr', 'stp q0, q1, [x20], #32', 'stp q2, q3, [x20], #32', 'stp x2, xzr, [x20], #16', 'subs x21, x21, #1', 'b.ne L0',
      'mov x0, #1', 'adrp x1, buf', 'add x1, x1, :lo12:buf', `ldr x2, =${80 * states.length}`, 'mov x8, #64', 'svc #0',
      'mov x0, #0', 'mov x8, #93', 'svc #0', '.ltorg',
      '.data', '.balign 16', 'inputs: .incbin "in.bin"', '.bss', '.balign 16', `buf: .skip ${80 * states.length}`,
    ];
    const r = spawnSync('qemu-aarch64', ['-cpu', 'cortex-a57', link(dir, src.join('\n'))], { maxBuffer: 1 << 26 });
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out.length).toBe(80 * states.length);
    return states.map((s, k) => ({
      v: [0, 1, 2, 3].map((n) => out.readBigUInt64LE(80 * k + 16 * n) | (out.readBigUInt64LE(80 * k + 16 * n + 8) << 64n)),
      fpcr: s.fpcr,
      fpsr: out.readBigUInt64LE(80 * k + 64),
    }));
  });
}

const show = (s: St): string => `${s.v.map((v, n) => `v${n}=${v.toString(16)}`).join(' ')} fpsr=${s.fpsr.toString(16)}`;

/** Every FPCR combination of RMode (23:22), FZ (24) and DN (25). */
const FPCRS: bigint[] = [];
for (let m = 0n; m < 16n; m++) FPCRS.push(m << 22n);

const JUNK = [0x0123456789abcdef_fedcba9876543210n, 0x1111222233334444_5555666677778888n, 0x99990000aaaa0000_bbbb0000cccc0000n, 0xdeadbeefcafef00d_0badf00dfeedfacen];

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
    const [fmovS, fmovD, sq4s, sq2s, sq2d] = words(['fmov s0, #1.0', 'fmov d0, #-0.125', 'fsqrt v0.4s, v1.4s', 'fsqrt v0.2s, v1.2s', 'fsqrt v0.2d, v1.2d']);
    expect(fmovS).toBe(0x1e2e1000);
    // Each checked UNDEFINED on qemu-aarch64 -cpu cortex-a57: FMOV with imm5 != 0, ftype 10 and 11;
    // FSQRT/FRECPE/FRSQRTE 1D; URECPE/URSQRTE with 64-bit lanes; vector op 11111 with U = 0; scalar
    // op 11111 with U = 1; scalar op 11100 (no scalar URECPE/URSQRTE).
    const bad = [
      fmovS | (1 << 5), fmovS | (2 << 22), fmovS | (3 << 22), sq2d & ~(1 << 30), 0x0ee1d820, 0x2ee1d820,
      0x4ee1c820, 0x6ee1c820, 0x4ea1f820, 0x7ea1f820, 0x5ea1c820, 0x7ea1c820,
    ];
    for (const w of bad) {
      core.setV(0, 0n);
      core.pc = BigInt(CODE);
      load(core, [w]);
      core.run(1);
      expect(core.pc, w.toString(16)).not.toBe(BigInt(CODE) + 4n);
    }
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
      const ws = words(asms);
      ws.forEach((w, imm) => expect((w >> 13) & 0xff, asms[imm]).toBe(imm));
      // FMOV neither reads FPCR nor touches FPSR: every mode, with cumulative flags already set or not.
      const states: St[] = FPCRS.map((fpcr, k) => ({ v: JUNK, fpcr, fpsr: k & 1 ? 0x9fn : 0n }));
      asms.forEach((asm, k) => {
        const want = onQemu(asm, states);
        states.forEach((st, j) => expect(show(onCore(ws[k], st)), asm).toBe(show(want[j])));
      });
    }
  });

  it.runIf(haveQemu)('FSQRT (vector) matches qemu-aarch64 on edge lanes under all FPCR modes', () => {
    const forms: [string, boolean, number][] = [
      ['fsqrt v0.4s, v1.4s', false, 4],
      ['fsqrt v0.2s, v1.2s', false, 2],
      ['fsqrt v0.2d, v1.2d', true, 2],
      ['fsqrt v1.4s, v1.4s', false, 4],
    ];
    const ws = words(forms.map((f) => f[0]));
    let mismatches = 0;
    forms.forEach(([asm, dbl, lanes], k) => {
      const edge = dbl ? D_EDGE : S_EDGE;
      const bits = dbl ? 64n : 32n;
      const states: St[] = [];
      for (const fpcr of FPCRS)
        for (let s = 0; s < edge.length; s++) {
          let v1 = JUNK[1];
          if (lanes * Number(bits) === 64) v1 = (v1 >> 64n) << 64n;
          else v1 = 0n;
          for (let l = 0; l < lanes; l++) v1 |= edge[(s + l * 7) % edge.length] << (BigInt(l) * bits);
          states.push({ v: [JUNK[0], v1, JUNK[2], JUNK[3]], fpcr, fpsr: s % 5 === 0 ? 0x9fn : 0n });
        }
      const want = onQemu(asm, states);
      states.forEach((st, j) => {
        const got = onCore(ws[k], st);
        if (show(got) !== show(want[j])) {
          mismatches++;
          if (mismatches < 10) console.log(asm, st.fpcr.toString(16), show(st), '\n got', show(got), '\n want', show(want[j]));
        }
      });
    });
    expect(mismatches).toBe(0);
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
    const ws = words([...vec.map((f) => f[0]), ...sca.map((f) => f[0])]);
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
    let mismatches = 0;
    const check = (asm: string, word: number, states: St[]): void => {
      const want = onQemu(asm, states);
      states.forEach((st, j) => {
        const got = onCore(word, st);
        if (show(got) !== show(want[j])) {
          mismatches++;
          if (mismatches < 10) console.log(asm, show(st), '\n got', show(got), '\n want', show(want[j]));
        }
      });
    };
    vec.forEach(([asm, dbl, lanes], k) => {
      const ops = asm.startsWith('u') ? [...sOps, ...sOps.map((x) => (x * 0x9e3779b1n) & 0xffffffffn), 0n, 0xffffffffn, 0x40000000n, 0x3fffffffn, 0x80000000n, 0x7fffffffn] : dbl ? dOps : sOps;
      const bits = dbl ? 64n : 32n;
      const states: St[] = [];
      for (const fpcr of FPCRS)
        for (let s = 0; s < ops.length; s += lanes === 4 || dbl ? 1 : 2) {
          let v1 = lanes * Number(bits) === 64 ? (JUNK[1] >> 64n) << 64n : 0n;
          for (let l = 0; l < lanes; l++) v1 |= ops[(s + l * 7) % ops.length] << (BigInt(l) * bits);
          states.push({ v: [JUNK[0], v1, JUNK[2], JUNK[3]], fpcr, fpsr: s % 5 === 0 ? 0x9fn : 0n });
        }
      check(asm, ws[k], states);
    });
    sca.forEach(([asm, dbl], k) => {
      const ops = dbl ? dOps : sOps;
      const keep = dbl ? 64n : 32n;
      const states: St[] = [];
      for (const fpcr of FPCRS)
        ops.forEach((x, s) => states.push({ v: [JUNK[0], ((JUNK[1] >> keep) << keep) | x, JUNK[2], JUNK[3]], fpcr, fpsr: s % 5 === 0 ? 0x9fn : 0n }));
      check(asm, ws[vec.length + k], states);
    });
    expect(mismatches).toBe(0);
  });
});
