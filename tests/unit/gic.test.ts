// The GICv3: distributor and redistributor registers as the guest sees them over MMIO, the CPU
// interface (ICC_*) with priorities, PMR, EOImode 0 and 1, SGIs, interrupts taken as exceptions,
// and the virtualization interface (ICH_*, list registers, ICV_* at EL1, maintenance, traps).
// Every access is made by guest instructions (assembled with aarch64-linux-gnu-as) run on the core.
import { describe, it, expect } from 'vitest';
import { testCore, load, CODE, RAM_BASE } from '../helpers/core';
import { haveBinutils, assemble } from '../helpers/cross';
import * as L from '../../src/core/layout';
import type { Core } from '../../src/machine/core';
import { Machine, UART_BASE, UART_INTID } from '../../src/machine/machine';
import { coreModuleSync } from '../../src/machine/wasm-node';
import { UARTIMSC, INT_RX } from '../../src/devices/pl011';

const GICD = 0x0800_0000;
const GICR = 0x080a_0000; // RD_base of CPU 0
const SGIB = GICR + 0x1_0000; // SGI_base of CPU 0
const VBAR1 = RAM_BASE + 0x8000;
const VBAR2 = RAM_BASE + 0xa000;
const SPURIOUS = 1023n;

// ---- Running guest instructions ------------------------------------------------------------------

const assembled = new Map<string, number[]>();
function words(lines: string[]): number[] {
  const key = lines.join('\n');
  let w = assembled.get(key);
  if (!w) {
    w = assemble(lines);
    assembled.set(key, w);
  }
  return w;
}

/** Loads `lines` at CODE, sets the given X registers, and runs that many instructions (or `steps`). */
function run(c: Core, lines: string[], regs: Record<number, bigint | number> = {}, steps?: number): void {
  const w = words(lines);
  load(c, w);
  for (const [n, v] of Object.entries(regs)) c.setX(Number(n), BigInt(v));
  c.pc = BigInt(CODE);
  c.run(steps ?? w.length);
}
const rd = (c: Core, insn: string, pa: number): bigint => {
  run(c, [`${insn}, [x1]`], { 1: pa });
  return c.x(0);
};
const wr = (c: Core, insn: string, pa: number, v: bigint | number): void => run(c, [`${insn}, [x1]`], { 1: pa, 2: v });
const read32 = (c: Core, pa: number): bigint => rd(c, 'ldr w0', pa);
const write32 = (c: Core, pa: number, v: bigint | number): void => wr(c, 'str w2', pa, v);
const read8 = (c: Core, pa: number): bigint => rd(c, 'ldrb w0', pa);
const write8 = (c: Core, pa: number, v: number): void => wr(c, 'strb w2', pa, v);
const read64 = (c: Core, pa: number): bigint => rd(c, 'ldr x0', pa);
const write64 = (c: Core, pa: number, v: bigint): void => wr(c, 'str x2', pa, v);
const mrs = (c: Core, reg: string): bigint => {
  run(c, [`mrs x0, ${reg}`], { 0: 0xdeadn });
  return c.x(0);
};
const msr = (c: Core, reg: string, v: bigint | number): void => run(c, [`msr ${reg}, x2`], { 2: v });
const bit = (n: number): number => 2 ** n;
const ec = (c: Core, idx: number): number => Number(c.sysreg(idx) >> 26n) & 0x3f;

/** A core at `el` (EL2 implemented), vectors installed, DAIF masked. */
async function newCore(el = 1): Promise<Core> {
  const c = await testCore({ el });
  c.setSysreg(L.SR_VBAR_EL1, BigInt(VBAR1));
  c.setSysreg(L.SR_VBAR_EL2, BigInt(VBAR2));
  c.daif = 0x3c0;
  return c;
}

/** Distributor on (both groups), SPI `intid` enabled at `prio` in `group`, routed to CPU 0. */
function enableSpi(c: Core, intid: number, prio: number, group = 1): void {
  write32(c, GICD, 3);
  const w = intid >> 5;
  const b = bit(intid & 31);
  const g = Number(read32(c, GICD + 0x80 + 4 * w));
  write32(c, GICD + 0x80 + 4 * w, group ? (g | b) >>> 0 : (g & ~b) >>> 0);
  write8(c, GICD + 0x400 + intid, prio);
  write64(c, GICD + 0x6000 + 8 * intid, 0n);
  write32(c, GICD + 0x100 + 4 * w, b);
}
/** The redistributor woken, SGI/PPI `intid` enabled at `prio` in `group`. */
function enablePrivate(c: Core, intid: number, prio: number, group = 1): void {
  write32(c, GICD, 3);
  write32(c, GICR + 0x14, 0);
  const g = Number(read32(c, SGIB + 0x80));
  write32(c, SGIB + 0x80, group ? (g | bit(intid)) >>> 0 : (g & ~bit(intid)) >>> 0);
  write8(c, SGIB + 0x400 + intid, prio);
  write32(c, SGIB + 0x100, bit(intid));
}
/** CPU interface: priority mask and both group enables. */
function cpuOn(c: Core, pmr = 0xf0): void {
  msr(c, 'icc_pmr_el1', pmr);
  msr(c, 'icc_igrpen0_el1', 1);
  msr(c, 'icc_igrpen1_el1', 1);
}
const isActive = (c: Core, intid: number): boolean =>
  (Number(read32(c, (intid < 32 ? SGIB : GICD) + 0x300 + 4 * (intid >> 5))) & bit(intid & 31)) !== 0;
