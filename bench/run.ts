// `npm run bench`: boots guests on ArmLab (in this Node process, through the Machine API), in
// headless Chromium (the built app and its worker, bench/browser.ts), and on qemu-system-aarch64
// (plain TCG) on the same host in the same run, and prints a table: guest, instructions, wall
// seconds and M instr/s in Node and in Chromium, QEMU's wall seconds, and the ratios of ArmLab's wall
// times to QEMU's. Results also go to bench/results/latest.json.
//
//   npm run bench                       the default guests: bench-cpu (integer), bench-fp (FP/SIMD)
//                                       and linux (the default Linux, booted to its marker line)
//   npm run bench -- bench-cpu linux    any guests of public/images/manifest.json by id
//
// Two kinds of guest:
// - bare metal (an ELF that runs to PSCI SYSTEM_OFF): ArmLab seconds are the wall time of the run
//   loop only (machine creation and loading excluded); QEMU seconds are the wall time of the whole
//   qemu-system-aarch64 process, start-up included, since that is what a user waits for. Both
//   outputs are compared: a benchmark that prints a different checksum on ArmLab is reported as a
//   mismatch, not as a speed.
// - Linux (kind "linux" in the manifest: kernel, initrd, command line): the time from starting the
//   machine to the line "ARMLAB-INIT: ready" on the console. In Node that includes machine creation
//   and loading (the gunzip of kernel and initramfs); in Chromium, from pressing Boot (download,
//   decompression, boot); for QEMU, from spawning the process until the marker appears on its
//   stdout, after which QEMU is stopped. Boot logs differ in their timestamps, so outputs are not
//   compared; the marker must appear everywhere.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Machine, type MachineImages, type StopReason } from '../src/machine/machine';
import type { ImageEntry } from '../src/worker/protocol';
import { snapshotBench, printSnapshotFigures, type SnapshotFigures } from './snapshot';
import { runInChromium } from './browser';
import { coreModuleSync } from '../src/machine/wasm-node';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const images = join(root, 'public/images');
const QEMU = 'qemu-system-aarch64';
/** Instructions per Machine.run() call, and the most a guest may take before we give up. */
const SLICE = 100_000_000;
/** Smaller slices while waiting for a marker: the instruction count overshoots it by at most this. */
const MARKER_SLICE = 1_000_000;
const LIMIT = 20_000_000_000;
const QEMU_TIMEOUT_MS = 300_000;
/** The line guests/linux/init prints when the shell is about to start. */
const LINUX_MARKER = 'ARMLAB-INIT: ready';
/** The integer workload, its floating-point/Advanced SIMD counterpart, and the default Linux. */
const DEFAULT_GUESTS = ['bench-cpu', 'bench-fp', 'linux'];
/** QEMU's board and CPU for every guest: the virt board with EL2, as close to ArmLab's as it gets. */
const QEMU_MACHINE = ['-M', 'virt,gic-version=3,virtualization=on', '-cpu', 'cortex-a57', '-nographic', '-nic', 'none'];

interface ArmLabResult {
  instructions: number;
  seconds: number;
  reason: StopReason | 'marker';
  output: string;
}

interface QemuResult {
  seconds: number;
  output: string;
  /** Exit status (bare metal), or whether the marker appeared (Linux). */
  ok: boolean;
}

interface BenchRow {
  guest: string;
  kind: 'baremetal' | 'linux';
  instructions: number;
  armlabSeconds: number;
  armlabMips: number;
  armlabStop: StopReason | 'marker';
  /** The same guest in headless Chromium through the built app (null when not measured). */
  chromiumSeconds: number | null;
  chromiumMips: number | null;
  qemuSeconds: number | null;
  /** ArmLab (Node) wall time / QEMU wall time (> 1: ArmLab is slower). */
  ratio: number | null;
  /** ArmLab (Chromium) wall time / QEMU wall time. */
  chromiumRatio: number | null;
  /** Whether ArmLab printed exactly what QEMU printed (null without QEMU, and for Linux). */
  outputMatches: boolean | null;
}

const normalise = (s: string): string => s.replace(/\r\n/g, '\n');

function manifest(): ImageEntry[] {
  const parsed: unknown = JSON.parse(readFileSync(join(images, 'manifest.json'), 'utf8'));
  if (!Array.isArray(parsed)) throw new Error('public/images/manifest.json is not a JSON array');
  return parsed as ImageEntry[];
}

function readImages(entry: ImageEntry): MachineImages {
  const read = (name: string): Uint8Array => readFileSync(join(images, name));
  const out: MachineImages = { kernel: read(entry.files.kernel) };
  if (entry.files.initrd) out.initrd = read(entry.files.initrd);
  if (entry.files.dtb) out.dtb = read(entry.files.dtb);
  return out;
}

