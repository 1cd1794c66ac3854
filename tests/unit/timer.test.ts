// The generic timer (src/core/timer.ts): the counter, the three timers' registers, the access
// controls of CNTKCTL_EL1 and CNTHCTL_EL2, the deadline that WFI skips to, and the host alarm.
import { describe, it, expect } from 'vitest';
import { testCore, load, CODE, RAM_BASE, type TestCoreOptions } from '../helpers/core';
import * as L from '../../src/core/layout';
import type { Core } from '../../src/machine/core';

// MRS Xt of each register with Rt = 0 (from aarch64-linux-gnu-as); MSR is the same word with L = 0.
const R = {
  CNTFRQ: 0xd53be000,
  CNTPCT: 0xd53be020,
  CNTVCT: 0xd53be040,
  CNTP_TVAL: 0xd53be200,
  CNTP_CTL: 0xd53be220,
  CNTP_CVAL: 0xd53be240,
  CNTV_TVAL: 0xd53be300,
  CNTV_CTL: 0xd53be320,
  CNTV_CVAL: 0xd53be340,
  CNTHP_TVAL: 0xd53ce200,
  CNTHP_CTL: 0xd53ce220,
  CNTHP_CVAL: 0xd53ce240,
  CNTVOFF: 0xd53ce060,
  CNTHCTL: 0xd53ce100,
  CNTKCTL: 0xd538e100,
} as const;
type Reg = keyof typeof R;
const mrs = (rt: number, r: Reg): number => (R[r] | rt) >>> 0;
const msr = (r: Reg, rt: number): number => ((R[r] & ~0x200000) | rt) >>> 0;
const NOP = 0xd503201f;
const WFI = 0xd503207f;

const VBAR1 = RAM_BASE + 0x8000;
const VBAR2 = RAM_BASE + 0xa000;
const HCR_TGE = 1n << 27n;
const ec = (c: Core, el: 1 | 2): number => Number(c.sysreg(el === 2 ? L.SR_ESR_EL2 : L.SR_ESR_EL1) >> 26n) & 0x3f;
const iss = (c: Core, el: 1 | 2): number => Number(c.sysreg(el === 2 ? L.SR_ESR_EL2 : L.SR_ESR_EL1) & 0x1ffffffn);

/** A core at `el` (EL2 by default) with vectors set, `words` at CODE, and `setup` applied. */
async function core(words: number[], setup?: (c: Core) => void, opts: TestCoreOptions = {}): Promise<Core> {
  const c = await testCore({ el: 2, ...opts });
  c.setSysreg(L.SR_VBAR_EL1, BigInt(VBAR1));
  c.setSysreg(L.SR_VBAR_EL2, BigInt(VBAR2));
  load(c, words);
  setup?.(c);
  return c;
}
const setCntShift = (c: Core, shift: number): void => c.view.setUint32(L.STATE_BASE + L.OFF_CFG_CNT_SHIFT, shift, true);
const setIcount = (c: Core, n: bigint): void => c.view.setBigUint64(L.STATE_BASE + L.OFF_INSN_COUNT, n, true);
const atEl0 = (c: Core): void => c.setElSp(0, 0, BigInt(RAM_BASE + 0x1000));

