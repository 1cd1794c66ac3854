// Runs a test program under qemu-aarch64 (the reference) and parses what its handler printed.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseResult, type Outcome } from './outcome';

export const QEMU = process.env.ARMLAB_QEMU ?? 'qemu-aarch64';
/** ARMv8.0 with no LSE, PAC, BTI or MTE: the CPU ArmLab presents. */
export const QEMU_ARGS = ['-cpu', 'cortex-a57'];

let available: boolean | undefined;

/** True when qemu-aarch64 runs here (ARMLAB_LIVE_QEMU=0 turns live runs off). */
export function qemuAvailable(): boolean {
  if (process.env.ARMLAB_LIVE_QEMU === '0') return false;
  if (available === undefined) {
    const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
    available = r.status === 0;
  }
  return available;
}

let dir: string | undefined;
let serial = 0;

function tempPath(): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'armlab-diff-'));
    const d = dir;
    process.on('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  return join(dir, `p${process.pid}-${serial++}.elf`);
}

function finish(path: string, status: number | null, stdout: Buffer, stderr: string): Outcome {
  rmSync(path, { force: true });
  if (status !== 0) throw new Error(`qemu-aarch64 exited with ${status}: ${stderr.trim() || '(no message)'}`);
  return parseResult(new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.byteLength));
}

/** Runs one ELF under QEMU and returns its outcome (throws if the program itself went wrong). */
export function runQemuSync(elf: Uint8Array): Outcome {
  const path = tempPath();
  writeFileSync(path, elf, { mode: 0o755 });
  const r = spawnSync(QEMU, [...QEMU_ARGS, path], { maxBuffer: 1 << 20, timeout: 30_000 });
  return finish(path, r.status, r.stdout, r.stderr.toString());
}

export function runQemu(elf: Uint8Array): Promise<Outcome> {
  const path = tempPath();
  writeFileSync(path, elf, { mode: 0o755 });
  return new Promise((resolve, reject) => {
    const child = spawn(QEMU, [...QEMU_ARGS, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      try {
        resolve(finish(path, status, Buffer.concat(out), err));
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** Runs many ELFs under QEMU, `jobs` at a time; results in input order. */
export async function runQemuMany(elfs: Uint8Array[], jobs = 2): Promise<Outcome[]> {
  const results: Outcome[] = new Array(elfs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < elfs.length) {
      const k = next++;
      results[k] = await runQemu(elfs[k]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, elfs.length) }, worker));
  return results;
}
