// Loads and stores, integer forms (Arm ARM C4.1.x "Loads and Stores"; C6.2 for each instruction).
//
// Each addressing form has one handler; what the access does (store, zero- or sign-extending load,
// pair) lives in one helper per kind below, so a form's handler is only its address arithmetic and
// writeback. Every access goes through readMem/writeMem; when one faults (memFault) the exception has
// already been taken and the handler returns without touching registers.
//
// CONSTRAINED UNPREDICTABLE cases resolve as QEMU 7.2 (qemu-aarch64) does, measured with small test
// programs, so differential tests agree:
//   - load with writeback and Rt == Rn (or Rt2 == Rn): the written-back address wins;
//   - store with writeback and Rt == Rn: the original value of Rn is stored;
//   - LDP/LDNP/LDPSW with Rt == Rt2: Rt gets the first element; LDXP/LDAXP of X registers with
//     Rt == Rt2 gets the second, of W registers the first (it is one 64-bit access there);
//   - STXR/STXP with Rs == Rt, Rt2 or Rn: the store uses the old values, then Rs gets the status.
// One deliberate difference: a Store-Exclusive of another size than the Load-Exclusive (say LDXR X,
// then STXR W) fails here and stores nothing; QEMU 7.2 compares values of different widths and may
// store yet report failure, which no architectural choice allows.
import {
  size, sz, sf, opc0, rs, rt, rt2, rn, rm, optsx, optx, s, imm7, imm9, imm12, imm19,
} from "../generated/fields_ldst";
import { X, setX, setW, XSP, setXSP, insnPc, currentEl } from "../state";
import {
  readMem, writeMem, translateData, memFault, ACC_ALIGNED, ACC_UNPRIV, checkSpAlignment,
  setExclusiveMonitors, exclusiveMonitorsPass,
} from "../mem";

// ---- Shared pieces --------------------------------------------------------------------------------

/**
 * The base register Xn|SP is about to be used: for n == 31 that is SP, and CheckSPAlignment applies.
 * Returns true when an SP alignment fault was taken (the instruction then does nothing more).
 */
@inline export function spFault(n: u32): bool {
  return n == 31 && (XSP(31) & 15) != 0 && checkSpAlignment();
}

/** SignExtend of the low (8 << lg) bits of v. */
@inline function signExtend(v: u64, lg: u32): u64 {
  const sh = <u64>(64 - (8 << lg));
  return <u64>(<i64>(v << sh) >> sh);
}

/** STR{B,H}: Mem[address, 1 << size] = Xt. Returns false if the access faulted. */
@inline function storeReg(i: u32, address: u64, flags: u32): bool {
  writeMem(address, 1 << size(i), X(rt(i)), flags);
  return !memFault;
}

/** LDR{B,H} (W or X): Xt = ZeroExtend(Mem[address, 1 << size]). */
@inline function loadReg(i: u32, address: u64, flags: u32): bool {
  const v = readMem(address, 1 << size(i), flags);
  if (memFault) return false;
  setX(rt(i), v);
  return true;
}

/** LDRS{B,H,W}: sign-extend to X (opc0 = 0) or to W (opc0 = 1, upper half zeroed). */
@inline function loadRegSigned(i: u32, address: u64, flags: u32): bool {
  const lg = size(i);
  const v = readMem(address, 1 << lg, flags);
  if (memFault) return false;
  const e = signExtend(v, lg);
  if (opc0(i)) setW(rt(i), <u32>e);
  else setX(rt(i), e);
  return true;
}

/**
 * The accesses of LDTR/STTR: unprivileged (checked as if at EL0) when executed at EL1. At EL0 they are
 * ordinary accesses anyway, and at EL2 (no VHE, so HCR_EL2.{E2H,TGE} != {1,1}) they are ordinary too.
 */
@inline function unprivFlags(): u32 {
  return currentEl() == 1 ? ACC_UNPRIV : 0;
}

// ---- Load/store register, unsigned (scaled) offset -------------------------------------------------

export function STR_uimm(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  storeReg(i, XSP(n) + (<u64>imm12(i) << size(i)), 0);
}

export function LDR_uimm(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  loadReg(i, XSP(n) + (<u64>imm12(i) << size(i)), 0);
}

export function LDRS_uimm(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  loadRegSigned(i, XSP(n) + (<u64>imm12(i) << size(i)), 0);
}

/** PRFM (immediate), and the other prefetches below: hints, no access, never fault. */
export function PRFM_uimm(i: u32): void {}

// ---- Unscaled 9-bit offset: LDUR/STUR ---------------------------------------------------------------

export function STUR(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  storeReg(i, XSP(n) + <u64>imm9(i), 0);
}

export function LDUR(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  loadReg(i, XSP(n) + <u64>imm9(i), 0);
}

export function LDURS(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  loadRegSigned(i, XSP(n) + <u64>imm9(i), 0);
}

export function PRFUM(i: u32): void {}

// ---- Post-index: access at Xn|SP, then Xn|SP += imm9 ----------------------------------------------

