// The exact floating-point arithmetic of the Arm ARM (shared/functions/float/*): FPRound (FPRoundBase)
// and FPAdd/FPSub, FPMul, FPDiv, FPSqrt and FPMulAdd, for single and double precision, on raw bits.
//
// Written from the pseudocode, which works on real numbers: here a non-zero real is held as a sign, an
// exponent and an integer significand in a u64 whose leading one sits at bit 62 (bit 63 is headroom for
// a carry), so the value is sig / 2^62 * 2^exp. Bits that an operation shifts out below bit 0 are ORed
// into bit 0 ("sticky"): every format keeps at least 9 bits below its last significand bit, so a sticky
// bit changes neither the rounding direction nor the exactness test of FPRound. Products and the fused
// multiply-add keep 128 bits (hi:lo) because AssemblyScript has no u128.
//
// Nothing here uses wasm f32/f64 arithmetic: wasm rounds only to nearest and leaves NaN bits
// nondeterministic, while the architecture defines every bit and flag.
//
// ARMv8.0 without FEAT_AFP: FPCR.AH does not exist, tininess is detected before rounding, and FPCR.FZ
// flushes tiny single/double results to zero (raising Underflow, not Inexact).
import {
  FPCR_FZ, FPSR_IOC, FPSR_DZC, FPSR_OFC, FPSR_UFC, FPSR_IXC,
  FP_ZERO, FP_INFINITY, FP_QNAN, FP_SNAN,
  fpException, fpUnpack, fpProcessNaN, fpProcessNaNs, fpNaNDone, fpDefaultNaN, fpZero, fpInfinity, fpSignBit,
} from "./fp";

// FPCR.RMode (bits 23:22) values.
export const FPRounding_TIEEVEN: u32 = 0;
export const FPRounding_POSINF: u32 = 1;
export const FPRounding_NEGINF: u32 = 2;
export const FPRounding_ZERO: u32 = 3;

/** FPRoundingMode(fpcr): FPCR.RMode. */
@inline export function fpRoundingMode(cr: u32): u32 { return (cr >> 22) & 3; }

// ---- FPRound ---------------------------------------------------------------------------------------

/** A sticky right shift: sig >> s with every bit shifted out ORed into bit 0. */
@inline function shrSticky(sig: u64, s: i32): u64 {
  if (s <= 0) return sig;
  if (s >= 63) return sig != 0 ? 1 : 0;
  return (sig >> <u64>s) | ((sig << <u64>(64 - s)) != 0 ? 1 : 0);
}

/**
 * FPRoundBase for a format with F fraction bits and E exponent bits (half: 10/5, single: 23/8,
 * double: 52/11), IEEE layout (no FPCR.AHP alternative half). `sig` is non-zero, any bit position:
 * the value is sig / 2^62 * 2^exp. `flush` says whether FPCR.FZ applies to this format (not half).
 */
export function fpRoundFormat(sign: bool, exp: i32, sig: u64, F: i32, E: i32, flush: bool, cr: u32, rounding: u32): u64 {
  // NormalizeReal: the leading one to bit 62.
  if ((sig >> 63) != 0) {
    sig = (sig >> 1) | (sig & 1);
    exp += 1;
  } else {
    const lz = <i32>clz(sig) - 1;
    sig <<= <u64>lz;
    exp -= lz;
  }
  const minExp: i32 = 2 - (1 << (E - 1)); // -14, -126, -1022
  const signBits: u64 = sign ? <u64>1 << <u64>(F + E) : 0;
  if (flush && (cr & FPCR_FZ) != 0 && exp < minExp) {
    // Flush-to-zero of a tiny result: Underflow without Inexact.
    fpException(FPSR_UFC);
    return signBits;
  }
  let biasedExp: i32 = exp - minExp + 1;
  if (biasedExp <= 0) {
    // Denormal: the significand scaled by 2^(exp - minExp).
    sig = shrSticky(sig, 1 - biasedExp);
    biasedExp = 0;
  }
  const gbits: u64 = <u64>(62 - F); // bits below the last significand bit
  let intMant: u64 = sig >> gbits;
  const rest: u64 = sig & ((<u64>1 << gbits) - 1);
  const half: u64 = <u64>1 << (gbits - 1);
  let inexact = rest != 0;
  if (biasedExp == 0 && inexact) fpException(FPSR_UFC);
  let roundUp = false;
  let overflowToInf = false;
  switch (rounding) {
    case FPRounding_TIEEVEN:
      roundUp = rest > half || (rest == half && (intMant & 1) != 0);
      overflowToInf = true;
      break;
    case FPRounding_POSINF:
      roundUp = inexact && !sign;
      overflowToInf = !sign;
      break;
    case FPRounding_NEGINF:
      roundUp = inexact && sign;
      overflowToInf = sign;
      break;
    default:
      break;
  }
  if (roundUp) {
    intMant += 1;
    if (intMant == (<u64>1 << <u64>F)) biasedExp = 1; // a denormal rounded up to the smallest normal
    if (intMant == (<u64>1 << <u64>(F + 1))) {
      biasedExp += 1;
      intMant >>= 1;
    }
  }
  let result: u64;
  if (biasedExp >= (1 << E) - 1) {
    const expAll: u64 = ((<u64>1 << <u64>E) - 1) << <u64>F;
    // Infinity, or the largest finite value (all ones but the exponent's lowest bit).
    result = overflowToInf ? signBits | expAll : signBits | (expAll - 1);
    fpException(FPSR_OFC);
    inexact = true;
  } else {
    result = signBits | (<u64>biasedExp << <u64>F) | (intMant & ((<u64>1 << <u64>F) - 1));
  }
  if (inexact) fpException(FPSR_IXC);
  return result;
}

