// Single-instruction test cases for the core: each case is one instruction word (from
// aarch64-linux-gnu-as; checked against it when the cross toolchain is installed) run on registers
// preset to junk plus the inputs given. Every register not listed in `out` must keep its value, and
// NZCV must keep its value unless `out` gives one. When qemu-aarch64 is installed too, the same cases
// run under QEMU and the expectations must agree with it.
import { it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCore, load, CODE } from './core';
import type { Core } from '../../src/machine/core';
import { SR_VBAR_EL1, SR_ESR_EL1 } from '../../src/core/layout';
import { haveBinutils, haveQemu } from './cross';

export type Regs = Record<string, bigint>;
export interface Case {
  asm: string;
  word: number;
  in: Regs;
  out: Regs;
}
export const c = (asm: string, word: number, inRegs: Regs, out: Regs): Case => ({ asm, word, in: inRegs, out });

const DEFAULT_SP = BigInt(CODE) + 0x7ff0n;
const DEFAULT_NZCV = 0b1010n; // N and C set, so a stray flag write shows
const junk = (n: number): bigint => 0x5a5a_0000_0000_0000n + BigInt(n) * 0x0101_0101n;
const regIndex = (name: string): number => (name === 'sp' ? 31 : Number(name.slice(1)));
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** The 32 register values and NZCV a case starts with. */
function initialState(k: Case): { regs: bigint[]; nzcv: bigint } {
  const regs = Array.from({ length: 32 }, (_, n) => (n === 31 ? DEFAULT_SP : junk(n)));
  for (const [name, v] of Object.entries(k.in)) if (name !== 'nzcv') regs[regIndex(name)] = u64(v);
  return { regs, nzcv: k.in.nzcv ?? DEFAULT_NZCV };
}

/** The state a case must end with. */
function expectedState(k: Case): { regs: bigint[]; nzcv: bigint } {
  const s = initialState(k);
  for (const [name, v] of Object.entries(k.out)) if (name !== 'nzcv') s.regs[regIndex(name)] = u64(v);
  return { regs: s.regs, nzcv: k.out.nzcv ?? s.nzcv };
}

let core: Core;

/** Creates the shared core for this file's cases: call at the top of a test file. */
export function useCaseCore(): void {
  beforeAll(async () => {
    core = await testCore();
  });
}
export function runCase(k: Case, pc = BigInt(CODE)): { regs: bigint[]; nzcv: bigint; pc: bigint } {
  const s = initialState(k);
  s.regs.forEach((v, n) => core.setX(n, v));
  core.nzcv = Number(s.nzcv) << 28;
  core.pc = pc;
  load(core, [k.word], Number(pc));
  core.run(1);
  return { regs: Array.from({ length: 32 }, (_, n) => core.x(n)), nzcv: BigInt(core.nzcv >>> 28), pc: core.pc };
}

export function checkCases(cases: Case[]): void {
  it.each(cases.map((k) => [k.asm, k] as const))('%s', (_, k) => {
    const got = runCase(k);
    const want = expectedState(k);
    expect(got.regs.map((v) => '0x' + v.toString(16))).toEqual(want.regs.map((v) => '0x' + v.toString(16)));
    expect(got.nzcv.toString(2).padStart(4, '0')).toBe(want.nzcv.toString(2).padStart(4, '0'));
    expect(got.pc).toBe(BigInt(CODE) + 4n);
  });
}

/** An encoding that must be UNDEFINED: the CPU takes the exception to VBAR_EL1 + 0x200 with EC 0. */
export function expectUndefined(word: number): void {
  const vbar = BigInt(CODE) + 0x8000n;
  core.setSysreg(SR_VBAR_EL1, vbar);
  core.setSysreg(SR_ESR_EL1, 0xffff_ffffn);
  core.setElSp(1, 1, DEFAULT_SP);
  core.pc = BigInt(CODE);
  load(core, [word]);
  core.run(1);
  expect(core.pc, `0x${(word >>> 0).toString(16)} should be UNDEFINED`).toBe(vbar + 0x200n);
  expect(core.sysreg(SR_ESR_EL1) >> 26n).toBe(0n);
}


