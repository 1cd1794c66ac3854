// Taking and returning from exceptions: AArch64.TakeException and AArch64.ExceptionReturn of the
// Arm ARM, for an implementation with EL0, EL1 and (optionally) EL2, all AArch64, and no EL3.
import {
  STATE_BASE, OFF_DAIF, OFF_PSTATE_SS, OFF_PSTATE_IL, OFF_EXC_COUNT, OFF_UNIMPL_COUNT, OFF_EXCL_VALID,
  OFF_EXIT_REASON, SR_VBAR_EL1, SR_VBAR_EL2, SR_ESR_EL1, SR_ESR_EL2, SR_ELR_EL1, SR_ELR_EL2,
  SR_SPSR_EL1, SR_SPSR_EL2, SR_FAR_EL1, SR_FAR_EL2, SR_HCR_EL2, SR_MDCR_EL2,
  EV_EXCEPTION, EV_ERET, EV_UNIMPL_INSN, EXIT_USER_SVC, EXIT_USER_FAULT, EXIT_EXCEPTION_LOOP,
  SR_HPFAR_EL2, TRAIL_ERET, TRAIL_F_ILLEGAL, TRAIL_F_FAR,
} from "./layout";
import { trailRecord } from "./trail";
import {
  insnPc, nzcv, setPc, setNzcv, currentEl, spSel, setElSp, sr, setSr, haveEl2, userMode,
  logEvent, setStopRun, setSlowFetch, fpTrapEl, requestEventCheck,
} from "./state";

// ESR_ELx.EC values (Arm ARM D17.2.37).
export const EC_UNKNOWN: u32 = 0x00;
export const EC_WFX: u32 = 0x01;
export const EC_FP_ACCESS: u32 = 0x07;
export const EC_ILLEGAL_STATE: u32 = 0x0e;
export const EC_SVC64: u32 = 0x15;
export const EC_HVC64: u32 = 0x16;
export const EC_SMC64: u32 = 0x17;
export const EC_SYSREG: u32 = 0x18;
export const EC_IABORT_LOWER: u32 = 0x20;
export const EC_IABORT_SAME: u32 = 0x21;
export const EC_PC_ALIGN: u32 = 0x22;
export const EC_DABORT_LOWER: u32 = 0x24;
export const EC_DABORT_SAME: u32 = 0x25;
export const EC_SP_ALIGN: u32 = 0x26;
export const EC_SERROR: u32 = 0x2f;
export const EC_BRK64: u32 = 0x3c;

// Vector offsets of the exception type within a 0x200 group.
export const VEC_SYNC: u32 = 0x000;
export const VEC_IRQ: u32 = 0x080;
export const VEC_FIQ: u32 = 0x100;
export const VEC_SERROR: u32 = 0x180;

export const HCR_TGE: u64 = 1 << 27;
export const HCR_TSC: u64 = 1 << 19;
export const HCR_HCD: u64 = 1 << 29;
const MDCR_TDE: u64 = 1 << 8;

@inline export function hcr(): u64 { return haveEl2 ? sr(SR_HCR_EL2) : 0; }

/** The EL a synchronous exception from the current EL goes to (no EL3, so EL1 or EL2). */
export function syncTargetEl(): u32 {
  const el = currentEl();
  if (el == 0) return (hcr() & HCR_TGE) != 0 ? 2 : 1;
  return el;
}

/** PSTATE packed as SPSR_ELx holds it (AArch64 format, M[4] = 0). */
export function packPstate(): u64 {
  const daif = load<u32>(STATE_BASE + OFF_DAIF);
  const ss = load<u32>(STATE_BASE + OFF_PSTATE_SS);
  const il = load<u32>(STATE_BASE + OFF_PSTATE_IL);
  return <u64>(nzcv | (ss << 21) | (il << 20) | daif | (currentEl() << 2) | spSel());
}

/**
 * AArch64.TakeException: enter targetEl at the vector for `vecType`, saving PSTATE to SPSR_ELx and
 * `preferredReturn` to ELR_ELx. For synchronous exceptions ESR_ELx gets EC, IL = 1 and ISS; FAR_ELx
 * gets `far` when `farValid`.
 */
