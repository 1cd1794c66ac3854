// The generic timer (Arm ARM D11 "The Generic Timer in AArch64 state"): the system counter, the
// EL1 physical timer, the virtual timer and the EL2 physical timer, as seen through their system
// registers, without FEAT_VHE, FEAT_ECV or EL3.
//
// The system counter is the machine's clock, the instruction count (ARCHITECTURE.md "Time and
// determinism"): physical count = icount >> OFF_CFG_CNT_SHIFT. Each timer is a compare value (CVAL)
// and a control register (ENABLE, IMASK, ISTATUS); its condition is met when its counter (the
// physical count, or the virtual count CNTPCT - CNTVOFF_EL2) is >= CVAL, as unsigned 64-bit values.
// Its output is a level: ENABLE && condition && !IMASK, wired to a PPI of the GIC.
//
// Nothing ticks: the outputs are re-evaluated when a timer register is written and when the clock
// reaches timerDeadline, the icount at which the next output change happens. run() looks at events
// only when icount >= nextEvent, so an armed timer costs nothing per instruction, and WFI can jump
// the clock straight to the deadline.
//
// The same deadline mechanism serves the host's timed devices (the PL031's match interrupt): the
// host puts an icount in OFF_HOST_ALARM and run() returns EXIT_HOST_ALARM when the clock gets there.
import {
  STATE_BASE, OFF_CFG_CNT_SHIFT, OFF_HOST_ALARM, OFF_EXIT_REASON, EXIT_HOST_ALARM,
  SR_CNTP_CTL_EL0, SR_CNTP_CVAL_EL0, SR_CNTV_CTL_EL0, SR_CNTV_CVAL_EL0, SR_CNTHP_CTL_EL2, SR_CNTHP_CVAL_EL2,
  SR_CNTKCTL_EL1, SR_CNTHCTL_EL2, SR_CNTVOFF_EL2, SR_CNTFRQ_EL0,
} from "./layout";
import { icount, currentEl, haveEl2, sr, setSr, requestEventCheck, setStopRun } from "./state";
import { allowed, trapAccess, unimplementedSysreg } from "./sysreg";
import { syncTargetEl, undefinedInstruction } from "./exceptions";
import { gicSetLevel } from "./gic";

/** The clock value (icount) at which some timer's condition next changes; u64.MAX_VALUE if none. */
export let timerDeadline: u64 = u64.MAX_VALUE;

// Keys (op0:op1:CRn:CRm:op2) of the `timer` rows of sysregs.table.
const K_CNTFRQ_EL0: u32 = 0xdf00;
const K_CNTPCT_EL0: u32 = 0xdf01;
const K_CNTVCT_EL0: u32 = 0xdf02;
const K_CNTP_TVAL_EL0: u32 = 0xdf10;
const K_CNTP_CTL_EL0: u32 = 0xdf11;
const K_CNTP_CVAL_EL0: u32 = 0xdf12;
const K_CNTV_TVAL_EL0: u32 = 0xdf18;
const K_CNTV_CTL_EL0: u32 = 0xdf19;
const K_CNTV_CVAL_EL0: u32 = 0xdf1a;
const K_CNTKCTL_EL1: u32 = 0xc708;
const K_CNTHCTL_EL2: u32 = 0xe708;
const K_CNTVOFF_EL2: u32 = 0xe703;
const K_CNTHP_TVAL_EL2: u32 = 0xe710;
const K_CNTHP_CTL_EL2: u32 = 0xe711;
const K_CNTHP_CVAL_EL2: u32 = 0xe712;

// CNTx_CTL fields. ISTATUS is computed on read; writes to it are ignored.
const CTL_ENABLE: u64 = 1;
const CTL_IMASK: u64 = 2;
const CTL_ISTATUS: u64 = 4;

// CNTKCTL_EL1 (EL0 access controls; EVNTEN/EVNTDIR/EVNTI are stored, the event stream is not modelled).
const CNTKCTL_EL0PCTEN: u64 = 1 << 0;
const CNTKCTL_EL0VCTEN: u64 = 1 << 1;
const CNTKCTL_EL0VTEN: u64 = 1 << 8;
const CNTKCTL_EL0PTEN: u64 = 1 << 9;
const CNTKCTL_MASK: u64 = 0x3ff;
// CNTHCTL_EL2 with HCR_EL2.E2H == 0: EL1 (and EL0) access to the physical counter and timer.
const CNTHCTL_EL1PCTEN: u64 = 1 << 0;
const CNTHCTL_EL1PCEN: u64 = 1 << 1;
const CNTHCTL_MASK: u64 = 0xff;

