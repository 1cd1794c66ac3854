// The exception-level and trap-trail panels rendered to HTML (react-dom/server, no DOM): the key text
// is there for a real CPU snapshot and a real trail (the exceptions demo), the changed fields are
// marked, and a long trail renders a capped number of rows while the counters count every event.
import { describe, it, expect, beforeAll } from 'vitest';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine } from '../../src/machine/machine';
import { coreModuleSync } from '../../src/machine/wasm-node';
import { inspectCpu, type CpuSnapshot } from '../../src/machine/inspect';
import type { TrailBreak, TrailEvent } from '../../src/machine/trail';
import { ElPanel, hexValue, registerRows } from '../../src/ui/ElPanel';
import { MAX_ROWS, pauseRuleText, presetOf, TrailPanel } from '../../src/ui/TrailPanel';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Text content of rendered HTML: tags dropped, the entities React writes decoded. */
const text = (html: string): string =>
  html.replace(/<!-- -->/g, '').replace(/<[^>]*>/g, ' ').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

let snapshots: CpuSnapshot[] = [];
let trail: TrailEvent[] = [];

beforeAll(async () => {
  // The exceptions demo, stopped at each exception into EL1 (pause-on-match), then run to its end.
  const m = await Machine.create(coreModuleSync(), { el: 2 });
  m.load({ kernel: readFileSync(join(root, 'public/images/exceptions.elf')) });
  snapshots = [inspectCpu(m.core)];
  m.setTrailBreak({ kinds: ['sync'], els: [1] });
  expect(m.run(1e7).reason).toBe('trap');
  snapshots.push(inspectCpu(m.core));
  m.setTrailBreak(null);
  expect(m.run(1e7).reason).toBe('poweroff');
  trail = m.drainTrail().events;
});

describe('ElPanel', () => {
  it('asks for a machine when there is no CPU', () => {
    expect(text(renderToString(createElement(ElPanel, { cpu: null })))).toContain('No CPU to show yet');
  });

  it('at reset: EL2 lit, EL3 absent, PSTATE and the registers by their Arm names', () => {
    const html = renderToString(createElement(ElPanel, { cpu: snapshots[0]! }));
    const t = text(html);
    expect(html).toMatch(/<li class="el-level current" data-el="2"/);
    expect(html).toMatch(/<li class="el-level absent" data-el="3"/);
    expect(t).toContain('EL2 hypervisor here, on SP_EL2');
    expect(t).toContain('masked: debug, SError, IRQ, FIQ'); // reset: DAIF all set
    for (const r of ['HCR_EL2', 'SCTLR_EL1', 'SCTLR_EL2', 'TCR_EL1', 'TCR_EL2', 'VTCR_EL2', 'CPACR_EL1', 'CPTR_EL2', 'MDCR_EL2', 'CNTHCTL_EL2', 'CNTKCTL_EL1', 'ICH_HCR_EL2', 'ICH_VMCR_EL2', 'ICH_LR0_EL2', 'ESR_EL2', 'SPSR_EL2', 'CNTV_CTL_EL0']) {
      expect(t).toContain(r);
    }
    // Field tables with names, bit ranges and one-line meanings.
    expect(t).toContain('TGE 27 0 EL0 exceptions go to EL1');
    expect(t).toContain('VM 0 0 stage 2 translation off');
    expect(t).toContain('Hypervisor Configuration');
  });

  it('in the SVC handler: EL1 lit, ESR_EL1 explained, changed fields highlighted', () => {
    const cpu = snapshots[1]!;
    expect(cpu.el).toBe(1);
    const html = renderToString(createElement(ElPanel, { cpu }));
    expect(html).toMatch(/<li class="el-level current" data-el="1"/);
    const t = text(html);
    expect(t).toContain('SVC from AArch64');
    expect(t).toContain('imm16 15:0 0x2a the instruction\'s immediate: #42');
    expect(t).toContain('M[3:0] 3:0 0x0 (0b0000) EL0t');
    expect(hexValue(0x4000_0000n)).toBe('0x00000000_40000000');
  });

  it('marks the fields that changed since the previous snapshot', () => {
    const [before, after] = [snapshots[0]!, snapshots[1]!];
    const rows = registerRows('ESR_EL1', after.sysregs.ESR_EL1, before.sysregs.ESR_EL1);
    expect(rows.filter((r) => r.changed).map((r) => r.field.name)).toEqual(['EC', 'IL', 'imm16']);
    const hcr = registerRows('HCR_EL2', after.sysregs.HCR_EL2, before.sysregs.HCR_EL2);
    expect(hcr.filter((r) => r.changed).map((r) => r.field.name)).toEqual(['RW']); // the demo sets HCR_EL2.RW before its ERET to EL1
    expect(registerRows('HCR_EL2', 5n, 5n).some((r) => r.changed)).toBe(false);
  });

  it('without EL2: no EL2 registers, EL2 shown as absent', () => {
    const cpu: CpuSnapshot = { ...snapshots[1]!, haveEl2: false };
    const html = renderToString(createElement(ElPanel, { cpu }));
    expect(html).toMatch(/<li class="el-level absent" data-el="2"/);
    expect(text(html)).not.toContain('HCR_EL2');
  });
});

