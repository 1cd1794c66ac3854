// Floating-point pseudocode of the Arm ARM (shared/functions/float/*) for single and double precision,
// on raw bit patterns. Everything here works on the bits as u64 (a single-precision value sits in the
// low 32 bits), never on wasm f32/f64 arithmetic: wasm leaves NaN payloads and signs nondeterministic,
// the architecture defines them exactly. (softfloat.ts's native fast path is the one place that uses
// wasm arithmetic, only where it provably gives the architecture's bits and flags.) The later rounding
// core reuses FPUnpack/FPProcessNaN(s) and the flag helpers from here.
//
// A format is named by `dbl`: false = single precision (N = 32), true = double precision (N = 64).
// ARMv8.0 has no trapped floating-point exceptions in our model (FPCR.{IOE..IDE} are RES0 on Cortex-A57
// class cores), so FPProcessException reduces to setting the cumulative FPSR bit.
import { STATE_BASE, OFF_FPCR, OFF_FPSR } from "./layout";

// ---- FPCR / FPSR -----------------------------------------------------------------------------------

export const FPCR_DN: u32 = 1 << 25;
export const FPCR_FZ: u32 = 1 << 24;
export const FPCR_RMODE: u32 = 3 << 22;

export const FPSR_IOC: u32 = 1 << 0;
export const FPSR_DZC: u32 = 1 << 1;
export const FPSR_OFC: u32 = 1 << 2;
export const FPSR_UFC: u32 = 1 << 3;
export const FPSR_IXC: u32 = 1 << 4;
export const FPSR_IDC: u32 = 1 << 7;

@inline export function fpcr(): u32 { return load<u32>(STATE_BASE + OFF_FPCR); }
@inline export function fpsr(): u32 { return load<u32>(STATE_BASE + OFF_FPSR); }

/** FPProcessException with the trap disabled: the cumulative FPSR flag is set. */
@inline export function fpException(flag: u32): void {
  store<u32>(STATE_BASE + OFF_FPSR, load<u32>(STATE_BASE + OFF_FPSR) | flag);
}

// ---- Formats ---------------------------------------------------------------------------------------

/** The sign bit of the format. */
@inline export function fpSignBit(dbl: bool): u64 { return dbl ? <u64>1 << 63 : <u64>1 << 31; }
/** The exponent field, all ones. */
@inline function expMask(dbl: bool): u64 { return dbl ? <u64>0x7ff0000000000000 : <u64>0x7f800000; }
/** The fraction field, all ones. */
@inline function fracMask(dbl: bool): u64 { return dbl ? <u64>0x000fffffffffffff : <u64>0x007fffff; }
/** The top fraction bit: set in a quiet NaN, clear in a signalling one. */
@inline function quietBit(dbl: bool): u64 { return dbl ? <u64>0x0008000000000000 : <u64>0x00400000; }

/** FPZero(sign). */
@inline export function fpZero(sign: bool, dbl: bool): u64 { return sign ? fpSignBit(dbl) : 0; }
/** FPInfinity(sign). */
@inline export function fpInfinity(sign: bool, dbl: bool): u64 { return expMask(dbl) | (sign ? fpSignBit(dbl) : 0); }
/** FPDefaultNaN(): positive, quiet, fraction 100..0. */
@inline export function fpDefaultNaN(dbl: bool): u64 { return expMask(dbl) | quietBit(dbl); }
/** FPAbs: the sign bit cleared (no exception, no flushing, NaNs keep their payload). */
@inline export function fpAbs(x: u64, dbl: bool): u64 { return x & ~fpSignBit(dbl); }
/** FPNeg: the sign bit inverted (no exception, no flushing). */
@inline export function fpNeg(x: u64, dbl: bool): u64 { return x ^ fpSignBit(dbl); }

// ---- FPUnpack --------------------------------------------------------------------------------------

// FPType
export const FP_ZERO: u32 = 0;
export const FP_DENORMAL: u32 = 1; // (the pseudocode's FPType_Nonzero with a zero exponent)
export const FP_NONZERO: u32 = 2;
export const FP_INFINITY: u32 = 3;
export const FP_QNAN: u32 = 4;
export const FP_SNAN: u32 = 5;

