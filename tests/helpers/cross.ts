// The cross toolchain and QEMU, for tests that check their expectations against the real thing:
// encodings against aarch64-linux-gnu-as, results against qemu-aarch64. Those checks skip cleanly
// where the tools are missing (CI installs them: scripts/setup.sh test).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE } from './core';

/** Whether `tool --version` runs. */
export const have = (tool: string): boolean => {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
export const haveBinutils = have('aarch64-linux-gnu-as') && have('aarch64-linux-gnu-ld');
export const haveQemu = haveBinutils && have('qemu-aarch64');

/** Runs f in a fresh temporary directory, removed afterwards. */
export function withDir<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'armlab-cross-'));
  try {
    return f(dir);
  } finally {
    rmSync(dir, { recursive: true });
  }
}

/** Assembles `body` (at _start) and links it statically with .text at CODE; returns the ELF's path. */
export function build(dir: string, body: string): string {
  writeFileSync(join(dir, 'a.s'), `.arch armv8-a\n.globl _start\n.text\n_start:\n${body}\n`);
  execFileSync('aarch64-linux-gnu-as', [join(dir, 'a.s'), '-o', join(dir, 'a.o')], { cwd: dir });
  execFileSync('aarch64-linux-gnu-ld', ['-static', `-Ttext=0x${CODE.toString(16)}`, join(dir, 'a.o'), '-o', join(dir, 'a.elf')]);
  return join(dir, 'a.elf');
}

/** The words of the given instructions, from aarch64-linux-gnu-as. */
export function assemble(asms: string[]): number[] {
  return withDir((dir) => {
    const elf = build(dir, asms.join('\n'));
    execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', elf, join(dir, 'a.bin')]);
    const bin = readFileSync(join(dir, 'a.bin'));
    return asms.map((_, n) => bin.readUInt32LE(4 * n));
  });
}
