// The MMU: stage 1 (EL1&0 and EL2 regimes, every granule, a range of TxSZ, blocks and pages), stage 2
// (start levels, concatenated tables, walks of stage 1 tables through stage 2), every fault kind with
// its syndrome, AT with PAR_EL1, and TLB maintenance. The tables are built by tests/helpers/pagetables.ts.
import { describe, it, expect } from 'vitest';
import { testCore, load, CODE, RAM_BASE } from '../helpers/core';
import { assemble } from '../helpers/cross';
import * as L from '../../src/core/layout';
import type { Core } from '../../src/machine/core';
import {
  Tables, TG0, TG1, AF, AP_EL1_RW, AP_ALL_RW, AP_EL1_RO, AP_ALL_RO, PXN, UXN, XN, ATTR_NORMAL, ATTR_DEVICE,
  SH_INNER, MAIR, S2AP_R, S2AP_W, S2_NORMAL, S2_DEVICE, S2_XN, type GranuleBits,
} from '../helpers/pagetables';

const RAM_SIZE = 16 << 20;
const VBAR1 = 0x7000n; // vectors are never fetched: each test stops at the vector
const VBAR2 = 0x9000n;
const POOL = RAM_BASE + 0x80_0000; // translation tables
const DATA = RAM_BASE + 0x40_0000; // physical data page
const DATA2 = RAM_BASE + 0x50_0000;
const DATA_VA = 1n << 20n;
const NORMAL = AF | SH_INNER | ATTR_NORMAL;

const esr = (c: Core, idx = L.SR_ESR_EL1): bigint => c.sysreg(idx);
const ec = (c: Core, idx = L.SR_ESR_EL1): number => Number(esr(c, idx) >> 26n) & 0x3f;
const fsc = (c: Core, idx = L.SR_ESR_EL1): number => Number(esr(c, idx) & 0x3fn);
const wnr = (c: Core, idx = L.SR_ESR_EL1): number => Number(esr(c, idx) >> 6n) & 1;

function put64(c: Core, pa: number, v: bigint): void {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  c.writePhys(pa, b);
}
function get64(c: Core, pa: number): bigint {
  return new DataView(c.readPhys(pa, 8).buffer).getBigUint64(0, true);
}

/** Assembles once per distinct program (the assembler is slow compared with the core). */
const asmCache = new Map<string, number[]>();
function asm(lines: string[]): number[] {
  const key = lines.join('\n');
  let w = asmCache.get(key);
  if (!w) {
    w = assemble(lines);
    asmCache.set(key, w);
  }
  return w;
}

interface S1 {
  c: Core;
  t: Tables;
}

/**
 * A core at EL1 with stage 1 on: granule 2^g, T0SZ = T1SZ = tsz, code at VA 0 (PA CODE), DATA_VA ->
 * DATA, the MMU enabled. TTBR1 gets its own tables (returned as t1 by s1Upper).
 */
async function s1(g: GranuleBits, tsz: number, code: string[], codeAttrs = NORMAL | AP_EL1_RW): Promise<S1> {
  const c = await testCore({ ramSize: RAM_SIZE, el: 1 });
  const t = new Tables(c, g, 64 - tsz, POOL);
  t.map(0n, BigInt(CODE), codeAttrs);
  t.map(DATA_VA, BigInt(DATA), NORMAL | AP_EL1_RW | UXN | PXN);
  load(c, asm(code));
  c.pc = 0n;
  c.setSysreg(L.SR_VBAR_EL1, VBAR1);
  c.setSysreg(L.SR_VBAR_EL2, VBAR2);
  c.setSysreg(L.SR_MAIR_EL1, MAIR);
  c.setSysreg(L.SR_TTBR0_EL1, BigInt(t.root));
  c.setSysreg(L.SR_TCR_EL1, BigInt(tsz) | (TG0[g] << 14n) | (BigInt(tsz) << 16n) | (TG1[g] << 30n));
  c.setSysreg(L.SR_SCTLR_EL1, c.sysreg(L.SR_SCTLR_EL1) | 1n);
  put64(c, DATA, 0x1111_2222_3333_4444n);
  return { c, t };
}

/** Runs n instructions and returns the core. */
function run(c: Core, n: number): Core {
  c.run(n);
  return c;
}