const isPending = (c: Core, intid: number): boolean =>
  (Number(read32(c, (intid < 32 ? SGIB : GICD) + 0x200 + 4 * (intid >> 5))) & bit(intid & 31)) !== 0;

describe.skipIf(!haveBinutils)('GICv3 distributor (skipped without aarch64-linux-gnu-as)', () => {
  it('GICD_CTLR: DS and ARE read as one, only the group enables are writable, RWP reads 0', async () => {
    const c = await newCore();
    expect(read32(c, GICD)).toBe(0x50n);
    write32(c, GICD, 0xffff_ffff);
    expect(read32(c, GICD)).toBe(0x53n);
    write32(c, GICD, 0);
    expect(read32(c, GICD)).toBe(0x50n);
  });
  it('identification: TYPER (288 INTIDs, 16-bit IDs, no LPIs), IIDR, TYPER2, PIDR2.ArchRev = 3, CIDRs', async () => {
    const c = await newCore();
    const typer = read32(c, GICD + 4);
    expect(typer & 0x1fn).toBe(8n); // ITLinesNumber: 32 * (8 + 1) = 288 INTIDs
    expect((typer >> 19n) & 0x1fn).toBe(15n); // IDbits
    expect(typer & (1n << 17n)).toBe(0n); // LPIS
    expect(typer & (1n << 16n)).toBe(0n); // MBIS
    expect(typer).toBe(0x0378_0008n);
    expect(read32(c, GICD + 8)).toBe(0x43bn);
    expect(read32(c, GICD + 0xc)).toBe(0n);
    expect((read32(c, GICD + 0xffe8) >> 4n) & 0xfn).toBe(3n);
    expect(read32(c, GICD + 0xffe0)).toBe(0x92n);
    const cidr = [0xfff0, 0xfff4, 0xfff8, 0xfffc].map((o) => read32(c, GICD + o));
    expect(cidr).toEqual([0x0dn, 0xf0n, 0x05n, 0xb1n]);
  });
  it('IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER set and clear bits; SGI/PPI words are RAZ/WI here', async () => {
    const c = await newCore();
    for (const [set, clr] of [[0x100, 0x180], [0x200, 0x280], [0x300, 0x380]]) {
      write32(c, GICD + set + 4, 0x8000_0006);
      expect(read32(c, GICD + set + 4)).toBe(0x8000_0006n);
      expect(read32(c, GICD + clr + 4)).toBe(0x8000_0006n);
      write32(c, GICD + clr + 4, 0x8000_0002);
      expect(read32(c, GICD + set + 4)).toBe(4n);
      write32(c, GICD + set, 0xffff_ffff); // word 0 (SGIs, PPIs) belongs to the redistributor
      expect(read32(c, GICD + set)).toBe(0n);
    }
    write32(c, GICD + 0x84, 0xdead_beef); // IGROUPR1
    expect(read32(c, GICD + 0x84)).toBe(0xdead_beefn);
    write32(c, GICD + 0x100 + 4 * 9, 1); // beyond INTID 287
    expect(read32(c, GICD + 0x100 + 4 * 9)).toBe(0n);
  });
  it('IPRIORITYR is byte accessible and keeps 5 priority bits; IROUTER is 64-bit or two halves', async () => {
    const c = await newCore();
    write8(c, GICD + 0x400 + 33, 0xff);
    expect(read8(c, GICD + 0x400 + 33)).toBe(0xf8n);
    write32(c, GICD + 0x400 + 32, 0x1020_3040);
    expect(read32(c, GICD + 0x400 + 32)).toBe(0x1020_3040n & 0xf8f8_f8f8n);
    expect(read8(c, GICD + 0x400 + 34)).toBe(0x20n);
    write8(c, GICD + 0x400 + 5, 0x80); // a PPI's priority is in the redistributor
    expect(read8(c, GICD + 0x400 + 5)).toBe(0n);
    write64(c, GICD + 0x6000 + 8 * 40, 0xffff_ffff_ffff_ffffn);
    expect(read64(c, GICD + 0x6000 + 8 * 40)).toBe(0xff_00ff_ffffn); // Aff3, Aff2..Aff0; IRM RES0
    write32(c, GICD + 0x6000 + 8 * 40 + 4, 0x12);
    expect(read32(c, GICD + 0x6000 + 8 * 40 + 4)).toBe(0x12n);
    expect(read32(c, GICD + 0x6000 + 8 * 40)).toBe(0x00ff_ffffn);
  });
  it('ICFGR: two bits per INTID, edge = bit 1; SGIR is RES0 with affinity routing', async () => {
    const c = await newCore();
    write32(c, GICD + 0xc08, 0xffff_ffff); // INTIDs 32..47
    expect(read32(c, GICD + 0xc08)).toBe(0xaaaa_aaaan);
    write32(c, GICD + 0xc08, 0x8); // INTID 33 edge, the others level
    expect(read32(c, GICD + 0xc08)).toBe(0x8n);
    write32(c, GICD + 0xf00, 0x0100_0001); // GICD_SGIR
    expect(read32(c, SGIB + 0x200)).toBe(0n);
  });
  it('reserved offsets and wrong access sizes are RAZ/WI, never an exception', async () => {
    const c = await newCore();
    const before = c.exceptionCount;
    expect(read32(c, GICD + 0x5000)).toBe(0n);
    write32(c, GICD + 0x5000, 1);
    expect(read64(c, GICD)).toBe(0n); // 8-byte access to a 32-bit register
    expect(rd(c, 'ldrh w0', GICD + 4)).toBe(0n);
    wr(c, 'strh w2', GICD, 3);
    expect(read32(c, GICD)).toBe(0x50n);
    expect(read32(c, GICR + 0x70)).toBe(0n); // GICR_PROPBASER: no LPIs
    expect(c.exceptionCount).toBe(before);
    expect(c.unimplementedCount).toBe(0n);
  });
});

