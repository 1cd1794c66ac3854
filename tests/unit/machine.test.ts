import { describe, it, expect } from 'vitest';
import * as L from '../../src/core/layout';
import { Machine, ImageError, UART_BASE, RAM_BASE, CNTFRQ_HZ, MIDR, MPIDR, unimplementedText, type MachineOptions } from '../../src/machine/machine';
import { coreModuleSync } from '../../src/machine/wasm-node';
import * as P from '../../src/machine/psci';
import { node, writeFdt } from '../../src/machine/fdt';
import { assemble } from '../helpers/cross';
import { hiProgram, programElf, LOOP, LOAD_ADDR, wordsToBytes } from '../helpers/guest';

interface Harness {
  m: Machine;
  out: () => string;
  logs: string[];
}

async function machine(opts: MachineOptions = {}): Promise<Harness> {
  const m = await Machine.create(coreModuleSync(), { ramMiB: 16, ...opts });
  const bytes: number[] = [];
  const logs: string[] = [];
  m.onOutput((b) => bytes.push(...b));
  m.onLog((l) => logs.push(l));
  return { m, out: () => String.fromCharCode(...bytes), logs };
}

/** Sets X0..X3, makes a firmware call as the core would, returns X0 as a signed number. */
function call(m: Machine, fid: number, a1 = 0n, a2 = 0n, a3 = 0n): number {
  m.core.setX(0, BigInt(fid >>> 0));
  m.core.setX(1, a1);
  m.core.setX(2, a2);
  m.core.setX(3, a3);
  m.psciCall();
  return Number(BigInt.asIntN(64, m.core.x(0)));
}

describe('boot state', () => {
  it('enters an ELF at EL2h with DAIF masked, X0 = DTB, and the reset identity registers', async () => {
    const { m } = await machine();
    const dtb = writeFdt(node('')); // a --dtb is parsed now: it must be a real (if empty) tree
    m.core.setX(1, 0x55n);
    m.load({ kernel: programElf(LOOP), dtb });
    const c = m.core;
    expect(c.pc).toBe(BigInt(LOAD_ADDR));
    expect(c.el).toBe(2);
    expect(c.spsel).toBe(1);
    expect(c.daif).toBe(0x3c0);
    expect(c.x(0)).toBe(BigInt(RAM_BASE)); // an ELF leaves room below it: DTB at the start of RAM
    expect([c.x(1), c.x(2), c.x(3)]).toEqual([0n, 0n, 0n]);
    expect(c.readPhys(RAM_BASE, 4)).toEqual(new Uint8Array([0xd0, 0x0d, 0xfe, 0xed]));
    expect(c.sysreg(L.SR_CNTFRQ_EL0)).toBe(BigInt(CNTFRQ_HZ));
    expect(c.sysreg(L.SR_MIDR_EL1)).toBe(MIDR);
    expect(c.sysreg(L.SR_MPIDR_EL1)).toBe(MPIDR);
    expect(c.sysreg(L.SR_VPIDR_EL2)).toBe(MIDR);
    expect(c.sysreg(L.SR_SCTLR_EL2) & 1n).toBe(0n); // MMU off
    expect(c.readPhys(LOAD_ADDR, 4)).toEqual(wordsToBytes(LOOP));
  });
  it('enters at EL1 on a machine without EL2 when asked', async () => {
    const { m } = await machine({ el: 1 });
    m.load({ kernel: programElf(LOOP) });
    expect(m.core.el).toBe(1);
    expect(m.core.config.haveEl2).toBe(false);
    expect(m.core.config.psci).toBe('hvc');
    expect(m.core.x(0)).toBe(BigInt(RAM_BASE)); // the generated DTB, at the start of RAM for an ELF
  });
  it('throws ImageError for a bad image and stays usable', async () => {
    const { m } = await machine();
    expect(() => m.load({ kernel: new Uint8Array(0) })).toThrow(ImageError);
    m.load({ kernel: programElf(LOOP) });
    expect(m.run(10)).toEqual({ reason: 'budget', executed: 10 });
  });
  it('rejects bad options', async () => {
    await expect(Machine.create(coreModuleSync(), { ramMiB: 0 })).rejects.toThrow(/RAM size/);
  });
});