describe('stage 1, EL1&0 regime: every granule and a range of VA sizes', () => {
  const cases: [GranuleBits, number][] = [];
  for (const g of [12, 14, 16] as GranuleBits[]) for (const tsz of [16, 25, 33, 39]) cases.push([g, tsz]);
  it.each(cases)('granule 2^%i, TxSZ %i: loads and stores through TTBR0 and TTBR1 pages', async (g, tsz) => {
    const { c } = await s1(g, tsz, ['ldr x0, [x1]', 'str x4, [x1, #8]', 'ldr x3, [x2, #16]', 'str x4, [x2]']);
    // The upper range starts at 2^64 - 2^(64 - T1SZ): a separate set of tables through TTBR1_EL1.
    const upper = (1n << 64n) - (1n << BigInt(64 - tsz)) + (1n << BigInt(g)) * 3n;
    const t1 = new Tables(c, g, 64 - tsz, POOL + 0x20_0000);
    t1.map(upper, BigInt(DATA2), NORMAL | AP_EL1_RW);
    c.setSysreg(L.SR_TTBR1_EL1, BigInt(t1.root));
    put64(c, DATA2 + 16, 0xabcdn);
    c.setX(1, DATA_VA);
    c.setX(2, upper);
    c.setX(4, 0x5555n);
    run(c, 4);
    expect(c.pc).toBe(16n);
    expect(c.x(0)).toBe(0x1111_2222_3333_4444n);
    expect(get64(c, DATA + 8)).toBe(0x5555n);
    expect(c.x(3)).toBe(0xabcdn);
    expect(get64(c, DATA2)).toBe(0x5555n);
  });

  const blocks: [GranuleBits, number, number][] = [[12, 1, 25], [12, 2, 25], [14, 2, 25], [16, 2, 25]];
  it.each(blocks)('granule 2^%i: a block descriptor at level %i (TxSZ %i)', async (g, level, tsz) => {
    const { c, t } = await s1(g, tsz, ['ldr x0, [x1]']);
    const size = t.blockSize(level);
    const va = size * 2n; // a block-aligned VA inside the range
    const base = BigInt(DATA) & ~(size - 1n);
    t.map(va, base, NORMAL | AP_EL1_RW, level);
    const off = BigInt(DATA) - base;
    c.setX(1, va + off);
    run(c, 1);
    expect(c.pc).toBe(4n);
    expect(c.x(0)).toBe(0x1111_2222_3333_4444n);
  });

  it('a block at a level the granule does not allow is a translation fault at that level', async () => {
    const { c, t } = await s1(16, 25, ['ldr x0, [x1]']);
    // 64 KiB granule, 39-bit VA: start level 2 -- blocks allowed; make a level 1 block impossible by
    // using the 16 KiB granule's level 1 instead.
    const c2 = (await s1(14, 16, ['ldr x0, [x1]'])).c;
    const t2 = new Tables(c2, 14, 48, POOL + 0x40_0000);
    c2.setSysreg(L.SR_TTBR0_EL1, BigInt(t2.root));
    t2.map(0n, BigInt(CODE), NORMAL | AP_EL1_RW);
    t2.map(1n << 36n, BigInt(RAM_BASE), NORMAL | AP_EL1_RW, 1); // a level 1 block: not allowed for 16 KiB
    c2.setX(1, 1n << 36n);
    run(c2, 1);
    expect(c2.pc).toBe(VBAR1 + 0x200n);
    expect(ec(c2)).toBe(0x25);
    expect(fsc(c2)).toBe(0x05); // translation fault, level 1
    void c;
    void t;
  });
});

