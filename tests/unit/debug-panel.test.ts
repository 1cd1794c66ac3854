// The debugger panel rendered on the server (react-dom/server) from a real machine paused inside
// hello.elf, with a DebugApi that reads that machine's memory. Effects do not run in
// renderToString, so the panes that read memory are also rendered from data read here.
import { describe, it, expect } from 'vitest';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine } from '../../src/machine/machine';
import { coreModuleSync } from '../../src/machine/wasm-node';
import { inspectCpu, readMemory, type CpuSnapshot } from '../../src/machine/inspect';
import { DebugPanel, DisassemblyView, MemoryDump, RegistersView, readSegments, type DebugApi } from '../../src/ui/DebugPanel';
import { disasmLines, hex, hex64, hexDumpRows, registerDiff } from '../../src/ui/debug-format';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** A stand-in disassembler: BL with its target, everything else as a raw word. */
function fakeDisassemble(word: number, pc: bigint): { text: string; target?: bigint } {
  if (word >>> 26 === 0x25) {
    const target = BigInt.asUintN(64, pc + BigInt(((word << 6) >> 6) * 4));
    return { text: `bl 0x${target.toString(16)}`, target };
  }
  return { text: `.inst 0x${hex(word, 8)}` };
}

async function pausedHello(): Promise<{ m: Machine; api: DebugApi & { calls: string[] }; before: CpuSnapshot; cpu: CpuSnapshot }> {
  const m = await Machine.create(coreModuleSync(), { el: 2 });
  m.load({ kernel: readFileSync(join(root, 'public/images/hello.elf')) });
  m.run(50);
  const before = inspectCpu(m.core);
  m.run(1);
  const cpu = inspectCpu(m.core);
  const calls: string[] = [];
  const api: DebugApi & { calls: string[] } = {
    calls,
    readMemory: (addr, len, el) => Promise.resolve(readMemory(m.core, addr, len, el === null ? null : { el })),
    step: (n) => {
      calls.push(`step ${n}`);
      m.run(n);
      return Promise.resolve();
    },
    stepOver: () => {
      calls.push('stepOver');
      return Promise.resolve();
    },
    setBreakpoints: (pcs) => {
      calls.push(`bp ${pcs.map((p) => p.toString(16)).join(',')}`);
      return Promise.resolve();
    },
  };
  return { m, api, before, cpu };
}

const stripTags = (html: string): string => html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

