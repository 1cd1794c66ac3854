// Snapshots: save, restore, determinism (the restored machine does exactly what the original does),
// and bad input (every corruption refused, nothing touched).
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine, SnapshotError } from '../../src/machine/machine';
import { coreModuleSync } from '../../src/machine/wasm-node';
import { crc32, decodeSnapshot, encodeSnapshot, jsonSection } from '../../src/machine/snapshot';
import * as L from '../../src/core/layout';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const image = (n: string): Uint8Array => readFileSync(join(root, 'public/images', n));
const mod = coreModuleSync();

interface Rig {
  m: Machine;
  out: () => string;
}

function rig(m: Machine): Rig {
  let text = '';
  const dec = new TextDecoder();
  m.onOutput((b) => (text += dec.decode(b, { stream: true })));
  return { m, out: () => text };
}

async function linux(): Promise<Rig> {
  const r = rig(await Machine.create(mod, { el: 2, ramMiB: 256, cmdline: 'console=ttyAMA0' }));
  r.m.load({ kernel: image('linux-Image.gz'), initrd: image('linux-initramfs.cpio.gz') });
  for (let i = 0; i < 400 && !r.out().includes('armlab:/# '); i++) r.m.run(1_000_000);
  expect(r.out()).toContain('armlab:/# ');
  return r;
}

/** Everything that defines where the machine is: the CPU state block, the GIC, RAM (as a CRC) and devices. */
function fingerprint(m: Machine): string {
  const mem = new Uint8Array(m.core.memory.buffer);
  const cpu = crc32(mem.subarray(L.STATE_BASE, L.STATE_BASE + L.STATE_SIZE));
  const gic = crc32(mem.subarray(L.GIC_BASE, L.GIC_BASE + L.GIC_SIZE));
  const ram = crc32(m.core.ram);
  const devs = JSON.stringify(m.bus.mapped.map((r) => r.device.save()));
  return `pc=${m.core.pc.toString(16)} clock=${m.core.insnCount} cpu=${cpu} gic=${gic} ram=${ram} devs=${devs}`;
}

/** Saves, runs `steps` more on the original, restores a copy, runs it the same; both must agree. */
async function checkDeterminism(r: Rig, steps: number): Promise<{ size: number; output: string }> {
  const snap = r.m.save();
  const before = r.out().length;
  r.m.run(steps);
  const a = r.out().slice(before);
  const copy = rig(await Machine.restore(mod, snap));
  copy.m.run(steps);
  expect(copy.out()).toBe(a);
  expect(fingerprint(copy.m)).toBe(fingerprint(r.m));
  return { size: snap.length, output: a };
}

describe('snapshot determinism with Linux', () => {
  let base: Rig;
  beforeAll(async () => {
    base = await linux();
  }, 60_000);

  it('after boot, at the prompt with a timer pending: the restored machine continues identically', async () => {
    // Linux's tick: one of the generic timers is enabled and unmasked at the prompt.
    const ctl = [L.SR_CNTP_CTL_EL0, L.SR_CNTV_CTL_EL0, L.SR_CNTHP_CTL_EL2].map((i) => base.m.core.sysreg(i) & 3n);
    expect(ctl).toContain(1n);
    await checkDeterminism(base, 5_000_000);
  }, 60_000);

  it('mid-command: a snapshot taken while the shell runs a command, with input still queued', async () => {
    base.m.sendInput(new TextEncoder().encode('cat /proc/cpuinfo; uname -a\n'));
    base.m.run(300_000); // part-way through reading the line and running the commands
    const { output } = await checkDeterminism(base, 40_000_000);
    expect(output).toContain('Linux armlab 6.1');
  }, 60_000);

  it('mid-syscall: saved right after an SVC from EL0, before the kernel returns', async () => {
    base.m.sendInput(new TextEncoder().encode('ls /proc\n'));
    base.m.setTrailBreak({ kinds: ['sync'], els: [1] });
    let r = base.m.run(50_000_000);
    base.m.drainTrail();
    for (let i = 0; i < 20 && r.reason === 'trap' && Number((base.m.core.sysreg(L.SR_ESR_EL1) >> 26n) & 0x3fn) !== 0x15; i++) r = base.m.run(50_000_000);
    base.m.setTrailBreak(null);
    expect(r.reason).toBe('trap');
    expect(base.m.core.el).toBe(1); // inside the kernel, at the SVC vector
    expect(Number((base.m.core.sysreg(L.SR_ESR_EL1) >> 26n) & 0x3fn)).toBe(0x15);
    await checkDeterminism(base, 20_000_000);
  }, 60_000);

  it('reset after a restore boots the saved images again', async () => {
    const copy = rig(await Machine.restore(mod, base.m.save()));
    copy.m.reset();
    for (let i = 0; i < 400 && !copy.out().includes('ARMLAB-INIT: ready'); i++) copy.m.run(1_000_000);
    expect(copy.out()).toContain('ARMLAB-INIT: ready');
  }, 60_000);
});