describe('stage 1 faults and their syndromes', () => {
  const LDR = ['ldr x0, [x1]'];
  const STR = ['str x0, [x1]'];

  it('translation faults at each level (4 KiB granule, 39-bit VA: levels 1 to 3)', async () => {
    // Level 1: nothing mapped in that 1 GiB region.
    let { c } = await s1(12, 25, LDR);
    c.setX(1, 1n << 35n);
    run(c, 1);
    expect([ec(c), fsc(c), wnr(c)]).toEqual([0x25, 0x05, 0]);
    expect(c.sysreg(L.SR_FAR_EL1)).toBe(1n << 35n);
    expect(c.sysreg(L.SR_ELR_EL1)).toBe(0n);
    expect(c.pc).toBe(VBAR1 + 0x200n);
    // Level 2: same 1 GiB as DATA_VA, another 2 MiB.
    ({ c } = await s1(12, 25, LDR));
    c.setX(1, DATA_VA + (4n << 20n));
    run(c, 1);
    expect(fsc(c)).toBe(0x06);
    // Level 3: same 2 MiB as DATA_VA, the next page.
    ({ c } = await s1(12, 25, STR));
    c.setX(1, DATA_VA + 0x1000n);
    run(c, 1);
    expect([fsc(c), wnr(c)]).toEqual([0x07, 1]);
  });

  it('an address above the VA size (and EPD0) is a level 0 translation fault', async () => {
    let { c } = await s1(12, 25, LDR);
    c.setX(1, 1n << 40n);
    run(c, 1);
    expect(fsc(c)).toBe(0x04);
    ({ c } = await s1(12, 25, LDR));
    c.setSysreg(L.SR_TCR_EL1, c.sysreg(L.SR_TCR_EL1) | (1n << 7n)); // EPD0: no walks from TTBR0
    c.setX(1, DATA_VA);
    // The code page itself is behind TTBR0 too: the fetch faults first (instruction abort).
    run(c, 1);
    expect([ec(c), fsc(c)]).toEqual([0x21, 0x04]);
  });

  it('access flag fault', async () => {
    const { c, t } = await s1(12, 25, LDR);
    t.map(DATA_VA, BigInt(DATA), (NORMAL & ~AF) | AP_EL1_RW);
    c.setX(1, DATA_VA);
    run(c, 1);
    expect(fsc(c)).toBe(0x0b);
  });

  it('permission faults: a store to a read-only page, APTable, and EL0 without access', async () => {
    let { c, t } = await s1(12, 25, STR);
    t.map(DATA_VA, BigInt(DATA), NORMAL | AP_EL1_RO);
    c.setX(1, DATA_VA);
    run(c, 1);
    expect([ec(c), fsc(c), wnr(c)]).toEqual([0x25, 0x0f, 1]);
    // APTable[1] on the level 2 table descriptor makes everything below it read-only.
    ({ c, t } = await s1(12, 25, STR));
    const l2slot = t.slot(DATA_VA, 2);
    put64(c, l2slot, get64(c, l2slot) | (1n << 62n));
    c.setX(1, DATA_VA);
    run(c, 1);
    expect(fsc(c)).toBe(0x0f);
    // EL0 reading a page with AP[1] = 0: a permission fault taken to EL1 from a lower EL.
    ({ c, t } = await s1(12, 25, LDR, NORMAL | AP_ALL_RO));
    c.setElSp(0, 0, 0x8000n);
    c.pc = 0n;
    c.setX(1, DATA_VA);
    run(c, 1);
    expect([ec(c), fsc(c)]).toEqual([0x24, 0x0f]);
    expect(c.pc).toBe(VBAR1 + 0x400n);
  });

  it('LDTR at EL1 is checked with EL0 permissions', async () => {
    const { c } = await s1(12, 25, ['ldtr x0, [x1]', 'ldr x2, [x1]']);
    c.setX(1, DATA_VA);
    run(c, 1);
    expect([ec(c), fsc(c)]).toEqual([0x25, 0x0f]);
    const ok = (await s1(12, 25, ['ldtr x0, [x1]'])).c;
    const t = new Tables(ok, 12, 39, POOL + 0x40_0000);
    t.map(0n, BigInt(CODE), NORMAL | AP_EL1_RW);
    t.map(DATA_VA, BigInt(DATA), NORMAL | AP_ALL_RW | UXN | PXN);
    ok.setSysreg(L.SR_TTBR0_EL1, BigInt(t.root));
    ok.setX(1, DATA_VA);
    run(ok, 1);
    expect(ok.pc).toBe(4n);
    expect(ok.x(0)).toBe(0x1111_2222_3333_4444n);
  });

  it('execute permission: PXN, UXN at EL0, EL0-writable pages at EL1, and SCTLR_EL1.WXN', async () => {
    let { c } = await s1(12, 25, ['nop'], NORMAL | AP_EL1_RW | PXN);
    run(c, 1);
    expect([ec(c), fsc(c)]).toEqual([0x21, 0x0f]);
    expect(c.sysreg(L.SR_FAR_EL1)).toBe(0n);
    ({ c } = await s1(12, 25, ['nop'], NORMAL | AP_ALL_RO | UXN));
    c.setElSp(0, 0, 0x8000n);
    c.pc = 0n;
    run(c, 1);
    expect([ec(c), fsc(c)]).toEqual([0x20, 0x0f]);
    ({ c } = await s1(12, 25, ['nop'], NORMAL | AP_ALL_RW));
    run(c, 1);
    expect([ec(c), fsc(c)]).toEqual([0x21, 0x0f]);
    ({ c } = await s1(12, 25, ['nop'], NORMAL | AP_EL1_RW));
    c.setSysreg(L.SR_SCTLR_EL1, c.sysreg(L.SR_SCTLR_EL1) | (1n << 19n));
    run(c, 1);
    expect([ec(c), fsc(c)]).toEqual([0x21, 0x0f]);
    // EL0 may execute a page it cannot read (UXN alone decides).
    ({ c } = await s1(12, 25, ['nop'], NORMAL | AP_EL1_RW));
    c.setElSp(0, 0, 0x8000n);
    c.pc = 0n;
    run(c, 1);
    expect(c.pc).toBe(4n);
  });

  it('address size fault: a table address above TCR_EL1.IPS; descriptor bits 51:48 are ignored', async () => {
    const ok = await s1(12, 25, LDR);
    const l3 = ok.t.slot(DATA_VA, 3);
    put64(ok.c, l3, get64(ok.c, l3) | (1n << 51n)); // DBM: software-managed in Linux, ignored by ARMv8.0
    ok.c.setX(1, DATA_VA);
    run(ok.c, 1);
    expect(ok.c.x(0)).toBe(0x1111_2222_3333_4444n);
    const { c, t } = await s1(12, 25, LDR); // IPS = 0: 32-bit physical addresses
    const l2slot = t.slot(DATA_VA, 2);
    put64(c, l2slot, get64(c, l2slot) | (1n << 40n));
    c.setX(1, DATA_VA);
    run(c, 1);
    expect(fsc(c)).toBe(0x02); // address size fault, level 2 (the descriptor read at level 2)
  });

  it('a walk that reads outside RAM is a synchronous external abort on the walk', async () => {
    const { c, t } = await s1(12, 25, LDR);
    const l2slot = t.slot(DATA_VA, 2);
    put64(c, l2slot, 0x1000_0000n | 3n); // the level 3 table would be in MMIO space
    c.setX(1, DATA_VA);
    run(c, 1);
    expect(fsc(c)).toBe(0x17); // 0b0101LL, level 3
  });

  it('Device memory must be accessed aligned; Normal memory need not be', async () => {
    let { c, t } = await s1(12, 25, ['ldr x0, [x1]']);
    t.map(DATA_VA, BigInt(DATA), AF | ATTR_DEVICE | AP_EL1_RW);
    c.setX(1, DATA_VA + 1n);
    run(c, 1);
    expect([ec(c), fsc(c)]).toEqual([0x25, 0x21]);
    ({ c } = await s1(12, 25, ['ldr x0, [x1]']));
    c.setX(1, DATA_VA + 2n);
    run(c, 1);
    expect(c.pc).toBe(4n);
    expect(c.x(0)).toBe(0x1111_2222_3333_4444n >> 16n);
  });

  it('an unaligned access across two pages translates each page', async () => {
    const { c, t } = await s1(12, 25, ['ldr x0, [x1]', 'str x2, [x3]']);
    t.map(DATA_VA + 0x1000n, BigInt(DATA2), NORMAL | AP_EL1_RO);
    put64(c, DATA + 0xff8, 0x8877_6655_4433_2211n);
    put64(c, DATA2, 0x00ff_eedd_ccbb_aa99n);
    c.setX(1, DATA_VA + 0xffcn);
    c.setX(2, 0x1234_5678_9abc_def0n);
    c.setX(3, DATA_VA + 0xffcn);
    run(c, 2);
    expect(c.x(0)).toBe(0xccbb_aa99_8877_6655n);
    // The store's second page is read-only: nothing may be written, not even the first half.
    expect([ec(c), fsc(c), wnr(c)]).toEqual([0x25, 0x0f, 1]);
    expect(c.sysreg(L.SR_FAR_EL1)).toBe(DATA_VA + 0x1000n);
    expect(get64(c, DATA + 0xff8)).toBe(0x8877_6655_4433_2211n);
  });

  it('top-byte-ignore: TCR_EL1.TBI0 lets tagged data addresses through; without it they fault', async () => {
    let { c } = await s1(12, 25, LDR);
    c.setSysreg(L.SR_TCR_EL1, c.sysreg(L.SR_TCR_EL1) | (1n << 37n));
    c.setX(1, (0xabn << 56n) | DATA_VA);
    run(c, 1);
    expect(c.x(0)).toBe(0x1111_2222_3333_4444n);
    ({ c } = await s1(12, 25, LDR));
    c.setX(1, (0xabn << 56n) | DATA_VA);
    run(c, 1);
    expect(fsc(c)).toBe(0x04);
  });
});

