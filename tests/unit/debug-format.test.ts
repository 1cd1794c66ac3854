// The debugger panel's pure helpers: address expressions, hex dumps across unreadable pages,
// register diffs, SIMD lanes, the disassembly window and the step-over rule.
import { describe, it, expect } from 'vitest';
import { INSPECTED_SYSREGS, type CpuSnapshot, type InspectedSysreg } from '../../src/machine/inspect';
import {
  daifText, disasmBase, disasmLines, f16ToNumber, formatFloat, formatLanes, fpcrText, fpsrText, hex64, hexDumpRows,
  formatHalf, lanes, nzcvText, pageSegments, parseAddress, registerDiff, stepOverReturn, type MemSegment,
} from '../../src/ui/debug-format';

function snapshot(over: Partial<CpuSnapshot> = {}): CpuSnapshot {
  const sysregs = Object.fromEntries(INSPECTED_SYSREGS.map((r) => [r, 0n])) as Record<InspectedSysreg, bigint>;
  sysregs.ELR_EL2 = 0xffff_8000_1234_0000n;
  return {
    clock: 100n, pc: 0x4008_0000n, el: 1, spsel: 1, daif: 0x3c0, nzcv: 0x6000_0000, haveEl2: true,
    x: Array.from({ length: 31 }, (_, i) => BigInt(i) * 0x1000n),
    sp: [0x1000n, 0x4100_0000n, 0x4200_0000n],
    v: Array.from({ length: 32 }, () => 0n),
    fpcr: 0, fpsr: 0, sysregs, ...over,
  };
}

describe('parseAddress', () => {
  const cpu = snapshot();
  const ok = (e: string): bigint => {
    const r = parseAddress(e, cpu);
    if ('error' in r) throw new Error(r.error);
    return r.value;
  };
  it('reads hex with or without 0x and with _ separators', () => {
    expect(ok('0x4000_0000')).toBe(0x4000_0000n);
    expect(ok('40000000')).toBe(0x4000_0000n);
    expect(ok('  ffff800010000000 ')).toBe(0xffff_8000_1000_0000n);
    expect(ok('10')).toBe(0x10n); // addresses are hex
  });
  it('reads registers by name, case-insensitive', () => {
    expect(ok('x2')).toBe(0x2000n);
    expect(ok('X30')).toBe(0x1e000n);
    expect(ok('lr')).toBe(0x1e000n);
    expect(ok('fp')).toBe(0x1d000n);
    expect(ok('sp')).toBe(0x4100_0000n); // EL1 with PSTATE.SP = 1: SP_EL1
    expect(ok('sp_el2')).toBe(0x4200_0000n);
    expect(ok('pc')).toBe(0x4008_0000n);
    expect(ok('elr_el2')).toBe(0xffff_8000_1234_0000n);
    expect(parseAddress('sp', snapshot({ spsel: 0 }))).toEqual({ value: 0x1000n });
    expect(parseAddress('sp', snapshot({ el: 0, spsel: 0 }))).toEqual({ value: 0x1000n });
    expect(parseAddress('w1', snapshot({ x: [0n, 0x1_2345_6789n, ...Array<bigint>(29).fill(0n)] }))).toEqual({ value: 0x2345_6789n });
  });
  it('adds and subtracts, wrapping to 64 bits', () => {
    expect(ok('sp + 0x10')).toBe(0x4100_0010n);
    expect(ok('x1-8')).toBe(0xff8n);
    expect(ok('x0 - 1')).toBe(0xffff_ffff_ffff_ffffn);
    expect(ok('-10')).toBe(0xffff_ffff_ffff_fff0n);
    expect(ok('x1+x2-x3')).toBe(0n);
  });
  it('explains what it cannot read', () => {
    expect(parseAddress('', cpu)).toEqual({ error: 'type an address or a register' });
    expect(parseAddress('x31', cpu)).toEqual({ error: 'unknown register "x31"' });
    expect(parseAddress('bogus', cpu)).toEqual({ error: 'unknown register "bogus"' });
    expect(parseAddress('sp +', cpu)).toMatchObject({ error: expect.stringMatching(/ends with an operator/) });
    expect(parseAddress('sp x1', cpu)).toMatchObject({ error: expect.stringMatching(/missing \+ or -/) });
    expect(parseAddress('sp + - 1', cpu)).toMatchObject({ error: expect.stringMatching(/two operators/) });
    expect(parseAddress('1_0000_0000_0000_0000', cpu)).toMatchObject({ error: expect.stringMatching(/wider than 64 bits/) });
    expect(parseAddress('sp', null)).toMatchObject({ error: expect.stringMatching(/no CPU/) });
    expect(parseAddress('0x1000', null)).toEqual({ value: 0x1000n });
  });
});

