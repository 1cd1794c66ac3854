// `npm run bench`: runs CPU-bound guests on ArmLab (in this Node process, through the Machine API),
// in headless Chromium (the built app and its worker, bench/browser.ts), and the same ELF on
// qemu-system-aarch64 (plain TCG) on the same host in the same run, and prints a table: guest,
// instructions, ArmLab seconds and M instr/s, Chromium M instr/s, QEMU seconds, and the ratio of the
// Node and QEMU wall times. Results also go to bench/results/latest.json.
//
//   npm run bench                       the default guests: bench-cpu (integer) and bench-fp (FP/SIMD)
//   npm run bench -- bench-cpu hello    any guests of public/images/ by id
//
// ArmLab seconds are the wall time of the run loop only (machine creation and loading excluded);
// QEMU seconds are the wall time of the whole qemu-system-aarch64 process, start-up included,
// since that is what a user waits for. Both outputs are compared: a benchmark that prints a
// different checksum on ArmLab is reported as a mismatch, not as a speed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Machine, type StopReason } from '../src/machine/machine';
import { runInChromium } from './browser';
import { coreModuleSync } from '../src/machine/wasm-node';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const QEMU = 'qemu-system-aarch64';
/** Instructions per Machine.run() call, and the most a guest may take before we give up. */
const SLICE = 100_000_000;
const LIMIT = 20_000_000_000;
const QEMU_TIMEOUT_MS = 300_000;
/** The integer workload and its floating-point/Advanced SIMD counterpart, reported side by side. */
const DEFAULT_GUESTS = ['bench-cpu', 'bench-fp'];

interface ArmLabResult {
  instructions: number;
  seconds: number;
  reason: StopReason;
  output: string;
}

interface QemuResult {
  seconds: number;
  output: string;
  status: number | null;
}

interface BenchRow {
  guest: string;
  instructions: number;
  armlabSeconds: number;
  armlabMips: number;
  armlabStop: StopReason;
  qemuSeconds: number | null;
  /** ArmLab wall time / QEMU wall time (> 1: ArmLab is slower). */
  ratio: number | null;
  /** Whether ArmLab printed exactly what QEMU printed (null without QEMU). */
  outputMatches: boolean | null;
  /** The same guest in headless Chromium through the built app (null when not measured). */
  chromiumMips: number | null;
}

const normalise = (s: string): string => s.replace(/\r\n/g, '\n');

async function runArmLab(kernel: Uint8Array): Promise<ArmLabResult> {
  const m = await Machine.create(coreModuleSync(), { el: 2, ramMiB: 128 });
  const decoder = new TextDecoder();
  let output = '';
  m.onOutput((bytes) => {
    output += decoder.decode(bytes, { stream: true });
  });
  m.load({ kernel });
  let instructions = 0;
  let reason: StopReason = 'budget';
  const t0 = performance.now();
  while (instructions < LIMIT) {
    const r = m.run(SLICE);
    instructions += r.executed;
    reason = r.reason;
    if (reason !== 'budget') break;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { instructions, seconds, reason, output: normalise(output) };
}

function qemuVersion(): string | null {
  const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return r.stdout.split('\n')[0]?.trim() ?? 'unknown';
}

function runQemu(path: string): QemuResult {
  const args = ['-M', 'virt,virtualization=on', '-cpu', 'cortex-a57', '-nographic', '-nic', 'none', '-kernel', path];
  const t0 = performance.now();
  const r = spawnSync(QEMU, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: QEMU_TIMEOUT_MS });
  const seconds = (performance.now() - t0) / 1000;
  if (r.error) throw new Error(`${QEMU} failed: ${r.error.message}`);
  return { seconds, output: normalise(r.stdout), status: r.status };
}

const fmt = (n: number | null, digits: number): string => (n === null ? '-' : n.toFixed(digits));

function printTable(rows: BenchRow[]): void {
  const header = ['guest', 'instructions', 'ArmLab s', 'ArmLab M instr/s', 'Chromium M instr/s', 'QEMU s', 'ratio (ArmLab/QEMU wall)'];
  const body = rows.map((r) => [
    r.guest,
    r.instructions.toLocaleString('en-US'),
    fmt(r.armlabSeconds, 2),
    fmt(r.armlabMips, 1),
    fmt(r.chromiumMips, 1),
    fmt(r.qemuSeconds, 2),
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
}

async function main(): Promise<void> {
  const guests = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  if (guests.length === 0) guests.push(...DEFAULT_GUESTS);

  const qemu = qemuVersion();
  if (!qemu) console.log(`${QEMU} not found (apt-get install qemu-system-arm): running ArmLab only, no ratio.`);

  const rows: BenchRow[] = [];
  let failed = false;
  for (const guest of guests) {
    const path = join(root, 'public/images', `${guest}.elf`);
    let kernel: Uint8Array;
    try {
      kernel = readFileSync(path);
    } catch {
      console.error(`no image ${path} (run npm run guests)`);
      failed = true;
      continue;
    }
    process.stderr.write(`${guest}: ArmLab... `);
    const a = await runArmLab(kernel);
    process.stderr.write(`${a.seconds.toFixed(2)} s`);
    let q: QemuResult | null = null;
    if (qemu) {
      process.stderr.write(', QEMU... ');
      q = runQemu(path);
      process.stderr.write(`${q.seconds.toFixed(2)} s`);
    }
    const browser = await runInChromium(root, guest, QEMU_TIMEOUT_MS);
    if (browser) process.stderr.write(`, Chromium... ${browser.seconds.toFixed(2)} s`);
    else process.stderr.write(', Chromium skipped (needs /usr/bin/chromium and dist/: npm run build)');
    process.stderr.write('\n');
    if (browser && (browser.state !== 'powered-off' || browser.instructions !== a.instructions)) {
      console.error(`${guest}: in Chromium the guest ended '${browser.state}' after ${browser.instructions} instructions (Node: ${a.instructions})`);
      failed = true;
    }

    const matches = q ? q.output === a.output : null;
    if (a.reason !== 'poweroff') {
      console.error(`${guest}: ArmLab stopped with '${a.reason}' after ${a.instructions} instructions instead of powering off`);
      failed = true;
    }
    if (matches === false) {
      console.error(`${guest}: ArmLab's output differs from QEMU's:\n--- ArmLab\n${a.output}--- QEMU\n${q!.output}---`);
      failed = true;
    }
    rows.push({
      guest,
      instructions: a.instructions,
      armlabSeconds: a.seconds,
      armlabMips: a.instructions / a.seconds / 1e6,
      armlabStop: a.reason,
      qemuSeconds: q ? q.seconds : null,
      ratio: q ? a.seconds / q.seconds : null,
      outputMatches: matches,
      chromiumMips: browser ? browser.instructions / browser.seconds / 1e6 : null,
    });
  }

  console.log();
  printTable(rows);

  const results = {
    date: new Date().toISOString(),
    host: { cpu: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, node: process.version },
    qemu: qemu ? { version: qemu, command: `${QEMU} -M virt,virtualization=on -cpu cortex-a57 -nographic -nic none -kernel <elf>` } : null,
    results: rows,
  };
  const outDir = join(root, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwrote bench/results/latest.json`);
  if (failed) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