describe.skipIf(!haveBinutils)('GICv3 redistributor', () => {
  it('RD_base: TYPER (affinity 0, Last), IIDR, PIDR2, WAKER handshake', async () => {
    const c = await newCore();
    expect(read64(c, GICR + 8)).toBe(0x10n); // Processor_Number 0, affinity 0.0.0.0, Last
    expect(read32(c, GICR + 8)).toBe(0x10n);
    expect(read32(c, GICR + 0xc)).toBe(0n);
    expect(read32(c, GICR + 4)).toBe(0x43bn);
    expect((read32(c, GICR + 0xffe8) >> 4n) & 0xfn).toBe(3n);
    expect(read32(c, GICR + 0xffe0)).toBe(0x93n);
    expect(read32(c, GICR + 0x14)).toBe(6n); // ProcessorSleep, ChildrenAsleep
    write32(c, GICR + 0x14, 0);
    expect(read32(c, GICR + 0x14)).toBe(0n);
    write32(c, GICR + 0x14, 2);
    expect(read32(c, GICR + 0x14)).toBe(6n);
  });
  it('SGI_base: enable/pend/active bitmaps, byte priorities, ICFGR0 fixed edge, ICFGR1 writable', async () => {
    const c = await newCore();
    write32(c, SGIB + 0x100, 0x4000_0002);
    expect(read32(c, SGIB + 0x180)).toBe(0x4000_0002n);
    write32(c, SGIB + 0x180, 2);
    expect(read32(c, SGIB + 0x100)).toBe(0x4000_0000n);
    write32(c, SGIB + 0x300, 8);
    expect(read32(c, SGIB + 0x380)).toBe(8n);
    write8(c, SGIB + 0x400 + 30, 0xa7);
    expect(read8(c, SGIB + 0x400 + 30)).toBe(0xa0n);
    expect(read32(c, SGIB + 0xc00)).toBe(0xaaaa_aaaan);
    expect(read32(c, SGIB + 0xc04)).toBe(0n);
    write32(c, SGIB + 0xc04, 0x8000_0000);
    expect(read32(c, SGIB + 0xc04)).toBe(0x8000_0000n);
    write32(c, SGIB + 0xc00, 0);
    expect(read32(c, SGIB + 0xc00)).toBe(0xaaaa_aaaan);
  });
  it('a level input is pending while high (OR the latch); an edge input latches on the rising edge', async () => {
    const c = await newCore();
    // PPI 7 (INTID 23, the PMU's on QEMU's virt board) is not driven by any device here.
    c.setIrqLevel(23, true);
    expect(isPending(c, 23)).toBe(true);
    write32(c, SGIB + 0x280, bit(23)); // ICPENDR0 cannot clear a level that is still high
    expect(isPending(c, 23)).toBe(true);
    c.setIrqLevel(23, false);
    expect(isPending(c, 23)).toBe(false);
    write32(c, SGIB + 0x200, bit(23)); // ISPENDR0 latches it
    expect(isPending(c, 23)).toBe(true);
    write32(c, SGIB + 0x280, bit(23));
    write32(c, GICD + 0xc08, 0x8); // INTID 33 edge-triggered
    c.setIrqLevel(33, true);
    c.setIrqLevel(33, false);
    expect(isPending(c, 33)).toBe(true);
    write32(c, GICD + 0x284, bit(1));
    expect(isPending(c, 33)).toBe(false);
  });
});