/**
 * Runs the guest to power-off, or with `marker` until the console shows it. The machine runs as
 * the CLI runs piped input (not real time): a WFI with a timer armed jumps the clock to the timer,
 * and the instruction count, which is the clock, includes the jump.
 */
async function runArmLab(entry: ImageEntry, files: MachineImages, marker?: string): Promise<ArmLabResult> {
  const t0 = performance.now();
  const m = await Machine.create(coreModuleSync(), { el: entry.el, ramMiB: entry.ramMiB, cmdline: entry.cmdline });
  const decoder = new TextDecoder();
  let output = '';
  let seen = false;
  m.onOutput((bytes) => {
    output += decoder.decode(bytes, { stream: true });
    if (marker !== undefined && !seen && output.includes(marker)) {
      seen = true;
      m.stop();
    }
  });
  m.load(files);
  // Bare metal: time the run loop only (as before); Linux: creation and loading count too.
  const start = marker === undefined ? performance.now() : t0;
  let reason: StopReason | 'marker' = 'budget';
  const slice = marker === undefined ? SLICE : MARKER_SLICE;
  while (Number(m.stats().instructions) < LIMIT) {
    const r = m.run(slice);
    if (seen) {
      reason = 'marker';
      break;
    }
    reason = r.reason;
    if (reason !== 'budget') break; // 'idle' too: nothing but input could wake the guest
  }
  const seconds = (performance.now() - start) / 1000;
  return { instructions: Number(m.stats().instructions), seconds, reason, output: normalise(output) };
}

function qemuVersion(): string | null {
  const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return r.stdout.split('\n')[0]?.trim() ?? 'unknown';
}

function qemuArgs(entry: ImageEntry): string[] {
  const args = [...QEMU_MACHINE, '-m', String(entry.ramMiB), '-kernel', join(images, entry.files.kernel)];
  if (entry.files.initrd) args.push('-initrd', join(images, entry.files.initrd));
  if (entry.files.dtb) args.push('-dtb', join(images, entry.files.dtb));
  if (entry.cmdline) args.push('-append', entry.cmdline);
  return args;
}

/** A bare-metal guest: QEMU runs it to power-off (its exit). */
function runQemu(entry: ImageEntry): QemuResult {
  const t0 = performance.now();
  const r = spawnSync(QEMU, qemuArgs(entry), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: QEMU_TIMEOUT_MS });
  const seconds = (performance.now() - t0) / 1000;
  if (r.error) throw new Error(`${QEMU} failed: ${r.error.message}`);
  return { seconds, output: normalise(r.stdout), ok: r.status === 0 };
}

