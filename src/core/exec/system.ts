// Exception-generating instructions, hints, barriers, PSTATE access, system registers, SYS
// (cache/TLB maintenance and address translation) and ERET (Arm ARM C6.2).
import { imm16, op1, op2, crm, crn, rt, sreg } from "../generated/fields_system";
import { readSysreg, writeSysreg } from "../generated/sysregs";
import {
  STATE_BASE, OFF_DAIF, OFF_EXIT_REASON, OFF_CFG_PACED, OFF_WAIT_UNTIL, OFF_UNIMPL_COUNT, EXIT_WFI, PSCI_SMC, PSCI_HVC,
  EV_UNIMPL_SYSREG, SR_HCR_EL2, SR_SCTLR_EL1, SR_PAR_EL1, SR_HPFAR_EL2,
} from "../layout";
import {
  pc, insnPc, currentEl, setElSp, sr, setSr, haveEl2, X, setX, setStopRun, flush, logEvent, stage1On, userMode,
  icount, setIcount, requestEventCheck,
} from "../state";
import { wakeupPending } from "../interrupts";
import { timerDeadline } from "../timer";
import {
  takeException, syncTargetEl, undefinedInstruction, breakpointInstruction, exceptionReturn, hcr,
  VEC_SYNC, EC_SVC64, EC_HVC64, EC_SMC64, EC_WFX, EC_SYSREG, HCR_TSC, HCR_HCD, EC_DABORT_LOWER,
} from "../exceptions";
import { beginAccess, sysFault, psciConduit } from "../sysreg";
import { translateData, memFault, writeMem, hostStopCheck, clearExclusiveLocal, lastWasDevice, FSC_ALIGNMENT } from "../mem";
import { dataAbort } from "../exceptions";
import { psciCall } from "../host";
import {
  translate, permissionFault, tlbFlushEl10, tlbFlushEl2, outPa, outIpa, outAttr, outSh, faultFsc, faultStage2,
  faultS1ptw, faultIpa, ACC_READ, ACC_WRITE,
} from "../mmu";

// ---- Exception generation ----------------------------------------------------------------------

export function SVC(i: u32): void {
  takeException(syncTargetEl(), VEC_SYNC, EC_SVC64, imm16(i), pc, false, 0);
}

/** Hands a PSCI/SMCCC call to the machine's firmware, then honours a stop it requested. */
function firmwareCall(): void {
  flush();
  psciCall();
  hostStopCheck();
}

export function HVC(i: u32): void {
  const el = currentEl();
  if (el == 0) { undefinedInstruction(); return; }
  if (!haveEl2) {
    // Without EL2 the machine's firmware answers HVC (PSCI "hvc" conduit), like QEMU's virt board.
    if (psciConduit() == PSCI_HVC) firmwareCall();
    else undefinedInstruction();
    return;
  }
  if ((hcr() & HCR_HCD) != 0 && el == 1) { undefinedInstruction(); return; }
  takeException(2, VEC_SYNC, EC_HVC64, imm16(i), pc, false, 0);
}

export function SMC(i: u32): void {
  const el = currentEl();
  if (el == 0) { undefinedInstruction(); return; }
  // HCR_EL2.TSC traps SMC from EL1 to EL2; the preferred return address is the SMC itself.
  if (el == 1 && haveEl2 && (hcr() & HCR_TSC) != 0) {
    takeException(2, VEC_SYNC, EC_SMC64, imm16(i), insnPc, false, 0);
    return;
  }
  // There is no EL3: the machine's PSCI firmware stands in for it when the conduit is SMC.
  if (psciConduit() == PSCI_SMC) firmwareCall();
  else undefinedInstruction();
}

export function BRK(i: u32): void {
  breakpointInstruction(imm16(i));
}

/** HLT is UNDEFINED unless halting debug is enabled (EDSCR.HDE), which an external debugger sets. */
export function HLT(i: u32): void {
  undefinedInstruction();
}

export function ERET(i: u32): void {
  if (currentEl() == 0) { undefinedInstruction(); return; }
  exceptionReturn();
}

// ---- PSTATE -----------------------------------------------------------------------------------------