describe('TrailPanel', () => {
  const props = (events: TrailEvent[], pauseRule: TrailBreak | null = null) => ({ events, lost: 0, pauseRule, onPauseRule: () => {} });

  it('one row per event with the cause in words, newest first', () => {
    const html = renderToString(createElement(TrailPanel, props(trail)));
    const t = text(html);
    expect(t).toMatch(/EL0 → EL1 sync [\d,]+ SVC #42 from EL0/);
    expect(t).toMatch(/EL2 → EL1 ERET [\d,]+ ERET from EL2 to EL1/);
    expect(t).toMatch(/UNDEFINED instruction from EL0 at 0x[0-9a-f]+/);
    // Counters per cause.
    expect(t).toContain('1 SVC from EL0'.replace('1', '2'));
    expect(t).toContain('1 UNDEFINED from EL0');
    const seqs = [...html.matchAll(/data-seq="(\d+)"/g)].map((m) => Number(m[1]));
    expect(seqs).toEqual(trail.map((e) => e.seq).reverse());
    expect(html).toContain(`data-testid="trail-total">${trail.length}<`);
  });

  it('an empty trail says so', () => {
    expect(text(renderToString(createElement(TrailPanel, props([]))))).toContain('No exceptions yet');
  });

  it('a long trail renders at most MAX_ROWS rows but counts everything', () => {
    const many: TrailEvent[] = [];
    for (let i = 0; i < 10_000; i++) many.push({ ...trail[2]!, seq: i, clock: BigInt(i) });
    const html = renderToString(createElement(TrailPanel, { ...props(many), lost: 1234 }));
    expect(html.match(/data-seq="/g)).toHaveLength(MAX_ROWS);
    const t = text(html);
    expect(t).toContain('10,000 events');
    expect(t).toContain('1,234 older ones dropped');
    expect(t).toContain(`showing the newest ${MAX_ROWS.toLocaleString('en-US')}`);
    expect(t).toContain('10,000 SVC from EL0');
  });

  it('events dropped before the panel saw them count in the total, not by cause', () => {
    // The newest 100 of 5,000 events since reset: seq 4,900..4,999.
    const tail: TrailEvent[] = [];
    for (let i = 4900; i < 5000; i++) tail.push({ ...trail[2]!, seq: i });
    const t = text(renderToString(createElement(TrailPanel, { ...props(tail), lost: 4900 })));
    expect(t).toContain('5,000 events');
    expect(t).toContain('100 SVC from EL0');
    expect(t).toContain('4,900 not seen by this view');
  });

  it('pause-on-match: presets, and the rule in words', () => {
    const el2: TrailBreak = { kinds: ['sync', 'irq', 'fiq', 'serror'], els: [2] };
    expect(presetOf(el2)).toBe('el2');
    expect(presetOf(null)).toBe('off');
    expect(presetOf({ kinds: ['irq'], els: [1] })).toBe('custom');
    expect(pauseRuleText({ kinds: ['sync'], els: [1] })).toBe('stops right after sync into EL1');
    expect(pauseRuleText({ kinds: ['eret'], els: [0] })).toBe('stops right after ERET returning to EL0');
    const html = renderToString(createElement(TrailPanel, props(trail, el2)));
    expect(html).toMatch(/<option value="el2" selected="">when EL2 is entered<\/option>/);
    expect(text(html)).toContain('stops right after sync or IRQ or FIQ or SError into EL2');
    // A custom rule shows its checkboxes.
    const custom = renderToString(createElement(TrailPanel, props(trail, { kinds: ['irq'], els: [1] })));
    expect(custom).toContain('trail-custom');
  });
});
