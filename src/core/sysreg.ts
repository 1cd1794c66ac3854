// MRS/MSR semantics: access checks and the registers whose behaviour is more than storage. The list
// of registers itself is declarative (decode/sysregs.table -> generated/sysregs.ts).
import {
  STATE_BASE, OFF_DAIF, OFF_UNIMPL_COUNT, OFF_CFG_PSCI, EV_UNIMPL_SYSREG, EV_UNIMPL_FEATURE, FEATURE_STAGE1_MMU,
  SR_SCTLR_EL1, SR_SCTLR_EL2, SR_HCR_EL2, SR_CNTKCTL_EL1, SR_CNTHCTL_EL2, SR_CNTVOFF_EL2, SR_CNTFRQ_EL0,
  SR_CSSELR_EL1, SR_TPIDRRO_EL0, SR_CPACR_EL1, SR_CPTR_EL2, OFF_FPCR, OFF_FPSR,
} from "./layout";
import {
  nzcv, setNzcv, currentEl, spSel, setElSp, bankedSp, setBankedSp, sr, setSr, haveEl2, icount, insnPc,
  logEvent, updateRegime, stage1On, fpTrapEl,
} from "./state";
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
function trapAccess(key: u32, target: u32): void {
  sysFault = true;
  const op0 = key >> 14;
  const op1 = (key >> 11) & 7;
  const crn = (key >> 7) & 15;
  const crm = (key >> 3) & 15;
  const op2 = key & 7;
  const iss = (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (sysRt << 5) | (crm << 1) | (sysRead ? 1 : 0);
  takeException(target, VEC_SYNC, EC_SYSREG, iss, insnPc, false, 0);
}

/** True if the current EL may access a register whose minimum EL is minEl; otherwise UNDEFINED. */
@inline function allowed(minEl: u32): bool {
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
export function readConst(minEl: u32, v: u64): u64 {
  return allowed(minEl) ? v : 0;
}
export function writeIgnored(minEl: u32): void {
  allowed(minEl);
}

function unimplementedSysreg(key: u32, read: bool): void {
  store<u64>(STATE_BASE + OFF_UNIMPL_COUNT, load<u64>(STATE_BASE + OFF_UNIMPL_COUNT) + 1);
  logEvent(EV_UNIMPL_SYSREG, (read ? 1 << 31 : 0) | key, insnPc);
  deny();
}

/** Registers not in the table: the rest of the ID space reads as zero; anything else is UNDEFINED. */
export function readUnlisted(key: u32): u64 {
  const idSpace = (key >> 7) == ((3 << 7) | (0 << 4) | 0); // op0=3, op1=0, CRn=0
  if (idSpace && ((key >> 3) & 15) <= 7) return readConst(1, 0);
  unimplementedSysreg(key, true);
  return 0;
}
export function writeUnlisted(key: u32): void {
  unimplementedSysreg(key, false);
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
const K_CCSIDR: u32 = 0xc800;
const K_SCTLR_EL1: u32 = 0xc080;
const K_SCTLR_EL2: u32 = 0xe080;
const K_HCR_EL2: u32 = 0xe088;
const K_CNTFRQ: u32 = 0xdf00;
const K_CNTPCT: u32 = 0xdf01;
const K_CNTVCT: u32 = 0xdf02;
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

/** The physical count: the machine's clock is the instruction count (see ARCHITECTURE.md). */
@inline function physicalCount(): u64 {
  return icount;
}

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
      // implemented without half-precision arithmetic (0); no GIC system registers yet (0).
      return 0x00000011 | (haveEl2 ? 0x100 : 0);
    }
    case K_CTR_EL0:
      if (!el0Gate(key, (sr(SR_SCTLR_EL1) & SCTLR_UCT) != 0)) return 0;
      return CTR_EL0_VALUE;
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
    case K_CNTFRQ: {
      if (!el0Gate(key, (sr(SR_CNTKCTL_EL1) & 3) != 0)) return 0;
      return sr(SR_CNTFRQ_EL0);
    }
    case K_CNTPCT: {
      if (!el0Gate(key, (sr(SR_CNTKCTL_EL1) & 1) != 0)) return 0;
      // EL0/EL1 reads of the physical count trap to EL2 unless CNTHCTL_EL2.EL1PCTEN.
      if (el < 2 && haveEl2 && (sr(SR_CNTHCTL_EL2) & 1) == 0 && (sr(SR_HCR_EL2) & HCR_TGE) == 0) {
        trapAccess(key, 2);
        return 0;
      }
      return physicalCount();
    }
    case K_CNTVCT: {
      if (!el0Gate(key, (sr(SR_CNTKCTL_EL1) & 2) != 0)) return 0;
      return haveEl2 ? physicalCount() - sr(SR_CNTVOFF_EL2) : physicalCount();
    }
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
      setSr(SR_HCR_EL2, v);
      updateRegime();
      return;
    case K_CNTFRQ:
      // Writable only at the highest implemented EL (EL2 here, or EL1 without EL2).
      if (el != (haveEl2 ? 2 : 1)) { deny(); return; }
      setSr(SR_CNTFRQ_EL0, v & 0xffffffff);
      return;
    default:
      unimplementedSysreg(key, false);
  }
}

function writeSctlr(slot: i32, v: u64): void {
  setSr(slot, v);
  const was = stage1On;
  updateRegime();
  // Stage 1 translation is the next issue's work: say so visibly instead of silently running flat.
  if (stage1On && !was) logEvent(EV_UNIMPL_FEATURE, FEATURE_STAGE1_MMU, insnPc);
}

/** The PSCI conduit the machine implements (PSCI_* in layout.ts). */
export function psciConduit(): u32 {
  return load<u32>(STATE_BASE + OFF_CFG_PSCI);
}
