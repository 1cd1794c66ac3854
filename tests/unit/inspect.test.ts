// The debugger's view of a CPU: registers, decoded-system-register inputs and memory by VA or PA.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine } from '../../src/machine/machine';
import { coreModuleSync } from '../../src/machine/wasm-node';
import { inspectCpu, readMemory } from '../../src/machine/inspect';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

describe('inspecting a running Linux', () => {
  it('snapshots the CPU and reads kernel memory by virtual address, the same bytes as by physical', async () => {
    const m = await Machine.create(coreModuleSync(), { el: 2, ramMiB: 256, cmdline: 'console=ttyAMA0' });
    let out = '';
    m.onOutput((b) => (out += new TextDecoder().decode(b)));
    m.load({ kernel: readFileSync(join(root, 'public/images/linux-Image.gz')), initrd: readFileSync(join(root, 'public/images/linux-initramfs.cpio.gz')) });
    for (let i = 0; i < 400 && !out.includes('ARMLAB-INIT: ready'); i++) m.run(1_000_000);
    const s = inspectCpu(m.core);
    expect(s.x.length).toBe(31);
    expect(s.v.length).toBe(32);
    expect(s.sysregs.SCTLR_EL1 & 1n).toBe(1n); // Linux runs with the MMU on
    expect(s.sysregs.HCR_EL2 & (1n << 31n)).toBe(1n << 31n); // RW
    // VBAR_EL1 holds the kernel's vector table (a virtual address): its first instruction, read by
    // VA through the kernel's page tables, equals the word at the PA that AT-style translation gives.
    const vbar = s.sysregs.VBAR_EL1;
    const byVa = readMemory(m.core, vbar, 16, { el: 1 });
    if (!('bytes' in byVa)) throw new Error(byVa.error);
    const t = m.core.translate(vbar, 1);
    if (!('pa' in t)) throw new Error('VBAR_EL1 does not translate');
    const byPa = readMemory(m.core, t.pa, 16, null);
    if (!('bytes' in byPa)) throw new Error(byPa.error);
    expect(byVa.bytes).toEqual(byPa.bytes);
    expect(byVa.bytes.some((b) => b !== 0)).toBe(true);
    // An unmapped kernel address reports the fault instead of bytes.
    const bad = readMemory(m.core, 0xffff_0000_0000_0000n, 4, { el: 1 });
    expect('error' in bad && bad.error).toMatch(/translation fault/);
  }, 30_000);
});