describe('stage 1, EL2 regime', () => {
  it('TTBR0_EL2 / TCR_EL2 / SCTLR_EL2.M: loads, a read-only page, XN', async () => {
    for (const g of [12, 14, 16] as GranuleBits[]) {
      const c = await testCore({ ramSize: RAM_SIZE, el: 2 });
      const t = new Tables(c, g, 40, POOL);
      t.map(0n, BigInt(CODE), NORMAL | AP_EL1_RW);
      t.map(DATA_VA, BigInt(DATA), NORMAL | AP_EL1_RO | XN);
      load(c, asm(['ldr x0, [x1]', 'str x0, [x1]']));
      c.pc = 0n;
      c.setSysreg(L.SR_VBAR_EL2, VBAR2);
      c.setSysreg(L.SR_MAIR_EL2, MAIR);
      c.setSysreg(L.SR_TTBR0_EL2, BigInt(t.root));
      c.setSysreg(L.SR_TCR_EL2, 24n | (TG0[g] << 14n));
      c.setSysreg(L.SR_SCTLR_EL2, c.sysreg(L.SR_SCTLR_EL2) | 1n);
      put64(c, DATA, 42n);
      c.setX(1, DATA_VA);
      run(c, 2);
      expect(c.x(0)).toBe(42n);
      expect(c.pc).toBe(VBAR2 + 0x200n);
      expect([ec(c, L.SR_ESR_EL2), fsc(c, L.SR_ESR_EL2), wnr(c, L.SR_ESR_EL2)]).toEqual([0x25, 0x0f, 1]);
      expect(c.sysreg(L.SR_FAR_EL2)).toBe(DATA_VA);
    }
  });
});