export function takeException(targetEl: u32, vecType: u32, ec: u32, iss: u32, preferredReturn: u64, farValid: bool, far: u64): void {
  const esr: u64 = (<u64>ec << 26) | (1 << 25) | <u64>(iss & 0x1ffffff);
  if (userMode) {
    // Like qemu-aarch64: there is no kernel; an SVC or a fault ends run() for the host to handle.
    setSr(SR_ESR_EL1, esr);
    setSr(SR_ELR_EL1, preferredReturn);
    if (farValid) setSr(SR_FAR_EL1, far);
    store<u32>(STATE_BASE + OFF_EXIT_REASON, ec == EC_SVC64 ? EXIT_USER_SVC : EXIT_USER_FAULT);
    setPc(preferredReturn);
    setStopRun(true);
    return;
  }
  const fromEl = currentEl();
  const spsr = packPstate();
  let offset: u32 = vecType;
  if (targetEl > fromEl) offset += 0x400; // lower EL, using AArch64
  else if (spSel() != 0) offset += 0x200; // current EL with SP_ELx
  setElSp(targetEl, 1);
  const vbar = sr(targetEl == 2 ? SR_VBAR_EL2 : SR_VBAR_EL1);
  if (targetEl == 2) {
    setSr(SR_SPSR_EL2, spsr);
    setSr(SR_ELR_EL2, preferredReturn);
    if (vecType == VEC_SYNC || vecType == VEC_SERROR) setSr(SR_ESR_EL2, esr);
    if (farValid) setSr(SR_FAR_EL2, far);
  } else {
    setSr(SR_SPSR_EL1, spsr);
    setSr(SR_ELR_EL1, preferredReturn);
    if (vecType == VEC_SYNC || vecType == VEC_SERROR) setSr(SR_ESR_EL1, esr);
    if (farValid) setSr(SR_FAR_EL1, far);
  }
  store<u32>(STATE_BASE + OFF_DAIF, 0xf << 6);
  store<u32>(STATE_BASE + OFF_PSTATE_SS, 0);
  store<u32>(STATE_BASE + OFF_PSTATE_IL, 0);
  store<u32>(STATE_BASE + OFF_EXCL_VALID, 0);
  setSlowFetch(false);
  store<u64>(STATE_BASE + OFF_EXC_COUNT, load<u64>(STATE_BASE + OFF_EXC_COUNT) + 1);
  logEvent(EV_EXCEPTION, (targetEl << 28) | (fromEl << 26) | ((ec & 0x3f) << 16) | (vecType >> 7) << 24 | (iss & 0xffff), insnPc);
  const vector = (vbar & ~<u64>0x7ff) + offset;
  setPc(vector);
  trailRecord(vecType >> 7, fromEl, targetEl, vecType == VEC_SYNC || vecType == VEC_SERROR ? esr : 0, preferredReturn,
    farValid ? far : 0, targetEl == 2 && vecType == VEC_SYNC ? sr(SR_HPFAR_EL2) : 0, insnPc, farValid ? TRAIL_F_FAR : 0);
  // The instruction at the vector itself raised this exception at the vector's own EL: the CPU would
  // take it again forever (a vector table that was never installed, or points at no code). Real
  // hardware spins; we stop so the machine can say why.
  if (vecType == VEC_SYNC && fromEl == targetEl && preferredReturn == vector) {
    store<u32>(STATE_BASE + OFF_EXIT_REASON, EXIT_EXCEPTION_LOOP);
    setStopRun(true);
  }
}

/** A synchronous exception to the usual target for the current EL, returning to this instruction. */
export function syncException(ec: u32, iss: u32): void {
  takeException(syncTargetEl(), VEC_SYNC, ec, iss, insnPc, false, 0);
}

/** UNDEFINED: ESR_ELx.EC = 0 (unknown reason). */
export function undefinedInstruction(): void {
  syncException(EC_UNKNOWN, 0);
}

/** An encoding the core deliberately does not implement yet: UNDEFINED plus a visible event. */
export function unimplementedInstruction(i: u32): void {
  store<u64>(STATE_BASE + OFF_UNIMPL_COUNT, load<u64>(STATE_BASE + OFF_UNIMPL_COUNT) + 1);
  logEvent(EV_UNIMPL_INSN, i, insnPc);
  undefinedInstruction();
}

