// Traps of EL1 work to EL2 (HCR_EL2, MDCR_EL2, CPTR_EL2), the registers EL2 virtualises for EL1
// (MIDR/MPIDR through VPIDR/VMPIDR, ISR_EL1), and HCR_EL2's virtual interrupts (VI, VF, VSE).
import { describe, it, expect } from 'vitest';
import { testCore, load, CODE } from '../helpers/core';
import { assemble } from '../helpers/cross';
import * as L from '../../src/core/layout';
import type { Core } from '../../src/machine/core';

const VBAR1 = 0x4000_8000n;
const VBAR2 = 0x4000_a000n;
const RW = 1n << 31n;

/** A core at EL1 (with EL2 present) that will run `code`, HCR_EL2 = RW | hcr. */
async function el1(code: string[], hcr = 0n, setup?: (c: Core) => void): Promise<Core> {
  const c = await testCore({ el: 1 });
  load(c, assemble(code));
  c.setSysreg(L.SR_VBAR_EL1, VBAR1);
  c.setSysreg(L.SR_VBAR_EL2, VBAR2);
  c.setSysreg(L.SR_HCR_EL2, RW | hcr);
  setup?.(c);
  return c;
}

const ec2 = (c: Core): number => Number(c.sysreg(L.SR_ESR_EL2) >> 26n) & 0x3f;
const iss2 = (c: Core): number => Number(c.sysreg(L.SR_ESR_EL2) & 0x1ffffffn);

/** The EC 0x18 ISS of an MSR/MRS/SYS: Op0, Op2, Op1, CRn, Rt, CRm, Direction. */
const sysIss = (op0: number, op1: number, crn: number, crm: number, op2: number, rt: number, read: boolean): number =>
  (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1 : 0);

/** Expects the first instruction to have trapped to EL2 with EC 0x18 and the given ISS. */
function expectTrap(c: Core, iss: number): void {
  expect(c.el).toBe(2);
  expect(c.pc).toBe(VBAR2 + 0x400n);
  expect(ec2(c)).toBe(0x18);
  expect(iss2(c).toString(16)).toBe(iss.toString(16));
  expect(c.sysreg(L.SR_ELR_EL2)).toBe(BigInt(CODE));
}