describe('the counter', () => {
  it('CNTPCT is the instruction count, scaled by OFF_CFG_CNT_SHIFT', async () => {
    const c = await core([NOP, NOP, mrs(0, 'CNTPCT')]);
    c.run(3);
    expect(c.x(0)).toBe(3n);
    const s = await core([mrs(0, 'CNTPCT')], (c) => {
      setCntShift(c, 4);
      setIcount(c, 0x1234n);
    });
    s.run(1);
    expect(s.x(0)).toBe(0x1235n >> 4n);
  });
  it('CNTVCT is CNTPCT - CNTVOFF_EL2, modulo 2^64', async () => {
    const c = await core([msr('CNTVOFF', 1), mrs(2, 'CNTVOFF'), mrs(3, 'CNTVCT'), mrs(4, 'CNTPCT')], (c) => c.setX(1, 100n));
    c.run(4);
    expect(c.x(2)).toBe(100n);
    expect(c.x(3)).toBe(2n ** 64n - 97n); // count 3 - 100
    expect(c.x(4)).toBe(4n);
  });
  it('without EL2 there is no offset and EL1 reads the physical count freely', async () => {
    const c = await core([mrs(0, 'CNTPCT'), mrs(1, 'CNTVCT')], (c) => c.setSysreg(L.SR_CNTVOFF_EL2, 50n), { el: 1, haveEl2: false });
    c.run(2);
    expect(c.x(0)).toBe(1n);
    expect(c.x(1)).toBe(2n);
  });
  it('CNTFRQ_EL0 is writable only at the highest EL', async () => {
    const c = await core([msr('CNTFRQ', 1), mrs(2, 'CNTFRQ')], (c) => c.setX(1, 0x1_0000_1234n));
    c.run(2);
    expect(c.x(2)).toBe(0x1234n); // bits 63:32 are RES0
    const e1 = await core([msr('CNTFRQ', 1)], (c) => c.setSysreg(L.SR_CNTHCTL_EL2, 3n), { el: 1 });
    e1.run(1);
    expect(e1.pc).toBe(BigInt(VBAR1 + 0x200));
    expect(ec(e1, 1)).toBe(0);
    const noEl2 = await core([msr('CNTFRQ', 1), mrs(2, 'CNTFRQ')], (c) => c.setX(1, 24_000_000n), { el: 1, haveEl2: false });
    noEl2.run(2);
    expect(noEl2.x(2)).toBe(24_000_000n);
  });
});

describe('timer registers', () => {
  it('CTL keeps ENABLE and IMASK; ISTATUS is read-only and follows count >= CVAL', async () => {
    // cval = 5 at count 1; ctl = 7 at count 2; read ctl at counts 3 and 6.
    const c = await core([msr('CNTP_CVAL', 1), msr('CNTP_CTL', 2), mrs(3, 'CNTP_CTL'), NOP, NOP, mrs(4, 'CNTP_CTL')], (c) => {
      c.setX(1, 5n);
      c.setX(2, 7n);
    });
    c.run(6);
    expect(c.x(3)).toBe(3n); // ENABLE | IMASK, count 3 < 5
    expect(c.x(4)).toBe(7n); // count 6 >= 5: ISTATUS, masked or not
    expect(c.sysreg(L.SR_CNTP_CTL_EL0)).toBe(3n);
    // A disabled timer never shows ISTATUS.
    const d = await core([mrs(3, 'CNTP_CTL')], (c) => c.setSysreg(L.SR_CNTP_CVAL_EL0, 0n));
    d.run(1);
    expect(d.x(3)).toBe(0n);
  });
  it('TVAL reads the low 32 bits of CVAL - count and writes CVAL = count + SignExtend(TVAL)', async () => {
    const c = await core([msr('CNTP_TVAL', 1), mrs(2, 'CNTP_CVAL'), mrs(3, 'CNTP_TVAL'), msr('CNTV_TVAL', 4), mrs(5, 'CNTV_CVAL'), mrs(6, 'CNTV_TVAL')], (c) => {
      setIcount(c, 1000n);
      c.setX(1, 0xffff_ffff_ffff_fff0n); // -16: only bits 31:0 count, sign-extended
      c.setX(4, 0xabcd_0000_0000_0010n); // +16, upper bits ignored
      c.setSysreg(L.SR_CNTVOFF_EL2, 600n);
    });
    c.run(6);
    expect(c.x(2)).toBe(1001n - 16n);
    expect(c.x(3)).toBe(0xffff_ffeen); // 985 - 1003 = -18, zero-extended 32-bit view
    expect(c.x(5)).toBe(1004n - 600n + 16n); // the virtual timer counts CNTVCT
    expect(c.x(6)).toBe(14n);
  });
  it('the EL2 physical timer has its own registers', async () => {
    const c = await core([msr('CNTHP_CVAL', 1), msr('CNTHP_CTL', 2), mrs(3, 'CNTHP_CTL'), mrs(4, 'CNTHP_TVAL'), mrs(5, 'CNTP_CTL')], (c) => {
      c.setX(1, 2n);
      c.setX(2, 1n);
    });
    c.run(5);
    expect(c.x(3)).toBe(5n);
    expect(c.x(4)).toBe(BigInt(2 - 4 + 2 ** 32));
    expect(c.x(5)).toBe(0n);
    expect(c.sysreg(L.SR_CNTHP_CVAL_EL2)).toBe(2n);
  });
  it('CNTKCTL_EL1 and CNTHCTL_EL2 keep their defined fields only', async () => {
    const c = await core([msr('CNTKCTL', 1), mrs(2, 'CNTKCTL'), msr('CNTHCTL', 1), mrs(3, 'CNTHCTL')], (c) => c.setX(1, ~0n & 0xffff_ffff_ffff_ffffn));
    c.run(4);
    expect(c.x(2)).toBe(0x3ffn);
    expect(c.x(3)).toBe(0xffn);
  });
});