// The three timers, numbered for the loops below.
const T_PHYS: u32 = 0; // EL1 physical timer, CNTP_*
const T_VIRT: u32 = 1; // virtual timer, CNTV_*
const T_HYP: u32 = 2; // EL2 physical timer, CNTHP_*

// GIC INTIDs of the timer outputs on the virt board (DT PPIs 14, 11, 10).
const PPI_CNTP: u32 = 30;
const PPI_CNTV: u32 = 27;
const PPI_CNTHP: u32 = 26;

@inline function ctlSlot(t: u32): i32 {
  return t == T_PHYS ? SR_CNTP_CTL_EL0 : t == T_VIRT ? SR_CNTV_CTL_EL0 : SR_CNTHP_CTL_EL2;
}
@inline function cvalSlot(t: u32): i32 {
  return t == T_PHYS ? SR_CNTP_CVAL_EL0 : t == T_VIRT ? SR_CNTV_CVAL_EL0 : SR_CNTHP_CVAL_EL2;
}
@inline function ppi(t: u32): u32 {
  return t == T_PHYS ? PPI_CNTP : t == T_VIRT ? PPI_CNTV : PPI_CNTHP;
}

// ---- The counter ---------------------------------------------------------------------------------

@inline function cntShift(): u32 {
  return load<u32>(STATE_BASE + OFF_CFG_CNT_SHIFT) & 63;
}

/** The physical count (CNTPCT_EL0 as EL2 reads it): the instruction count, scaled. */
export function physicalCount(): u64 {
  return icount >> cntShift();
}

/** The virtual count: CNTPCT - CNTVOFF_EL2 (the offset does not exist without EL2). */
export function virtualCount(): u64 {
  return haveEl2 ? physicalCount() - sr(SR_CNTVOFF_EL2) : physicalCount();
}

@inline function timerCount(t: u32): u64 {
  return t == T_VIRT ? virtualCount() : physicalCount();
}

/** The first icount at which the physical count reaches `ticks`; u64.MAX_VALUE if it never does. */
function ticksToIcount(ticks: u64): u64 {
  const shift = cntShift();
  if (ticks > (u64.MAX_VALUE >> shift)) return u64.MAX_VALUE;
  return ticks << shift;
}

// ---- Timer state -----------------------------------------------------------------------------------

/** CTL.ISTATUS: the timer is enabled and its condition (count >= CVAL, unsigned) is met. */
function istatus(t: u32): bool {
  return (sr(ctlSlot(t)) & CTL_ENABLE) != 0 && timerCount(t) >= sr(cvalSlot(t));
}

/**
 * The icount at which timer t's output next changes by itself, or u64.MAX_VALUE. Only an enabled,
 * unmasked timer has an output to change. A timer that is not firing fires when its counter reaches
 * CVAL; one that is firing stays so while the counter grows, except the virtual timer, whose counter
 * wraps to 0 (condition false again) when CNTPCT passes CNTVOFF_EL2.
 */
function nextChange(t: u32): u64 {
  const ctl = sr(ctlSlot(t));
  if ((ctl & CTL_ENABLE) == 0 || (ctl & CTL_IMASK) != 0) return u64.MAX_VALUE;
  const count = timerCount(t);
  const cval = sr(cvalSlot(t));
  let ticks: u64; // physical counter ticks from now until the change
  if (count < cval) {
    ticks = cval - count;
  } else {
    if (t != T_VIRT || count == 0) return u64.MAX_VALUE;
    ticks = 0 - count;
  }
  const now = physicalCount();
  if (ticks > u64.MAX_VALUE - now) return u64.MAX_VALUE; // beyond the end of the physical counter
  return ticksToIcount(now + ticks);
}

/**
 * Drives each timer's PPI from its current state and recomputes timerDeadline (including the host's
 * alarm). No side effect on the run loop: reload() calls it after the host changed the state block.
 */