describe('snapshots of a bare-metal guest', () => {
  it('the echo guest restored mid-line answers the rest of its input', async () => {
    const r = rig(await Machine.create(mod, { el: 2 }));
    r.m.load({ kernel: image('echo.elf') });
    r.m.sendInput(new TextEncoder().encode('hello\r'));
    r.m.run(20_000);
    const { output } = await checkDeterminism(r, 2_000_000);
    expect(output + r.out()).toContain('ECHO: HELLO');
  });

  it('zero pages are elided: a 1 GiB machine running hello snapshots to a few hundred KiB', async () => {
    const r = rig(await Machine.create(mod, { el: 2, ramMiB: 1024 }));
    r.m.load({ kernel: image('hello.elf') });
    r.m.run(1000);
    expect(r.m.save().length).toBeLessThan(400_000);
  });
});

describe('bad snapshots are refused and touch nothing', () => {
  let good: Uint8Array;
  let running: Machine;
  beforeAll(async () => {
    const r = rig(await Machine.create(mod, { el: 2 }));
    r.m.load({ kernel: image('echo.elf') });
    r.m.sendInput(new TextEncoder().encode('abc'));
    r.m.run(50_000);
    good = r.m.save();
    running = r.m;
  });

  const refuse = async (bytes: Uint8Array): Promise<string> => {
    try {
      await Machine.restore(mod, bytes);
    } catch (e) {
      if (e instanceof SnapshotError) return e.message;
      throw e; // anything but a SnapshotError is a bug
    }
    throw new Error('a corrupt snapshot was accepted');
  };

  it('a good one restores', async () => {
    const m = await Machine.restore(mod, good);
    expect(m.core.pc).toBe(running.core.pc);
  });

  it('every truncation is refused', async () => {
    const cuts = new Set<number>([0, 1, 7, 8, 15, 16, 19, 20, 21, 35, 36, good.length - 1]);
    for (let k = 1; k <= 60; k++) cuts.add(Math.floor((good.length * k) / 61));
    for (const n of cuts) expect(await refuse(good.slice(0, n))).toBeTruthy();
  });

  it('a flipped bit anywhere (every header byte and hundreds of payload bytes in every section) is refused', async () => {
    const positions = new Set<number>();
    for (let i = 0; i < 20; i++) positions.add(i); // the file header
    // Each section header and spread positions inside each section's payload.
    const dv = new DataView(good.buffer, good.byteOffset, good.byteLength);
    let off = 20;
    let sections = 0;
    while (off < good.length) {
      for (let i = 0; i < 16; i++) positions.add(off + i);
      const len = dv.getUint32(off + 8, true);
      for (let k = 0; k < 40; k++) positions.add(off + 16 + Math.floor((len * k) / 40));
      off += 16 + len;
      sections++;
    }
    expect(sections).toBeGreaterThanOrEqual(5);
    let refused = 0;
    for (const p of positions) {
      for (const bit of [0, 7]) {
        const bad = good.slice();
        bad[p] ^= 1 << bit;
        await refuse(bad);
        refused++;
      }
    }
    expect(refused).toBe(positions.size * 2);
  });

  it('wrong version, trailing garbage, and another machine configuration are refused with a reason', async () => {
    const v2 = good.slice();
    new DataView(v2.buffer).setUint16(8, 2, true);
    new DataView(v2.buffer).setUint32(16, crc32(v2.subarray(0, 16)), true);
    expect(await refuse(v2)).toMatch(/format 2\.0 is not readable/);
    const extra = new Uint8Array(good.length + 3);
    extra.set(good);
    expect(await refuse(extra)).toMatch(/garbage/);
    expect(await refuse(new TextEncoder().encode('ELF...not a snapshot at all'))).toMatch(/not an ArmLab snapshot|shorter/);
  });

  it('a snapshot whose parts disagree (RAM size, device set, EL) is refused, even with valid checksums', async () => {
    const sections = decodeSnapshot(good, ['CONF', 'CPU_', 'GIC_', 'DEVS', 'RAM_', 'BOOT']);
    const conf = JSON.parse(new TextDecoder().decode(sections.get('CONF')!.data)) as Record<string, unknown>;
    const rebuild = (patch: Record<string, unknown>): Uint8Array =>
      encodeSnapshot([...sections.values()].map((s) => (s.tag === 'CONF' ? jsonSection('CONF', { ...conf, ...patch }) : s)));
    expect(await refuse(rebuild({ ramMiB: 256 }))).toMatch(/MiB of RAM/);
    expect(await refuse(rebuild({ devices: ['pl011@0x9000000'] }))).toMatch(/devices/);
    expect(await refuse(rebuild({ el: 1 }))).toMatch(/EL2 presence/);
    expect(await refuse(rebuild({ stateSize: 4096 }))).toMatch(/different core layout/);
  });

  it('the running machine is exactly as it was after all those refusals', () => {
    const again = running.save();
    expect(again).toEqual(good);
  });
});