describe('access controls', () => {
  // ISS of a trapped MRS: Op0 Op2 Op1 CRn Rt CRm Direction.
  const mrsIss = (op1: number, crm: number, op2: number, rt: number): number =>
    (3 << 20) | (op2 << 17) | (op1 << 14) | (14 << 10) | (rt << 5) | (crm << 1) | 1;

  it('EL0 needs CNTKCTL_EL1.EL0PCTEN / EL0VCTEN for the counters, else a trap to EL1', async () => {
    const p = await core([mrs(7, 'CNTPCT')], (c) => { c.setSysreg(L.SR_CNTHCTL_EL2, 3n); atEl0(c); });
    p.run(1);
    expect(p.el).toBe(1);
    expect(p.pc).toBe(BigInt(VBAR1 + 0x400));
    expect(ec(p, 1)).toBe(0x18);
    expect(iss(p, 1)).toBe(mrsIss(3, 0, 1, 7));
    const v = await core([mrs(7, 'CNTVCT')], (c) => { c.setSysreg(L.SR_CNTKCTL_EL1, 1n); atEl0(c); });
    v.run(1);
    expect(ec(v, 1)).toBe(0x18);
    const ok = await core([mrs(7, 'CNTVCT'), mrs(8, 'CNTFRQ')], (c) => {
      c.setSysreg(L.SR_CNTKCTL_EL1, 2n);
      c.setSysreg(L.SR_CNTFRQ_EL0, 62_500_000n);
      atEl0(c);
    });
    ok.run(2);
    expect(ok.el).toBe(0);
    expect(ok.x(7)).toBe(1n);
    expect(ok.x(8)).toBe(62_500_000n);
    const frq = await core([mrs(8, 'CNTFRQ')], atEl0);
    frq.run(1);
    expect(ec(frq, 1)).toBe(0x18); // neither EL0PCTEN nor EL0VCTEN
  });
  it('with HCR_EL2.TGE the EL0 traps go to EL2', async () => {
    const c = await core([mrs(7, 'CNTVCT')], (c) => { c.setSysreg(L.SR_HCR_EL2, HCR_TGE); atEl0(c); });
    c.run(1);
    expect(c.el).toBe(2);
    expect(c.pc).toBe(BigInt(VBAR2 + 0x400));
    expect(ec(c, 2)).toBe(0x18);
  });
  it('EL0 needs EL0PTEN / EL0VTEN for the timers', async () => {
    const p = await core([mrs(1, 'CNTP_CTL')], (c) => { c.setSysreg(L.SR_CNTKCTL_EL1, 0x103n); c.setSysreg(L.SR_CNTHCTL_EL2, 3n); atEl0(c); });
    p.run(1);
    expect(ec(p, 1)).toBe(0x18);
    expect(iss(p, 1)).toBe(mrsIss(3, 2, 1, 1));
    const v = await core([msr('CNTV_CVAL', 1)], (c) => { c.setSysreg(L.SR_CNTKCTL_EL1, 0x203n); atEl0(c); });
    v.run(1);
    expect(ec(v, 1)).toBe(0x18);
    expect(iss(v, 1) & 1).toBe(0); // a write
    const ok = await core([msr('CNTV_CVAL', 1), mrs(2, 'CNTV_CVAL'), mrs(3, 'CNTP_CTL')], (c) => {
      c.setSysreg(L.SR_CNTKCTL_EL1, 0x300n);
      c.setSysreg(L.SR_CNTHCTL_EL2, 3n);
      c.setX(1, 77n);
      atEl0(c);
    });
    ok.run(3);
    expect(ok.el).toBe(0);
    expect(ok.x(2)).toBe(77n);
  });
  it('CNTHCTL_EL2.EL1PCTEN gates CNTPCT at EL1 and EL0: a trap to EL2', async () => {
    const c = await core([mrs(5, 'CNTPCT')], undefined, { el: 1 });
    c.run(1);
    expect(c.el).toBe(2);
    expect(c.pc).toBe(BigInt(VBAR2 + 0x400));
    expect(ec(c, 2)).toBe(0x18);
    expect(iss(c, 2)).toBe(mrsIss(3, 0, 1, 5));
    expect(c.x(5)).toBe(0n);
    const ok = await core([mrs(5, 'CNTPCT')], (c) => c.setSysreg(L.SR_CNTHCTL_EL2, 1n), { el: 1 });
    ok.run(1);
    expect(ok.el).toBe(1);
    expect(ok.x(5)).toBe(1n);
    // EL0 with CNTKCTL_EL1 open, even under TGE (no VHE), still meets EL1PCTEN.
    const e0 = await core([mrs(5, 'CNTPCT')], (c) => { c.setSysreg(L.SR_CNTKCTL_EL1, 1n); c.setSysreg(L.SR_HCR_EL2, HCR_TGE); atEl0(c); });
    e0.run(1);
    expect(e0.el).toBe(2);
    expect(ec(e0, 2)).toBe(0x18);
    // CNTVCT is never gated by EL2 without FEAT_ECV.
    const v = await core([mrs(5, 'CNTVCT')], undefined, { el: 1 });
    v.run(1);
    expect(v.el).toBe(1);
    expect(v.x(5)).toBe(1n);
  });
  it('CNTHCTL_EL2.EL1PCEN gates the EL1 physical timer, not the virtual one', async () => {
    for (const word of [mrs(1, 'CNTP_CTL'), msr('CNTP_CVAL', 1), mrs(1, 'CNTP_TVAL')]) {
      const c = await core([word], (c) => c.setSysreg(L.SR_CNTHCTL_EL2, 1n), { el: 1 });
      c.run(1);
      expect(c.el).toBe(2);
      expect(ec(c, 2)).toBe(0x18);
    }
    const e0 = await core([mrs(1, 'CNTP_CTL')], (c) => { c.setSysreg(L.SR_CNTKCTL_EL1, 0x200n); atEl0(c); });
    e0.run(1);
    expect(e0.el).toBe(2); // EL0PTEN lets it past EL1, EL1PCEN stops it at EL2
    const ok = await core([msr('CNTP_CVAL', 1), mrs(2, 'CNTP_CVAL'), msr('CNTV_CTL', 3), mrs(4, 'CNTV_CTL')], (c) => {
      c.setSysreg(L.SR_CNTHCTL_EL2, 2n);
      c.setX(1, 9n);
      c.setX(3, 2n);
    }, { el: 1 });
    ok.run(4);
    expect(ok.el).toBe(1);
    expect(ok.x(2)).toBe(9n);
    expect(ok.x(4)).toBe(2n);
  });
  it('the EL2 registers are UNDEFINED at EL1, and without EL2', async () => {
    for (const word of [mrs(1, 'CNTHP_CTL'), msr('CNTHP_CVAL', 1), mrs(1, 'CNTVOFF'), msr('CNTHCTL', 1)]) {
      const c = await core([word], (c) => c.setSysreg(L.SR_CNTHCTL_EL2, 3n), { el: 1 });
      c.run(1);
      expect(c.el).toBe(1);
      expect(c.pc).toBe(BigInt(VBAR1 + 0x200));
      expect(ec(c, 1)).toBe(0);
      const n = await core([word], undefined, { el: 1, haveEl2: false });
      n.run(1);
      expect(ec(n, 1)).toBe(0);
    }
  });
});