export function timerRecompute(): void {
  let deadline = u64.MAX_VALUE;
  const n: u32 = haveEl2 ? 3 : 2;
  for (let t: u32 = 0; t < n; t++) {
    const ctl = sr(ctlSlot(t));
    gicSetLevel(ppi(t), (ctl & CTL_IMASK) == 0 && istatus(t));
    const next = nextChange(t);
    if (next < deadline) deadline = next;
  }
  const alarm = load<u64>(STATE_BASE + OFF_HOST_ALARM);
  if (alarm != 0 && alarm < deadline) deadline = alarm;
  timerDeadline = deadline;
}

/** Re-evaluates every timer at the current clock: drives its PPI and recomputes timerDeadline. */
export function timerUpdate(): void {
  const alarm = load<u64>(STATE_BASE + OFF_HOST_ALARM);
  if (alarm != 0 && icount >= alarm) {
    // One-shot: the host re-arms it (if it wants) when it handles EXIT_HOST_ALARM.
    store<u64>(STATE_BASE + OFF_HOST_ALARM, 0);
    store<u32>(STATE_BASE + OFF_EXIT_REASON, EXIT_HOST_ALARM);
    setStopRun(true);
  }
  timerRecompute();
}

/** Warm reset: the timers disabled (CTL.ENABLE resets to 0), no host alarm. */
export function timerReset(): void {
  setSr(SR_CNTP_CTL_EL0, 0);
  setSr(SR_CNTV_CTL_EL0, 0);
  setSr(SR_CNTHP_CTL_EL2, 0);
  store<u64>(STATE_BASE + OFF_HOST_ALARM, 0);
  timerRecompute();
}

/** After a write that can change an output or the deadline. */
function changed(): void {
  timerRecompute();
  requestEventCheck();
}

// ---- Access controls -------------------------------------------------------------------------------
// Without FEAT_VHE (HCR_EL2.E2H is RES0 here), the Arm ARM's access pseudocode for these registers
// reduces to: at EL0, a CNTKCTL_EL1 enable bit (clear: trap to EL1, or to EL2 when HCR_EL2.TGE); then,
// at EL0 and EL1 with EL2 present, CNTHCTL_EL2.EL1PCTEN for CNTPCT and EL1PCEN for the EL1 physical
// timer (clear: trap to EL2). All traps are EC 0x18. The checks come after the minimum-EL check.

/** True if the access may proceed; otherwise the trap has been taken (sysFault is set). */
function accessOk(key: u32): bool {
  const el = currentEl();
  if (el == 2) return true;
  const kctl = sr(SR_CNTKCTL_EL1);
  const hctl: u64 = haveEl2 ? sr(SR_CNTHCTL_EL2) : CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN;
  let el0Open = true;
  let el2Open = true;
  switch (key) {
    case K_CNTFRQ_EL0:
      el0Open = (kctl & (CNTKCTL_EL0PCTEN | CNTKCTL_EL0VCTEN)) != 0;
      break;
    case K_CNTPCT_EL0:
      el0Open = (kctl & CNTKCTL_EL0PCTEN) != 0;
      el2Open = (hctl & CNTHCTL_EL1PCTEN) != 0;
      break;
    case K_CNTVCT_EL0:
      el0Open = (kctl & CNTKCTL_EL0VCTEN) != 0;
      break;
    case K_CNTP_TVAL_EL0:
    case K_CNTP_CTL_EL0:
    case K_CNTP_CVAL_EL0:
      el0Open = (kctl & CNTKCTL_EL0PTEN) != 0;
      el2Open = (hctl & CNTHCTL_EL1PCEN) != 0;
      break;
    case K_CNTV_TVAL_EL0:
    case K_CNTV_CTL_EL0:
    case K_CNTV_CVAL_EL0:
      el0Open = (kctl & CNTKCTL_EL0VTEN) != 0;
      break;
    default:
      return true; // EL1 and EL2 registers: the minimum-EL check was all
  }
  if (el == 0 && !el0Open) {
    trapAccess(key, syncTargetEl());
    return false;
  }
  if (!el2Open) {
    trapAccess(key, 2);
    return false;
  }
  return true;
}

// ---- MRS / MSR ----------------------------------------------------------------------------------------

/** CNTx_CTL as read: the stored ENABLE and IMASK, and the live ISTATUS. */
function readCtl(t: u32): u64 {
  return (sr(ctlSlot(t)) & (CTL_ENABLE | CTL_IMASK)) | (istatus(t) ? CTL_ISTATUS : 0);
}