describe.skipIf(!haveBinutils)('GICv3 CPU interface', () => {
  it('reports the system register interface: ID_AA64PFR0_EL1.GIC = 1, ICC_SRE_EL1, ICC_CTLR_EL1', async () => {
    const c = await newCore();
    expect((mrs(c, 'id_aa64pfr0_el1') >> 24n) & 0xfn).toBe(1n);
    expect(mrs(c, 'icc_sre_el1')).toBe(7n);
    msr(c, 'icc_sre_el1', 0);
    expect(mrs(c, 'icc_sre_el1')).toBe(7n);
    expect(mrs(c, 'icc_ctlr_el1')).toBe(0x8400n); // PRIbits = 4 (5 bits), IDbits = 0, A3V
    msr(c, 'icc_ctlr_el1', 3);
    expect(mrs(c, 'icc_ctlr_el1')).toBe(0x8403n);
  });
  it('PMR keeps 5 bits; the binary points have their minimum; CBPR makes BPR1 read BPR0 + 1', async () => {
    const c = await newCore();
    msr(c, 'icc_pmr_el1', 0xff);
    expect(mrs(c, 'icc_pmr_el1')).toBe(0xf8n);
    msr(c, 'icc_bpr0_el1', 0);
    expect(mrs(c, 'icc_bpr0_el1')).toBe(2n);
    msr(c, 'icc_bpr1_el1', 0);
    expect(mrs(c, 'icc_bpr1_el1')).toBe(3n);
    msr(c, 'icc_bpr1_el1', 5);
    expect(mrs(c, 'icc_bpr1_el1')).toBe(5n);
    msr(c, 'icc_bpr0_el1', 4);
    msr(c, 'icc_ctlr_el1', 1);
    expect(mrs(c, 'icc_bpr1_el1')).toBe(5n); // BPR0 + 1
    expect(mrs(c, 'icc_rpr_el1')).toBe(0xffn); // idle
  });
  it('the unimplemented active-priority registers and list registers are UNDEFINED', async () => {
    const c = await newCore();
    mrs(c, 'icc_ap1r1_el1');
    expect(c.pc).toBe(BigInt(VBAR1 + 0x200));
    expect(ec(c, L.SR_ESR_EL1)).toBe(0);
    expect(c.x(0)).toBe(0xdeadn); // nothing written back
    const h = await newCore(2);
    mrs(h, 'ich_lr4_el2');
    expect(h.pc).toBe(BigInt(VBAR2 + 0x200));
    expect(ec(h, L.SR_ESR_EL2)).toBe(0);
    expect(mrs(await newCore(1), 'ich_hcr_el2')).toBe(0xdeadn); // EL2 registers are UNDEFINED at EL1
    expect(c.unimplementedCount).toBe(0n);
  });
  it('a level SPI raised by the host is taken as an IRQ at EL1 (VBAR_EL1 + 0x280), ICC_IAR1 returns 33', async () => {
    const c = await newCore();
    enableSpi(c, 33, 0xa0);
    cpuOn(c);
    const handler = ['mrs x0, icc_iar1_el1', 'mrs x3, icc_rpr_el1', 'ldr w5, [x1]', 'msr icc_eoir1_el1, x0', 'mrs x4, icc_rpr_el1', 'ldr w6, [x1]'];
    load(c, words(handler), VBAR1 + 0x280);
    c.setIrqLevel(33, true);
    run(c, ['msr daifclr, #2', 'nop', 'nop'], { 1: GICD + 0x304 }, 1); // x1 = GICD_ISACTIVER1
    expect(c.pc).toBe(BigInt(CODE + 4)); // masked until DAIF.I clears: the next check takes it
    c.run(1);
    expect(c.el).toBe(1);
    expect(c.sysreg(L.SR_ELR_EL1)).toBe(BigInt(CODE + 4));
    expect(c.daif & 0x80).toBe(0x80);
    expect(c.x(0)).toBe(33n);
    c.run(handler.length - 1);
    expect(c.x(3)).toBe(0xa0n); // running priority while 33 is active
    expect(c.x(5)).toBe(2n); // active
    expect(c.x(4)).toBe(0xffn);
    expect(c.x(6)).toBe(0n);
    expect(isPending(c, 33)).toBe(true); // still high: pending again
    c.setIrqLevel(33, false);
    expect(isPending(c, 33)).toBe(false);
  });
  it('acknowledging drops the IRQ line: unmasking inside the handler does not re-enter it', async () => {
    const c = await newCore();
    enableSpi(c, 33, 0xa0);
    cpuOn(c);
    const handler = ['mrs x0, icc_iar1_el1', 'msr daifclr, #2', 'nop', 'mrs x3, icc_iar1_el1', 'nop'];
    load(c, words(handler), VBAR1 + 0x280);
    c.setIrqLevel(33, true);
    run(c, ['msr daifclr, #2', 'nop'], {}, 1 + handler.length);
    expect(c.x(0)).toBe(33n);
    expect(c.x(3)).toBe(SPURIOUS);
    expect(c.pc).toBe(BigInt(VBAR1 + 0x280 + 4 * handler.length));
    expect(c.sysreg(L.SR_ELR_EL1)).toBe(BigInt(CODE + 4));
  });
  it('an IRQ stays pending while DAIF.I masks it, and HCR_EL2.IMO routes it to EL2', async () => {
    const c = await newCore();
    enableSpi(c, 33, 0xa0);
    cpuOn(c);
    c.setIrqLevel(33, true);
    run(c, ['nop', 'nop', 'nop']);
    expect(c.pc).toBe(BigInt(CODE + 12));
    c.setSysreg(L.SR_HCR_EL2, 1n << 4n); // IMO: physical IRQs go to EL2, whatever PSTATE.I at EL1
    load(c, words(['nop']), VBAR2 + 0x480);
    run(c, ['nop', 'nop'], {}, 1);
    expect(c.el).toBe(2);
    expect(c.pc).toBe(BigInt(VBAR2 + 0x480 + 4)); // lower EL, AArch64, IRQ (then one instruction)
    expect(c.sysreg(L.SR_ELR_EL2)).toBe(BigInt(CODE));
  });
  it('Group 0 is signalled as FIQ (VBAR_EL1 + 0x300)', async () => {
    const c = await newCore();
    enableSpi(c, 34, 0x80, 0);
    cpuOn(c);
    c.daif = 0x380; // F clear
    write32(c, GICD + 0x204, bit(2)); // ISPENDR1: INTID 34
    load(c, words(['mrs x0, icc_iar0_el1']), VBAR1 + 0x300);
    run(c, ['nop'], {}, 1);
    expect(c.x(0)).toBe(34n);
    expect(mrs(c, 'icc_ap0r0_el1')).toBe(BigInt(bit(0x80 >> 3)));
  });
  it('priorities: PMR masks, the highest priority is acknowledged first, preemption by group priority', async () => {
    const c = await newCore();
    enableSpi(c, 33, 0xa0);
    enableSpi(c, 34, 0x80);
    cpuOn(c, 0xa0);
    write32(c, GICD + 0x204, bit(1)); // 33 pending
    expect(mrs(c, 'icc_hppir1_el1')).toBe(33n);
    expect(mrs(c, 'icc_iar1_el1')).toBe(SPURIOUS); // priority 0xa0 is not higher than PMR 0xa0
    msr(c, 'icc_pmr_el1', 0xa8);
    write32(c, GICD + 0x204, bit(2)); // 34 pending too
    expect(mrs(c, 'icc_iar1_el1')).toBe(34n);
    expect(mrs(c, 'icc_rpr_el1')).toBe(0x80n);
    expect(mrs(c, 'icc_iar1_el1')).toBe(SPURIOUS); // 0xa0 cannot preempt 0x80
    msr(c, 'icc_eoir1_el1', 34);
    expect(mrs(c, 'icc_iar1_el1')).toBe(33n);
    // Now 33 is active at 0xa0 and 34 (0x80) arrives: it preempts (nesting).
    write32(c, GICD + 0x204, bit(2));
    expect(mrs(c, 'icc_iar1_el1')).toBe(34n);
    expect(mrs(c, 'icc_ap1r0_el1')).toBe(BigInt(bit(0x80 >> 3) + bit(0xa0 >> 3)));
    msr(c, 'icc_eoir1_el1', 34);
    expect(mrs(c, 'icc_rpr_el1')).toBe(0xa0n);
    msr(c, 'icc_eoir1_el1', 33);
    expect(mrs(c, 'icc_rpr_el1')).toBe(0xffn);
    // With BPR1 = 7 the group priority is bit 7 only: 0x80 cannot preempt an active 0xa0.
    msr(c, 'icc_bpr1_el1', 7);
    write32(c, GICD + 0x204, bit(1));
    expect(mrs(c, 'icc_iar1_el1')).toBe(33n);
    expect(mrs(c, 'icc_rpr_el1')).toBe(0x80n);
    write32(c, GICD + 0x204, bit(2));
    expect(mrs(c, 'icc_iar1_el1')).toBe(SPURIOUS);
  });
  it('EOImode 1 splits priority drop (EOIR) from deactivation (DIR)', async () => {
    const c = await newCore();
    enableSpi(c, 33, 0xa0);
    cpuOn(c);
    msr(c, 'icc_ctlr_el1', 2);
    write32(c, GICD + 0x204, bit(1));
    expect(mrs(c, 'icc_iar1_el1')).toBe(33n);
    msr(c, 'icc_eoir1_el1', 33);
    expect(mrs(c, 'icc_rpr_el1')).toBe(0xffn);
    expect(isActive(c, 33)).toBe(true);
    write32(c, GICD + 0x204, bit(1));
    expect(mrs(c, 'icc_iar1_el1')).toBe(SPURIOUS); // active and pending: not acknowledged again
    msr(c, 'icc_dir_el1', 33);
    expect(isActive(c, 33)).toBe(false);
    expect(mrs(c, 'icc_iar1_el1')).toBe(33n);
    // With EOImode 0, DIR does nothing and EOIR deactivates.
    msr(c, 'icc_ctlr_el1', 0);
    msr(c, 'icc_dir_el1', 33);
    expect(isActive(c, 33)).toBe(true);
    msr(c, 'icc_eoir1_el1', 33);
    expect(isActive(c, 33)).toBe(false);
  });
  it('SGIs to self through ICC_SGI1R_EL1: target list, IRM excludes self, groups must match', async () => {
    const c = await newCore();
    enablePrivate(c, 1, 0x90);
    cpuOn(c);
    msr(c, 'icc_sgi1r_el1', (1n << 24n) | 1n); // INTID 1 to affinity 0.0.0.{0}
    expect(isPending(c, 1)).toBe(true);
    expect(mrs(c, 'icc_iar1_el1')).toBe(1n);
    msr(c, 'icc_eoir1_el1', 1);
    msr(c, 'icc_sgi1r_el1', (1n << 40n) | (1n << 24n)); // IRM = 1: everyone but self
    msr(c, 'icc_sgi1r_el1', (1n << 16n) | (1n << 24n) | 1n); // Aff1 = 1: another cluster
    msr(c, 'icc_sgi1r_el1', (1n << 24n) | 2n); // CPU 1 does not exist
    msr(c, 'icc_sgi0r_el1', (1n << 24n) | 1n); // SGI 1 is Group 1: SGI0R does not reach it
    expect(isPending(c, 1)).toBe(false);
    write32(c, SGIB + 0x80, 0); // SGI 1 in Group 0
    msr(c, 'icc_sgi0r_el1', (1n << 24n) | 1n);
    expect(mrs(c, 'icc_hppir0_el1')).toBe(1n);
  });
});

