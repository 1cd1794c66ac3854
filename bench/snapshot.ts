// Snapshot and live-migration figures for `npm run bench` (issue 6): boot the default Linux with
// 512 MiB to the init marker, then measure save() and restore() (wall time, size) and a live
// migration while the guest prints (pre-copy rounds, bytes sent, stop-and-copy downtime).
import { performance } from 'node:perf_hooks';
import { Machine, type MachineImages } from '../src/machine/machine';
import { MigrationSource, MigrationTarget } from '../src/machine/migration';
import { coreModuleSync } from '../src/machine/wasm-node';

export interface SnapshotFigures {
  ramMiB: number;
  snapshotBytes: number;
  saveSeconds: number;
  restoreSeconds: number;
  migration: { rounds: number; pagesResent: number; bytesSent: number; downtimeMs: number };
}

export async function snapshotBench(files: MachineImages, cmdline: string, marker: string): Promise<SnapshotFigures> {
  const ramMiB = 512;
  const mod = coreModuleSync();
  const m = await Machine.create(mod, { el: 2, ramMiB, cmdline });
  let out = '';
  m.onOutput((b) => (out += new TextDecoder().decode(b)));
  m.load(files);
  for (let i = 0; i < 2000 && !out.includes(marker); i++) m.run(1_000_000);
  for (let i = 0; i < 100 && !out.includes('# '); i++) m.run(1_000_000); // the shell prompt

  let t = performance.now();
  const snap = m.save();
  const saveSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  await Machine.restore(mod, snap);
  const restoreSeconds = (performance.now() - t) / 1000;

  // Live migration while the shell prints: pre-copy until a round dirties few pages.
  m.sendInput(new TextEncoder().encode('i=0; while [ $i -lt 2000 ]; do echo line $i; i=$((i+1)); done\n'));
  m.run(2_000_000);
  const source = new MigrationSource(m);
  const target = await MigrationTarget.begin(mod, source.begin());
  while (!source.shouldStop(8, 64)) {
    m.run(5_000_000);
    target.applyPages(source.round());
  }
  t = performance.now();
  target.finish(source.finish());
  const downtimeMs = performance.now() - t;
  return {
    ramMiB,
    snapshotBytes: snap.length,
    saveSeconds,
    restoreSeconds,
    migration: { rounds: source.stats.rounds, pagesResent: source.stats.pagesResent, bytesSent: source.stats.bytesSent, downtimeMs },
  };
}

export function printSnapshotFigures(f: SnapshotFigures): void {
  console.log(`\n# Snapshots: booted Linux with ${f.ramMiB} MiB RAM (zero pages elided, the rest deflated)`);
  console.log(`snapshot ${(f.snapshotBytes / 2 ** 20).toFixed(1)} MiB, save ${(f.saveSeconds * 1000).toFixed(0)} ms, restore ${(f.restoreSeconds * 1000).toFixed(0)} ms`);
  console.log(`live migration while printing: ${f.migration.rounds} pre-copy rounds, ${f.migration.pagesResent} pages re-sent, ` +
    `${(f.migration.bytesSent / 2 ** 20).toFixed(1)} MiB sent in all, downtime (stop-and-copy) ${f.migration.downtimeMs.toFixed(1)} ms`);
}