/** FPRound(value, fpcr, rounding) for single (dbl = false) or double precision. */
@inline export function fpRound(sign: bool, exp: i32, sig: u64, dbl: bool, cr: u32, rounding: u32): u64 {
  return dbl ? fpRoundFormat(sign, exp, sig, 52, 11, true, cr, rounding) : fpRoundFormat(sign, exp, sig, 23, 8, true, cr, rounding);
}

/**
 * FPRound to IEEE half precision (FPCR.AHP = 0), for the FCVT family; FPCR.FZ does not apply to half
 * in ARMv8.0. Not used or verified yet: the single/double paths of fpRoundFormat are swept against
 * qemu-aarch64 (tests/unit/fp_arith.test.ts), this one needs its own sweep when FCVT lands.
 */
@inline export function fpRoundHalf(sign: bool, exp: i32, sig: u64, cr: u32, rounding: u32): u64 {
  return fpRoundFormat(sign, exp, sig, 10, 5, false, cr, rounding);
}

// ---- Unpacking values ------------------------------------------------------------------------------

// The value of the last fpValue call.
let vSign: bool = false;
let vExp: i32 = 0;
let vSig: u64 = 0;

/**
 * The real value of a non-zero finite x (FPUnpack's value, for a type FP_NONZERO — a denormal only when
 * not flushed) into vSign/vExp/vSig, normalized so the leading one is at bit 62.
 */
function fpValue(x: u64, dbl: bool): void {
  const F: i32 = dbl ? 52 : 23;
  const E: i32 = dbl ? 11 : 8;
  const minExp: i32 = 2 - (1 << (E - 1));
  const biased = <i32>((x >> <u64>F) & ((<u64>1 << <u64>E) - 1));
  let m: u64 = x & ((<u64>1 << <u64>F) - 1);
  let e: i32;
  if (biased == 0) {
    e = minExp;
  } else {
    m |= <u64>1 << <u64>F;
    e = biased - (1 << (E - 1)) + 1;
  }
  // m * 2^(e - F); with the leading one at bit p, the value's exponent is e - F + p.
  const p = 63 - <i32>clz(m);
  vSig = m << <u64>(62 - p);
  vExp = e - F + p;
  vSign = (x & fpSignBit(dbl)) != 0;
}

// ---- 64 x 64 -> 128 multiply ---------------------------------------------------------------------------

let mulHi: u64 = 0;
let mulLo: u64 = 0;