/** MSR (immediate): op1:op2 select SPSel (000:101), DAIFSet (011:110) or DAIFClr (011:111). */
export function MSR_imm(i: u32): void {
  const field = (op1(i) << 3) | op2(i);
  const imm = crm(i);
  const el = currentEl();
  if (field == 0b000101) {
    if (el == 0) { undefinedInstruction(); return; }
    setElSp(el, imm & 1);
  } else if (field == 0b011110 || field == 0b011111) {
    if (el == 0 && (sr(SR_SCTLR_EL1) & (1 << 9)) == 0) {
      // EL0 access to DAIF needs SCTLR_EL1.UMA: otherwise a trapped MSR (EC 0x18).
      const iss = (0 << 20) | (op2(i) << 17) | (op1(i) << 14) | (4 << 10) | (31 << 5) | (imm << 1);
      takeException(syncTargetEl(), VEC_SYNC, EC_SYSREG, iss, insnPc, false, 0);
      return;
    }
    const daif = load<u32>(STATE_BASE + OFF_DAIF);
    const bits = imm << 6;
    store<u32>(STATE_BASE + OFF_DAIF, field == 0b011110 ? daif | bits : daif & ~bits);
    requestEventCheck();
  } else {
    // PAN, UAO, SSBS, DIT, TCO... are later extensions this ARMv8.0 CPU does not have.
    undefinedInstruction();
  }
}

// ---- Hints --------------------------------------------------------------------------------------------

/** The event register of WFE/SEV. */
let eventRegister: bool = false;

/** Whether WFI (ti = 0) or WFE (ti = 1) at the current EL traps, and to where; 0 = no trap. */
function wfxTrapTarget(ti: u32): u32 {
  const el = currentEl();
  // SCTLR_EL1.nTWI (bit 16) / nTWE (bit 18) clear: EL0 WFI/WFE traps to EL1.
  if (el == 0 && (sr(SR_SCTLR_EL1) & (ti ? 1 << 18 : 1 << 16)) == 0) return syncTargetEl();
  // HCR_EL2.TWI (bit 13) / TWE (bit 14): EL0/EL1 WFI/WFE trap to EL2.
  if (el < 2 && haveEl2 && (sr(SR_HCR_EL2) & (ti ? 1 << 14 : 1 << 13)) != 0) return 2;
  return 0;
}

/**
 * WFI (and WFE without an event): a pending interrupt, even a masked one, ends the wait at once. With
 * a timer armed, time skips ahead to its deadline (the clock is the instruction count, so waiting
 * costs nothing). With neither, only the machine can wake the CPU (device input): run() returns.
 */
function waitForInterrupt(): void {
  if (wakeupPending()) return;
  // In real-time mode (the interactive CLI, the browser) the host sleeps through the wait instead, so
  // an idle guest costs no host CPU and its clock keeps pace with the wall clock while idle.
  const paced = load<u32>(STATE_BASE + OFF_CFG_PACED) != 0;
  if (timerDeadline != u64.MAX_VALUE && !paced) {
    if (timerDeadline > icount) setIcount(timerDeadline);
    requestEventCheck();
    return;
  }
  store<u64>(STATE_BASE + OFF_WAIT_UNTIL, timerDeadline == u64.MAX_VALUE ? 0 : timerDeadline);
  store<u32>(STATE_BASE + OFF_EXIT_REASON, EXIT_WFI);
  setStopRun(true);
}

export function HINT(i: u32): void {
  const hint = (crm(i) << 3) | op2(i);
  switch (hint) {
    case 0: return; // NOP
    case 1: return; // YIELD: nothing else to run
    case 2: { // WFE
      if (userMode) return;
      const t = wfxTrapTarget(1);
      if (t != 0) {
        takeException(t, VEC_SYNC, EC_WFX, (1 << 24) | (0xe << 20) | 1, insnPc, false, 0);
        return;
      }
      if (eventRegister) eventRegister = false;
      else waitForInterrupt();
      return;
    }
    case 3: { // WFI
      if (userMode) return;
      const t = wfxTrapTarget(0);
      if (t != 0) {
        takeException(t, VEC_SYNC, EC_WFX, (1 << 24) | (0xe << 20), insnPc, false, 0);
        return;
      }
      waitForInterrupt();
      return;
    }
    case 4: // SEV: with one PE, the only observer is ourselves
    case 5: // SEVL
      eventRegister = true;
      return;
    default:
      // The rest of the hint space executes as NOP (BTI, PACIASP/AUTIASP, ESB, CSDB, ...): that is the
      // architected behaviour on a CPU without those features.
      return;
  }
}

// ---- Barriers and the exclusive monitor ------------------------------------------------------------
// The emulator runs one PE in program order and memory is coherent, so barriers need no action.

export function CLREX(i: u32): void {
  clearExclusiveLocal();
}
export function DSB(i: u32): void {}
export function DMB(i: u32): void {}
export function ISB(i: u32): void {}

// ---- System registers ------------------------------------------------------------------------------

export function MRS(i: u32): void {
  const t = rt(i);
  beginAccess(t, true);
  const v = readSysreg((1 << 15) | sreg(i));
  if (!sysFault) setX(t, v);
}

export function MSR_reg(i: u32): void {
  const t = rt(i);
  beginAccess(t, false);
  writeSysreg((1 << 15) | sreg(i), X(t));
}

