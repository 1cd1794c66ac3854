// The trap trail: every exception entry and return, with its syndrome, drained from the core's ring,
// and pause-on-match. The exceptions demo guest goes EL2 -> EL1 -> EL0 and takes an SVC and an
// UNDEFINED instruction; Linux gives interrupts and stage 2 aborts (tests/unit/linux.test.ts boots it).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine } from '../../src/machine/machine';
import { coreModuleSync } from '../../src/machine/wasm-node';
import type { TrailEvent } from '../../src/machine/trail';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

async function demo(): Promise<Machine> {
  const m = await Machine.create(coreModuleSync(), { el: 2 });
  m.load({ kernel: readFileSync(join(root, 'public/images/exceptions.elf')) });
  return m;
}

const brief = (e: TrailEvent): string => `${e.kind} EL${e.fromEl}->EL${e.toEl}${e.kind === 'sync' ? ` EC=0x${(e.esr >> 26n).toString(16)}` : ''}`;

describe('the trap trail', () => {
  it('records the demo: ERET to EL1, ERET to EL0, SVC #42, UNDEFINED, SVC #0', async () => {
    const m = await demo();
    expect(m.run(1e7).reason).toBe('poweroff');
    const { events, lost } = m.drainTrail();
    expect(lost).toBe(0);
    const seq = events.map(brief);
    expect(seq.slice(0, 2)).toEqual(['eret EL2->EL1', 'eret EL1->EL0']);
    expect(seq).toContain('sync EL0->EL1 EC=0x15');
    expect(seq).toContain('sync EL0->EL1 EC=0x0');
    const svc = events.find((e) => e.kind === 'sync' && e.esr >> 26n === 0x15n)!;
    expect(svc.esr & 0xffffn).toBe(42n); // SVC #42
    expect(svc.elr).toBe(svc.pc + 4n); // SVC's preferred return is the next instruction
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    // Drained: the next call returns only what is new.
    expect(m.drainTrail().events).toEqual([]);
  });

  it('pause-on-match stops right after the first exception into EL1 from EL0', async () => {
    const m = await demo();
    m.setTrailBreak({ kinds: ['sync'], els: [1] });
    const r = m.run(1e7);
    expect(r.reason).toBe('trap');
    const last = m.drainTrail().events.at(-1)!;
    expect([last.kind, last.fromEl, last.toEl]).toEqual(['sync', 0, 1]);
    expect(m.core.el).toBe(1);
    expect(m.core.pc).toBe(m.core.sysreg(1) + 0x400n); // VBAR_EL1 + 0x400: lower EL, AArch64
    // Resuming goes on to the next match, and with no rule to the end.
    expect(m.run(1e7).reason).toBe('trap');
    m.setTrailBreak(null);
    expect(m.run(1e7).reason).toBe('poweroff');
  });
});