// ---- The virtualization interface -------------------------------------------------------------------

const LR_PENDING = 1n << 62n;
const LR_HW = 1n << 61n;
const LR_GROUP1 = 1n << 60n;
const LR_EOI = 1n << 41n;
const lr = (vintid: number, prio: number, extra = 0n): bigint => LR_PENDING | LR_GROUP1 | (BigInt(prio) << 48n) | BigInt(vintid) | extra;
const HCR_IMO = 1n << 4n;
const HCR_FMO = 1n << 3n;

/** At EL2: the virtual CPU interface on (En), vGroup 1 enabled, VPMR 0xf0, and list registers. */
function virtualOn(c: Core, lrs: bigint[], hcr = 1): void {
  msr(c, 'ich_vmcr_el2', (0xf0 << 24) | 2);
  lrs.forEach((v, n) => msr(c, `ich_lr${n}_el2`, v));
  msr(c, 'ich_hcr_el2', hcr);
}
/** Drops from EL2 to EL1 (SP_EL1), with HCR_EL2 as given and DAIF as given. */
function toEl1(c: Core, hcr: bigint, daif = 0x3c0): void {
  c.setSysreg(L.SR_HCR_EL2, hcr);
  c.setElSp(1, 1, BigInt(RAM_BASE + 0x7000));
  c.daif = daif;
}
/** The ESR_ELx.ISS of a trapped MRS/MSR of `Xt`. */
const sysIss = (op0: number, op1: number, crn: number, crm: number, op2: number, rt: number, read: boolean): bigint =>
  BigInt((op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1 : 0));