/** CNTx_TVAL as read: the low 32 bits of CVAL - count (a signed 32-bit "time to go"; bits 63:32 RES0). */
function readTval(t: u32): u64 {
  return (sr(cvalSlot(t)) - timerCount(t)) & 0xffffffff;
}

/** CNTx_TVAL written: CVAL = count + SignExtend(TVAL<31:0>). */
function writeTval(t: u32, v: u64): void {
  setSr(cvalSlot(t), timerCount(t) + <u64>(<i64>(<i32>(<u32>v))));
  changed();
}

/** MRS of a `timer` register of sysregs.table. */
export function timerReadSysreg(minEl: u32, key: u32): u64 {
  if (!allowed(minEl) || !accessOk(key)) return 0;
  switch (key) {
    case K_CNTFRQ_EL0: return sr(SR_CNTFRQ_EL0);
    case K_CNTPCT_EL0: return physicalCount();
    case K_CNTVCT_EL0: return virtualCount();
    case K_CNTP_CTL_EL0: return readCtl(T_PHYS);
    case K_CNTP_CVAL_EL0: return sr(SR_CNTP_CVAL_EL0);
    case K_CNTP_TVAL_EL0: return readTval(T_PHYS);
    case K_CNTV_CTL_EL0: return readCtl(T_VIRT);
    case K_CNTV_CVAL_EL0: return sr(SR_CNTV_CVAL_EL0);
    case K_CNTV_TVAL_EL0: return readTval(T_VIRT);
    case K_CNTHP_CTL_EL2: return readCtl(T_HYP);
    case K_CNTHP_CVAL_EL2: return sr(SR_CNTHP_CVAL_EL2);
    case K_CNTHP_TVAL_EL2: return readTval(T_HYP);
    case K_CNTKCTL_EL1: return sr(SR_CNTKCTL_EL1);
    case K_CNTHCTL_EL2: return sr(SR_CNTHCTL_EL2);
    case K_CNTVOFF_EL2: return sr(SR_CNTVOFF_EL2);
    default:
      unimplementedSysreg(key, true);
      return 0;
  }
}

/** MSR of a `timer` register of sysregs.table. */
export function timerWriteSysreg(minEl: u32, key: u32, v: u64): void {
  if (!allowed(minEl) || !accessOk(key)) return;
  switch (key) {
    case K_CNTFRQ_EL0:
      // Writable only at the highest implemented EL (EL2 here, or EL1 without EL2); UNDEFINED below.
      if (currentEl() != (haveEl2 ? 2 : 1)) { undefinedInstruction(); return; }
      setSr(SR_CNTFRQ_EL0, v & 0xffffffff);
      return;
    case K_CNTP_CTL_EL0: setSr(SR_CNTP_CTL_EL0, v & (CTL_ENABLE | CTL_IMASK)); changed(); return;
    case K_CNTP_CVAL_EL0: setSr(SR_CNTP_CVAL_EL0, v); changed(); return;
    case K_CNTP_TVAL_EL0: writeTval(T_PHYS, v); return;
    case K_CNTV_CTL_EL0: setSr(SR_CNTV_CTL_EL0, v & (CTL_ENABLE | CTL_IMASK)); changed(); return;
    case K_CNTV_CVAL_EL0: setSr(SR_CNTV_CVAL_EL0, v); changed(); return;
    case K_CNTV_TVAL_EL0: writeTval(T_VIRT, v); return;
    case K_CNTHP_CTL_EL2: setSr(SR_CNTHP_CTL_EL2, v & (CTL_ENABLE | CTL_IMASK)); changed(); return;
    case K_CNTHP_CVAL_EL2: setSr(SR_CNTHP_CVAL_EL2, v); changed(); return;
    case K_CNTHP_TVAL_EL2: writeTval(T_HYP, v); return;
    case K_CNTKCTL_EL1: setSr(SR_CNTKCTL_EL1, v & CNTKCTL_MASK); return;
    case K_CNTHCTL_EL2: setSr(SR_CNTHCTL_EL2, v & CNTHCTL_MASK); changed(); return;
    case K_CNTVOFF_EL2: setSr(SR_CNTVOFF_EL2, v); changed(); return;
    default:
      unimplementedSysreg(key, false);
  }
}