describe('DebugPanel', () => {
  it('shows the registers of a paused machine, the current SP marked, and the step controls enabled', async () => {
    const { api, cpu } = await pausedHello();
    expect(cpu.el).toBe(2);
    const html = renderToString(createElement(DebugPanel, { cpu, paused: true, api, disassemble: fakeDisassemble }));
    const text = stripTags(html);
    expect(html).toContain('data-testid="debug-panel"');
    expect(text).toContain('paused at EL2');
    expect(text).toContain(`PC${hex64(cpu.pc)}`);
    for (let i = 0; i < 29; i++) expect(text).toContain(`X${i}${hex64(cpu.x[i]!)}`);
    expect(text).toContain(`X30/LR${hex64(cpu.x[30]!)}`);
    // At EL2 with PSTATE.SP = 1 the SP in use is SP_EL2.
    expect(cpu.spsel).toBe(1);
    expect(html).toMatch(/class="dbg-reg dbg-current" data-testid="debug-reg-sp_el2"/);
    expect(text).toContain(`SP_EL2 ◀${hex64(cpu.sp[2])}`);
    expect(text).toMatch(/DAIF [DAIF-]{4}/);
    expect(text).toContain('V31');
    expect(html).not.toMatch(/<button[^>]*disabled=""[^>]*data-testid="debug-step"/);
    // Memory and disassembly are read by effects, which the server render does not run.
    expect(text).toContain('reading…');
  });

  it('says "pause to inspect" while running, keeps the registers and disables stepping', async () => {
    const { api, cpu } = await pausedHello();
    const html = renderToString(createElement(DebugPanel, { cpu, paused: false, api, disassemble: fakeDisassemble }));
    const text = stripTags(html);
    expect(text).toContain('pause to inspect');
    expect(text).toContain(`PC${hex64(cpu.pc)}`);
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*data-testid="debug-step"/);
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*data-testid="debug-step-over"/);
  });

  it('renders without a machine', () => {
    const api: DebugApi = {
      readMemory: () => Promise.resolve({ error: 'none' }),
      step: () => Promise.resolve(),
      stepOver: () => Promise.resolve(),
      setBreakpoints: () => Promise.resolve(),
    };
    const text = stripTags(renderToString(createElement(DebugPanel, { cpu: null, paused: false, api, disassemble: fakeDisassemble })));
    expect(text).toContain('Boot a machine');
  });

  it('highlights the registers one instruction changed', async () => {
    const { before, cpu } = await pausedHello();
    const changed = registerDiff(before, cpu);
    expect(changed.has('pc')).toBe(true);
    const html = renderToString(createElement(RegistersView, { cpu, changed }));
    expect(html).toMatch(new RegExp(`class="dbg-val dbg-changed">${hex64(cpu.pc)}<`));
    expect((html.match(/dbg-changed/g) ?? []).length).toBe(changed.size);
  });

  it('disassembles around the PC from guest memory, the PC line marked, breakpoints in the gutter', async () => {
    const { api, cpu, m } = await pausedHello();
    const base = cpu.pc - 32n;
    const segments = await readSegments(api, base, 32 * 4, cpu.el);
    expect(segments.every((s) => s.error === null)).toBe(true);
    const lines = disasmLines(base, 32, segments, cpu.pc, new Set([cpu.pc + 8n]), fakeDisassemble);
    const pcWord = new DataView(m.core.readPhys(Number(cpu.pc), 4).slice().buffer).getUint32(0, true); // MMU off: VA = PA
    expect(lines[8]).toMatchObject({ addr: cpu.pc, isPc: true, word: pcWord });
    const html = renderToString(createElement(DisassemblyView, {
      lines, cursor: null, onCursor: () => {}, onToggleBreakpoint: () => {}, onJump: () => {},
    }));
    expect((html.match(/data-testid="debug-disasm-line"/g) ?? []).length).toBe(32);
    expect(html).toMatch(new RegExp(`data-addr="0x${hex(cpu.pc, 16)}" data-pc="true"`));
    expect(html).toContain(hex(pcWord, 8));
    expect((html.match(/●/g) ?? []).length).toBe(1);
    // hello.elf calls its helpers with BL: those lines carry a clickable target.
    const bl = lines.find((l) => l.target !== undefined);
    if (bl) expect(html).toContain(`→ ${hex(bl.target!, 1)}`);
  });

  it('dumps memory as hex and ASCII, and ?? with the reason where there is no RAM', async () => {
    const { api, cpu, m } = await pausedHello();
    const segments = await readSegments(api, cpu.pc & ~0xfn, 256, cpu.el);
    const html = renderToString(createElement(MemoryDump, { rows: hexDumpRows(cpu.pc & ~0xfn, 256, segments), highlight: cpu.pc }));
    const first = m.core.readPhys(Number(cpu.pc), 1)[0]!;
    expect(html).toContain(`<span class="dbg-hl">${hex(first, 2)}</span>`);
    expect((html.match(/<tr/g) ?? []).length).toBe(16);
    // Physical 0 is flash/nothing on this machine, not RAM.
    const bad = await readSegments(api, 0n, 32, null);
    expect(bad[0]!.error).toMatch(/not RAM/);
    const badHtml = renderToString(createElement(MemoryDump, { rows: hexDumpRows(0n, 32, bad), highlight: null }));
    expect(badHtml).toContain('??');
    expect(badHtml).toContain('not RAM');
  });

  it('fake API sanity: step runs the machine', async () => {
    const { api, m, cpu } = await pausedHello();
    await api.step(3);
    expect(inspectCpu(m.core).clock).toBe(cpu.clock + 3n);
    expect(api.calls).toEqual(['step 3']);
  });
});