/** Assembles and links `body` at CODE and returns the ELF path (in dir). */
function build(dir: string, body: string): string {
  writeFileSync(join(dir, 'a.s'), `.arch armv8-a+crc\n.globl _start\n_start:\nCODE:\n${body}\n`);
  execFileSync('aarch64-linux-gnu-as', [join(dir, 'a.s'), '-o', join(dir, 'a.o')]);
  execFileSync('aarch64-linux-gnu-ld', ['-static', `-Ttext=0x${CODE.toString(16)}`, join(dir, 'a.o'), '-o', join(dir, 'a.elf')]);
  return join(dir, 'a.elf');
}

export function checkAgainstTools(cases: Case[]): void {
  it.skipIf(!haveBinutils)('encodings agree with aarch64-linux-gnu-as', () => {
    const dir = mkdtempSync(join(tmpdir(), 'armlab-enc-'));
    try {
      // All cases back to back at CODE: PC-relative cases then see PC = CODE + 4k, in CODE's page.
      const elf = build(dir, cases.map((k) => k.asm).join('\n'));
      execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', elf, join(dir, 'a.bin')]);
      const bin = readFileSync(join(dir, 'a.bin'));
      const got = cases.map((k, n) => `${k.asm}: 0x${bin.readUInt32LE(4 * n).toString(16).padStart(8, '0')}`);
      const want = cases.map((k) => `${k.asm}: 0x${(k.word >>> 0).toString(16).padStart(8, '0')}`);
      expect(got).toEqual(want);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  // PC-relative results depend on where QEMU places the code, so those cases stay out.
  const portable = cases.filter((k) => !/^adrp?\b/.test(k.asm));
  it.skipIf(!haveQemu)('expectations agree with qemu-aarch64', () => {
    const dir = mkdtempSync(join(tmpdir(), 'armlab-qemu-'));
    try {
      const lines: string[] = [];
      for (const k of portable) {
        const s = initialState(k);
        lines.push(`ldr x0, =0x${s.regs[31].toString(16)}`, 'mov sp, x0', `ldr x0, =0x${(s.nzcv << 28n).toString(16)}`, 'msr nzcv, x0');
        for (let n = 30; n >= 0; n--) lines.push(`ldr x${n}, =0x${s.regs[n].toString(16)}`);
        lines.push(k.asm);
        // Dump x0..x30, sp, nzcv (264 bytes) with write(1, buf, 264).
        lines.push('msr tpidr_el0, x0', 'adrp x0, buf', 'add x0, x0, :lo12:buf');
        for (let n = 1; n <= 30; n++) lines.push(`str x${n}, [x0, #${8 * n}]`);
        lines.push('mrs x1, tpidr_el0', 'str x1, [x0]', 'mov x1, sp', 'str x1, [x0, #248]', 'mrs x1, nzcv', 'str x1, [x0, #256]');
        lines.push('mov x1, x0', 'mov x0, #1', 'mov x2, #264', 'mov x8, #64', 'svc #0', 'b 1f', '.ltorg', '1:');
      }
      lines.push('mov x0, #0', 'mov x8, #93', 'svc #0', '.bss', '.balign 16', 'buf: .skip 264');
      const elf = build(dir, lines.join('\n'));
      // cortex-a57 is an ARMv8.0 CPU (with CRC32), like ours; QEMU's default 'max' has later extensions.
      const r = spawnSync('qemu-aarch64', ['-cpu', 'cortex-a57', elf], { maxBuffer: 1 << 26 });
      expect(r.status).toBe(0);
      const out = r.stdout;
      expect(out.length).toBe(264 * portable.length);
      const got: string[] = [];
      const want: string[] = [];
      portable.forEach((k, idx) => {
        const e = expectedState(k);
        const regs = Array.from({ length: 32 }, (_, n) => out.readBigUInt64LE(264 * idx + 8 * n));
        const nzcv = out.readBigUInt64LE(264 * idx + 256) >> 28n;
        got.push(`${k.asm}: ${regs.map((v) => v.toString(16)).join(' ')} nzcv=${nzcv}`);
        want.push(`${k.asm}: ${e.regs.map((v) => v.toString(16)).join(' ')} nzcv=${e.nzcv}`);
      });
      expect(got).toEqual(want);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
}
