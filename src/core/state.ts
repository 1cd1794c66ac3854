// The CPU's architectural state. Almost all of it lives in the state block (layout.ts); the few
// values touched by every instruction are wasm globals, loaded by run() on entry and flushed back
// by flush() before run() returns or the host is called.
import {
  STATE_BASE, OFF_X, OFF_PC, OFF_NZCV, OFF_EL, OFF_SPSEL, OFF_SP_EL0, OFF_SYSREGS, OFF_CFG_HAVE_EL2,
  OFF_CFG_USER_MODE, OFF_CFG_RAM_BASE, OFF_CFG_RAM_SIZE, OFF_LOG_HEAD, OFF_LOG, LOG_CAP, LOG_ENTRY,
  SR_SCTLR_EL1, SR_SCTLR_EL2, SR_HCR_EL2, SR_CPACR_EL1, SR_CPTR_EL2, OFF_INSN_COUNT, OFF_V, OFF_FPSR,
  TLB_BASE, TLB_REGIME_SIZE, RAM_OFFSET,
} from "./layout";

/** Address of the next instruction to fetch. Handlers of branches assign it. */
export let pc: u64 = 0;
/** Address of the instruction being executed (PC as the Arm ARM's pseudocode reads it). */
export let insnPc: u64 = 0;
/** PSTATE.{N,Z,C,V} in bits 31..28. */
export let nzcv: u32 = 0;
/** Instructions retired since reset, including the one executing: the machine's clock. */
export let icount: u64 = 0;
/** Set by a handler that needs run() to return after the current instruction. */
export let stopRun: bool = false;
/** True when instruction fetch must take the slow path (MMU on, PSTATE.IL set, ...). */
export let slowFetch: bool = false;
/**
 * True when every data access must be aligned to its size. With stage 1 translation off, data
 * accesses are to Device-nGnRnE memory, where unaligned accesses fault; SCTLR_ELx.A forces it too.
 */
export let alignStrict: bool = true;
/** True when stage 1 translation is enabled for the current regime. */
export let stage1On: bool = false;
/**
 * Where an SIMD&FP instruction at the current EL traps to (CPACR_EL1.FPEN, CPTR_EL2.TFP), or 0 when
 * it may execute. Recomputed by updateRegime() whenever the EL or those registers change, so the
 * per-instruction check is one global load.
 */
export let fpTrapEl: u32 = 0;
/**
 * The clock value (icount) at which run() must look at asynchronous events before the next
 * instruction: the next timer deadline, or 0 when something that affects interrupt delivery changed
 * (a line, a mask, a routing control). One compare per instruction keeps interrupts cheap.
 */
export let nextEvent: u64 = 0;
/** The clock value at which run()'s inner loop must stop: min(budget end, nextEvent), or 0 to stop now. */
export let runLimit: u64 = 0;
export function setRunLimit(v: u64): void { runLimit = v; }
/** The TLB of the current EL's view of its translation regime (mmu.ts); set by updateRegime(). */
export let tlbBase: usize = TLB_BASE;
/**
 * The run loop's current code page: VA page (with the low bits clear, so a misaligned PC misses) and
 * the addend that turns a PC in it into a RAM offset. FETCH_PAGE_NONE when there is none.
 */
export const FETCH_PAGE_NONE: u64 = 0x800;
export let fetchPage: u64 = FETCH_PAGE_NONE;
export let fetchAddend: u64 = 0;
export function setFetchPage(page: u64, addend: u64): void {
  fetchPage = page;
  fetchAddend = addend;
}
/** Forgets the code page: after a TLB flush, an EL change, or when fetches must take the slow path. */
export function invalidateFetchPage(): void {
  fetchPage = FETCH_PAGE_NONE;
}
/**
 * The word of the instruction being executed, for the instruction syndrome of a stage 2 data abort.
 * It was fetched from the current code page (every fetch from RAM sets it), so it is read back from
 * there rather than kept per instruction.
 */
export function currentInsnWord(): u32 {
  if ((insnPc & ~<u64>0xffc) != fetchPage) return 0;
  return load<u32>(<usize>(RAM_OFFSET + (insnPc + fetchAddend)));
}

// Configuration, cached from the state block at reset.
export let ramBase: u64 = 0;
export let ramSize: u64 = 0;
export let haveEl2: bool = true;
export let userMode: bool = false;

export function loadConfig(): void {
  ramBase = load<u64>(STATE_BASE + OFF_CFG_RAM_BASE);
  ramSize = load<u64>(STATE_BASE + OFF_CFG_RAM_SIZE);
  haveEl2 = load<u32>(STATE_BASE + OFF_CFG_HAVE_EL2) != 0;
  userMode = load<u32>(STATE_BASE + OFF_CFG_USER_MODE) != 0;
}