// ---- Stage 2 ------------------------------------------------------------------------------------------

const IPA_DATA = 0x8000_0000n;

interface S2 {
  c: Core;
  t2: Tables;
}

/**
 * EL1 with stage 1 off and stage 2 on (HCR_EL2.VM): IPA = VA. Stage 2 maps the code page
 * identically and IPA_DATA -> DATA. VTCR_EL2: granule g, T0SZ = 64 - ipaBits, SL0 = sl0.
 */
async function s2(g: GranuleBits, ipaBits: number, sl0: number, code: string[]): Promise<S2> {
  const c = await testCore({ ramSize: RAM_SIZE, el: 1 });
  const start = g === 12 ? 2 - sl0 : 3 - sl0;
  const t2 = new Tables(c, g, ipaBits, POOL, start);
  t2.map(BigInt(CODE), BigInt(CODE), AF | S2_NORMAL | S2AP_R | S2AP_W);
  t2.map(IPA_DATA, BigInt(DATA), AF | S2_NORMAL | S2AP_R | S2AP_W | S2_XN);
  load(c, asm(code));
  c.setSysreg(L.SR_VBAR_EL1, VBAR1);
  c.setSysreg(L.SR_VBAR_EL2, VBAR2);
  c.setSysreg(L.SR_VTTBR_EL2, BigInt(t2.root) | (5n << 48n)); // VMID 5
  c.setSysreg(L.SR_VTCR_EL2, BigInt(64 - ipaBits) | (BigInt(sl0) << 6n) | (TG0[g] << 14n) | (5n << 16n));
  c.setSysreg(L.SR_HCR_EL2, (1n << 31n) | 1n); // RW, VM
  put64(c, DATA, 0x5151n);
  return { c, t2 };
}