describe('deadlines and WFI', () => {
  it('WFI with an armed timer skips the clock to its deadline', async () => {
    const c = await core([msr('CNTP_CVAL', 1), msr('CNTP_CTL', 2), WFI, mrs(3, 'CNTPCT'), mrs(4, 'CNTP_CTL')], (c) => {
      c.setX(1, 1000n);
      c.setX(2, 1n);
    });
    // The clock is the budget too: the skipped time ends this run() right after the WFI.
    expect(c.run(5)).toBe(L.EXIT_BUDGET);
    expect(c.insnCount).toBe(1000n);
    expect(c.pc).toBe(BigInt(CODE + 12));
    c.run(2);
    expect(c.x(3)).toBe(1001n); // WFI ended at count 1000; the MRS is the next instruction
    expect(c.x(4)).toBe(5n);
    expect(c.insnCount).toBe(1002n);
  });
  it('the deadline converts counter ticks to instructions with the shift', async () => {
    const c = await core([WFI, mrs(3, 'CNTPCT')], (c) => {
      setCntShift(c, 4);
      c.setSysreg(L.SR_CNTV_CVAL_EL0, 100n);
      c.setSysreg(L.SR_CNTV_CTL_EL0, 1n);
      c.setSysreg(L.SR_CNTVOFF_EL2, 2n ** 64n - 30n); // virtual count = physical count + 30
    });
    c.run(1);
    expect(c.insnCount).toBe(70n * 16n); // the first instruction count whose count >> 4 is 70
    c.run(1);
    expect(c.x(3)).toBe(70n);
  });
  it('a masked, disabled or unreachable timer leaves WFI to the host', async () => {
    const cases: [string, (c: Core) => void][] = [
      ['masked', (c) => { c.setSysreg(L.SR_CNTP_CVAL_EL0, 100n); c.setSysreg(L.SR_CNTP_CTL_EL0, 3n); }],
      ['disabled', (c) => c.setSysreg(L.SR_CNTP_CVAL_EL0, 100n)],
      ['CVAL at the end of time', (c) => { c.setSysreg(L.SR_CNTP_CVAL_EL0, 2n ** 64n - 1n); c.setSysreg(L.SR_CNTP_CTL_EL0, 1n); }],
      ['CVAL beyond the scaled clock', (c) => { setCntShift(c, 8); c.setSysreg(L.SR_CNTP_CVAL_EL0, 2n ** 57n); c.setSysreg(L.SR_CNTP_CTL_EL0, 1n); }],
      ['virtual CVAL beyond the physical counter', (c) => {
        setIcount(c, 2n ** 64n - 100n);
        c.setSysreg(L.SR_CNTVOFF_EL2, 2n ** 64n - 200n); // virtual count 100
        c.setSysreg(L.SR_CNTV_CVAL_EL0, 1000n); // 900 ticks away, the physical counter wraps first
        c.setSysreg(L.SR_CNTV_CTL_EL0, 1n);
      }],
    ];
    for (const [what, setup] of cases) {
      const c = await core([WFI, NOP], setup);
      const before = c.insnCount;
      expect(c.run(2), what).toBe(L.EXIT_WFI);
      expect(c.insnCount - before, what).toBe(1n);
    }
  });
  it('the earliest of several timers wins', async () => {
    const c = await core([WFI, WFI], (c) => {
      c.setSysreg(L.SR_CNTP_CVAL_EL0, 500n);
      c.setSysreg(L.SR_CNTP_CTL_EL0, 1n);
      c.setSysreg(L.SR_CNTHP_CVAL_EL2, 300n);
      c.setSysreg(L.SR_CNTHP_CTL_EL2, 1n);
      c.setSysreg(L.SR_CNTV_CVAL_EL0, 400n);
      c.setSysreg(L.SR_CNTV_CTL_EL0, 1n);
    });
    c.run(1);
    expect(c.insnCount).toBe(300n);
    c.run(1);
    expect(c.insnCount).toBe(400n); // the EL2 timer fires now: the next change is the virtual one
  });
  it('a virtual timer stops firing when the virtual count wraps (CNTPCT passing CNTVOFF)', async () => {
    const c = await core([mrs(1, 'CNTV_CTL'), WFI, mrs(2, 'CNTV_CTL'), WFI, mrs(3, 'CNTV_CTL')], (c) => {
      c.setSysreg(L.SR_CNTVOFF_EL2, 50n); // virtual count = count - 50: huge until count 50
      c.setSysreg(L.SR_CNTV_CVAL_EL0, 5n);
      c.setSysreg(L.SR_CNTV_CTL_EL0, 1n);
    });
    c.run(2);
    expect(c.x(1)).toBe(5n); // firing
    expect(c.insnCount).toBe(50n); // WFI slept until the condition changed
    c.run(2);
    expect(c.x(2)).toBe(1n); // virtual count 1 < 5
    expect(c.insnCount).toBe(55n);
    c.run(1);
    expect(c.x(3)).toBe(5n);
  });
  it('writing CNTVOFF_EL2 moves the virtual deadline', async () => {
    const c = await core([msr('CNTVOFF', 1), WFI], (c) => {
      c.setSysreg(L.SR_CNTV_CVAL_EL0, 100n); // due at count 100 with no offset
      c.setSysreg(L.SR_CNTV_CTL_EL0, 1n);
      c.setX(1, 2n ** 64n - 50n); // virtual count = physical count + 50
    });
    c.run(2);
    expect(c.insnCount).toBe(50n);
  });
});