// ---- SYS: cache maintenance, address translation, TLB maintenance --------------------------------

const DC_ZVA_BYTES: u64 = 64; // DCZID_EL0.BS = 4 (2^4 words)

function unknownSys(i: u32): void {
  store<u64>(STATE_BASE + OFF_UNIMPL_COUNT, load<u64>(STATE_BASE + OFF_UNIMPL_COUNT) + 1);
  logEvent(EV_UNIMPL_SYSREG, (1 << 14) | ((i >>> 5) & 0x3fff), insnPc);
  undefinedInstruction();
}

/** DC ZVA: zero the naturally aligned 64-byte block containing Xt. */
function dcZva(va: u64): void {
  const base = va & ~(DC_ZVA_BYTES - 1);
  translateData(base, 8, 0, true);
  if (memFault) return;
  // DC ZVA to Device memory (all data memory while stage 1 is off) is an Alignment fault.
  if (lastWasDevice()) {
    dataAbort(va, FSC_ALIGNMENT, true);
    return;
  }
  for (let off: u64 = 0; off < DC_ZVA_BYTES; off += 8) {
    writeMem(base + off, 8, 0, 0);
    if (memFault) return;
  }
}

/**
 * AT S1E1R/W, S1E0R/W, S1E2R/W, S12E1R/W, S12E0R/W: translate va as the named EL and access would,
 * without the TLB, and report the result in PAR_EL1 (D17.2.112): on success the PA with the memory
 * attributes, on a fault F = 1 with the fault status, S (stage 2) and PTW (fault on a stage 1 walk).
 * A stage 2 fault on the stage 1 walk of an AT S1E0/S1E1 is taken to EL2 as for a real access
 * (Arm ARM: "AT S1E1* ... stage 2 fault on a table walk generates an exception").
 */
function addressTranslate(va: u64, el: u32, write: bool, stages12: bool): void {
  let ok = translate(va, el, true);
  if (ok && permissionFault(write ? ACC_WRITE : ACC_READ)) ok = false;
  if (!ok && faultStage2 && faultS1ptw && !stages12) {
    // Reported as a stage 2 data abort on the walk, to EL2.
    setSr(SR_HPFAR_EL2, (faultIpa >> 12) << 4);
    takeException(2, VEC_SYNC, EC_DABORT_LOWER, faultFsc | (1 << 7) | (write ? 1 << 6 : 0), insnPc, true, va);
    return;
  }
  if (!ok) {
    // For S1E0/S1E1, stage 2 faults other than on the walk cannot happen (stage 1 only is reported).
    if (faultStage2 && !stages12) ok = true;
    else {
      setSr(SR_PAR_EL1, 1 | (<u64>(faultFsc & 0x3f) << 1) | (faultS1ptw ? 1 << 8 : 0) | (faultStage2 ? 1 << 9 : 0) | (<u64>1 << 11));
      return;
    }
  }
  const out = stages12 ? outPa : outIpa;
  // Device memory reports SH = 0b10 (Outer Shareable); Normal the descriptor's SH.
  const sh: u64 = (outAttr & 0xf0) == 0 ? 2 : <u64>outSh;
  setSr(SR_PAR_EL1, (<u64>outAttr << 56) | (out & 0x0000fffffffff000) | (sh << 7));
}

/** TLBI <op>: the TLB is not tagged by ASID or VMID (mmu.ts), so each operation flushes its regime. */
function tlbInvalidate(op1v: u32, crmv: u32, op2v: u32): bool {
  // op1 = 0: EL1&0 forms (VMALLE1[IS], VAE1[IS], ASIDE1[IS], VAAE1[IS], VALE1[IS], VAALE1[IS]).
  // op1 = 4: ALLE2[IS], VAE2[IS], VALE2[IS] (EL2 regime); ALLE1[IS], VMALLS12E1[IS], IPAS2E1[IS],
  //          IPAS2LE1[IS] (EL1&0 regime, any VMID).
  if (crmv != 3 && crmv != 7 && crmv != 4 && crmv != 0) return false;
  if (op1v == 0) {
    if (crmv == 3 || crmv == 7) {
      if (op2v == 0 || op2v == 1 || op2v == 2 || op2v == 3 || op2v == 5 || op2v == 7) { tlbFlushEl10(); return true; }
    }
    return false;
  }
  if (crmv == 3 || crmv == 7) {
    if (op2v == 0 || op2v == 1 || op2v == 5) { tlbFlushEl2(); return true; } // ALLE2, VAE2, VALE2
    if (op2v == 4 || op2v == 6) { tlbFlushEl10(); return true; } // ALLE1, VMALLS12E1
    return false;
  }
  if ((crmv == 0 || crmv == 4) && (op2v == 1 || op2v == 5)) { tlbFlushEl10(); return true; } // IPAS2E1[IS], IPAS2LE1[IS]
  return false;
}

