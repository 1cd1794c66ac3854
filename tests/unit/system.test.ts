import { describe, it, expect } from 'vitest';
import { exec, testCore, load, CODE, RAM_BASE } from '../helpers/core';
import * as L from '../../src/core/layout';
import type { Core } from '../../src/machine/core';

const VBAR1 = RAM_BASE + 0x8000;
const VBAR2 = RAM_BASE + 0xa000;
const esrEc = (c: Core, idx: number): number => Number(c.sysreg(idx) >> 26n) & 0x3f;
const setVectors = (c: Core): void => {
  c.setSysreg(L.SR_VBAR_EL1, BigInt(VBAR1));
  c.setSysreg(L.SR_VBAR_EL2, BigInt(VBAR2));
};

describe('exception generation', () => {
  it('SVC from EL0 goes to EL1 lower-EL vector with EC 0x15 and the immediate', async () => {
    const c = await exec([0xd4000541], (c) => {
      setVectors(c);
      c.setElSp(0, 0, BigInt(RAM_BASE + 0x1000));
    }, 1);
    expect(c.el).toBe(1);
    expect(c.spsel).toBe(1);
    expect(c.pc).toBe(BigInt(VBAR1 + 0x400));
    expect(esrEc(c, L.SR_ESR_EL1)).toBe(0x15);
    expect(c.sysreg(L.SR_ESR_EL1) & 0xffffn).toBe(42n);
    expect(c.sysreg(L.SR_ESR_EL1) & (1n << 25n)).toBe(1n << 25n); // IL
    expect(c.sysreg(L.SR_ELR_EL1)).toBe(BigInt(CODE + 4));
    expect(c.sysreg(L.SR_SPSR_EL1)).toBe(0n); // EL0t, flags clear, DAIF clear
    expect(c.daif).toBe(0x3c0);
  });
  it('SVC at EL1h uses the current-EL SPx vector', async () => {
    const c = await exec([0xd4000541], setVectors, 1);
    expect(c.pc).toBe(BigInt(VBAR1 + 0x200));
    expect(c.sysreg(L.SR_SPSR_EL1)).toBe(5n); // EL1h
  });
  it('HVC from EL1 goes to EL2; at EL0 it is UNDEFINED', async () => {
    const c = await exec([0xd40000e2], setVectors, 1);
    expect(c.el).toBe(2);
    expect(c.pc).toBe(BigInt(VBAR2 + 0x400));
    expect(esrEc(c, L.SR_ESR_EL2)).toBe(0x16);
    const u = await exec([0xd40000e2], (c) => {
      setVectors(c);
      c.setElSp(0, 0, 0n);
    }, 1);
    expect(u.el).toBe(1);
    expect(esrEc(u, L.SR_ESR_EL1)).toBe(0);
    expect(u.sysreg(L.SR_ELR_EL1)).toBe(BigInt(CODE));
  });
  it('SMC with the PSCI conduit calls the firmware, which can stop the run', async () => {
    let calls = 0;
    const c = await testCore({
      el: 2,
      host: {
        psciCall: (core: Core): void => {
          calls++;
          core.setX(0, 0x10001n);
          core.requestStop();
        },
      },
    });
    load(c, [0xd4000003, 0xd503201f]);
    const reason = c.run(10);
    expect(calls).toBe(1);
    expect(reason).toBe(L.EXIT_HOST_STOP);
    expect(c.x(0)).toBe(0x10001n);
    expect(c.pc).toBe(BigInt(CODE + 4));
  });
  it('SMC from EL1 traps to EL2 when HCR_EL2.TSC is set, returning to the SMC', async () => {
    const c = await exec([0xd4000003], (c) => {
      setVectors(c);
      c.setSysreg(L.SR_HCR_EL2, 1n << 19n);
    }, 1);
    expect(c.el).toBe(2);
    expect(esrEc(c, L.SR_ESR_EL2)).toBe(0x17);
    expect(c.sysreg(L.SR_ELR_EL2)).toBe(BigInt(CODE));
  });
  it('BRK takes EC 0x3c with the comment; UDF is UNDEFINED', async () => {
    const c = await exec([0xd4200060], setVectors, 1);
    expect(esrEc(c, L.SR_ESR_EL1)).toBe(0x3c);
    expect(c.sysreg(L.SR_ESR_EL1) & 0xffffn).toBe(3n);
    const u = await exec([0x00000000], setVectors, 1);
    expect(esrEc(u, L.SR_ESR_EL1)).toBe(0);
    expect(u.pc).toBe(BigInt(VBAR1 + 0x200));
  });
});