/** The classification of x, without flushing (no side effects). */
export function fpClassify(x: u64, dbl: bool): u32 {
  const e = x & expMask(dbl);
  const f = x & fracMask(dbl);
  if (e == 0) return f == 0 ? FP_ZERO : FP_DENORMAL;
  if (e == expMask(dbl)) {
    if (f == 0) return FP_INFINITY;
    return (f & quietBit(dbl)) != 0 ? FP_QNAN : FP_SNAN;
  }
  return FP_NONZERO;
}

/**
 * FPUnpack(fpval, fpcr): the type of x after input flushing, which it applies: with FPCR.FZ set a
 * denormal is treated as a zero of the same sign and FPSR.IDC is set (FPExc_InputDenorm). The value
 * itself is not returned: callers that need it use fpFlushed().
 */
export function fpUnpack(x: u64, dbl: bool, cr: u32): u32 {
  const t = fpClassify(x, dbl);
  if (t == FP_DENORMAL) {
    if (cr & FPCR_FZ) {
      fpException(FPSR_IDC);
      return FP_ZERO;
    }
    return FP_NONZERO;
  }
  return t;
}

/** The bits of x as FPUnpack sees its value: a denormal under FPCR.FZ becomes a zero of its sign. */
@inline export function fpFlushed(x: u64, dbl: bool, cr: u32): u64 {
  if ((cr & FPCR_FZ) != 0 && (x & expMask(dbl)) == 0) return x & fpSignBit(dbl);
  return x;
}

/**
 * A key whose signed integer order is the real-number order of non-NaN values (after flushing):
 * sign-magnitude to two's complement, with both zeros at 0.
 */
@inline function orderKey(x: u64, dbl: bool): i64 {
  const mag = <i64>(x & ~fpSignBit(dbl));
  return (x & fpSignBit(dbl)) != 0 ? -mag : mag;
}

// ---- NaN handling ----------------------------------------------------------------------------------

/** FPProcessNaN(type, op, fpcr): a signalling NaN is quieted (IOC); FPCR.DN gives the default NaN. */
export function fpProcessNaN(t: u32, x: u64, dbl: bool, cr: u32): u64 {
  let r = x;
  if (t == FP_SNAN) {
    r |= quietBit(dbl);
    fpException(FPSR_IOC);
  }
  return (cr & FPCR_DN) != 0 ? fpDefaultNaN(dbl) : r;
}

/** Set by fpProcessNaNs: whether an operand was a NaN (the pseudocode's `done`). */
export let fpNaNDone: bool = false;

/**
 * FPProcessNaNs(type1, type2, op1, op2, fpcr): signalling NaNs take priority over quiet ones, op1 over
 * op2. Returns the result and sets fpNaNDone when either operand is a NaN.
 */
export function fpProcessNaNs(t1: u32, t2: u32, a: u64, b: u64, dbl: bool, cr: u32): u64 {
  fpNaNDone = true;
  if (t1 == FP_SNAN) return fpProcessNaN(t1, a, dbl, cr);
  if (t2 == FP_SNAN) return fpProcessNaN(t2, b, dbl, cr);
  if (t1 == FP_QNAN) return fpProcessNaN(t1, a, dbl, cr);
  if (t2 == FP_QNAN) return fpProcessNaN(t2, b, dbl, cr);
  fpNaNDone = false;
  return 0;
}

@inline function isNaNType(t: u32): bool { return t >= FP_QNAN; }

// ---- Comparisons -----------------------------------------------------------------------------------

/**
 * FPCompare(op1, op2, signal_nans, fpcr): NZCV in bits 3:0 — unordered 0011, equal 0110, less 1000,
 * greater 0010. A signalling NaN always raises Invalid Operation; a quiet NaN only when signal_nans
 * (FCMPE, FCCMPE).
 */