describe('stage 2', () => {
  const configs: [GranuleBits, number, number, string][] = [
    [12, 32, 1, 'start level 1'],
    [12, 40, 1, 'start level 1, two concatenated tables'],
    [12, 44, 2, 'start level 0'],
    [14, 36, 1, 'start level 2'],
    [16, 40, 1, 'start level 2'],
    [16, 46, 1, 'start level 2, sixteen concatenated tables'],
  ];
  it.each(configs)('granule 2^%i, %i-bit IPA, SL0 = %i (%s): loads go IPA -> PA', async (g, bits, sl0) => {
    const { c } = await s2(g, bits, sl0, ['ldr x0, [x1]']);
    c.setX(1, IPA_DATA);
    run(c, 1);
    expect(c.pc).toBe(BigInt(CODE + 4));
    expect(c.x(0)).toBe(0x5151n);
  });

  it('a stage 2 translation fault goes to EL2 with HPFAR_EL2, FAR_EL2 and the instruction syndrome', async () => {
    const { c } = await s2(12, 32, 1, ['str w5, [x1, #8]']);
    c.setX(1, 0x0900_0000n);
    run(c, 1);
    expect(c.el).toBe(2);
    expect(c.pc).toBe(VBAR2 + 0x400n); // lower EL, AArch64
    const e = esr(c, L.SR_ESR_EL2);
    expect(ec(c, L.SR_ESR_EL2)).toBe(0x24);
    expect((e >> 24n) & 1n).toBe(1n); // ISV
    expect((e >> 22n) & 3n).toBe(2n); // SAS: word
    expect((e >> 16n) & 31n).toBe(5n); // SRT
    expect((e >> 15n) & 1n).toBe(0n); // SF: 32-bit register
    expect(wnr(c, L.SR_ESR_EL2)).toBe(1);
    expect(fsc(c, L.SR_ESR_EL2) & 0x3c).toBe(0x04); // translation fault
    expect(c.sysreg(L.SR_FAR_EL2)).toBe(0x0900_0008n);
    expect(c.sysreg(L.SR_HPFAR_EL2)).toBe((0x0900_0008n >> 12n) << 4n);
    expect(c.sysreg(L.SR_ELR_EL2)).toBe(BigInt(CODE));
  });

  it('the instruction syndrome of each load/store kind (ISV only for single registers without writeback)', async () => {
    const kinds: [string, bigint][] = [
      // ISS[24:14] = ISV SAS(2) SSE SRT(5) SF AR
      ['ldr x3, [x1]', (1n << 24n) | (3n << 22n) | (3n << 16n) | (1n << 15n)],
      ['ldrsb x3, [x1]', (1n << 24n) | (0n << 22n) | (1n << 21n) | (3n << 16n) | (1n << 15n)],
      ['ldrsh w3, [x1]', (1n << 24n) | (1n << 22n) | (1n << 21n) | (3n << 16n)],
      ['ldrb w3, [x1, x2]', (1n << 24n) | (3n << 16n)],
      ['ldur w3, [x1, #-4]', (1n << 24n) | (2n << 22n) | (3n << 16n)],
      ['ldar x3, [x1]', (1n << 24n) | (3n << 22n) | (3n << 16n) | (1n << 15n) | (1n << 14n)],
      ['ldp x3, x4, [x1]', 0n],
      ['ldr x3, [x1], #8', 0n],
      ['ldxr x3, [x1]', 0n],
    ];
    for (const [insn, iss] of kinds) {
      const { c } = await s2(12, 32, 1, [insn]);
      c.setX(1, 0x0900_0000n);
      c.setX(2, 0n);
      run(c, 1);
      expect([insn, ec(c, L.SR_ESR_EL2), esr(c, L.SR_ESR_EL2) & 0x1ffc000n]).toEqual([insn, 0x24, iss]);
    }
  });

  it('stage 2 permission faults: a write to a read-only IPA, and execution from an XN one', async () => {
    let { c, t2 } = await s2(12, 32, 1, ['str x0, [x1]']);
    t2.map(IPA_DATA, BigInt(DATA), AF | S2_NORMAL | S2AP_R);
    c.setX(1, IPA_DATA);
    run(c, 1);
    expect([ec(c, L.SR_ESR_EL2), fsc(c, L.SR_ESR_EL2), wnr(c, L.SR_ESR_EL2)]).toEqual([0x24, 0x0f, 1]);
    expect(get64(c, DATA)).toBe(0x5151n);
    ({ c, t2 } = await s2(12, 32, 1, ['nop']));
    t2.map(BigInt(CODE), BigInt(CODE), AF | S2_NORMAL | S2AP_R | S2_XN);
    run(c, 1);
    expect([ec(c, L.SR_ESR_EL2), fsc(c, L.SR_ESR_EL2)]).toEqual([0x20, 0x0f]);
    expect(c.sysreg(L.SR_HPFAR_EL2)).toBe((BigInt(CODE) >> 12n) << 4n);
  });

  it('stage 2 access flag fault and Device memory at stage 2', async () => {
    let { c, t2 } = await s2(12, 32, 1, ['ldr x0, [x1]']);
    t2.map(IPA_DATA, BigInt(DATA), S2_NORMAL | S2AP_R);
    c.setX(1, IPA_DATA);
    run(c, 1);
    expect(fsc(c, L.SR_ESR_EL2)).toBe(0x0b);
    // Stage 1 is off, so data is Device already; with stage 1 on and Normal memory, a Device stage 2
    // mapping still forbids unaligned accesses.
    ({ c, t2 } = await s2(12, 32, 1, ['ldr x0, [x1]']));
    t2.map(IPA_DATA, BigInt(DATA), AF | S2_DEVICE | S2AP_R);
    const t1 = new Tables(c, 12, 39, POOL + 0x40_0000);
    t2.map(BigInt(POOL + 0x40_0000), BigInt(POOL + 0x40_0000), AF | S2_NORMAL | S2AP_R | S2AP_W, 2); // stage 1 tables
    t1.map(BigInt(CODE), BigInt(CODE), NORMAL | AP_EL1_RW);
    t1.map(IPA_DATA, IPA_DATA, NORMAL | AP_EL1_RW);
    c.setSysreg(L.SR_MAIR_EL1, MAIR);
    c.setSysreg(L.SR_TTBR0_EL1, BigInt(t1.root));
    c.setSysreg(L.SR_TCR_EL1, 25n);
    c.setSysreg(L.SR_SCTLR_EL1, c.sysreg(L.SR_SCTLR_EL1) | 1n);
    c.setX(1, IPA_DATA + 1n);
    run(c, 1);
    expect([c.el, ec(c), fsc(c)]).toEqual([1, 0x25, 0x21]);
  });

  it('stage 1 walks go through stage 2: an unmapped table IPA faults to EL2 with S1PTW', async () => {
    const { c, t2 } = await s2(12, 32, 1, ['ldr x0, [x1]']);
    const t1 = new Tables(c, 12, 39, POOL + 0x40_0000);
    t1.map(BigInt(CODE), BigInt(CODE), NORMAL | AP_EL1_RW);
    t1.map(DATA_VA, IPA_DATA, NORMAL | AP_EL1_RW);
    c.setSysreg(L.SR_MAIR_EL1, MAIR);
    c.setSysreg(L.SR_TTBR0_EL1, BigInt(t1.root));
    c.setSysreg(L.SR_TCR_EL1, 25n);
    c.setSysreg(L.SR_SCTLR_EL1, c.sysreg(L.SR_SCTLR_EL1) | 1n);
    // Only the stage 1 root table's IPA is mapped at stage 2, so the fetch's level 2 read faults.
    t2.map(BigInt(t1.root), BigInt(t1.root), AF | S2_NORMAL | S2AP_R);
    run(c, 1);
    expect(c.el).toBe(2);
    const e = esr(c, L.SR_ESR_EL2);
    expect(ec(c, L.SR_ESR_EL2)).toBe(0x20); // instruction abort from a lower EL
    expect((e >> 7n) & 1n).toBe(1n); // S1PTW
    expect(fsc(c, L.SR_ESR_EL2) & 0x3c).toBe(0x04);
    expect(c.sysreg(L.SR_FAR_EL2)).toBe(BigInt(CODE));
    // Map all stage 1 tables (a 2 MiB stage 2 block): the load then reaches DATA through both stages.
    t2.map(BigInt(POOL + 0x40_0000), BigInt(POOL + 0x40_0000), AF | S2_NORMAL | S2AP_R, 2);
    c.setElSp(1, 1, 0x8000n);
    c.pc = BigInt(CODE);
    c.setX(1, DATA_VA);
    run(c, 1);
    expect(c.x(0)).toBe(0x5151n);
  });
});