describe.skipIf(!haveBinutils)('GICv3 virtualization interface', () => {
  it('ICH_VTR_EL2: 4 list registers, 5 priority and preemption bits, 16-bit IDs, TDS', async () => {
    const c = await newCore(2);
    const vtr = mrs(c, 'ich_vtr_el2');
    expect(vtr).toBe(0x9038_0003n);
    expect(vtr & 0x1fn).toBe(3n); // ListRegs - 1
    expect((vtr >> 29n) & 7n).toBe(4n); // PRIbits - 1
    expect((vtr >> 26n) & 7n).toBe(4n); // PREbits - 1
    expect((vtr >> 23n) & 7n).toBe(0n); // IDbits: 16
  });
  it('ICH_VMCR_EL2 keeps its fields, VFIQEn reads as one, the binary points are clamped', async () => {
    const c = await newCore(2);
    msr(c, 'ich_vmcr_el2', 0xffff_ffff);
    expect(mrs(c, 'ich_vmcr_el2')).toBe(0xf8fc_021bn);
    msr(c, 'ich_vmcr_el2', 0);
    expect(mrs(c, 'ich_vmcr_el2')).toBe(BigInt((2 << 21) | (3 << 18) | 8));
  });
  it('a pending list register delivers a virtual IRQ at EL1; ICV_IAR1 returns it and makes it active; EOI clears it', async () => {
    const c = await newCore(2);
    virtualOn(c, [lr(27, 0xa0)]);
    expect(mrs(c, 'ich_elrsr_el2')).toBe(0b1110n);
    load(c, words(['mrs x0, icc_iar1_el1', 'mrs x3, icc_rpr_el1', 'msr icc_eoir1_el1, x0']), VBAR1 + 0x280);
    toEl1(c, HCR_IMO, 0x0);
    run(c, ['nop'], {}, 1);
    expect(c.el).toBe(1);
    expect(c.x(0)).toBe(27n);
    c.run(1);
    expect(c.x(3)).toBe(0xa0n);
    c.setElSp(2, 1, BigInt(RAM_BASE + 0x6000));
    c.daif = 0x3c0;
    expect(mrs(c, 'ich_lr0_el2') >> 62n).toBe(2n); // active
    expect(mrs(c, 'ich_ap1r0_el2')).toBe(BigInt(bit(0xa0 >> 3)));
    toEl1(c, HCR_IMO);
    msr(c, 'icc_eoir1_el1', 27);
    c.setElSp(2, 1, BigInt(RAM_BASE + 0x6000));
    expect(mrs(c, 'ich_lr0_el2') >> 62n).toBe(0n);
    expect(mrs(c, 'ich_ap1r0_el2')).toBe(0n);
    expect(mrs(c, 'ich_elrsr_el2')).toBe(0b1111n);
    expect(mrs(c, 'ich_eisr_el2')).toBe(0n);
  });
  it('a virtual interrupt acknowledged through ICV_IAR1 drops the virtual IRQ line too', async () => {
    const c = await newCore(2);
    virtualOn(c, [lr(27, 0xa0)]);
    const handler = ['mrs x0, icc_iar1_el1', 'msr daifclr, #2', 'nop', 'nop'];
    load(c, words(handler), VBAR1 + 0x280);
    toEl1(c, HCR_IMO, 0); // unmasked: taken before the first instruction
    run(c, ['nop'], {}, handler.length);
    expect(c.x(0)).toBe(27n);
    expect(c.pc).toBe(BigInt(VBAR1 + 0x280 + 4 * handler.length));
    expect(c.sysreg(L.SR_ELR_EL1)).toBe(BigInt(CODE));
  });
  it('EL1 ICC_* accesses go to the virtual interface only while HCR_EL2.IMO/FMO say so', async () => {
    const c = await newCore(2);
    virtualOn(c, []);
    toEl1(c, 0n);
    msr(c, 'icc_pmr_el1', 0x40);
    toEl1(c, HCR_IMO);
    expect(mrs(c, 'icc_pmr_el1')).toBe(0xf0n); // ICV_PMR_EL1 = ICH_VMCR_EL2.VPMR
    msr(c, 'icc_pmr_el1', 0x88);
    expect(mrs(c, 'icc_igrpen1_el1')).toBe(1n); // VENG1
    expect(mrs(c, 'icc_igrpen0_el1')).toBe(0n); // Group 0 follows FMO, which is clear: physical
    toEl1(c, HCR_IMO | (1n << 27n)); // TGE: no virtual interface
    expect(mrs(c, 'icc_pmr_el1')).toBe(0x40n);
    c.setElSp(2, 1, 0n);
    expect(mrs(c, 'icc_pmr_el1')).toBe(0x40n); // EL2 always sees the physical interface
    expect(mrs(c, 'ich_vmcr_el2') >> 24n).toBe(0x88n);
  });
  it('EOI of a list register with HW = 1 deactivates the physical interrupt pINTID', async () => {
    const c = await newCore(2);
    write32(c, SGIB + 0x300, bit(27)); // physical INTID 27 active (as KVM leaves the virtual timer)
    virtualOn(c, [lr(27, 0x80, LR_HW | (27n << 32n))]);
    toEl1(c, HCR_IMO);
    expect(mrs(c, 'icc_iar1_el1')).toBe(27n);
    msr(c, 'icc_eoir1_el1', 27);
    c.setElSp(2, 1, 0n);
    expect(isActive(c, 27)).toBe(false);
    expect(mrs(c, 'ich_lr0_el2') >> 62n).toBe(0n);
    expect(mrs(c, 'ich_elrsr_el2') & 1n).toBe(1n);
  });
  it('virtual EOImode: ICV_EOIR drops priority, ICV_DIR deactivates; unmatched ones count in EOIcount', async () => {
    const c = await newCore(2);
    virtualOn(c, [lr(40, 0xa0), lr(41, 0x90)], 1 | (1 << 2)); // En, LRENPIE
    msr(c, 'ich_vmcr_el2', (0xf0 << 24) | (1 << 9) | 2); // VEOIM
    toEl1(c, HCR_IMO);
    expect(mrs(c, 'icc_iar1_el1')).toBe(41n);
    msr(c, 'icc_eoir1_el1', 41);
    expect(mrs(c, 'icc_rpr_el1')).toBe(0xffn);
    msr(c, 'icc_dir_el1', 41);
    msr(c, 'icc_dir_el1', 99); // no list register holds 99
    c.setElSp(2, 1, 0n);
    expect(mrs(c, 'ich_lr1_el2') >> 62n).toBe(0n);
    expect(mrs(c, 'ich_hcr_el2') >> 27n).toBe(1n);
    expect(mrs(c, 'ich_misr_el2') & 4n).toBe(4n); // LRENP
  });
  it('EISR/ELRSR/MISR and the maintenance interrupt (PPI 9 = INTID 25)', async () => {
    const c = await newCore(2);
    enablePrivate(c, 25, 0x80);
    cpuOn(c);
    virtualOn(c, [lr(50, 0xa0, LR_EOI), lr(51, 0xa0)], 1 | (1 << 1)); // En, UIE
    expect(mrs(c, 'ich_misr_el2')).toBe(0n); // two valid list registers: no underflow
    expect(isPending(c, 25)).toBe(false);
    toEl1(c, HCR_IMO);
    expect(mrs(c, 'icc_iar1_el1')).toBe(50n);
    msr(c, 'icc_eoir1_el1', 50);
    c.setElSp(2, 1, 0n);
    expect(mrs(c, 'ich_eisr_el2')).toBe(1n);
    expect(mrs(c, 'ich_elrsr_el2')).toBe(0b1100n); // LR0 waits for its EOI maintenance
    expect(mrs(c, 'ich_misr_el2')).toBe(0b11n); // EOI, U (one valid list register left)
    expect(isPending(c, 25)).toBe(true);
    expect(mrs(c, 'icc_iar1_el1')).toBe(25n); // EL2 takes the maintenance interrupt
    msr(c, 'ich_lr0_el2', 0);
    msr(c, 'ich_hcr_el2', 1 | (1 << 3) | (1 << 6)); // NPIE and VGrp1EIE
    expect(mrs(c, 'ich_misr_el2')).toBe((1n << 6n)); // LR1 still pending: no NP
    msr(c, 'ich_lr1_el2', 0);
    expect(mrs(c, 'ich_misr_el2')).toBe((1n << 3n) | (1n << 6n));
    msr(c, 'ich_hcr_el2', 0); // En = 0: no maintenance interrupt
    expect(isPending(c, 25)).toBe(false);
  });
  it('no virtual IRQ without ICH_HCR_EL2.En, below VPMR, or with vGroup 1 disabled', async () => {
    const c = await newCore(2);
    virtualOn(c, [lr(27, 0xa0)], 0);
    load(c, words(['nop']), VBAR1 + 0x280);
    toEl1(c, HCR_IMO, 0);
    run(c, ['nop']);
    expect(c.pc).toBe(BigInt(CODE + 4));
    c.setElSp(2, 1, 0n);
    msr(c, 'ich_hcr_el2', 1);
    msr(c, 'ich_vmcr_el2', (0xa0 << 24) | 2);
    toEl1(c, HCR_IMO, 0);
    run(c, ['nop']);
    expect(c.pc).toBe(BigInt(CODE + 4));
    c.setElSp(2, 1, 0n);
    msr(c, 'ich_vmcr_el2', (0xf0 << 24) | 1);
    toEl1(c, HCR_IMO, 0);
    run(c, ['nop']);
    expect(c.pc).toBe(BigInt(CODE + 4));
    c.setElSp(2, 1, 0n);
    msr(c, 'ich_vmcr_el2', (0xf0 << 24) | 2);
    toEl1(c, HCR_IMO, 0);
    run(c, ['nop'], {}, 1);
    expect(c.pc).toBe(BigInt(VBAR1 + 0x280 + 4));
  });
  it('ICH_HCR_EL2.TC/TALL0/TALL1/TDIR, HCR_EL2.IMO for SGIs and ICC_SRE_EL2.Enable trap EL1 accesses to EL2', async () => {
    const cases: [number, bigint, string, boolean, bigint][] = [
      [1 << 10, 0n, 'icc_pmr_el1', true, sysIss(3, 0, 4, 6, 0, 0, true)],
      [1 << 11, 0n, 'icc_iar0_el1', true, sysIss(3, 0, 12, 8, 0, 0, true)],
      [1 << 12, HCR_IMO, 'icc_iar1_el1', true, sysIss(3, 0, 12, 12, 0, 0, true)],
      [1 << 14, HCR_FMO, 'icc_dir_el1', false, sysIss(3, 0, 12, 11, 1, 2, false)],
      [0, HCR_IMO, 'icc_sgi1r_el1', false, sysIss(3, 0, 12, 11, 5, 2, false)],
    ];
    for (const [trap, hcr, reg, read, iss] of cases) {
      const c = await newCore(2);
      msr(c, 'ich_hcr_el2', trap);
      toEl1(c, hcr);
      if (read) mrs(c, reg);
      else msr(c, reg, 0);
      expect(c.el, reg).toBe(2);
      expect(c.pc).toBe(BigInt(VBAR2 + 0x400));
      expect(ec(c, L.SR_ESR_EL2)).toBe(0x18);
      expect(c.sysreg(L.SR_ESR_EL2) & 0x1ff_ffffn).toBe(iss);
      expect(c.sysreg(L.SR_ELR_EL2)).toBe(BigInt(CODE));
    }
    const s = await newCore(2);
    expect(mrs(s, 'icc_sre_el2')).toBe(0xfn);
    msr(s, 'icc_sre_el2', 7); // Enable = 0
    expect(mrs(s, 'icc_sre_el2')).toBe(7n);
    toEl1(s, 0n);
    mrs(s, 'icc_sre_el1');
    expect(s.el).toBe(2);
    expect(ec(s, L.SR_ESR_EL2)).toBe(0x18);
  });
});

describe.skipIf(!haveBinutils)('GICv3 on the virt board', () => {
  it("the PL011's interrupt output drives SPI 1 (INTID 33), level-sensitive", async () => {
    const m = await Machine.create(coreModuleSync(), { ramMiB: 16 });
    const c = m.core;
    expect(UART_INTID).toBe(33);
    write32(c, UART_BASE + UARTIMSC, INT_RX); // the guest unmasks the receive interrupt
    expect(isPending(c, 33)).toBe(false);
    m.sendInput(new Uint8Array([0x41]));
    expect(isPending(c, 33)).toBe(true);
    expect(Number(read32(c, UART_BASE))).toBe(0x41); // reading UARTDR drains the FIFO: line low
    expect(isPending(c, 33)).toBe(false);
  });
});