describe('run loop', () => {
  it('runs exactly the budget, across slices', async () => {
    const { m } = await machine();
    m.load({ kernel: programElf(LOOP) });
    expect(m.run(5_000_000)).toEqual({ reason: 'budget', executed: 5_000_000 });
    expect(m.stats().instructions).toBe(5_000_000n);
    expect(m.run(0)).toEqual({ reason: 'budget', executed: 0 });
  });
  it('maps the wired bus: UART writes reach onOutput, unmapped addresses answer null', async () => {
    const { m, out } = await machine();
    m.load({ kernel: programElf(LOOP) });
    expect(m.bus.write(UART_BASE, 1, 0x41n)).toBe(true);
    expect(m.bus.read(UART_BASE + 0x18, 4)).toBe(0x90n); // FR: TXFE | RXFE
    expect(m.bus.read(0x0a00_0000, 4)).toBeNull();
    expect(m.bus.write(0x0, 4, 0n)).toBe(false);
    m.run(1);
    expect(out()).toBe('A');
  });
  it('sendInput feeds the UART receiver', async () => {
    const { m } = await machine();
    m.sendInput(new TextEncoder().encode('k'));
    expect(m.bus.read(UART_BASE, 4)).toBe(0x6bn);
  });
  it('logs unimplemented system registers with their encoding, pc and a running count', async () => {
    // Every A64 encoding is now implemented or unallocated; an IMPLEMENTATION DEFINED register this
    // CPU does not have is what remains "unimplemented" (UNDEFINED, and counted).
    const { m, logs } = await machine();
    m.load({ kernel: programElf(assemble(['mrs x1, s3_0_c15_c2_1', 'mrs x2, s3_0_c15_c2_1'])) });
    m.core.setSysreg(L.SR_VBAR_EL2, 0x4008_0000n - 0x200n); // the UNDEFINED exception re-enters the program
    m.run(1);
    expect(m.stats().unimplemented).toBe(1n);
    expect(logs).toContain('unimplemented system register op0=3 op1=0 CRn=15 CRm=2 op2=1 (read) at pc 0x40080000 (#1)');
  });
  it('formats unimplemented system register events', () => {
    // MRS of op0=3 op1=0 CRn=15 CRm=2 op2=1
    const data = (1 << 31) | (3 << 14) | (0 << 11) | (15 << 7) | (2 << 3) | 1;
    expect(unimplementedText(L.EV_UNIMPL_SYSREG, data, 0x40080010n)).toBe(
      'unimplemented system register op0=3 op1=0 CRn=15 CRm=2 op2=1 (read) at pc 0x40080010',
    );
  });
});

describe('PSCI firmware (called directly)', () => {
  it('answers the version and feature queries', async () => {
    const { m } = await machine();
    expect(call(m, P.PSCI_VERSION)).toBe(0x10001);
    expect(call(m, P.SMCCC_VERSION)).toBe(0x10001);
    expect(call(m, P.PSCI_FEATURES, BigInt(P.SMCCC_VERSION))).toBe(P.SUCCESS);
    expect(call(m, P.PSCI_FEATURES, BigInt(P.CPU_ON64))).toBe(P.SUCCESS);
    expect(call(m, P.PSCI_FEATURES, BigInt(P.CPU_SUSPEND))).toBe(0); // original power_state format
    expect(call(m, P.PSCI_FEATURES, BigInt(P.MIGRATE))).toBe(P.NOT_SUPPORTED);
    expect(call(m, P.PSCI_FEATURES, 0x8400_00ffn)).toBe(P.NOT_SUPPORTED);
    expect(call(m, P.SMCCC_ARCH_FEATURES, 0x8000_8000n)).toBe(P.NOT_SUPPORTED);
    expect(call(m, P.MIGRATE_INFO_TYPE)).toBe(2);
  });
  it('returns NOT_SUPPORTED, sign-extended, for unknown functions and logs them', async () => {
    const { m, logs } = await machine();
    call(m, 0xc400_0077);
    expect(m.core.x(0)).toBe(0xffff_ffff_ffff_ffffn);
    expect(logs).toEqual(['psci: unknown function 0xc4000077: NOT_SUPPORTED']);
  });
  it('knows there is one CPU', async () => {
    const { m } = await machine();
    expect(call(m, P.CPU_ON64, 0n, BigInt(LOAD_ADDR))).toBe(P.ALREADY_ON);
    expect(call(m, P.CPU_ON64, 1n, BigInt(LOAD_ADDR))).toBe(P.INVALID_PARAMETERS);
    expect(call(m, P.CPU_ON, 0xffff_ffff_0000_0000n)).toBe(P.ALREADY_ON); // SMC32: W1 only
    expect(call(m, P.AFFINITY_INFO64, 0x8000_0000n, 0n)).toBe(0); // ON
    expect(call(m, P.AFFINITY_INFO64, 0x100n, 0n)).toBe(P.INVALID_PARAMETERS);
    expect(call(m, P.AFFINITY_INFO64, 0x1n, 1n)).toBe(0); // same cluster
    expect(call(m, P.AFFINITY_INFO64, 0n, 4n)).toBe(P.INVALID_PARAMETERS);
    expect(call(m, P.CPU_SUSPEND, 0n, BigInt(LOAD_ADDR))).toBe(P.SUCCESS);
  });
  it('SYSTEM_OFF and SYSTEM_RESET stop the machine for good', async () => {
    const off = await machine();
    off.m.load({ kernel: programElf(LOOP) });
    call(off.m, P.SYSTEM_OFF);
    expect(off.m.stopped).toBe('poweroff');
    expect(off.m.run(100)).toEqual({ reason: 'poweroff', executed: 0 });
    expect(off.logs).toContain('psci: SYSTEM_OFF');
    const rst = await machine();
    rst.m.load({ kernel: programElf(LOOP) });
    call(rst.m, P.SYSTEM_RESET);
    expect(rst.m.run(100)).toEqual({ reason: 'reset', executed: 0 });
    rst.m.reset();
    expect(rst.m.stopped).toBeNull();
    expect(rst.m.core.pc).toBe(BigInt(LOAD_ADDR));
    expect(rst.m.run(100).reason).toBe('budget');
  });
  it('CPU_OFF of the only CPU powers the machine off', async () => {
    const { m } = await machine();
    m.load({ kernel: programElf(LOOP) });
    call(m, P.CPU_OFF);
    expect(m.run(1).reason).toBe('poweroff');
  });
  it('names function IDs', () => {
    expect(P.psciFunctionName(P.CPU_ON64)).toBe('CPU_ON64');
    expect(P.psciFunctionName(P.SYSTEM_OFF)).toBe('SYSTEM_OFF');
    expect(P.psciFunctionName(0x1234)).toBe('0x1234');
  });
});