describe('hex dumps', () => {
  it('splits reads at page boundaries', () => {
    expect(pageSegments(0xff0n, 0x20)).toEqual([{ addr: 0xff0n, len: 0x10 }, { addr: 0x1000n, len: 0x10 }]);
    expect(pageSegments(0x1000n, 0x100)).toEqual([{ addr: 0x1000n, len: 0x100 }]);
    expect(pageSegments(0xffff_ffff_ffff_fff8n, 16)).toEqual([
      { addr: 0xffff_ffff_ffff_fff8n, len: 8 }, { addr: 0n, len: 8 },
    ]);
  });
  it('shows bytes, ASCII and ?? where a page could not be read', () => {
    const text = new TextEncoder().encode('Hello, ArmLab!\n\0');
    const segments: MemSegment[] = [
      { addr: 0xfe0n, len: 0x20, bytes: new Uint8Array([...text, ...text]), error: null },
      { addr: 0x1000n, len: 0x20, bytes: null, error: '0x1000: translation fault, level 3' },
    ];
    const rows = hexDumpRows(0xfe0n, 0x40, segments);
    expect(rows).toHaveLength(4);
    expect(rows[0]!.addr).toBe(0xfe0n);
    expect(rows[0]!.cells.slice(0, 3)).toEqual([0x48, 0x65, 0x6c]);
    expect(rows[0]!.ascii).toBe('Hello, ArmLab!..');
    expect(rows[0]!.error).toBeNull();
    expect(rows[2]!.cells).toEqual(Array(16).fill(null));
    expect(rows[2]!.ascii).toBe(' '.repeat(16));
    expect(rows[2]!.error).toBe('0x1000: translation fault, level 3');
  });
  it('formats 64-bit values with a separator', () => {
    expect(hex64(0xffff_8000_0000_1234n)).toBe('ffff8000_00001234');
    expect(hex64(-1n)).toBe('ffffffff_ffffffff');
  });
});

describe('registers', () => {
  it('lists what changed between two snapshots', () => {
    const a = snapshot();
    const x = [...a.x];
    x[3] = 7n;
    const v = [...a.v];
    v[31] = 1n;
    const b = snapshot({ x, v, pc: a.pc + 4n, nzcv: 0, sp: [0x1000n, 0x4100_0000n - 16n, 0x4200_0000n] });
    expect([...registerDiff(a, b)].sort()).toEqual(['nzcv', 'pc', 'sp_el1', 'v31', 'x3']);
    expect(registerDiff(null, b).size).toBe(0);
  });
  it('spells PSTATE and the FP control and status registers', () => {
    expect(daifText(0x3c0)).toBe('DAIF');
    expect(daifText(0x080)).toBe('--I-');
    expect(nzcvText(0x6000_0000)).toBe('-ZC-');
    expect(nzcvText(0x9000_0000 | 0)).toBe('N--V');
    expect(fpcrText(0)).toBe('RMode=RN');
    expect(fpcrText((3 << 22) | (1 << 25) | (1 << 24))).toBe('RMode=RZ DN FZ');
    expect(fpsrText(0)).toBe('-');
    expect(fpsrText((1 << 27) | 0x11)).toBe('QC IXC IOC');
  });
});