describe('the host alarm', () => {
  const setAlarm = (c: Core, at: bigint): void => c.view.setBigUint64(L.STATE_BASE + L.OFF_HOST_ALARM, at, true);
  const alarm = (c: Core): bigint => c.view.getBigUint64(L.STATE_BASE + L.OFF_HOST_ALARM, true);
  it('run() returns EXIT_HOST_ALARM when the clock reaches it, once', async () => {
    const c = await core(new Array<number>(64).fill(NOP));
    setAlarm(c, 10n);
    expect(c.run(50)).toBe(L.EXIT_HOST_ALARM);
    expect(c.insnCount).toBe(10n);
    expect(alarm(c)).toBe(0n);
    expect(c.run(5)).toBe(L.EXIT_BUDGET);
    expect(c.insnCount).toBe(15n);
  });
  it('WFI sleeps until the alarm', async () => {
    const c = await core([WFI, NOP]);
    setAlarm(c, 12345n);
    // The skipped time uses up this run()'s budget; the next run() reports the alarm at once.
    expect(c.run(10)).toBe(L.EXIT_BUDGET);
    expect(c.insnCount).toBe(12345n);
    expect(c.run(10)).toBe(L.EXIT_HOST_ALARM);
    expect(c.insnCount).toBe(12345n);
    expect(c.pc).toBe(BigInt(CODE + 4));
  });
});