/** Data abort for a fault on `va`; `dfsc` is the fault status code, wnr whether it was a write. */
export function dataAbort(va: u64, dfsc: u32, wnr: bool): void {
  const target = syncTargetEl();
  const ec = target > currentEl() ? EC_DABORT_LOWER : EC_DABORT_SAME;
  takeException(target, VEC_SYNC, ec, dfsc | (wnr ? 1 << 6 : 0), insnPc, true, va);
}

/** Instruction abort on fetching from `va`. */
export function instructionAbort(va: u64, ifsc: u32): void {
  const target = syncTargetEl();
  const ec = target > currentEl() ? EC_IABORT_LOWER : EC_IABORT_SAME;
  takeException(target, VEC_SYNC, ec, ifsc, insnPc, true, va);
}

/** PC alignment fault: FAR_ELx holds the misaligned PC. */
export function pcAlignmentFault(va: u64): void {
  takeException(syncTargetEl(), VEC_SYNC, EC_PC_ALIGN, 0, insnPc, true, va);
}

/**
 * An SIMD&FP instruction or register access trapped by CPACR_EL1.FPEN or CPTR_EL2.TFP: EC 0x07 to
 * fpTrapEl, ISS with CV = 1 and COND = 0xE as for A64 instructions.
 */
export function fpAccessTrap(): void {
  takeException(fpTrapEl, VEC_SYNC, EC_FP_ACCESS, (1 << 24) | (0xe << 20), insnPc, false, 0);
}

/** BRK #imm: to EL2 when routed there by HCR_EL2.TGE or MDCR_EL2.TDE, else to EL1 (or stay in EL2). */
export function breakpointInstruction(imm16: u32): void {
  let target = syncTargetEl();
  if (target == 1 && haveEl2 && (sr(SR_MDCR_EL2) & MDCR_TDE) != 0) target = 2;
  takeException(target, VEC_SYNC, EC_BRK64, imm16, insnPc, false, 0);
}

/**
 * AArch64.ExceptionReturn (ERET): restore PSTATE from SPSR_ELx and branch to ELR_ELx. A return to an
 * EL that is higher, not implemented, or AArch32 is an illegal return: the EL does not change and
 * PSTATE.IL is set, so the next instruction takes an Illegal Execution state exception.
 */
export function exceptionReturn(): void {
  const el = currentEl();
  const spsr = sr(el == 2 ? SR_SPSR_EL2 : SR_SPSR_EL1);
  const target = <u32>(spsr >> 2) & 3;
  const sel = <u32>spsr & 1;
  const m4 = <u32>(spsr >> 4) & 1;
  let illegal = m4 != 0 || target > el || (target == 2 && !haveEl2) || target == 3 || (target == 0 && sel != 0);
  // An EL1 target while HCR_EL2.TGE is set is illegal too.
  if (!illegal && target == 1 && el == 2 && (hcr() & HCR_TGE) != 0) illegal = true;
  setNzcv(<u32>spsr & 0xf0000000);
  store<u32>(STATE_BASE + OFF_DAIF, <u32>spsr & 0x3c0);
  store<u32>(STATE_BASE + OFF_PSTATE_SS, <u32>(spsr >> 21) & 1);
  store<u32>(STATE_BASE + OFF_EXCL_VALID, 0);
  if (illegal) {
    store<u32>(STATE_BASE + OFF_PSTATE_IL, 1);
    setSlowFetch(true);
  } else {
    const il = <u32>(spsr >> 20) & 1;
    store<u32>(STATE_BASE + OFF_PSTATE_IL, il);
    if (il) setSlowFetch(true);
    setElSp(target, sel);
  }
  const elr = sr(el == 2 ? SR_ELR_EL2 : SR_ELR_EL1);
  logEvent(EV_ERET, illegal ? el : target, insnPc);
  setPc(elr);
  trailRecord(TRAIL_ERET, el, illegal ? el : target, 0, elr, 0, 0, insnPc, illegal ? TRAIL_F_ILLEGAL : 0);
  requestEventCheck(); // the restored DAIF and EL may let a pending interrupt in
}

/** Called by the fetch slow path when PSTATE.IL is set: Illegal Execution state exception. */
export function illegalStateException(): void {
  syncException(EC_ILLEGAL_STATE, 0);
}
