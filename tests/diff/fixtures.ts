// Recorded QEMU results, so the differential suite runs where qemu-aarch64 is not installed.
//
// tests/diff/fixtures/<group>.json holds, for each program of the group's fixed plan, the hash of
// the program's ELF and QEMU's output: the result block and the data buffer, XORed with the
// program's initial registers and buffer (so what it left alone is zeros), deflated and base64-encoded. The test regenerates each program from its
// seed; a different hash means the generator or the decode table changed since the recording, and
// the fixture must be refreshed (`npm run qemu:refresh`).
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Group } from './generator';
import { parseResult, serializeOutcome, type Outcome } from './outcome';
import { RES_PC, RES_FAULT_ADDR, RES_SIGNO, RES_MAGIC, type TestProgram } from './image';

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const FIXTURE_FORMAT = 3; // 3: V0..V31, FPSR and FPCR in the result block

/** What `npm run qemu:refresh` records: programs per group, and their length. */
export interface FixturePlan {
  seed: number;
  count: number;
  len: number;
}

/** The plan of a group: FIXTURE_PLAN's, or 20 x 500 for a group found in the decode table. */
export function planOf(group: Group): FixturePlan {
  return FIXTURE_PLAN[group] ?? { seed: 1, count: 20, len: 500 };
}

const FIXTURE_PLAN: Record<Group, FixturePlan> = {
  dp_imm: { seed: 1, count: 20, len: 500 },
  dp_reg: { seed: 1, count: 20, len: 500 },
  ldst: { seed: 1, count: 20, len: 500 },
  // Branches skip most of what follows them (about a third of a branch stream runs), so more programs.
  branch: { seed: 1, count: 50, len: 500 },
  system: { seed: 1, count: 20, len: 500 },
  mixed: { seed: 1, count: 20, len: 500 },
  // SIMD&FP: 10,000 instructions under test per group.
  simd_ldst: { seed: 1, count: 20, len: 500 },
  simd_3: { seed: 1, count: 20, len: 500 },
  simd_2: { seed: 1, count: 20, len: 500 },
  fp_simple: { seed: 1, count: 20, len: 500 },
  fp_arith: { seed: 1, count: 20, len: 500 },
  crypto: { seed: 1, count: 20, len: 500 },
  fpctl: { seed: 1, count: 20, len: 500 },
  simd_mixed: { seed: 1, count: 20, len: 500 },
  // One unallocated word per program (each ends in SIGILL).
  undef: { seed: 1, count: 200, len: 1 },
};

export interface FixtureProgram {
  index: number;
  /** Image.hash of the program QEMU ran. */
  hash: string;
  out: string;
}

export interface FixtureFile {
  format: number;
  group: Group;
  seed: number;
  count: number;
  len: number;
  /** `qemu-aarch64 --version`, first line, and its CPU option. */
  qemu: string;
  programs: FixtureProgram[];
}

export function fixturePath(group: Group): string {
  return join(FIXTURE_DIR, `${group}.json`);
}

export function readFixture(group: Group): FixtureFile | null {
  const path = fixturePath(group);
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as FixtureFile;
}

export function writeFixture(f: FixtureFile): void {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  // One program per line: readable diffs when a refresh changes some of them.
  const head = JSON.stringify({ ...f, programs: [] }).replace(/"programs":\[\]\}$/, '"programs":[\n');
  const body = f.programs.map((p) => '  ' + JSON.stringify(p)).join(',\n');
  writeFileSync(fixturePath(f.group), `${head}${body}\n]}\n`);
}

/**
 * The program's initial state laid out like the output (registers, SP, PSTATE, TPIDR_EL0, FPSR,
 * FPCR, V registers, buffer):
 * a fixture stores the output XOR this, so whatever the program left alone packs to zeros.
 */
function initialImage(p: TestProgram): Uint8Array {
  const i = p.init;
  return serializeOutcome({ signal: 0, pc: 0n, x: i.x, sp: i.sp, nzcv: i.nzcv, tpidr: i.tpidr, v: i.v, fpsr: i.fpsr, fpcr: i.fpcr, faultAddr: 0n, buffer: p.buffer });
}

function xorInto(bytes: Uint8Array, p: TestProgram): void {
  const init = initialImage(p);
  const keep = new Set([RES_PC, RES_FAULT_ADDR, RES_SIGNO, RES_MAGIC].flatMap((o) => [0, 1, 2, 3, 4, 5, 6, 7].map((k) => o + k)));
  for (let k = 0; k < bytes.length; k++) if (!keep.has(k)) bytes[k] ^= init[k];
}

/** QEMU's outcome for program p, packed for a fixture. */
export function packOutcome(o: Outcome, p: TestProgram): string {
  const bytes = serializeOutcome(o);
  xorInto(bytes, p);
  return deflateRawSync(bytes, { level: 9 }).toString('base64');
}

export function unpackOutcome(s: string, p: TestProgram): Outcome {
  const bytes = new Uint8Array(inflateRawSync(Buffer.from(s, 'base64')));
  xorInto(bytes, p);
  return parseResult(bytes);
}