describe('end to end: a guest prints and powers off', () => {
  for (const [el, conduit] of [
    [2, 'smc'],
    [1, 'hvc'],
  ] as const) {
    it(`EL${el}, PSCI over ${conduit.toUpperCase()}`, async () => {
      const words = hiProgram(conduit);
      const { m, out, logs } = await machine({ el });
      m.load({ kernel: programElf(words) });
      const r = m.run(1000);
      expect(r).toEqual({ reason: 'poweroff', executed: 10 });
      expect(out()).toBe('hi\n');
      expect(logs).toEqual(['psci: SYSTEM_OFF']);
      expect(m.run(1000).reason).toBe('poweroff');
    });
  }
  it('an unmapped access takes an external abort, not an exception in the host', async () => {
    // movz x1, #0x0a00, lsl #16 ; ldr w2, [x1] ; b .
    const words = [0xd2a14001, 0xb9400022, 0x14000000];
    const { m } = await machine();
    m.load({ kernel: programElf(words) });
    m.run(2);
    expect(m.core.sysreg(L.SR_FAR_EL2)).toBe(0x0a00_0000n);
    expect(Number(m.core.sysreg(L.SR_ESR_EL2) >> 26n)).toBe(0x25); // data abort, same EL
  });
});

describe('exception loops', () => {
  it("stops with 'stuck' and explains when the vector table is missing", async () => {
    const { m, logs } = await machine();
    m.load({ kernel: programElf([0x00000000]) }); // UDF #0 with VBAR_EL2 = 0: the vector is not RAM
    expect(m.run(1000).reason).toBe('stuck');
    expect(m.stopped).toBe('stuck');
    expect(logs.some((l) => l.includes('the CPU is stuck') && l.includes('VBAR_EL2 = 0x0'))).toBe(true);
    expect(m.run(1000)).toEqual({ reason: 'stuck', executed: 0 }); // until reset()
  });
});

describe('real-time idling', () => {
  // x1 = 100000; CNTP_TVAL_EL0 = x1; CNTP_CTL_EL0 = ENABLE; wfi; b .
  const WAIT = assemble(['movz x1, #0x86a0', 'movk x1, #1, lsl #16', 'msr cntp_tval_el0, x1', 'mov x2, #1', 'msr cntp_ctl_el0, x2', 'wfi', 'b .']);

  it('a realtime machine returns idle at a WFI with a timer armed, and skipIdle lets guest time pass', async () => {
    const { m } = await machine({ realtime: true });
    m.load({ kernel: programElf(WAIT) });
    const r = m.run(1000);
    expect(r.reason).toBe('idle');
    const ticks = m.idleTicks();
    expect(ticks).not.toBeNull();
    expect(ticks! > 99_000n && ticks! <= 100_000n).toBe(true);
    const before = m.core.insnCount;
    m.skipIdle(40_000n);
    expect(m.core.insnCount - before).toBe(40_000n);
    m.skipIdle(1_000_000n); // never past the deadline
    expect(m.idleTicks()).toBe(0n);
  });

  it('without realtime the same wait costs nothing: the clock jumps to the deadline', async () => {
    const { m } = await machine();
    m.load({ kernel: programElf(WAIT) });
    const r = m.run(1000);
    expect(r.reason).not.toBe('idle');
    expect(m.core.insnCount >= 100_000n).toBe(true);
  });
});

describe('PC breakpoints', () => {
  it('run() stops at each of several breakpoints, not on the first instruction of a run', async () => {
    const { m } = await machine();
    m.load({ kernel: programElf([0xd503201f, 0xd503201f, 0xd503201f, 0xd503201f, 0x17fffffc]) }); // 4 nops, b back
    const base = m.core.pc;
    m.core.setBreakpoints([base + 8n, base + 12n]);
    expect(m.run(100).reason).toBe('breakpoint');
    expect(m.core.pc).toBe(base + 8n);
    expect(m.run(100).reason).toBe('breakpoint');
    expect(m.core.pc).toBe(base + 12n);
    expect(m.run(100).reason).toBe('breakpoint'); // round the loop to the first one again
    expect(m.core.pc).toBe(base + 8n);
    m.core.setBreakpoints([]);
    expect(m.run(100).reason).toBe('budget');
    expect(() => m.core.setBreakpoints(Array.from({ length: 9 }, (_, i) => BigInt(i)))).toThrow(RangeError);
  });
});