describe('AT and PAR_EL1', () => {
  it('AT S1E1R reports the PA and attributes; a fault sets PAR_EL1.F with the status', async () => {
    const { c } = await s1(12, 25, ['at s1e1r, x1', 'mrs x2, par_el1', 'at s1e1w, x3', 'mrs x4, par_el1']);
    c.setX(1, DATA_VA + 0x123n);
    c.setX(3, 1n << 35n);
    run(c, 4);
    expect(c.x(2)).toBe((0xffn << 56n) | BigInt(DATA) | (3n << 7n));
    expect(c.x(4) & 1n).toBe(1n);
    expect((c.x(4) >> 1n) & 0x3fn).toBe(0x05n); // translation fault level 1
  });

  it('AT S1E0R checks EL0 permissions; AT S12E1R goes through both stages', async () => {
    const { c } = await s1(12, 25, ['at s1e0r, x1', 'mrs x2, par_el1']);
    c.setX(1, DATA_VA);
    run(c, 2);
    expect(c.x(2) & 1n).toBe(1n);
    expect((c.x(2) >> 1n) & 0x3fn).toBe(0x0fn);

    const s = await s2(12, 32, 1, ['at s12e1r, x1', 'mrs x2, par_el1', 'at s1e1r, x1', 'mrs x3, par_el1']);
    s.c.setElSp(2, 1, 0x8000n);
    s.c.pc = BigInt(CODE);
    s.c.setX(1, IPA_DATA + 8n);
    run(s.c, 4);
    expect(s.c.x(2) & 0x0000_ffff_ffff_f001n).toBe(BigInt(DATA));
    expect(s.c.x(3) & 0x0000_ffff_ffff_f001n).toBe(IPA_DATA);
  });
});