describe('ERET', () => {
  it('returns to EL0 with PSTATE from SPSR_EL1 and the banked SP_EL0', async () => {
    const c = await exec([0xd69f03e0], (c) => {
      c.setSysreg(L.SR_SPSR_EL1, 0x6000_0000n); // EL0t, Z and C set
      c.setSysreg(L.SR_ELR_EL1, BigInt(CODE + 0x40));
      c.setX(31, 0x1234n);
    }, 1);
    expect(c.el).toBe(0);
    expect(c.pc).toBe(BigInt(CODE + 0x40));
    expect(c.nzcv).toBe(0x6000_0000);
    expect(c.spEl(1)).toBe(0x1234n); // EL1's SP went back to its bank
  });
  it('an illegal return (to EL2 from EL1) sets PSTATE.IL and the next instruction takes EC 0x0e', async () => {
    const c = await exec([0xd69f03e0], (c) => {
      setVectors(c);
      c.setSysreg(L.SR_SPSR_EL1, 0x9n); // EL2h: higher than the current EL
      c.setSysreg(L.SR_ELR_EL1, BigInt(CODE + 0x40));
    }, 2);
    expect(c.el).toBe(1);
    expect(esrEc(c, L.SR_ESR_EL1)).toBe(0x0e);
    expect(c.sysreg(L.SR_ELR_EL1)).toBe(BigInt(CODE + 0x40));
    expect(c.sysreg(L.SR_SPSR_EL1) & (1n << 20n)).toBe(1n << 20n); // IL was saved
  });
  it('is UNDEFINED at EL0', async () => {
    const c = await exec([0xd69f03e0], (c) => {
      setVectors(c);
      c.setElSp(0, 0, 0n);
    }, 1);
    expect(c.el).toBe(1);
    expect(esrEc(c, L.SR_ESR_EL1)).toBe(0);
  });
});

