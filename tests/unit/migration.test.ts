// Live migration in one process: the source keeps running Linux between pre-copy rounds, then a
// stop-and-copy hands over; the destination must continue exactly as the source does.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Machine, SnapshotError } from '../../src/machine/machine';
import { coreModuleSync } from '../../src/machine/wasm-node';
import { MigrationSource, MigrationTarget } from '../../src/machine/migration';
import { crc32 } from '../../src/machine/snapshot';
import * as L from '../../src/core/layout';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const image = (n: string): Uint8Array => readFileSync(join(root, 'public/images', n));
const mod = coreModuleSync();

function fingerprint(m: Machine): string {
  const mem = new Uint8Array(m.core.memory.buffer);
  return [
    m.core.pc.toString(16),
    m.core.insnCount,
    crc32(mem.subarray(L.STATE_BASE, L.STATE_BASE + L.STATE_SIZE)),
    crc32(mem.subarray(L.GIC_BASE, L.GIC_BASE + L.GIC_SIZE)),
    crc32(m.core.ram),
    JSON.stringify(m.bus.mapped.map((r) => r.device.save())),
  ].join(' ');
}

describe('live migration', () => {
  it('pre-copy rounds while Linux prints, then stop-and-copy: the destination continues identically', async () => {
    const src = await Machine.create(mod, { el: 2, ramMiB: 256, cmdline: 'console=ttyAMA0' });
    let out = '';
    src.onOutput((b) => (out += new TextDecoder().decode(b)));
    src.load({ kernel: image('linux-Image.gz'), initrd: image('linux-initramfs.cpio.gz') });
    for (let i = 0; i < 400 && !out.includes('armlab:/# '); i++) src.run(1_000_000);
    src.sendInput(new TextEncoder().encode('i=0; while [ $i -lt 400 ]; do echo line $i; i=$((i+1)); done\n'));
    src.run(2_000_000);

    const source = new MigrationSource(src);
    const target = await MigrationTarget.begin(mod, source.begin());
    while (!source.shouldStop(6, 32)) {
      src.run(3_000_000); // the guest keeps running between rounds
      target.applyPages(source.round());
    }
    const t0 = performance.now();
    const last = source.finish();
    const dst = target.finish(last);
    const downtimeMs = performance.now() - t0;
    expect(fingerprint(dst)).toBe(fingerprint(src));

    // From here both run the same: same output, same state.
    let outDst = '';
    dst.onOutput((b) => (outDst += new TextDecoder().decode(b)));
    const before = out.length;
    src.run(30_000_000);
    dst.run(30_000_000);
    expect(outDst).toBe(out.slice(before));
    expect(outDst).toMatch(/line \d+/);
    expect(fingerprint(dst)).toBe(fingerprint(src));
    console.log(`live migration: ${source.stats.rounds} rounds, ${source.stats.pagesResent} pages re-sent, ` +
      `${(source.stats.bytesSent / 2 ** 20).toFixed(1)} MiB sent, downtime ${downtimeMs.toFixed(1)} ms`);
    expect(source.stats.rounds).toBeGreaterThan(0);
  }, 60_000);

  it('a corrupted round is refused before anything is written', async () => {
    const src = await Machine.create(mod, { el: 2 });
    src.load({ kernel: image('echo.elf') });
    src.run(10_000);
    const source = new MigrationSource(src);
    const target = await MigrationTarget.begin(mod, source.begin());
    src.sendInput(new TextEncoder().encode('x\r'));
    src.run(100_000);
    const round = source.round();
    const bad = round.slice();
    bad[bad.length - 3] ^= 1;
    expect(() => target.applyPages(bad)).toThrow(SnapshotError);
    target.applyPages(round);
    const dst = target.finish(source.finish());
    expect(fingerprint(dst)).toBe(fingerprint(src));
  });
});
