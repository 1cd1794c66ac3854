// MRS/MSR semantics: access checks and the registers whose behaviour is more than storage. The list
// of registers itself is declarative (decode/sysregs.table -> generated/sysregs.ts).
import {
  STATE_BASE, OFF_DAIF, OFF_UNIMPL_COUNT, OFF_CFG_PSCI, EV_UNIMPL_SYSREG,
  SR_SCTLR_EL1, SR_SCTLR_EL2, SR_HCR_EL2,
  SR_CSSELR_EL1, SR_TPIDRRO_EL0, SR_CPACR_EL1, SR_CPTR_EL2, SR_MDCR_EL2, SR_MIDR_EL1, SR_MPIDR_EL1,
  SR_VPIDR_EL2, SR_VMPIDR_EL2, OFF_FPCR, OFF_FPSR,
} from "./layout";
import {
  nzcv, setNzcv, currentEl, spSel, setElSp, bankedSp, setBankedSp, sr, setSr, haveEl2, insnPc,
  logEvent, updateRegime, stage1On, fpTrapEl, requestEventCheck,
} from "./state";
import { tlbFlushEl10, tlbFlushEl2 } from "./mmu";
import { gicLines, LINE_IRQ, LINE_FIQ, LINE_VIRQ, LINE_VFIQ } from "./gic";
import { undefinedInstruction, takeException, syncTargetEl, fpAccessTrap, VEC_SYNC, EC_SYSREG, HCR_TGE } from "./exceptions";

/** Set when the access just attempted took an exception (the MRS/MSR handler then does nothing). */
export let sysFault: bool = false;
/** Rt of the MRS/MSR being executed, for the ESR_ELx.ISS of a trapped access. */
export let sysRt: u32 = 0;
/** Direction of the access being executed (true = MRS), for the ISS as well. */
export let sysRead: bool = false;

export function beginAccess(rt: u32, read: bool): void {
  sysFault = false;
  sysRt = rt;
  sysRead = read;
}

function deny(): void {
  sysFault = true;
  undefinedInstruction();
}

/**
 * A trapped MSR/MRS (ESR_ELx.EC = 0x18) to `target`: ISS holds Op0, Op2, Op1, CRn, Rt, CRm, Direction.
 */