describe('PSTATE and system registers', () => {
  it('MRS CurrentEL, MSR DAIFSet/DAIFClr, MSR SPSel', async () => {
    const c = await exec([0xd5384241, 0xd50343df, 0xd50341ff, 0xd50040bf], (c) => (c.daif = 0), 4);
    expect(c.x(1)).toBe(4n); // EL1 << 2
    expect(c.daif).toBe(0x80); // I set (0b0010 << 6 after setting IF then clearing F)
    expect(c.spsel).toBe(0);
  });
  it('MRS/MSR NZCV and an ordinary register round trip', async () => {
    const c = await exec([0xd51b4203, 0xd53b4202, 0xd518c005], (c) => {
      c.setX(3, 0xf000_0000_0000_0000n + 0x9000_0000n);
      c.setX(5, 0x4000_0800n);
    }, 3);
    expect(c.x(2)).toBe(0x9000_0000n);
    expect(c.sysreg(L.SR_VBAR_EL1)).toBe(0x4000_0800n);
  });
  it('reads the unassigned ID space as zero but an unknown register is UNDEFINED and logged', async () => {
    const c = await exec([0xd5380747, 0xd5380588], (c) => {
      setVectors(c);
      c.setX(7, 99n);
      c.setX(8, 99n);
    }, 2);
    expect(c.x(7)).toBe(0n);
    expect(c.x(8)).toBe(0n);
    const u = await exec([0xd538f006], setVectors, 1);
    expect(esrEc(u, L.SR_ESR_EL1)).toBe(0);
    expect(u.unimplementedCount).toBe(1n);
    const log = u.drainLog().entries;
    expect(log[0]).toMatchObject({ kind: L.EV_UNIMPL_SYSREG, data: 0x8000_0000 + ((3 << 14) | (15 << 7)) }); // read of op0=3 op1=0 CRn=15 CRm=0 op2=0
  });
  it('EL1 access to an EL2 register is UNDEFINED; EL0 access to an EL1 register too', async () => {
    const c = await exec([0xd51c410b], setVectors, 1); // msr sp_el1, x11 at EL1
    expect(esrEc(c, L.SR_ESR_EL1)).toBe(0);
    const u = await exec([0xd5381004], (c) => {
      setVectors(c);
      c.setElSp(0, 0, 0n);
    }, 1);
    expect(u.el).toBe(1);
    expect(esrEc(u, L.SR_ESR_EL1)).toBe(0);
  });
  it('CNTVCT counts instructions and EL0 needs CNTKCTL_EL1.EL0VCTEN', async () => {
    const c = await exec([0xd503201f, 0xd503201f, 0xd53be049], undefined, 3);
    expect(c.x(9)).toBe(3n);
    const u = await exec([0xd53be049], (c) => {
      setVectors(c);
      c.setElSp(0, 0, 0n);
    }, 1);
    expect(esrEc(u, L.SR_ESR_EL1)).toBe(0x18);
  });
});

describe('hints and maintenance', () => {
  it('WFI ends the run with EXIT_WFI and continues after it', async () => {
    const c = await testCore();
    load(c, [0xd503207f, 0xd503201f]);
    expect(c.run(10)).toBe(L.EXIT_WFI);
    expect(c.pc).toBe(BigInt(CODE + 4));
  });
  it('TLBI and IC are accepted; DC ZVA with the MMU off is an alignment fault', async () => {
    const c = await exec([0xd508831f, 0xd508751f, 0xd50b7421], (c) => {
      setVectors(c);
      c.setX(1, BigInt(RAM_BASE + 0x100));
    }, 3);
    expect(c.pc).toBe(BigInt(VBAR1 + 0x200));
    expect(esrEc(c, L.SR_ESR_EL1)).toBe(0x25);
    expect(c.sysreg(L.SR_ESR_EL1) & 0x3fn).toBe(0x21n);
    expect(c.sysreg(L.SR_ELR_EL1)).toBe(BigInt(CODE + 8));
  });
  it('DC ZVA zeroes a 64-byte block in user mode', async () => {
    const c = await testCore({ userMode: true, el: 0 });
    c.setElSp(0, 0, 0n);
    c.writePhys(RAM_BASE + 0x1000, new Uint8Array(128).fill(0xaa));
    load(c, [0xd50b7421]);
    c.setX(1, BigInt(RAM_BASE + 0x1044));
    c.setSysreg(L.SR_SCTLR_EL1, 1n << 14n);
    c.run(1);
    const m = c.readPhys(RAM_BASE + 0x1000, 128);
    expect([...m.slice(0, 64)].every((b) => b === 0xaa)).toBe(true);
    expect([...m.slice(64)].every((b) => b === 0)).toBe(true);
  });
});