export function STR_post(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n);
  if (storeReg(i, address, 0)) setXSP(n, address + <u64>imm9(i));
}

export function LDR_post(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n);
  if (loadReg(i, address, 0)) setXSP(n, address + <u64>imm9(i));
}

export function LDRS_post(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n);
  if (loadRegSigned(i, address, 0)) setXSP(n, address + <u64>imm9(i));
}

// ---- Pre-index: Xn|SP += imm9, then access there ---------------------------------------------------

export function STR_pre(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n) + <u64>imm9(i);
  if (storeReg(i, address, 0)) setXSP(n, address);
}

export function LDR_pre(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n) + <u64>imm9(i);
  if (loadReg(i, address, 0)) setXSP(n, address);
}

export function LDRS_pre(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n) + <u64>imm9(i);
  if (loadRegSigned(i, address, 0)) setXSP(n, address);
}

// ---- Unprivileged: LDTR/STTR and friends -------------------------------------------------------------

export function STTR(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  storeReg(i, XSP(n) + <u64>imm9(i), unprivFlags());
}

export function LDTR(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  loadReg(i, XSP(n) + <u64>imm9(i), unprivFlags());
}

export function LDTRS(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  loadRegSigned(i, XSP(n) + <u64>imm9(i), unprivFlags());
}

// ---- Register offset ---------------------------------------------------------------------------------

/**
 * ExtendReg(m, option, shift) of the register-offset forms (also used by the SIMD&FP ones): option<0>
 * (whole) takes all of Xm (LSL/UXTX, SXTX), otherwise Wm zero- or sign-extended (UXTW, SXTW).
 */
@inline export function extendRegOffset(m: u32, signed: bool, whole: bool, shift: u32): u64 {
  let off = X(m);
  if (!whole) off = signed ? <u64><i64><i32>off : off & 0xffffffff;
  return off << <u64>shift;
}

/** ExtendReg(m, option, S ? size : 0). */
@inline function regOffset(i: u32): u64 {
  return extendRegOffset(rm(i), optsx(i) != 0, optx(i) != 0, s(i) ? size(i) : 0);
}

export function STR_reg(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  storeReg(i, XSP(n) + regOffset(i), 0);
}

export function LDR_reg(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  loadReg(i, XSP(n) + regOffset(i), 0);
}

export function LDRS_reg(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  loadRegSigned(i, XSP(n) + regOffset(i), 0);
}

export function PRFM_reg(i: u32): void {}

// ---- Literal: PC-relative -----------------------------------------------------------------------------

/** LDR Wt|Xt, label. */
export function LDR_lit(i: u32): void {
  const v = readMem(insnPc + <u64>(imm19(i) << 2), 4 << sz(i), 0);
  if (memFault) return;
  setX(rt(i), v);
}

export function LDRSW_lit(i: u32): void {
  const v = readMem(insnPc + <u64>(imm19(i) << 2), 4, 0);
  if (memFault) return;
  setX(rt(i), signExtend(v, 2));
}

export function PRFM_lit(i: u32): void {}

// ---- Pairs -----------------------------------------------------------------------------------------------

/**
 * STP/STNP: Mem[address] = Rt, Mem[address + esize] = Rt2, two accesses of esize bytes. A faulting STP
 * must not have written its first half: when the pair crosses a page (the smallest translation
 * granule), both halves are translated before anything is written. Within one page the second half
 * cannot fault once the first did not (element alignment follows from the first's).
 */
@inline function storePair(i: u32, address: u64, esize: u32): bool {
  const a = X(rt(i));
  const b = X(rt2(i));
  const second = address + <u64>esize;
  if ((<u32>address & 0xfff) > 0x1000 - (esize << 1)) {
    translateData(address, esize, 0, true);
    if (memFault) return false;
    translateData(second, esize, 0, true);
    if (memFault) return false;
  }
  writeMem(address, esize, a, 0);
  if (memFault) return false;
  writeMem(second, esize, b, 0);
  return !memFault;
}

/** LDP/LDNP/LDPSW: two accesses of esize bytes; registers change only if both succeed. */
@inline function loadPair(i: u32, address: u64, esize: u32, signed: bool): bool {
  let a = readMem(address, esize, 0);
  if (memFault) return false;
  let b = readMem(address + <u64>esize, esize, 0);
  if (memFault) return false;
  if (signed) {
    a = signExtend(a, 2);
    b = signExtend(b, 2);
  }
  setX(rt2(i), b); // Rt last: with Rt == Rt2 it holds the first element, as in QEMU
  setX(rt(i), a);
  return true;
}

/** Element size in bytes of LDP/STP/LDNP/STNP: 4 << opc<1>. */
@inline function pairSize(i: u32): u32 {
  return 4 << sf(i);
}

/** Scaled pair offset: imm7 << log2(esize). */
@inline function pairOffset(i: u32): u64 {
  return <u64>(imm7(i) << (2 + sf(i)));
}

export function STNP(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  storePair(i, XSP(n) + pairOffset(i), pairSize(i));
}

export function LDNP(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  loadPair(i, XSP(n) + pairOffset(i), pairSize(i), false);
}