export function trapAccess(key: u32, target: u32): void {
  sysFault = true;
  const op0 = key >> 14;
  const op1 = (key >> 11) & 7;
  const crn = (key >> 7) & 15;
  const crm = (key >> 3) & 15;
  const op2 = key & 7;
  const iss = (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (sysRt << 5) | (crm << 1) | (sysRead ? 1 : 0);
  takeException(target, VEC_SYNC, EC_SYSREG, iss, insnPc, false, 0);
}

// ---- Traps of EL1 (and EL0) accesses to EL2 -----------------------------------------------------------
// sysregs.table's optional trap column names the hypervisor controls that trap a register; the
// generated accessors call hypTrap() first. Only EL1 accesses are trapped here: an EL0 access to an
// EL1 register is UNDEFINED before any trap applies, and EL0-accessible registers with EL2 traps
// (CTR_EL0 under TID2) check them after their EL1 controls, in readSpecial.
export const TRAP_TVM: u32 = 1; // HCR_EL2.TVM (writes) / TRVM (reads): virtual memory controls
export const TRAP_TID1: u32 = 2; // HCR_EL2.TID1: REVIDR_EL1, AIDR_EL1
export const TRAP_TID2: u32 = 4; // HCR_EL2.TID2: cache identification
export const TRAP_TID3: u32 = 8; // HCR_EL2.TID3: the ID register space
export const TRAP_TACR: u32 = 16; // HCR_EL2.TACR: ACTLR_EL1
export const TRAP_TCPAC: u32 = 32; // CPTR_EL2.TCPAC: CPACR_EL1
export const TRAP_TDA: u32 = 64; // MDCR_EL2.TDA (or TDE): debug registers
export const TRAP_TDOSA: u32 = 128; // MDCR_EL2.TDOSA (or TDE): OS lock and power-down registers

const HCR_TID1: u64 = 1 << 16;
const HCR_TID2: u64 = 1 << 17;
const HCR_TID3: u64 = 1 << 18;
const HCR_TIDCP: u64 = 1 << 20;
const HCR_TACR: u64 = 1 << 21;
const HCR_TVM: u64 = 1 << 26;
const HCR_TRVM: u64 = 1 << 30;
const MDCR_TDE: u64 = 1 << 8;
const MDCR_TDA: u64 = 1 << 9;
const MDCR_TDOSA: u64 = 1 << 10;

/** Whether an access of the given trap classes from the current EL traps to EL2; if so takes the trap. */
export function hypTrap(classes: u32, key: u32, read: bool): bool {
  if (!haveEl2 || currentEl() != 1) return false;
  const h = sr(SR_HCR_EL2);
  const mdcr = sr(SR_MDCR_EL2);
  let trap = false;
  if ((classes & TRAP_TVM) != 0 && (h & (read ? HCR_TRVM : HCR_TVM)) != 0) trap = true;
  if ((classes & TRAP_TID1) != 0 && (h & HCR_TID1) != 0) trap = true;
  if ((classes & TRAP_TID2) != 0 && (h & HCR_TID2) != 0) trap = true;
  if ((classes & TRAP_TID3) != 0 && (h & HCR_TID3) != 0) trap = true;
  if ((classes & TRAP_TACR) != 0 && (h & HCR_TACR) != 0) trap = true;
  if ((classes & TRAP_TCPAC) != 0 && (sr(SR_CPTR_EL2) & (<u64>1 << 31)) != 0) trap = true;
  if ((classes & TRAP_TDA) != 0 && (mdcr & (MDCR_TDA | MDCR_TDE)) != 0) trap = true;
  if ((classes & TRAP_TDOSA) != 0 && (mdcr & (MDCR_TDOSA | MDCR_TDE)) != 0) trap = true;
  if (!trap) return false;
  trapAccess(key, 2);
  return true;
}

/** True if the current EL may access a register whose minimum EL is minEl; otherwise UNDEFINED. */
@inline export function allowed(minEl: u32): bool {
  if (currentEl() < minEl) {
    deny();
    return false;
  }
  return true;
}

export function readSlot(minEl: u32, slot: i32): u64 {
  return allowed(minEl) ? sr(slot) : 0;
}
export function writeSlot(minEl: u32, slot: i32, v: u64): void {
  if (allowed(minEl)) setSr(slot, v);
}
export function writeSlotFlush10(minEl: u32, slot: i32, v: u64): void {
  if (allowed(minEl)) { setSr(slot, v); tlbFlushEl10(); }
}
export function writeSlotFlush2(minEl: u32, slot: i32, v: u64): void {
  if (allowed(minEl)) { setSr(slot, v); tlbFlushEl2(); }
}
export function readConst(minEl: u32, v: u64): u64 {
  return allowed(minEl) ? v : 0;
}
export function writeIgnored(minEl: u32): void {
  allowed(minEl);
}

export function unimplementedSysreg(key: u32, read: bool): void {
  store<u64>(STATE_BASE + OFF_UNIMPL_COUNT, load<u64>(STATE_BASE + OFF_UNIMPL_COUNT) + 1);
  logEvent(EV_UNIMPL_SYSREG, (read ? 1 << 31 : 0) | key, insnPc);
  deny();
}

/** Registers not in the table: the rest of the ID space reads as zero; anything else is UNDEFINED. */
export function readUnlisted(key: u32): u64 {
  const idSpace = (key >> 7) == ((3 << 7) | (0 << 4) | 0); // op0=3, op1=0, CRn=0
  if (idSpace && ((key >> 3) & 15) <= 7) {
    if (((key >> 3) & 15) >= 1 && hypTrap(TRAP_TID3, key, true)) return 0;
    return readConst(1, 0);
  }
  if (implementationDefinedTrap(key)) return 0;
  unimplementedSysreg(key, true);
  return 0;
}
export function writeUnlisted(key: u32): void {
  if (implementationDefinedTrap(key)) return;
  unimplementedSysreg(key, false);
}

/**
 * HCR_EL2.TIDCP: EL0/EL1 accesses to the IMPLEMENTATION DEFINED register space (op0 = 3, CRn = 11 or
 * 15) trap to EL2. This PE has no such registers, so without the trap they are UNDEFINED.
 */
function implementationDefinedTrap(key: u32): bool {
  const crn = (key >> 7) & 15;
  if ((key >> 14) != 3 || (crn != 11 && crn != 15)) return false;
  if (!haveEl2 || currentEl() == 2 || (sr(SR_HCR_EL2) & HCR_TIDCP) == 0) return false;
  if ((sr(SR_HCR_EL2) & HCR_TGE) != 0) return false;
  trapAccess(key, 2);
  return true;
}

// ---- Registers with behaviour -------------------------------------------------------------------

// Keys (op0:op1:CRn:CRm:op2) of the special registers, matching sysregs.table.
const K_NZCV: u32 = 0xda10;
const K_DAIF: u32 = 0xda11;
const K_SPSEL: u32 = 0xc210;
const K_CURRENTEL: u32 = 0xc212;
const K_SP_EL0: u32 = 0xc208;
const K_SP_EL1: u32 = 0xe208;
const K_TPIDRRO_EL0: u32 = 0xde83;
const K_ID_AA64PFR0: u32 = 0xc020;
const K_CTR_EL0: u32 = 0xd801;
const K_MIDR_EL1: u32 = 0xc000;
const K_ISR_EL1: u32 = 0xc608;
const K_MPIDR_EL1: u32 = 0xc005;
const K_CCSIDR: u32 = 0xc800;
const K_SCTLR_EL1: u32 = 0xc080;
const K_SCTLR_EL2: u32 = 0xe080;
const K_HCR_EL2: u32 = 0xe088;
const K_CPACR_EL1: u32 = 0xc082;
const K_CPTR_EL2: u32 = 0xe08a;
const K_FPCR: u32 = 0xda20;
const K_FPSR: u32 = 0xda21;

// ARMv8.0 without half-precision arithmetic or FP exception trapping: FPCR keeps AHP, DN, FZ and
// RMode; FPSR keeps QC and the cumulative exception flags (IDC, IXC, UFC, OFC, DZC, IOC).
const FPCR_MASK: u32 = 0x07c00000;
const FPSR_MASK: u32 = 0x0800009f;

/** MRS/MSR of FPCR/FPSR honour the SIMD&FP traps; returns false if the access trapped. */
function fpRegisterAccessOk(): bool {
  if (fpTrapEl == 0) return true;
  sysFault = true;
  fpAccessTrap();
  return false;
}

const SCTLR_UMA: u64 = 1 << 9;
const SCTLR_UCT: u64 = 1 << 15;
// Cortex-A57-like cache geometry: 64-byte lines everywhere, so CTR_EL0 and DCZID_EL0 agree.
const CTR_EL0_VALUE: u64 = 0x8444c004;

/** EL0 access to a register that SCTLR_EL1 or CNTKCTL_EL1 can open: trap to EL1 (or EL2 with TGE). */
@inline function el0Gate(key: u32, open: bool): bool {
  if (currentEl() == 0 && !open) {
    trapAccess(key, syncTargetEl());
    return false;
  }
  return true;
}

// The counters (CNTPCT/CNTVCT) and the other CNT* registers live in timer.ts.

export function readSpecial(minEl: u32, key: u32): u64 {
  if (!allowed(minEl)) return 0;
  const el = currentEl();
  switch (key) {
    case K_NZCV: return <u64>nzcv;
    case K_DAIF:
      if (!el0Gate(key, (sr(SR_SCTLR_EL1) & SCTLR_UMA) != 0)) return 0;
      return <u64>load<u32>(STATE_BASE + OFF_DAIF);
    case K_SPSEL: return <u64>spSel();
    case K_CURRENTEL: return <u64>(el << 2);
    case K_SP_EL0:
      if (spSel() == 0) { deny(); return 0; } // SP_EL0 is the current SP: use `mov xN, sp`
      return bankedSp(0);
    case K_SP_EL1: return bankedSp(1);
    case K_TPIDRRO_EL0: return sr(SR_TPIDRRO_EL0);
    case K_ID_AA64PFR0: {
      // EL0 and EL1 AArch64 only (1), EL2 AArch64 only if present, no EL3; FP and AdvSIMD
      // implemented without half-precision arithmetic (0); GICv3 system registers (GIC = 1, bits 27:24).
      return 0x01000011 | (haveEl2 ? 0x100 : 0);
    }
    case K_CTR_EL0:
      if (!el0Gate(key, (sr(SR_SCTLR_EL1) & SCTLR_UCT) != 0)) return 0;
      // HCR_EL2.TID2 traps EL0 and EL1 reads (EL0's after the SCTLR_EL1.UCT check above).
      if (el < 2 && haveEl2 && (sr(SR_HCR_EL2) & (HCR_TID2 | HCR_TGE)) == HCR_TID2) { trapAccess(key, 2); return 0; }
      return CTR_EL0_VALUE;
    case K_ISR_EL1: return interruptStatus();
    case K_MIDR_EL1:
      // EL1 reads the virtualised identity the hypervisor chose (VPIDR_EL2, VMPIDR_EL2).
      return el == 1 && haveEl2 ? sr(SR_VPIDR_EL2) : sr(SR_MIDR_EL1);
    case K_MPIDR_EL1:
      return el == 1 && haveEl2 ? sr(SR_VMPIDR_EL2) : sr(SR_MPIDR_EL1);
    case K_CCSIDR: {
      // CSSELR_EL1.Level/InD pick the cache: L1 D 32 KiB 2-way, L1 I 48 KiB 3-way, L2 2 MiB 16-way,
      // all with 64-byte lines (LineSize = 2). Encoded as NumSets-1 << 13 | Assoc-1 << 3 | LineSize.
      const sel = sr(SR_CSSELR_EL1) & 0xf;
      if (sel == 0) return (<u64>255 << 13) | (1 << 3) | 2;
      if (sel == 1) return (<u64>255 << 13) | (2 << 3) | 2;
      if (sel == 2) return (<u64>2047 << 13) | (15 << 3) | 2;
      return 0;
    }
    case K_SCTLR_EL1: return sr(SR_SCTLR_EL1);
    case K_SCTLR_EL2: return sr(SR_SCTLR_EL2);
    case K_CPACR_EL1: return sr(SR_CPACR_EL1);
    case K_CPTR_EL2: return sr(SR_CPTR_EL2);
    case K_FPCR: return fpRegisterAccessOk() ? <u64>load<u32>(STATE_BASE + OFF_FPCR) : 0;
    case K_FPSR: return fpRegisterAccessOk() ? <u64>load<u32>(STATE_BASE + OFF_FPSR) : 0;
    case K_HCR_EL2: return sr(SR_HCR_EL2);
    default:
      unimplementedSysreg(key, true);
      return 0;
  }
}

export function writeSpecial(minEl: u32, key: u32, v: u64): void {
  if (!allowed(minEl)) return;
  const el = currentEl();
  switch (key) {
    case K_NZCV: setNzcv(<u32>v & 0xf0000000); return;
    case K_DAIF:
      if (!el0Gate(key, (sr(SR_SCTLR_EL1) & SCTLR_UMA) != 0)) return;
      store<u32>(STATE_BASE + OFF_DAIF, <u32>v & 0x3c0);
      requestEventCheck();
      return;
    case K_SPSEL: setElSp(el, <u32>v & 1); return;
    case K_SP_EL0:
      if (spSel() == 0) { deny(); return; }
      setBankedSp(0, v);
      return;
    case K_SP_EL1: setBankedSp(1, v); return;
    case K_TPIDRRO_EL0:
      if (el == 0) { deny(); return; } // read-only at EL0
      setSr(SR_TPIDRRO_EL0, v);
      return;
    case K_CPACR_EL1:
      setSr(SR_CPACR_EL1, v & (3 << 20)); // FPEN; TTA and the SVE/SME fields do not exist here
      updateRegime();
      return;
    case K_CPTR_EL2:
      // TFP (10) and TCPAC (31) are stored; bits 13:12 and 9:0 are RES1 in the nVHE layout.
      setSr(SR_CPTR_EL2, (v & ((1 << 10) | (<u64>1 << 31))) | 0x33ff);
      updateRegime();
      return;
    case K_FPCR:
      if (fpRegisterAccessOk()) store<u32>(STATE_BASE + OFF_FPCR, <u32>v & FPCR_MASK);
      return;
    case K_FPSR:
      if (fpRegisterAccessOk()) store<u32>(STATE_BASE + OFF_FPSR, <u32>v & FPSR_MASK);
      return;
    case K_SCTLR_EL1: writeSctlr(SR_SCTLR_EL1, v); return;
    case K_SCTLR_EL2: writeSctlr(SR_SCTLR_EL2, v); return;
    case K_HCR_EL2:
      // ARMv8.0 defines bits 33:0 (up to ID and CD); the rest (E2H, TLOR, APK/API, ATA, ...) belong
      // to later extensions this CPU does not have and are RES0: writes to them are ignored.
      setSr(SR_HCR_EL2, v & 0x3_ffff_ffff);
      updateRegime();
      tlbFlushEl10(); // VM, TGE and DC change the EL1&0 translation
      requestEventCheck(); // IMO/FMO/AMO, TGE and VI/VF/VSE change interrupt delivery
      return;
    default:
      unimplementedSysreg(key, false);
  }
}

/**
 * ISR_EL1: which of IRQ (bit 7), FIQ (bit 6) and SError (bit 8) are pending, as the current EL sees
 * them: at EL1 with HCR_EL2.IMO/FMO/AMO set (and TGE clear) the virtual ones, otherwise the physical.
 */
function interruptStatus(): u64 {
  const h: u64 = haveEl2 ? sr(SR_HCR_EL2) : 0;
  const virt = currentEl() == 1 && (h & HCR_TGE) == 0;
  let v: u64 = 0;
  if (virt && (h & (1 << 4)) != 0) {
    if ((gicLines & LINE_VIRQ) != 0 || (h & (1 << 7)) != 0) v |= 1 << 7;
  } else if ((gicLines & LINE_IRQ) != 0) v |= 1 << 7;
  if (virt && (h & (1 << 3)) != 0) {
    if ((gicLines & LINE_VFIQ) != 0 || (h & (1 << 6)) != 0) v |= 1 << 6;
  } else if ((gicLines & LINE_FIQ) != 0) v |= 1 << 6;
  if (virt && (h & (1 << 5)) != 0 && (h & (1 << 8)) != 0) v |= 1 << 8;
  return v;
}

function writeSctlr(slot: i32, v: u64): void {
  setSr(slot, v);
  updateRegime();
  if (slot == SR_SCTLR_EL2) tlbFlushEl2();
  else tlbFlushEl10();
}

/** The PSCI conduit the machine implements (PSCI_* in layout.ts). */
export function psciConduit(): u32 {
  return load<u32>(STATE_BASE + OFF_CFG_PSCI);
}