export function loadHot(): void {
  icount = load<u64>(STATE_BASE + OFF_INSN_COUNT);
  pc = load<u64>(STATE_BASE + OFF_PC);
  nzcv = load<u32>(STATE_BASE + OFF_NZCV);
}

export function flush(): void {
  store<u64>(STATE_BASE + OFF_INSN_COUNT, icount);
  store<u64>(STATE_BASE + OFF_PC, pc);
  store<u32>(STATE_BASE + OFF_NZCV, nzcv);
}

/** Recomputes what depends on the translation regime of the current EL (after EL or SCTLR changes). */
export function updateRegime(): void {
  const el = currentEl();
  const sctlr = el == 2 ? sr(SR_SCTLR_EL2) : sr(SR_SCTLR_EL1);
  stage1On = (sctlr & 1) != 0 && !(el == 0 && haveEl2 && (sr(SR_HCR_EL2) & (1 << 27)) != 0);
  alignStrict = !userMode && (!stage1On || (sctlr & 2) != 0);
  fpTrapEl = computeFpTrapEl(el);
  tlbBase = TLB_BASE + el * TLB_REGIME_SIZE;
  fetchPage = FETCH_PAGE_NONE;
}

/** AArch64.CheckFPAdvSIMDEnabled: the EL an SIMD&FP access at `el` traps to, or 0 if allowed. */
function computeFpTrapEl(el: u32): u32 {
  const tge = haveEl2 && (sr(SR_HCR_EL2) & (1 << 27)) != 0;
  if (el < 2 && !(el == 0 && tge)) {
    // CPACR_EL1.FPEN: 0b11 allows EL0 and EL1, 0b01 only EL1, otherwise both trap to EL1.
    const fpen = <u32>(sr(SR_CPACR_EL1) >> 20) & 3;
    if (fpen != 3 && !(fpen == 1 && el == 1)) return 1;
  }
  if (haveEl2 && (sr(SR_CPTR_EL2) & (1 << 10)) != 0) return 2; // CPTR_EL2.TFP
  return 0;
}

/** Something that can make an interrupt deliverable changed: re-evaluate before the next instruction. */
export function requestEventCheck(): void {
  nextEvent = 0;
  runLimit = 0;
}
export function setNextEvent(v: u64): void { nextEvent = v; }

export function setStopRun(v: bool): void {
  stopRun = v;
  if (v) runLimit = 0;
}
export function setSlowFetch(v: bool): void {
  slowFetch = v;
  if (v) fetchPage = FETCH_PAGE_NONE;
}
export function setPc(v: u64): void { pc = v; }
export function setIcount(v: u64): void { icount = v; }
export function setInsnPc(v: u64): void { insnPc = v; }
export function setNzcv(v: u32): void { nzcv = v; }

// ---- General-purpose registers ---------------------------------------------------------------
// Register number 31 means XZR or SP depending on the encoding; the two accessor pairs say which.

/** Xn, with n == 31 reading as XZR. */
@inline export function X(n: u32): u64 {
  return n == 31 ? 0 : load<u64>(STATE_BASE + OFF_X + (n << 3));
}
/** Xn <- v, with n == 31 discarding the write (XZR). */
@inline export function setX(n: u32, v: u64): void {
  if (n != 31) store<u64>(STATE_BASE + OFF_X + (n << 3), v);
}
/** Wn, zero-extended, n == 31 is WZR. */
@inline export function W(n: u32): u32 {
  return n == 31 ? 0 : load<u32>(STATE_BASE + OFF_X + (n << 3));
}
/** Wn <- v: writes of a W register zero the upper 32 bits. */
@inline export function setW(n: u32, v: u32): void {
  if (n != 31) store<u64>(STATE_BASE + OFF_X + (n << 3), <u64>v);
}
/** Xn with n == 31 reading the current stack pointer. */
@inline export function XSP(n: u32): u64 {
  return load<u64>(STATE_BASE + OFF_X + (n << 3));
}
/** Xn <- v with n == 31 writing the current stack pointer. */
@inline export function setXSP(n: u32, v: u64): void {
  store<u64>(STATE_BASE + OFF_X + (n << 3), v);
}
/** Either view selected by sf: a 64-bit value or a zero-extended 32-bit one. */
@inline export function R(sf: u32, n: u32): u64 {
  return sf ? X(n) : <u64>W(n);
}
/** Writes a result of width sf: 32-bit results are zero-extended. */
@inline export function setR(sf: u32, n: u32, v: u64): void {
  setX(n, sf ? v : (v & 0xffffffff));
}