// HCR_EL2 controls that trap EL0/EL1 cache, TLB and DC ZVA operations to EL2.
const HCR_TSW: u64 = 1 << 22; // DC ISW/CSW/CISW (set/way)
const HCR_TPC: u64 = 1 << 23; // DC IVAC/CVAC/CIVAC (to the point of coherency)
const HCR_TPU: u64 = 1 << 24; // IC IVAU/IALLU/IALLUIS, DC CVAU (to the point of unification)
const HCR_TTLB: u64 = 1 << 25; // TLBI at EL1
const HCR_TDZ: u64 = 1 << 28; // DC ZVA

/** ISS of a trapped SYS instruction (EC 0x18): like MSR, Direction = 0. */
function sysIss(i: u32): u32 {
  return (op0Of(i) << 20) | (op2(i) << 17) | (op1(i) << 14) | (crn(i) << 10) | (rt(i) << 5) | (crm(i) << 1);
}
@inline function op0Of(i: u32): u32 { return 1; } // SYS is op0 = 0b01

/** The HCR_EL2 trap bit that applies to this SYS instruction at EL0/EL1, if set; then takes the trap. */
function sysHypTrap(i: u32, bit: u64): bool {
  const el = currentEl();
  if (el == 2 || !haveEl2) return false;
  const h = hcr();
  if ((h & bit) == 0 || (h & (<u64>1 << 27)) != 0) return false;
  takeException(2, VEC_SYNC, EC_SYSREG, sysIss(i), insnPc, false, 0);
  return true;
}

export function SYS(i: u32): void {
  const o1 = op1(i);
  const n = crn(i);
  const m = crm(i);
  const o2 = op2(i);
  const el = currentEl();
  const minEl: u32 = o1 == 3 ? 0 : o1 == 4 ? 2 : 1;
  if (o1 != 0 && o1 != 3 && o1 != 4) { unknownSys(i); return; }
  if (el < minEl || (o1 == 4 && !haveEl2)) { undefinedInstruction(); return; }
  if (n == 7) {
    // Cache maintenance. Caches are not modelled, so these only need their access checks; DC ZVA is
    // the one that changes memory.
    if (o1 == 3 && m == 4 && o2 == 1) {
      if (el == 0 && (sr(SR_SCTLR_EL1) & (1 << 14)) == 0) { undefinedInstruction(); return; } // SCTLR_EL1.DZE
      if (sysHypTrap(i, HCR_TDZ)) return;
      dcZva(X(rt(i)));
      return;
    }
    if (o1 == 0 && ((m == 1 && o2 == 0) || (m == 5 && o2 == 0))) { sysHypTrap(i, HCR_TPU); return; } // IC IALLUIS, IALLU
    if (o1 == 0 && m == 6 && o2 == 1) { sysHypTrap(i, HCR_TPC); return; } // DC IVAC
    if (o1 == 0 && ((m == 6 && o2 == 2) || (m == 10 && o2 == 2) || (m == 14 && o2 == 2))) { sysHypTrap(i, HCR_TSW); return; } // DC ISW/CSW/CISW
    if (o1 == 3 && ((m == 5 || m == 10 || m == 11 || m == 14) && o2 == 1)) {
      // IC IVAU, DC CVAC/CVAU/CIVAC: at EL0 only when SCTLR_EL1.UCI opens them (else a trapped access).
      if (el == 0 && (sr(SR_SCTLR_EL1) & (1 << 26)) == 0) {
        takeException(syncTargetEl(), VEC_SYNC, EC_SYSREG, sysIss(i), insnPc, false, 0);
        return;
      }
      sysHypTrap(i, m == 5 || m == 11 ? HCR_TPU : HCR_TPC);
      return;
    }
    if (m == 8 && (o1 == 0 && o2 <= 3 || o1 == 4 && (o2 <= 1 || (o2 >= 4 && o2 <= 7)))) {
      // AT S1E1R/W (0:0,1), S1E0R/W (0:2,3), S1E2R/W (4:0,1), S12E1R/W (4:4,5), S12E0R/W (4:6,7).
      const write = (o2 & 1) != 0;
      const asEl: u32 = o1 == 0 ? (o2 >= 2 ? 0 : 1) : o2 <= 1 ? 2 : o2 >= 6 ? 0 : 1;
      addressTranslate(X(rt(i)), asEl, write, o1 == 4 && o2 >= 4);
      return;
    }
  } else if (n == 8 && (o1 == 0 || o1 == 4)) {
    if (o1 == 0 && sysHypTrap(i, HCR_TTLB)) return;
    if (tlbInvalidate(o1, m, o2)) return;
  }
  unknownSys(i);
}