export function fpCompare(a: u64, b: u64, signalNaNs: bool, dbl: bool, cr: u32): u32 {
  const t1 = fpUnpack(a, dbl, cr);
  const t2 = fpUnpack(b, dbl, cr);
  if (isNaNType(t1) || isNaNType(t2)) {
    if (t1 == FP_SNAN || t2 == FP_SNAN || signalNaNs) fpException(FPSR_IOC);
    return 0b0011;
  }
  const k1 = orderKey(fpFlushed(a, dbl, cr), dbl);
  const k2 = orderKey(fpFlushed(b, dbl, cr), dbl);
  if (k1 == k2) return 0b0110;
  return k1 < k2 ? 0b1000 : 0b0010;
}

/** FPCompareEQ: false if unordered; only a signalling NaN raises Invalid Operation. */
export function fpCompareEQ(a: u64, b: u64, dbl: bool, cr: u32): bool {
  const t1 = fpUnpack(a, dbl, cr);
  const t2 = fpUnpack(b, dbl, cr);
  if (isNaNType(t1) || isNaNType(t2)) {
    if (t1 == FP_SNAN || t2 == FP_SNAN) fpException(FPSR_IOC);
    return false;
  }
  return orderKey(fpFlushed(a, dbl, cr), dbl) == orderKey(fpFlushed(b, dbl, cr), dbl);
}

/** FPCompareGE (gt = false) / FPCompareGT (gt = true): false if unordered; any NaN raises Invalid Operation. */
export function fpCompareGx(a: u64, b: u64, gt: bool, dbl: bool, cr: u32): bool {
  const t1 = fpUnpack(a, dbl, cr);
  const t2 = fpUnpack(b, dbl, cr);
  if (isNaNType(t1) || isNaNType(t2)) {
    fpException(FPSR_IOC);
    return false;
  }
  const k1 = orderKey(fpFlushed(a, dbl, cr), dbl);
  const k2 = orderKey(fpFlushed(b, dbl, cr), dbl);
  return gt ? k1 > k2 : k1 >= k2;
}

// ---- Maximum and minimum ---------------------------------------------------------------------------

/**
 * FPMax (isMax) / FPMin. NaNs go through FPProcessNaNs; otherwise the larger (smaller) operand, where
 * between two zeros max gives -0 only if both are -0 and min gives +0 only if both are +0. A non-zero
 * finite result is an input value, so FPRound returns it unchanged and raises nothing (a denormal
 * result is exact, so no Underflow; under FZ denormal inputs were flushed to zeros already).
 */
export function fpMaxMin(a: u64, b: u64, isMax: bool, dbl: bool, cr: u32): u64 {
  const t1 = fpUnpack(a, dbl, cr);
  const t2 = fpUnpack(b, dbl, cr);
  const n = fpProcessNaNs(t1, t2, a, b, dbl, cr);
  if (fpNaNDone) return n;
  const x = fpFlushed(a, dbl, cr);
  const y = fpFlushed(b, dbl, cr);
  const k1 = orderKey(x, dbl);
  const k2 = orderKey(y, dbl);
  const pick1 = isMax ? k1 > k2 : k1 < k2;
  const r = pick1 ? x : y;
  if ((r & ~fpSignBit(dbl)) == 0) {
    // Both zero, or the selected one is: the most positive (max) / most negative (min) sign.
    const s1 = (x & fpSignBit(dbl)) != 0;
    const s2 = (y & fpSignBit(dbl)) != 0;
    return fpZero(isMax ? s1 && s2 : s1 || s2, dbl);
  }
  return r;
}

/**
 * FPMaxNum (isMax) / FPMinNum: a single quiet NaN operand is replaced by -Infinity (max) or +Infinity
 * (min) so the numeric operand wins; two quiet NaNs, or any signalling NaN, go through FPMax/FPMin.
 */
export function fpMaxMinNum(a: u64, b: u64, isMax: bool, dbl: bool, cr: u32): u64 {
  const t1 = fpUnpack(a, dbl, cr);
  const t2 = fpUnpack(b, dbl, cr);
  let x = a;
  let y = b;
  if (t1 == FP_QNAN && t2 != FP_QNAN) x = fpInfinity(isMax, dbl);
  else if (t1 != FP_QNAN && t2 == FP_QNAN) y = fpInfinity(isMax, dbl);
  return fpMaxMin(x, y, isMax, dbl, cr);
}