describe('exception loops', () => {
  it('an exception raised by the vector it enters stops the run with EXIT_EXCEPTION_LOOP', async () => {
    // VBAR_EL1 points at zeroed RAM: the UDF at CODE goes to CODE+0x200, which is UDF #0 too.
    const c = await testCore();
    load(c, [0x00000000]);
    c.setSysreg(L.SR_VBAR_EL1, BigInt(CODE));
    expect(c.run(1000)).toBe(L.EXIT_EXCEPTION_LOOP);
    expect(c.pc).toBe(BigInt(CODE + 0x200));
    expect(c.insnCount).toBe(2n);
    expect(esrEc(c, L.SR_ESR_EL1)).toBe(0);
  });
  it('an exception from a lower EL into a faulting vector is not yet a loop', async () => {
    // EL0 UDF -> EL1 vector at +0x400 (zero: UDF) -> +0x200 (UDF) -> +0x200 again: the loop.
    const c = await testCore();
    load(c, [0x00000000]);
    c.setSysreg(L.SR_VBAR_EL1, BigInt(CODE + 0x800));
    c.setElSp(0, 0, 0n);
    expect(c.run(1000)).toBe(L.EXIT_EXCEPTION_LOOP);
    expect(c.insnCount).toBe(3n);
  });
});

describe('SIMD&FP access traps and FPCR/FPSR', () => {
  // mrs x1, fpcr ; msr fpsr, x2 ; an FP/SIMD data-processing word (fadd s0, s1, s2)
  const MRS_FPCR = 0xd53b4401;
  const MSR_FPSR = 0xd51b4422;
  const FADD = 0x1e222820;
  it('with CPACR_EL1.FPEN = 0, EL1 SIMD&FP accesses trap to EL1 with EC 0x07', async () => {
    const c = await exec([MRS_FPCR], setVectors, 1);
    expect(esrEc(c, L.SR_ESR_EL1)).toBe(0x07);
    expect(c.sysreg(L.SR_ESR_EL1) & 0x1ffffffn).toBe(0x1e00000n); // CV = 1, COND = 0xE
    expect(c.pc).toBe(BigInt(VBAR1 + 0x200));
    const f = await exec([FADD], setVectors, 1);
    expect(esrEc(f, L.SR_ESR_EL1)).toBe(0x07);
    expect(f.unimplementedCount).toBe(0n); // the trap comes before "unimplemented"
  });
  it('FPEN = 0b01 opens EL1 but not EL0; CPTR_EL2.TFP traps EL1 to EL2', async () => {
    const c = await exec([0xd518104a /* msr cpacr_el1, x10 */, MSR_FPSR, MRS_FPCR], (c) => {
      setVectors(c);
      c.setX(10, 1n << 20n);
      c.setX(2, 0xffff_ffffn);
    }, 3);
    expect(c.el).toBe(1);
    expect(c.fpsr).toBe(0x0800009f); // only QC and the cumulative flags are kept
    const u = await exec([MRS_FPCR], (c) => {
      setVectors(c);
      c.setSysreg(L.SR_CPACR_EL1, 1n << 20n);
      c.setElSp(0, 0, 0n);
    }, 1);
    expect(u.el).toBe(1);
    expect(esrEc(u, L.SR_ESR_EL1)).toBe(0x07);
    const h = await exec([0xd51c114b /* msr cptr_el2, x11 at EL2 */, 0xd69f03e0 /* eret */, MRS_FPCR], (c) => {
      setVectors(c);
      c.setElSp(2, 1, 0n);
      c.setX(11, 1n << 10n);
      c.setSysreg(L.SR_CPACR_EL1, 3n << 20n);
      c.setSysreg(L.SR_SPSR_EL2, 5n); // EL1h
      c.setSysreg(L.SR_ELR_EL2, BigInt(CODE + 8));
    }, 3);
    expect(h.el).toBe(2);
    expect(esrEc(h, L.SR_ESR_EL2)).toBe(0x07);
    expect(h.sysreg(L.SR_ELR_EL2)).toBe(BigInt(CODE + 8));
  });
  it('FPCR keeps AHP, DN, FZ and RMode only', async () => {
    const c = await exec([0xd51b4401 /* msr fpcr, x1 */, 0xd53b4402 /* mrs x2, fpcr */], (c) => {
      c.setSysreg(L.SR_CPACR_EL1, 3n << 20n);
      c.setX(1, 0xffff_ffffn);
    }, 2);
    expect(c.x(2)).toBe(0x07c00000n);
  });
});