/** The 128-bit product a * b into mulHi:mulLo, from 32-bit halves. */
function mul128(a: u64, b: u64): void {
  const a0 = a & 0xffffffff;
  const a1 = a >> 32;
  const b0 = b & 0xffffffff;
  const b1 = b >> 32;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  // The middle column: at most 3 * (2^32 - 1), so its carry fits easily.
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  mulLo = (mid << 32) | (p00 & 0xffffffff);
  mulHi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

// ---- FPAdd / FPSub ---------------------------------------------------------------------------------

/** FPAdd(op1, op2, fpcr), or FPSub when sub (op2's sign inverted after NaN handling). */
export function fpAdd(a: u64, b: u64, sub: bool, dbl: bool, cr: u32): u64 {
  const rounding = fpRoundingMode(cr);
  const t1 = fpUnpack(a, dbl, cr);
  const t2 = fpUnpack(b, dbl, cr);
  const n = fpProcessNaNs(t1, t2, a, b, dbl, cr);
  if (fpNaNDone) return n;
  const sign1 = (a & fpSignBit(dbl)) != 0;
  const sign2 = ((b & fpSignBit(dbl)) != 0) != sub;
  const inf1 = t1 == FP_INFINITY;
  const inf2 = t2 == FP_INFINITY;
  const zero1 = t1 == FP_ZERO;
  const zero2 = t2 == FP_ZERO;
  if (inf1 && inf2 && sign1 != sign2) {
    fpException(FPSR_IOC);
    return fpDefaultNaN(dbl);
  }
  if (inf1 || inf2) return fpInfinity(inf1 ? sign1 : sign2, dbl);
  if (zero1 && zero2 && sign1 == sign2) return fpZero(sign1, dbl);
  if (zero1 || zero2) {
    if (zero1 && zero2) return fpZero(rounding == FPRounding_NEGINF, dbl);
    // x + 0: FPRound of x itself (exact; a denormal x is not tiny-and-inexact).
    fpValue(zero1 ? b : a, dbl);
    return fpRound(zero1 ? sign2 : sign1, vExp, vSig, dbl, cr, rounding);
  }
  fpValue(a, dbl);
  let sA = sign1;
  let eA = vExp;
  let mA = vSig;
  fpValue(b, dbl);
  let sB = sign2;
  let eB = vExp;
  let mB = vSig;
  if (eA < eB || (eA == eB && mA < mB)) {
    // The larger magnitude first, so the difference is non-negative.
    const ts = sA; sA = sB; sB = ts;
    const te = eA; eA = eB; eB = te;
    const tm = mA; mA = mB; mB = tm;
  }
  mB = shrSticky(mB, eA - eB);
  let m: u64;
  if (sA == sB) {
    m = mA + mB; // < 2^64: both < 2^63
  } else {
    m = mA - mB;
    if (m == 0) return fpZero(rounding == FPRounding_NEGINF, dbl);
  }
  return fpRound(sA, eA, m, dbl, cr, rounding);
}

// ---- FPMul -----------------------------------------------------------------------------------------

/** FPMul(op1, op2, fpcr). */
export function fpMul(a: u64, b: u64, dbl: bool, cr: u32): u64 {
  const t1 = fpUnpack(a, dbl, cr);
  const t2 = fpUnpack(b, dbl, cr);
  const n = fpProcessNaNs(t1, t2, a, b, dbl, cr);
  if (fpNaNDone) return n;
  const sign = ((a ^ b) & fpSignBit(dbl)) != 0;
  const inf1 = t1 == FP_INFINITY;
  const inf2 = t2 == FP_INFINITY;
  const zero1 = t1 == FP_ZERO;
  const zero2 = t2 == FP_ZERO;
  if ((inf1 && zero2) || (zero1 && inf2)) {
    fpException(FPSR_IOC);
    return fpDefaultNaN(dbl);
  }
  if (inf1 || inf2) return fpInfinity(sign, dbl);
  if (zero1 || zero2) return fpZero(sign, dbl);
  fpValue(a, dbl);
  const e1 = vExp;
  const m1 = vSig;
  fpValue(b, dbl);
  mul128(m1, vSig);
  // The product is in [2^124, 2^126): keep bits 127:62 (as a value with the leading one at 62 or 63)
  // and fold the rest into the sticky bit.
  const sig = (mulHi << 2) | (mulLo >> 62) | ((mulLo & ((<u64>1 << 62) - 1)) != 0 ? 1 : 0);
  return fpRound(sign, e1 + vExp, sig, dbl, cr, fpRoundingMode(cr));
}

// ---- FPDiv -----------------------------------------------------------------------------------------

/** FPDiv(op1, op2, fpcr). */
export function fpDiv(a: u64, b: u64, dbl: bool, cr: u32): u64 {
  const t1 = fpUnpack(a, dbl, cr);
  const t2 = fpUnpack(b, dbl, cr);
  const n = fpProcessNaNs(t1, t2, a, b, dbl, cr);
  if (fpNaNDone) return n;
  const sign = ((a ^ b) & fpSignBit(dbl)) != 0;
  const inf1 = t1 == FP_INFINITY;
  const inf2 = t2 == FP_INFINITY;
  const zero1 = t1 == FP_ZERO;
  const zero2 = t2 == FP_ZERO;
  if ((inf1 && inf2) || (zero1 && zero2)) {
    fpException(FPSR_IOC);
    return fpDefaultNaN(dbl);
  }
  if (inf1 || zero2) {
    if (!inf1) fpException(FPSR_DZC);
    return fpInfinity(sign, dbl);
  }
  if (zero1 || inf2) return fpZero(sign, dbl);
  fpValue(a, dbl);
  const e1 = vExp;
  let rem = vSig;
  fpValue(b, dbl);
  const d = vSig;
  // Restoring division: q = floor(m1 / m2 * 2^62), one quotient bit per step; rem < 2 * d < 2^64.
  let q: u64 = 0;
  for (let k = 0; k < 63; k++) {
    q <<= 1;
    if (rem >= d) {
      rem -= d;
      q |= 1;
    }
    rem <<= 1;
  }
  return fpRound(sign, e1 - vExp, q | (rem != 0 ? 1 : 0), dbl, cr, fpRoundingMode(cr));
}

// ---- FPSqrt ----------------------------------------------------------------------------------------

/** FPSqrt(op, fpcr). */
export function fpSqrt(a: u64, dbl: bool, cr: u32): u64 {
  const t = fpUnpack(a, dbl, cr);
  if (t == FP_SNAN || t == FP_QNAN) return fpProcessNaN(t, a, dbl, cr);
  const sign = (a & fpSignBit(dbl)) != 0;
  if (t == FP_ZERO) return fpZero(sign, dbl);
  if (t == FP_INFINITY && !sign) return fpInfinity(false, dbl);
  if (sign) {
    fpException(FPSR_IOC);
    return fpDefaultNaN(dbl);
  }
  fpValue(a, dbl);
  // value = m * 2^e with m = sig / 2^62 in [1, 2). With e even, sqrt = sqrt(m) * 2^(e/2); with e odd,
  // sqrt(2m) * 2^((e-1)/2). The root r of M = m * 2^124 (or 2m * 2^124), a 128-bit integer
  // (sig << 62 or sig << 63), has its leading one at bit 62.
  let e = vExp;
  let mHi: u64;
  let mLo: u64;
  if ((e & 1) != 0) {
    e -= 1;
    mHi = vSig >> 1;
    mLo = vSig << 63;
  } else {
    mHi = vSig >> 2;
    mLo = vSig << 62;
  }
  // r = floor(sqrt(M)), bit by bit from the top: keep a bit if the square stays <= M.
  let r: u64 = 0;
  for (let bit = 62; bit >= 0; bit--) {
    const t2 = r | (<u64>1 << <u64>bit);
    mul128(t2, t2);
    if (mulHi < mHi || (mulHi == mHi && mulLo <= mLo)) r = t2;
  }
  mul128(r, r);
  const exact = mulHi == mHi && mulLo == mLo;
  return fpRound(false, e >> 1, r | (exact ? 0 : 1), dbl, cr, fpRoundingMode(cr));
}

// ---- FPMulAdd --------------------------------------------------------------------------------------

/**
 * FPMulAdd(addend, op1, op2, fpcr): addend + op1 * op2 with a single rounding. NaNs are chosen by
 * FPProcessNaNs3 (signalling before quiet, in the order addend, op1, op2), except that a quiet NaN
 * addend with 0 * inf gives the default NaN and Invalid Operation.
 */
export function fpMulAdd(c: u64, a: u64, b: u64, dbl: bool, cr: u32): u64 {
  const rounding = fpRoundingMode(cr);
  const tA = fpUnpack(c, dbl, cr);
  const t1 = fpUnpack(a, dbl, cr);
  const t2 = fpUnpack(b, dbl, cr);
  const inf1 = t1 == FP_INFINITY;
  const inf2 = t2 == FP_INFINITY;
  const zero1 = t1 == FP_ZERO;
  const zero2 = t2 == FP_ZERO;
  const invalidProduct = (inf1 && zero2) || (zero1 && inf2);
  // FPProcessNaNs3.
  let nan: u64 = 0;
  let done = true;
  if (tA == FP_SNAN) nan = fpProcessNaN(tA, c, dbl, cr);
  else if (t1 == FP_SNAN) nan = fpProcessNaN(t1, a, dbl, cr);
  else if (t2 == FP_SNAN) nan = fpProcessNaN(t2, b, dbl, cr);
  else if (tA == FP_QNAN) nan = fpProcessNaN(tA, c, dbl, cr);
  else if (t1 == FP_QNAN) nan = fpProcessNaN(t1, a, dbl, cr);
  else if (t2 == FP_QNAN) nan = fpProcessNaN(t2, b, dbl, cr);
  else done = false;
  if (tA == FP_QNAN && invalidProduct) {
    fpException(FPSR_IOC);
    return fpDefaultNaN(dbl);
  }
  if (done) return nan;
  const signA = (c & fpSignBit(dbl)) != 0;
  const signP = ((a ^ b) & fpSignBit(dbl)) != 0;
  const infA = tA == FP_INFINITY;
  const zeroA = tA == FP_ZERO;
  const infP = inf1 || inf2;
  const zeroP = zero1 || zero2;
  if (invalidProduct || (infA && infP && signA != signP)) {
    fpException(FPSR_IOC);
    return fpDefaultNaN(dbl);
  }
  if (infA || infP) return fpInfinity(infA ? signA : signP, dbl);
  if (zeroA && zeroP) return fpZero(signA == signP ? signA : rounding == FPRounding_NEGINF, dbl);
  if (zeroP) {
    // addend + 0: FPRound of the addend (exact).
    fpValue(c, dbl);
    return fpRound(signA, vExp, vSig, dbl, cr, rounding);
  }
  // The exact product, 128 bits with its leading one at bit 124 or 125: value P / 2^124 * 2^eP.
  fpValue(a, dbl);
  const e1 = vExp;
  const m1 = vSig;
  fpValue(b, dbl);
  mul128(m1, vSig);
  const pHi = mulHi;
  const pLo = mulLo;
  const eP = e1 + vExp;
  if (zeroA) {
    const sig = (pHi << 2) | (pLo >> 62) | ((pLo & ((<u64>1 << 62) - 1)) != 0 ? 1 : 0);
    return fpRound(signP, eP, sig, dbl, cr, rounding);
  }
  fpValue(c, dbl);
  // The addend on the same scale: its leading one at bit 124.
  const cHi: u64 = vSig >> 2;
  const cLo: u64 = vSig << 62;
  const eC = vExp;
  // Order by magnitude (exponent of bit 124, then the bits), the larger as x.
  let xHi = pHi, xLo = pLo, xE = eP, xS = signP;
  let yHi = cHi, yLo = cLo, yE = eC, yS = signA;
  // Normalize the product's leading one to bit 124 when it is at 125, for a fair comparison.
  if ((xHi >> 61) != 0) {
    xLo = (xLo >> 1) | (xHi << 63) | (xLo & 1);
    xHi >>= 1;
    xE += 1;
  }
  if (yE > xE || (yE == xE && (yHi > xHi || (yHi == xHi && yLo > xLo)))) {
    let t: u64 = xHi; xHi = yHi; yHi = t;
    t = xLo; xLo = yLo; yLo = t;
    const te = xE; xE = yE; yE = te;
    const ts = xS; xS = yS; yS = ts;
  }
  // Shift y right by the exponent difference, sticky into bit 0.
  const s = xE - yE;
  if (s > 0) {
    if (s >= 127) {
      const any = (yHi | yLo) != 0;
      yHi = 0;
      yLo = any ? 1 : 0;
    } else if (s >= 64) {
      const lost = yLo != 0 || (s > 64 && (yHi << <u64>(128 - s)) != 0);
      yLo = (yHi >> <u64>(s - 64)) | (lost ? 1 : 0);
      yHi = 0;
    } else {
      const lost = (yLo << <u64>(64 - s)) != 0;
      yLo = (yLo >> <u64>s) | (yHi << <u64>(64 - s)) | (lost ? 1 : 0);
      yHi >>= <u64>s;
    }
  }
  let rHi: u64;
  let rLo: u64;
  if (xS == yS) {
    rLo = xLo + yLo;
    rHi = xHi + yHi + (rLo < xLo ? 1 : 0);
  } else {
    rLo = xLo - yLo;
    rHi = xHi - yHi - (xLo < yLo ? 1 : 0);
    if ((rHi | rLo) == 0) return fpZero(rounding == FPRounding_NEGINF, dbl);
  }
  // Bring the leading one of the 128-bit result (at most bit 125) into a u64 for FPRound, the bits
  // below folded into the sticky bit; the value is r / 2^124 * 2^xE.
  let e = xE;
  let sig: u64;
  if (rHi != 0) {
    const sh = 64 - <i32>clz(rHi); // right shift so the leading one lands at bit 63 or below, 1..62
    sig = (rHi << <u64>(64 - sh)) | (rLo >> <u64>sh) | ((rLo << <u64>(64 - sh)) != 0 ? 1 : 0);
    e += sh - 62;
  } else {
    sig = rLo;
    e -= 62;
  }
  return fpRound(xS, e, sig, dbl, cr, rounding);
}