export function STP_off(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  storePair(i, XSP(n) + pairOffset(i), pairSize(i));
}

export function LDP_off(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  loadPair(i, XSP(n) + pairOffset(i), pairSize(i), false);
}

export function LDPSW_off(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  loadPair(i, XSP(n) + (<u64>imm7(i) << 2), 4, true);
}

export function STP_post(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n);
  if (storePair(i, address, pairSize(i))) setXSP(n, address + pairOffset(i));
}

export function LDP_post(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n);
  if (loadPair(i, address, pairSize(i), false)) setXSP(n, address + pairOffset(i));
}

export function LDPSW_post(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n);
  if (loadPair(i, address, 4, true)) setXSP(n, address + (<u64>imm7(i) << 2));
}

export function STP_pre(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n) + pairOffset(i);
  if (storePair(i, address, pairSize(i))) setXSP(n, address);
}

export function LDP_pre(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n) + pairOffset(i);
  if (loadPair(i, address, pairSize(i), false)) setXSP(n, address);
}

export function LDPSW_pre(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n) + (<u64>imm7(i) << 2);
  if (loadPair(i, address, 4, true)) setXSP(n, address);
}

// ---- Exclusives and acquire/release ------------------------------------------------------------------
// These accesses must be aligned to their size whatever the memory type (ACC_ALIGNED); a pair to
// twice the element size, since it is one single-copy-atomic access. Acquire/release semantics need
// nothing more: the emulator performs memory accesses one at a time in program order.

/** LDXR{B,H}, LDAXR{B,H}: load and mark the physical address in the local monitor. */
export function LDXR(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n);
  const bytes: u32 = 1 << size(i);
  const pa = translateData(address, bytes, ACC_ALIGNED, false);
  if (memFault) return;
  const v = readMem(address, bytes, ACC_ALIGNED);
  if (memFault) return;
  setExclusiveMonitors(pa, bytes);
  setX(rt(i), v);
}

/** STXR{B,H}, STLXR{B,H}: store only if the monitor holds this address and size; Ws = 0 if stored, else 1. */
export function STXR(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n);
  const bytes: u32 = 1 << size(i);
  const data = X(rt(i));
  // Alignment and translation faults are taken whether or not the monitor would pass: the Arm ARM
  // leaves it IMPLEMENTATION DEFINED (AArch64.IsExclusiveVA) whether a failing STXR translates.
  const pa = translateData(address, bytes, ACC_ALIGNED, true);
  if (memFault) return;
  let status: u32 = 1;
  if (exclusiveMonitorsPass(pa, bytes)) {
    writeMem(address, bytes, data, ACC_ALIGNED);
    if (memFault) return;
    status = 0;
  }
  setW(rs(i), status);
}

/** LDXP/LDAXP: one single-copy-atomic access of 8 (W pair) or 16 (X pair) bytes. */
export function LDXP(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n);
  const t = rt(i);
  const t2 = rt2(i);
  if (sz(i)) {
    const pa = translateData(address, 16, ACC_ALIGNED, false);
    if (memFault) return;
    const a = readMem(address, 8, ACC_ALIGNED);
    if (memFault) return;
    const b = readMem(address + 8, 8, ACC_ALIGNED);
    if (memFault) return;
    setExclusiveMonitors(pa, 16);
    setX(t, a);
    setX(t2, b); // with Rt == Rt2 the second element wins, as in QEMU
  } else {
    const pa = translateData(address, 8, ACC_ALIGNED, false);
    if (memFault) return;
    const v = readMem(address, 8, ACC_ALIGNED);
    if (memFault) return;
    setExclusiveMonitors(pa, 8);
    setX(t2, v >>> 32);
    setX(t, v & 0xffffffff); // with Rt == Rt2 the first element wins, as in QEMU
  }
}

/** STXP/STLXP: the pair as one access of 8 or 16 bytes, Rt at the lower address. */
export function STXP(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n);
  const a = X(rt(i));
  const b = X(rt2(i));
  const bytes: u32 = sz(i) ? 16 : 8;
  const pa = translateData(address, bytes, ACC_ALIGNED, true);
  if (memFault) return;
  let status: u32 = 1;
  if (exclusiveMonitorsPass(pa, bytes)) {
    if (sz(i)) {
      // Both halves lie in one aligned 16-byte block, so in one page: the second cannot fault.
      writeMem(address, 8, a, ACC_ALIGNED);
      if (memFault) return;
      writeMem(address + 8, 8, b, ACC_ALIGNED);
    } else {
      writeMem(address, 8, (b << 32) | (a & 0xffffffff), ACC_ALIGNED);
    }
    if (memFault) return;
    status = 0;
  }
  setW(rs(i), status);
}

/** LDAR{B,H}. */
export function LDAR(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const v = readMem(XSP(n), 1 << size(i), ACC_ALIGNED);
  if (memFault) return;
  setX(rt(i), v);
}

/** STLR{B,H}. */
export function STLR(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  writeMem(XSP(n), 1 << size(i), X(rt(i)), ACC_ALIGNED);
}