/** A Linux guest: QEMU runs until its console shows the marker, then is stopped. */
function bootQemu(entry: ImageEntry, marker: string): Promise<QemuResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(QEMU, qemuArgs(entry), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let seconds: number | null = null;
    const timer = setTimeout(() => child.kill('SIGKILL'), QEMU_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (seconds === null && output.includes(marker)) {
        seconds = (performance.now() - t0) / 1000;
        child.kill('SIGTERM');
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${QEMU} failed: ${e.message}`));
    });
    child.on('exit', () => {
      clearTimeout(timer);
      const ok = seconds !== null;
      resolve({ seconds: seconds ?? (performance.now() - t0) / 1000, output: normalise(output), ok });
    });
  });
}

const fmt = (n: number | null, digits: number): string => (n === null ? '-' : n.toFixed(digits));
const ratio = (r: number | null): string => (r === null ? '-' : `${r.toFixed(2)}x`);

function printTable(rows: BenchRow[]): void {
  console.log('# instructions: ArmLab\'s count when the guest powered off (Linux: when "ARMLAB-INIT: ready" appeared).');
  console.log('# It is the guest\'s clock, so it includes the time a WFI skipped ahead to the next timer interrupt.');
  console.log('# Seconds are wall time; Linux rows include machine creation and image decompression (QEMU: process start).');
  const header = ['guest', 'instructions', 'Node s', 'Node M instr/s', 'Chromium s', 'Chromium M instr/s', 'QEMU s', 'Node/QEMU', 'Chromium/QEMU'];
  const body = rows.map((r) => [
    r.guest,
    r.instructions.toLocaleString('en-US'),
    fmt(r.armlabSeconds, 2),
    fmt(r.armlabMips, 1),
    fmt(r.chromiumSeconds, 2),
    fmt(r.chromiumMips, 1),
    fmt(r.qemuSeconds, 2),
    ratio(r.ratio),
    ratio(r.chromiumRatio),
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
  const entries = manifest();

  const qemu = qemuVersion();
  if (!qemu) console.log(`${QEMU} not found (apt-get install qemu-system-arm): running ArmLab only, no ratio.`);

  const rows: BenchRow[] = [];
  let failed = false;
  for (const guest of guests) {
    const entry = entries.find((e) => e.id === guest);
    if (!entry) {
      console.error(`no guest "${guest}" in public/images/manifest.json (run npm run guests)`);
      failed = true;
      continue;
    }
    const linux = entry.kind === 'linux';
    const marker = linux ? LINUX_MARKER : undefined;
    let files: MachineImages;
    try {
      files = readImages(entry);
    } catch (e) {
      console.error(`${guest}: ${e instanceof Error ? e.message : String(e)} (run npm run guests)`);
      failed = true;
      continue;
    }
    process.stderr.write(`${guest}: ArmLab... `);
    const a = await runArmLab(entry, files, marker);
    process.stderr.write(`${a.seconds.toFixed(2)} s`);
    let q: QemuResult | null = null;
    if (qemu) {
      process.stderr.write(', QEMU... ');
      q = marker !== undefined ? await bootQemu(entry, marker) : runQemu(entry);
      process.stderr.write(`${q.seconds.toFixed(2)} s`);
    }
    const browser = await runInChromium(root, guest, QEMU_TIMEOUT_MS, marker);
    if (browser) process.stderr.write(`, Chromium... ${browser.seconds.toFixed(2)} s`);
    else process.stderr.write(', Chromium skipped (needs /usr/bin/chromium and dist/: npm run build)');
    process.stderr.write('\n');

    if (linux) {
      if (a.reason !== 'marker') {
        console.error(`${guest}: ArmLab stopped with '${a.reason}' after ${a.instructions} instructions before "${LINUX_MARKER}":\n${a.output.slice(-2000)}`);
        failed = true;
      }
      if (browser && browser.state !== 'marker') {
        console.error(`${guest}: in Chromium the boot ended '${browser.state}' after ${browser.instructions} instructions without "${LINUX_MARKER}"`);
        failed = true;
      }
      if (q && !q.ok) {
        console.error(`${guest}: QEMU never printed "${LINUX_MARKER}":\n${q.output.slice(-2000)}`);
        failed = true;
      }
    } else {
      if (browser && (browser.state !== 'powered-off' || browser.instructions !== a.instructions)) {
        console.error(`${guest}: in Chromium the guest ended '${browser.state}' after ${browser.instructions} instructions (Node: ${a.instructions})`);
        failed = true;
      }
      if (a.reason !== 'poweroff') {
        console.error(`${guest}: ArmLab stopped with '${a.reason}' after ${a.instructions} instructions instead of powering off`);
        failed = true;
      }
      if (q && q.output !== a.output) {
        console.error(`${guest}: ArmLab's output differs from QEMU's:\n--- ArmLab\n${a.output}--- QEMU\n${q.output}---`);
        failed = true;
      }
    }
    const qs = q && q.ok ? q.seconds : null;
    rows.push({
      guest,
      kind: linux ? 'linux' : 'baremetal',
      instructions: a.instructions,
      armlabSeconds: a.seconds,
      armlabMips: a.instructions / a.seconds / 1e6,
      armlabStop: a.reason,
      chromiumSeconds: browser ? browser.seconds : null,
      chromiumMips: browser ? browser.instructions / browser.seconds / 1e6 : null,
      qemuSeconds: qs,
      ratio: qs ? a.seconds / qs : null,
      chromiumRatio: qs && browser ? browser.seconds / qs : null,
      outputMatches: q && !linux ? q.output === a.output : null,
    });
  }

  console.log();
  printTable(rows);

  // Snapshot and migration figures for the default Linux (skipped when Linux is not among the guests).
  let snapshot: SnapshotFigures | null = null;
  const linuxEntry = manifest().find((e) => e.kind === 'linux' && guests.includes(e.id));
  if (linuxEntry) {
    snapshot = await snapshotBench(readImages(linuxEntry), linuxEntry.cmdline, LINUX_MARKER);
    printSnapshotFigures(snapshot);
  }

  const results = {
    date: new Date().toISOString(),
    host: { cpu: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, node: process.version },
    qemu: qemu ? { version: qemu, command: `${QEMU} ${QEMU_MACHINE.join(' ')} -m <ramMiB> -kernel <kernel> [-initrd <initrd> -append <cmdline>]` } : null,
    linuxMarker: LINUX_MARKER,
    results: rows,
    snapshot,
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