// ---- PSTATE fields kept in the state block -------------------------------------------------------
@inline export function currentEl(): u32 { return load<u32>(STATE_BASE + OFF_EL); }
@inline export function spSel(): u32 { return load<u32>(STATE_BASE + OFF_SPSEL); }

/** Offset of the banked stack pointer used at exception level el with PSTATE.SP == sel. */
@inline function spBank(el: u32, sel: u32): u32 {
  return STATE_BASE + OFF_SP_EL0 + (sel ? el << 3 : 0);
}

/** Changes PSTATE.EL and PSTATE.SP, moving the stack pointer in and out of its bank. */
export function setElSp(el: u32, sel: u32): void {
  store<u64>(spBank(currentEl(), spSel()), XSP(31));
  store<u32>(STATE_BASE + OFF_EL, el);
  store<u32>(STATE_BASE + OFF_SPSEL, sel);
  setXSP(31, load<u64>(spBank(el, sel)));
  updateRegime();
}

/** Copies the live SP into its bank so the host sees SP_EL0/1/2 current. */
export function flushSp(): void {
  store<u64>(spBank(currentEl(), spSel()), XSP(31));
}

/** Reads SP_ELn for n != current selection (MRS SP_EL0 etc.). */
export function bankedSp(el: u32): u64 {
  const cur = spBank(currentEl(), spSel());
  const want = STATE_BASE + OFF_SP_EL0 + (el << 3);
  return cur == want ? XSP(31) : load<u64>(want);
}
export function setBankedSp(el: u32, v: u64): void {
  const cur = spBank(currentEl(), spSel());
  const want = STATE_BASE + OFF_SP_EL0 + (el << 3);
  if (cur == want) setXSP(31, v);
  else store<u64>(want, v);
}

// ---- SIMD&FP registers ------------------------------------------------------------------------------
// Vn is 128 bits at OFF_V + 16*n. A write of a scalar (B, H, S, D) or of a 64-bit vector result clears
// the bits above it: use setVd/setVq, which zero what they do not write.

/** Linear-memory address of Vn. */
@inline export function vAddr(n: u32): usize { return STATE_BASE + OFF_V + (n << 4); }
/** Bits 63:0 of Vn (Dn). */
@inline export function vLo(n: u32): u64 { return load<u64>(vAddr(n)); }
/** Bits 127:64 of Vn. */
@inline export function vHi(n: u32): u64 { return load<u64>(vAddr(n), 8); }
/** Vn <- hi:lo (a full Q write). */
@inline export function setVq(n: u32, lo: u64, hi: u64): void {
  store<u64>(vAddr(n), lo);
  store<u64>(vAddr(n), hi, 8);
}
/** Vn <- zero-extended v (a write of Dn, or Sn/Hn/Bn with v already zero-extended). */
@inline export function setVd(n: u32, v: u64): void {
  store<u64>(vAddr(n), v);
  store<u64>(vAddr(n), 0, 8);
}
/** All 128 bits of Vn as a wasm v128. */
@inline export function vq(n: u32): v128 { return v128.load(vAddr(n)); }
/** Vn <- v (128 bits). */
@inline export function setVq128(n: u32, v: v128): void { v128.store(vAddr(n), v); }

/** FPSR.QC <- 1: a saturating SIMD instruction saturated (the flag is cumulative). */
@inline export function setQC(): void {
  store<u32>(STATE_BASE + OFF_FPSR, load<u32>(STATE_BASE + OFF_FPSR) | (1 << 27));
}

// ---- System register storage -----------------------------------------------------------------------
@inline export function sr(idx: i32): u64 { return load<u64>(STATE_BASE + OFF_SYSREGS + (idx << 3)); }
@inline export function setSr(idx: i32, v: u64): void { store<u64>(STATE_BASE + OFF_SYSREGS + (idx << 3), v); }

// ---- Event log -----------------------------------------------------------------------------------------
export function logEvent(kind: u32, data: u32, atPc: u64): void {
  const head = load<u32>(STATE_BASE + OFF_LOG_HEAD);
  const e = STATE_BASE + OFF_LOG + (head % LOG_CAP) * LOG_ENTRY;
  store<u32>(e, kind);
  store<u32>(e + 4, data);
  store<u64>(e + 8, atPc);
  store<u32>(STATE_BASE + OFF_LOG_HEAD, head + 1);
}