describe('TLB maintenance', () => {
  it('after a descriptor changes, TLBI VMALLE1 makes the new mapping visible', async () => {
    const { c, t } = await s1(12, 25, ['ldr x0, [x1]', 'str x3, [x2]', 'dsb sy', 'tlbi vmalle1', 'dsb sy', 'ldr x4, [x1]']);
    // Map the page holding DATA_VA's level 3 descriptor so the guest can rewrite it.
    const slot = t.slot(DATA_VA, 3);
    const tableVa = 0x30_0000n;
    t.map(tableVa, BigInt(slot & ~0xfff), NORMAL | AP_EL1_RW);
    put64(c, DATA2, 0x2222n);
    c.setX(1, DATA_VA);
    c.setX(2, tableVa + BigInt(slot & 0xfff));
    c.setX(3, BigInt(DATA2) | NORMAL | AP_EL1_RW | 3n);
    run(c, 6);
    expect(c.x(0)).toBe(0x1111_2222_3333_4444n);
    expect(c.x(4)).toBe(0x2222n);
  });

  it('every TLBI form of ARMv8.0 is accepted at EL2', async () => {
    const forms = ['vmalle1', 'vmalle1is', 'vae1, x0', 'vae1is, x0', 'aside1, x0', 'aside1is, x0', 'vaae1, x0',
      'vaae1is, x0', 'vale1, x0', 'vale1is, x0', 'vaale1, x0', 'vaale1is, x0', 'alle2', 'alle2is', 'vae2, x0',
      'vae2is, x0', 'vale2, x0', 'vale2is, x0', 'alle1', 'alle1is', 'vmalls12e1', 'vmalls12e1is', 'ipas2e1, x0',
      'ipas2e1is, x0', 'ipas2le1, x0', 'ipas2le1is, x0'];
    const c = await testCore({ el: 2 });
    load(c, asm(forms.map((f) => `tlbi ${f}`)));
    c.run(forms.length);
    expect(c.pc).toBe(BigInt(CODE + 4 * forms.length));
    expect(c.drainLog().entries).toEqual([]);
  });
});