describe('SIMD lanes', () => {
  const v = 0x0011_2233_4455_6677_8899_aabb_ccdd_eeffn;
  it('splits a V register into lanes, lane 0 first', () => {
    expect(lanes(v, 64)).toEqual([0x8899_aabb_ccdd_eeffn, 0x0011_2233_4455_6677n]);
    expect(formatLanes(v, '16b')[0]).toBe('ff');
    expect(formatLanes(v, '16b')[15]).toBe('00');
    expect(formatLanes(v, '8h')).toEqual(['eeff', 'ccdd', 'aabb', '8899', '6677', '4455', '2233', '0011']);
    expect(formatLanes(v, '4s')).toEqual(['ccddeeff', '8899aabb', '44556677', '00112233']);
    expect(formatLanes(v, '2d')).toEqual(['8899aabbccddeeff', '0011223344556677']);
  });
  it('shows floats with the fewest digits that name them', () => {
    // 1.0f, 0.1f, -2.5f, +inf
    const s = (0x3f80_0000n) | (0x3dcc_cccdn << 32n) | (0xc020_0000n << 64n) | (0x7f80_0000n << 96n);
    expect(formatLanes(s, '4s-f32')).toEqual(['1', '0.1', '-2.5', 'inf']);
    // 1.0, NaN
    expect(formatLanes(0x3ff0_0000_0000_0000n | (0x7ff8_0000_0000_0000n << 64n), '2d-f64')).toEqual(['1', 'nan']);
    // half: 1.0, -2.0, 65504 (max), smallest subnormal, -0, 0.1 (0x2e66, 0.0999755859375)
    const h = 0x3c00n | (0xc000n << 16n) | (0x7bffn << 32n) | (0x0001n << 48n) | (0x8000n << 64n) | (0x2e66n << 80n);
    expect(formatLanes(h, '8h-f16').slice(0, 6)).toEqual(['1', '-2', '65500', '6e-8', '-0', '0.1']);
    expect(formatHalf(0x3555)).toBe('0.3333'); // 0.333251953125: 0.333 would round to 0x3554
    expect(f16ToNumber(0x7c00)).toBe(Infinity);
    expect(formatFloat(1 / 3, 'double')).toBe(String(1 / 3));
  });
});

describe('disassembly window', () => {
  const fake = (word: number, pc: bigint): { text: string; target?: bigint } =>
    word >>> 26 === 0x25 ? { text: 'bl', target: pc + BigInt(((word << 6) >> 6) * 4) } : { text: `.inst 0x${word.toString(16)}` };

  it('keeps its place while the PC stays well inside, recentres when it leaves', () => {
    expect(disasmBase(0x1000n, null, 32)).toBe(0x1000n - 32n);
    expect(disasmBase(0x1010n, 0x1000n - 32n, 32)).toBe(0x1000n - 32n);
    expect(disasmBase(0x1000n + 4n * 24n, 0x1000n - 32n, 32)).toBe(0x1000n + 4n * 16n);
    expect(disasmBase(0x2002n, null, 32)).toBe(0x2000n - 32n); // aligned to the instruction
  });
  it('decodes little-endian words, marks the PC and breakpoints, and shows unreadable memory', () => {
    const bytes = new Uint8Array([0x02, 0x00, 0x00, 0x94, 0x1f, 0x20, 0x03, 0xd5]); // bl .+8; nop
    const segments: MemSegment[] = [
      { addr: 0x0ff8n, len: 8, bytes, error: null },
      { addr: 0x1000n, len: 8, bytes: null, error: '0x1000: stage 2 translation fault, level 2' },
    ];
    const lines = disasmLines(0xff8n, 4, segments, 0xffcn, new Set([0xff8n]), fake);
    expect(lines.map((l) => l.word)).toEqual([0x9400_0002, 0xd503_201f, null, null]);
    expect(lines[0]).toMatchObject({ text: 'bl', target: 0x1000n, breakpoint: true, isPc: false });
    expect(lines[1]).toMatchObject({ text: '.inst 0xd503201f', isPc: true, breakpoint: false });
    expect(lines[2]!.text).toBe('0x1000: stage 2 translation fault, level 2');
  });
  it('survives a disassembler that throws', () => {
    const segments: MemSegment[] = [{ addr: 0n, len: 4, bytes: new Uint8Array(4), error: null }];
    const lines = disasmLines(0n, 1, segments, null, new Set(), () => {
      throw new Error('boom');
    });
    expect(lines[0]!.text).toBe('.inst 0x00000000 (disassembler: boom)');
  });
});

describe('step over', () => {
  // Encodings from aarch64-linux-gnu-as (-march=armv8.3-a).
  const pc = 0x4000_1000n;
  it('runs calls and calls into a higher EL to the next instruction', () => {
    for (const w of [0x9400_0002, 0xd63f_0060, 0xd63f_087f, 0xd63f_0c9f, 0xd73f_0865, 0xd73f_0c7f, 0xd400_0001, 0xd400_0022, 0xd400_0043]) {
      expect(stepOverReturn(w, pc), w.toString(16)).toBe(pc + 4n);
    }
  });
  it('single-steps everything else', () => {
    // br x1, b, cbz, tbnz, b.ne, ret, nop, hlt #0, brk #0
    for (const w of [0xd61f_0020, 0x1400_0004, 0xb4ff_ffc1, 0x3728_0063, 0x5400_00a1, 0xd65f_03c0, 0xd503_201f, 0xd440_0000, 0xd420_0000]) {
      expect(stepOverReturn(w, pc), w.toString(16)).toBeNull();
    }
  });
});