describe('HCR_EL2 traps of system registers', () => {
  const cases: [string, string, bigint, number][] = [
    ['TVM traps writes of the VM controls', 'msr sctlr_el1, x1', 1n << 26n, sysIss(3, 0, 1, 0, 0, 1, false)],
    ['TVM traps TTBR0_EL1 writes', 'msr ttbr0_el1, x2', 1n << 26n, sysIss(3, 0, 2, 0, 0, 2, false)],
    ['TRVM traps reads of them', 'mrs x3, mair_el1', 1n << 30n, sysIss(3, 0, 10, 2, 0, 3, true)],
    ['TID3 traps the ID registers', 'mrs x4, id_aa64pfr0_el1', 1n << 18n, sysIss(3, 0, 0, 4, 0, 4, true)],
    ['TID3 traps the unassigned ID space too', 'mrs x4, s3_0_c0_c7_5', 1n << 18n, sysIss(3, 0, 0, 7, 5, 4, true)],
    ['TID2 traps CTR_EL0 at EL1', 'mrs x5, ctr_el0', 1n << 17n, sysIss(3, 3, 0, 0, 1, 5, true)],
    ['TID2 traps CCSIDR_EL1', 'mrs x5, ccsidr_el1', 1n << 17n, sysIss(3, 1, 0, 0, 0, 5, true)],
    ['TID1 traps AIDR_EL1', 'mrs x6, aidr_el1', 1n << 16n, sysIss(3, 1, 0, 0, 7, 6, true)],
    ['TACR traps ACTLR_EL1', 'msr actlr_el1, x7', 1n << 21n, sysIss(3, 0, 1, 0, 1, 7, false)],
    ['TIDCP traps the IMPLEMENTATION DEFINED space', 'mrs x8, s3_0_c15_c0_0', 1n << 20n, sysIss(3, 0, 15, 0, 0, 8, true)],
  ];
  it.each(cases)('%s', async (_name, insn, hcr, iss) => {
    const c = await el1([insn], hcr);
    c.run(1);
    expectTrap(c, iss);
  });

  it('without the trap bits the same accesses run at EL1', async () => {
    const c = await el1(['msr sctlr_el1, x1', 'mrs x3, mair_el1', 'mrs x4, id_aa64pfr0_el1', 'mrs x5, ctr_el0', 'msr actlr_el1, x7'], 0n, (k) => {
      k.setX(1, k.sysreg(L.SR_SCTLR_EL1));
    });
    c.run(5);
    expect(c.el).toBe(1);
    expect(c.pc).toBe(BigInt(CODE + 20));
  });

  it('the IMPLEMENTATION DEFINED space without TIDCP is UNDEFINED (and counted)', async () => {
    const c = await el1(['mrs x8, s3_0_c15_c0_0']);
    c.run(1);
    expect(c.pc).toBe(VBAR1 + 0x200n);
    expect(c.unimplementedCount).toBe(1n);
  });

  it('MDCR_EL2.TDA traps MDSCR_EL1; TDOSA traps OSLAR_EL1; CPTR_EL2.TCPAC traps CPACR_EL1', async () => {
    let c = await el1(['mrs x1, mdscr_el1'], 0n, (k) => k.setSysreg(L.SR_MDCR_EL2, 1n << 9n));
    c.run(1);
    expectTrap(c, sysIss(2, 0, 0, 2, 2, 1, true));
    c = await el1(['msr oslar_el1, x2'], 0n, (k) => k.setSysreg(L.SR_MDCR_EL2, 1n << 10n));
    c.run(1);
    expectTrap(c, sysIss(2, 0, 1, 0, 4, 2, false));
    c = await el1(['mrs x3, cpacr_el1'], 0n, (k) => k.setSysreg(L.SR_CPTR_EL2, (1n << 31n) | 0x33ffn));
    c.run(1);
    expectTrap(c, sysIss(3, 0, 1, 0, 2, 3, true));
  });
});

describe('HCR_EL2 traps of cache, TLB and DC ZVA operations', () => {
  const cases: [string, string, bigint, number][] = [
    ['TSW traps DC ISW', 'dc isw, x1', 1n << 22n, sysIss(1, 0, 7, 6, 2, 1, false)],
    ['TPC traps DC CIVAC', 'dc civac, x1', 1n << 23n, sysIss(1, 3, 7, 14, 1, 1, false)],
    ['TPU traps IC IALLU', 'ic iallu', 1n << 24n, sysIss(1, 0, 7, 5, 0, 31, false)],
    ['TPU traps DC CVAU', 'dc cvau, x2', 1n << 24n, sysIss(1, 3, 7, 11, 1, 2, false)],
    ['TTLB traps TLBI', 'tlbi vmalle1', 1n << 25n, sysIss(1, 0, 8, 7, 0, 31, false)],
    ['TDZ traps DC ZVA', 'dc zva, x3', 1n << 28n, sysIss(1, 3, 7, 4, 1, 3, false)],
  ];
  it.each(cases)('%s', async (_name, insn, hcr, iss) => {
    const c = await el1([insn], hcr, (k) => {
      k.setX(1, 0x4001_0000n);
      k.setX(2, 0x4001_0000n);
      k.setX(3, 0x4001_0000n);
    });
    c.run(1);
    expectTrap(c, iss);
  });
});