describe('timer interrupts through the GIC', () => {
  const GICR_SGI_BASE = 0x080b_0000;
  it('each timer drives its PPI as a level: ENABLE && ISTATUS && !IMASK', async () => {
    // At EL2: mov x0, #GICR_SGI_BASE; ldr w2, [x0, #0x200] (GICR_ISPENDR0)
    const prog = [0xd2a10160, 0xb9420002];
    expect(GICR_SGI_BASE).toBe(0x080b_0000);
    const all = await core(prog, (c) => {
      for (const ctl of [L.SR_CNTP_CTL_EL0, L.SR_CNTV_CTL_EL0, L.SR_CNTHP_CTL_EL2]) c.setSysreg(ctl, 1n);
    });
    all.run(2);
    expect(all.x(2)).toBe((1n << 26n) | (1n << 27n) | (1n << 30n));
    const some = await core(prog, (c) => {
      c.setSysreg(L.SR_CNTP_CTL_EL0, 3n); // masked
      c.setSysreg(L.SR_CNTV_CTL_EL0, 1n);
      c.setSysreg(L.SR_CNTV_CVAL_EL0, 10n); // not yet
      c.setSysreg(L.SR_CNTHP_CTL_EL2, 1n);
    });
    some.run(2);
    expect(some.x(2)).toBe(1n << 26n);
  });
  it('the EL1 physical timer interrupts a WFI at EL1 at its deadline (INTID 30)', async () => {
    // Enable Group 1 in GICD_CTLR, wake the redistributor, put INTID 30 in Group 1 and enable it,
    // open the CPU interface (PMR, IGRPEN1), arm CNTP at 1000, unmask IRQs and WFI.
    const prog = [
      0xd2a10000, 0x52800041, 0xb9000001, 0xd2a10140, 0xb900141f, 0xd2a10160, 0x52a80001, 0xb9008001,
      0xb9010001, 0xd2801fe1, 0xd5184601, 0xd2800021, 0xd518cce1, 0xd2807d01, 0xd51be241, 0xd2800021,
      0xd51be221, 0xd50342ff, WFI, 0x14000000,
    ];
    // IRQ vector (current EL, SPx): mrs x5, icc_iar1_el1; mrs x6, cntpct_el0; mrs x7, cntp_ctl_el0; b .
    const handler = [0xd538cc05, 0xd53be026, 0xd53be227, 0x14000000];
    const c = await core(prog, (c) => {
      load(c, handler, VBAR1 + 0x280);
      c.setSysreg(L.SR_CNTHCTL_EL2, 3n);
    }, { el: 1 });
    c.run(100);
    expect(c.insnCount).toBe(1000n); // WFI slept until the deadline
    expect(c.pc).toBe(BigInt(CODE + 0x4c));
    c.run(4);
    expect(c.el).toBe(1);
    expect(c.sysreg(L.SR_ELR_EL1)).toBe(BigInt(CODE + 0x4c));
    expect(c.x(5)).toBe(30n);
    expect(c.x(6)).toBe(1002n);
    expect(c.x(7)).toBe(5n);
  });
});
