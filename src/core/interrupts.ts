// Asynchronous exceptions: taking IRQ, FIQ and SError (physical and virtual) when the PE's inputs
// ask for one and PSTATE and HCR_EL2 allow it (Arm ARM D1.3.6 "Asynchronous exception routing" and
// "masking"). There is no EL3, so the only routing controls are HCR_EL2.{TGE, IMO, FMO, AMO}.
//
// run() calls handleEvents() before an instruction whenever icount >= nextEvent. nextEvent is the
// next timer deadline, or 0 after anything that can make an interrupt deliverable changed (a GIC
// output, DAIF, HCR_EL2, an exception return): see requestEventCheck() in state.ts.
import { STATE_BASE, OFF_DAIF, SR_HCR_EL2 } from "./layout";
import { icount, pc, currentEl, haveEl2, sr, setSr, setNextEvent, setInsnPc } from "./state";
import { takeException, VEC_IRQ, VEC_FIQ, VEC_SERROR, EC_SERROR } from "./exceptions";
import { gicLines, LINE_IRQ, LINE_FIQ, LINE_VIRQ, LINE_VFIQ } from "./gic";
import { timerDeadline, timerUpdate } from "./timer";
import { findHppi, hppiId, THIS_CPU } from "./gic";
import { findVirtualHppi, vHppiLr, listRegAddr } from "./gic-virt";
import { setTrailInterrupt } from "./trail";
import { TRAIL_F_VIRTUAL } from "./layout";

const HCR_FMO: u64 = 1 << 3;
const HCR_IMO: u64 = 1 << 4;
const HCR_AMO: u64 = 1 << 5;
const HCR_VF: u64 = 1 << 6;
const HCR_VI: u64 = 1 << 7;
const HCR_VSE: u64 = 1 << 8;
const HCR_TGE: u64 = 1 << 27;

const PSTATE_A: u32 = 1 << 8;
const PSTATE_I: u32 = 1 << 7;
const PSTATE_F: u32 = 1 << 6;

/** Everything pending at the PE's inputs, including HCR_EL2's virtual interrupt bits (LINE_* bits). */
function pendingLines(): u32 {
  let lines = gicLines;
  if (haveEl2) {
    const h = sr(SR_HCR_EL2);
    if ((h & HCR_VI) != 0) lines |= LINE_VIRQ;
    if ((h & HCR_VF) != 0) lines |= LINE_VFIQ;
  }
  return lines;
}

/** True if WFI/WFE must not wait: an interrupt is pending, masked or not (the wake-up rule). */
export function wakeupPending(): bool {
  return pendingLines() != 0 || (haveEl2 && (sr(SR_HCR_EL2) & HCR_VSE) != 0);
}

/**
 * Where a physical interrupt whose HCR_EL2 routing bit is `routeBit` goes from the current EL, if it
 * is taken now: 2 or 1, or 0 when it is masked (by PSTATE, or because it targets a lower EL).
 */
function physicalTarget(routeBit: u64, mask: u32, daif: u32, el: u32, h: u64): u32 {
  const toEl2 = haveEl2 && (h & (routeBit | HCR_TGE)) != 0;
  if (toEl2) {
    // Routed to EL2: from EL0/EL1 PSTATE cannot mask it; at EL2 PSTATE masks it as usual.
    if (el < 2) return 2;
    return (daif & mask) == 0 ? 2 : 0;
  }
  // Routed to EL1: never taken at EL2 (the target is lower than the current EL).
  if (el == 2) return 0;
  return (daif & mask) == 0 ? 1 : 0;
}

/** Takes the highest-priority deliverable asynchronous exception, if any. */
export function checkInterrupts(): void {
  const lines = pendingLines();
  const h: u64 = haveEl2 ? sr(SR_HCR_EL2) : 0;
  const vse = (h & HCR_VSE) != 0;
  if (lines == 0 && !vse) return;
  const el = currentEl();
  const daif = load<u32>(STATE_BASE + OFF_DAIF);
  // The preferred return address of an asynchronous exception is the next instruction not executed.
  setInsnPc(pc);
  if ((lines & LINE_FIQ) != 0) {
    const t = physicalTarget(HCR_FMO, PSTATE_F, daif, el, h);
    if (t != 0) { notePhysical(); takeException(t, VEC_FIQ, 0, 0, pc, false, 0); return; }
  }
  if ((lines & LINE_IRQ) != 0) {
    const t = physicalTarget(HCR_IMO, PSTATE_I, daif, el, h);
    if (t != 0) { notePhysical(); takeException(t, VEC_IRQ, 0, 0, pc, false, 0); return; }
  }
  // Virtual interrupts exist only for EL0/EL1 while EL2 routes the physical kind to itself and TGE is 0.
  if (el == 2 || (h & HCR_TGE) != 0) return;
  if ((lines & LINE_VFIQ) != 0 && (h & HCR_FMO) != 0 && (daif & PSTATE_F) == 0) {
    noteVirtual();
    takeException(1, VEC_FIQ, 0, 0, pc, false, 0);
    return;
  }
  if ((lines & LINE_VIRQ) != 0 && (h & HCR_IMO) != 0 && (daif & PSTATE_I) == 0) {
    noteVirtual();
    takeException(1, VEC_IRQ, 0, 0, pc, false, 0);
    return;
  }
  if (vse && (h & HCR_AMO) != 0 && (daif & PSTATE_A) == 0) {
    // A virtual SError is taken once: taking it clears HCR_EL2.VSE. Without RAS its syndrome is
    // IMPLEMENTATION DEFINED; we report ISS = 0.
    setSr(SR_HCR_EL2, h & ~HCR_VSE);
    setTrailInterrupt(0xffffffff, TRAIL_F_VIRTUAL);
    takeException(1, VEC_SERROR, EC_SERROR, 0, pc, false, 0);
  }
}

/** For the trap trail: the INTID the GIC is signalling (its highest-priority pending interrupt). */
function notePhysical(): void {
  findHppi(THIS_CPU);
  setTrailInterrupt(hppiId, 0);
}

/**
 * For the trap trail: the virtual INTID of the list register being signalled, with the list register's
 * number in bits 31:24 (0xff when HCR_EL2.VI/VF alone asserts the interrupt).
 */
function noteVirtual(): void {
  findVirtualHppi(THIS_CPU);
  if (vHppiLr >= 0) {
    const lr = load<u64>(listRegAddr(THIS_CPU, <u32>vHppiLr));
    setTrailInterrupt((<u32>lr & 0xffffff) | (<u32>vHppiLr << 24), TRAIL_F_VIRTUAL);
  } else {
    setTrailInterrupt(0xffffffff, TRAIL_F_VIRTUAL);
  }
}

/** Called by run() when icount >= nextEvent: timers, then interrupt delivery. */
export function handleEvents(): void {
  if (icount >= timerDeadline) timerUpdate();
  setNextEvent(timerDeadline);
  checkInterrupts();
}