describe('registers EL2 virtualises for EL1', () => {
  it('MIDR_EL1 and MPIDR_EL1 read VPIDR_EL2 and VMPIDR_EL2 at EL1, the real values at EL2', async () => {
    const c = await el1(['mrs x1, midr_el1', 'mrs x2, mpidr_el1', 'hvc #0', 'mrs x3, midr_el1', 'mrs x4, mpidr_el1'], 0n, (k) => {
      k.setSysreg(L.SR_VPIDR_EL2, 0x4100_d070n);
      k.setSysreg(L.SR_VMPIDR_EL2, 0x8000_0003n);
    });
    load(c, assemble(['mrs x3, midr_el1', 'mrs x4, mpidr_el1']), Number(VBAR2 + 0x400n));
    c.run(5);
    expect(c.x(1)).toBe(0x4100_d070n);
    expect(c.x(2)).toBe(0x8000_0003n);
    expect(c.el).toBe(2);
    expect(c.x(3)).toBe(c.sysreg(L.SR_MIDR_EL1));
    expect(c.x(4)).toBe(c.sysreg(L.SR_MPIDR_EL1));
  });

  it('ISR_EL1 shows the virtual IRQ at EL1 when HCR_EL2.IMO is set', async () => {
    const c = await el1(['mrs x1, isr_el1'], (1n << 4n) | (1n << 7n)); // IMO, VI
    c.daif = 0xf << 6; // masked: not taken, but pending
    c.run(1);
    expect(c.x(1)).toBe(0x80n);
  });
});

describe('virtual interrupts from HCR_EL2', () => {
  it('HCR_EL2.VI with IMO: a virtual IRQ is taken at EL1 when PSTATE.I is clear', async () => {
    const c = await el1(['nop', 'msr daifclr, #2', 'nop'], (1n << 4n) | (1n << 7n));
    load(c, assemble(['nop']), Number(VBAR1 + 0x280n));
    c.daif = 0xf << 6;
    c.run(2); // the IRQ is taken before the next instruction: the one at the vector
    c.run(1);
    expect(c.el).toBe(1);
    expect(c.pc).toBe(VBAR1 + 0x284n); // IRQ, current EL with SPx
    expect(c.sysreg(L.SR_ELR_EL1)).toBe(BigInt(CODE + 8));
  });

  it('HCR_EL2.VI without IMO does nothing; at EL2 it is never taken', async () => {
    let c = await el1(['nop', 'nop'], 1n << 7n);
    c.daif = 0;
    c.run(2);
    expect(c.pc).toBe(BigInt(CODE + 8));
    c = await testCore({ el: 2 });
    load(c, assemble(['nop', 'nop']));
    c.setSysreg(L.SR_HCR_EL2, RW | (1n << 4n) | (1n << 7n));
    c.daif = 0;
    c.run(2);
    expect(c.pc).toBe(BigInt(CODE + 8));
  });

  it('HCR_EL2.VSE with AMO: a virtual SError at EL1 (ESR_EL1.EC 0x2F), and VSE clears', async () => {
    const c = await el1(['nop', 'nop'], (1n << 5n) | (1n << 8n));
    load(c, assemble(['nop']), Number(VBAR1 + 0x380n));
    c.daif = 0;
    c.run(1);
    expect(c.pc).toBe(VBAR1 + 0x384n);
    expect(c.sysreg(L.SR_ELR_EL1)).toBe(BigInt(CODE));
    expect(Number(c.sysreg(L.SR_ESR_EL1) >> 26n)).toBe(0x2f);
    expect(c.sysreg(L.SR_HCR_EL2) & (1n << 8n)).toBe(0n);
  });

  it('a physical IRQ routed to EL2 (IMO) is taken from EL1 even with PSTATE.I set; WFI wakes for it', async () => {
    const c = await el1(['wfi', 'nop'], 1n << 4n);
    c.daif = 0xf << 6;
    c.setIrqLevel(33, true); // the SPI is not enabled in the distributor: nothing pending at the CPU
    expect(c.run(5)).toBe(L.EXIT_WFI);
  });
});

describe('HCR_EL2 write mask', () => {
  it('keeps the ARMv8.0 bits (33:0) and ignores later extensions\' bits (APK, API, ATA, E2H)', async () => {
    const c = await testCore({ el: 2 });
    load(c, assemble(['msr hcr_el2, x1', 'mrs x2, hcr_el2']));
    c.setX(1, (1n << 56n) | (1n << 41n) | (1n << 40n) | (1n << 34n) | (1n << 31n) | (1n << 33n) | 1n);
    c.run(2);
    expect(c.x(2)).toBe((1n << 33n) | (1n << 31n) | 1n);
  });
});
