// Exception-generating instructions, hints, barriers, PSTATE access, system registers, SYS
// (cache/TLB maintenance and address translation) and ERET (Arm ARM C6.2).
import { imm16, op1, op2, crm, crn, rt, sreg } from "../generated/fields_system";
import { readSysreg, writeSysreg } from "../generated/sysregs";
import {
  STATE_BASE, OFF_DAIF, OFF_EXIT_REASON, OFF_UNIMPL_COUNT, EXIT_WFI, PSCI_SMC, PSCI_HVC,
  EV_UNIMPL_SYSREG, SR_HCR_EL2, SR_SCTLR_EL1, SR_PAR_EL1,
} from "../layout";
import {
  pc, insnPc, currentEl, setElSp, sr, setSr, haveEl2, X, setX, setStopRun, flush, logEvent, stage1On, userMode,
} from "../state";
import {
  takeException, syncTargetEl, undefinedInstruction, breakpointInstruction, exceptionReturn, hcr,
  VEC_SYNC, EC_SVC64, EC_HVC64, EC_SMC64, EC_WFX, EC_SYSREG, HCR_TSC, HCR_HCD,
} from "../exceptions";
import { beginAccess, sysFault, psciConduit } from "../sysreg";
import { translateData, memFault, writeMem, hostStopCheck, clearExclusiveLocal, FSC_ALIGNMENT } from "../mem";
import { dataAbort } from "../exceptions";
import { psciCall } from "../host";

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

function waitForInterrupt(): void {
  // Nothing can wake the CPU inside the core: hand the wait to the machine, which knows about
  // timers and devices (or, without them, that the guest is idle).
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
  const el = currentEl();
  if (el == 0 && (sr(SR_SCTLR_EL1) & (1 << 14)) == 0) { undefinedInstruction(); return; } // SCTLR_EL1.DZE
  const base = va & ~(DC_ZVA_BYTES - 1);
  // With stage 1 off, memory is Device, and DC ZVA to Device memory is an alignment fault.
  if (!userMode && !stage1On) {
    dataAbort(va, FSC_ALIGNMENT, true);
    return;
  }
  translateData(base, 8, 0, true);
  if (memFault) return;
  for (let off: u64 = 0; off < DC_ZVA_BYTES; off += 8) {
    writeMem(base + off, 8, 0, 0);
    if (memFault) return;
  }
}

/** AT S1E*: with no stage 1 translation modelled yet, the result is the flat mapping (PAR_EL1.F = 0). */
function addressTranslate(va: u64): void {
  setSr(SR_PAR_EL1, va & 0x0000fffffffff000);
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
    if (o1 == 3 && m == 4 && o2 == 1) { dcZva(X(rt(i))); return; }
    if (o1 == 0 && ((m == 1 && o2 == 0) || (m == 5 && o2 == 0))) return; // IC IALLUIS, IC IALLU
    if (o1 == 0 && ((m == 6 && (o2 == 1 || o2 == 2)) || (m == 10 && o2 == 2) || (m == 14 && o2 == 2))) return; // DC IVAC/ISW/CSW/CISW
    if (o1 == 3 && ((m == 5 || m == 10 || m == 11 || m == 14) && o2 == 1)) {
      // IC IVAU, DC CVAC/CVAU/CIVAC: at EL0 only when SCTLR_EL1.UCI opens them (else a trapped access).
      if (el == 0 && (sr(SR_SCTLR_EL1) & (1 << 26)) == 0) {
        const iss = (1 << 20) | (o2 << 17) | (o1 << 14) | (n << 10) | (rt(i) << 5) | (m << 1);
        takeException(syncTargetEl(), VEC_SYNC, EC_SYSREG, iss, insnPc, false, 0);
      }
      return;
    }
    if (m == 8 && (o1 == 0 && o2 <= 3 || o1 == 4 && (o2 <= 1 || (o2 >= 4 && o2 <= 7)))) {
      addressTranslate(X(rt(i))); // AT S1E1R/W, S1E0R/W, S1E2R/W, S12E1R/W, S12E0R/W
      return;
    }
  } else if (n == 8 && (o1 == 0 || o1 == 4)) {
    // TLB maintenance: no TLB is modelled yet, so every TLBI is complete as soon as it is issued.
    return;
  }
  unknownSys(i);
}

