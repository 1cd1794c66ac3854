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
// The exact path uses no wasm f32/f64 arithmetic: wasm rounds only to nearest, reports no exceptions and
// leaves NaN bits nondeterministic, while the architecture defines every bit and flag. In front of it
// each operation has a native fast path, taken only where the native result provably is the
// architecture's, flags included (see "The native fast path" below).
//
// ARMv8.0 without FEAT_AFP: FPCR.AH does not exist, tininess is detected before rounding, and FPCR.FZ
// flushes tiny single/double results to zero (raising Underflow, not Inexact).
import {
  FPCR_FZ, FPCR_RMODE, FPSR_IOC, FPSR_DZC, FPSR_OFC, FPSR_UFC, FPSR_IXC,
  FP_ZERO, FP_INFINITY, FP_QNAN, FP_SNAN,
  fpsr, fpException, fpUnpack, fpProcessNaN, fpProcessNaNs, fpNaNDone, fpDefaultNaN, fpZero, fpInfinity, fpSignBit,
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

// ---- The native fast path ----------------------------------------------------------------------------
//
// wasm's f32/f64 add, sub, mul, div and sqrt are IEEE 754 operations rounded to nearest, ties to even.
// For a finite result that is neither tiny nor an overflow, that is exactly FPRound's value with
// FPRounding_TIEEVEN; the sign rules for exact zeros (x - x = +0, -0 + -0 = -0, the sign of 0 * y and
// 0 / y, sqrt(-0) = -0) are IEEE 754's, which the pseudocode's FPAdd/FPMul/FPDiv/FPSqrt follow in RN.
// What a native operation does not tell is whether it was inexact (IXC), tiny (UFC) or overflowed
// (OFC), and FPCR.FZ would change denormal operands and tiny results. So the fast path is taken only:
//   - with FPCR.RMode = RN (FPCR.DN matters only for a NaN result, excluded below);
//   - with FPCR.FZ = 0, or with no denormal operand: FZ flushes denormal operands (raising IDC) and
//     tiny results, and neither then occurs (tiny results being excluded below); with FZ = 0 a denormal
//     operand is an ordinary value to FPUnpack, which raises IDC only when it flushes;
//   - with FPSR.IXC already set: the flag is cumulative, so whether this operation is inexact changes
//     nothing (the first inexact operation of a program goes the exact way and sets it; and there is
//     no Inexact trap to take, FPCR.IXE being RES0 here, see fp.ts);
//   - for a native result that is finite and larger in magnitude than the smallest normal number
//     (nativeNormal), or a zero known to be exact. RN is monotonic and the smallest normal number and
//     the largest finite one are representable, so such a result means that the exact value was not
//     tiny (no UFC, tininess being detected before rounding) and did not overflow (no OFC): FPRound
//     raises at most IXC. A NaN result (a NaN operand, an invalid operation), an infinite one (an
//     infinite operand, division by zero, overflow), a denormal one or a zero that may have been
//     rounded from a non-zero value go to the exact path, which then raises the flags.
// The native attempt has no side effects, so falling back after it is always safe.

/** What a native attempt returns when it does not apply: a NaN bit pattern, never a fast-path result. */
const NO_NATIVE: u64 = <u64>-1;

/** The mode in which native results can be used (above): RN and FPSR.IXC already set. */
@inline function nativeApplies(cr: u32): bool {
  return (cr & FPCR_RMODE) == 0 && (fpsr() & FPSR_IXC) != 0;
}

/** The magnitude of x: its sign bit cleared. */
@inline function magnitude(x: u64, dbl: bool): u64 { return x & ~fpSignBit(dbl); }

/** A denormal: a zero exponent field and a non-zero fraction. */
@inline function isDenormal(x: u64, dbl: bool): bool {
  const mag = magnitude(x, dbl);
  const minNormal: u64 = dbl ? 0x0010000000000000 : 0x00800000;
  return mag != 0 && mag < minNormal;
}

/** Whether FPCR.FZ leaves these operands alone: it is clear, or none of them is a denormal. */
@inline function noFlush(cr: u32, a: u64, b: u64, dbl: bool): bool {
  return (cr & FPCR_FZ) == 0 || !(isDenormal(a, dbl) || isDenormal(b, dbl));
}

/** A finite result larger in magnitude than the smallest normal number. */
@inline function nativeNormal(r: u64, dbl: bool): bool {
  const mag = magnitude(r, dbl);
  return dbl
    ? mag > <u64>0x0010000000000000 && mag < <u64>0x7ff0000000000000
    : mag > <u64>0x00800000 && mag < <u64>0x7f800000;
}

@inline function f32of(x: u64): f32 { return reinterpret<f32>(<u32>x); }
@inline function f64of(x: u64): f64 { return reinterpret<f64>(x); }
@inline function bitsOf32(x: f32): u64 { return <u64>reinterpret<u32>(x); }

/**
 * FPAdd/FPSub natively, or NO_NATIVE. A zero sum is always exact: two floats are multiples of the
 * smallest denormal, so a sum smaller than the smallest normal number is representable (gradual
 * underflow), and a non-zero sum cannot round to zero.
 */
@inline function nativeAdd(a: u64, b: u64, sub: bool, dbl: bool): u64 {
  const r = dbl
    ? reinterpret<u64>(sub ? f64of(a) - f64of(b) : f64of(a) + f64of(b))
    : bitsOf32(sub ? f32of(a) - f32of(b) : f32of(a) + f32of(b));
  return nativeNormal(r, dbl) || magnitude(r, dbl) == 0 ? r : NO_NATIVE;
}

/** FPMul natively, or NO_NATIVE. A zero product is exact only when an operand is zero. */
@inline function nativeMul(a: u64, b: u64, dbl: bool): u64 {
  const r = dbl ? reinterpret<u64>(f64of(a) * f64of(b)) : bitsOf32(f32of(a) * f32of(b));
  if (nativeNormal(r, dbl)) return r;
  return magnitude(r, dbl) == 0 && (magnitude(a, dbl) == 0 || magnitude(b, dbl) == 0) ? r : NO_NATIVE;
}

/**
 * FPDiv natively, or NO_NATIVE. A zero quotient is taken only with a zero dividend (0 / y for a y that
 * is neither zero nor a NaN is that zero exactly, signed as in FPDiv); a non-zero dividend over
 * infinity, or a quotient that underflowed to zero, is left to the exact path.
 */
@inline function nativeDiv(a: u64, b: u64, dbl: bool): u64 {
  const r = dbl ? reinterpret<u64>(f64of(a) / f64of(b)) : bitsOf32(f32of(a) / f32of(b));
  if (nativeNormal(r, dbl)) return r;
  return magnitude(r, dbl) == 0 && magnitude(a, dbl) == 0 ? r : NO_NATIVE;
}

/** FPSqrt natively, or NO_NATIVE. The root of a non-zero value is never zero, nor ever tiny. */
@inline function nativeSqrt(a: u64, dbl: bool): u64 {
  const r = dbl ? reinterpret<u64>(sqrt<f64>(f64of(a))) : bitsOf32(sqrt<f32>(f32of(a)));
  return nativeNormal(r, dbl) || magnitude(r, dbl) == 0 ? r : NO_NATIVE;
}

/**
 * FPMulAdd in single precision natively, or NO_NATIVE, through double precision: the product of two
 * singles (24-bit significands, exponents within -149..127) is exact in a double, so s = c + a * b is
 * the exact sum rounded once to 53 bits, and single(s) is the fused result unless that double rounding
 * differs from rounding once. RN is monotonic and every single and every midpoint between two adjacent
 * singles is a double, so rounding to 53 bits never carries a value across such a midpoint: the two
 * roundings can differ only when s lands exactly on a midpoint without being exact. That case (the
 * error of s, by TwoSum, is non-zero) goes to the exact path. A zero s is exact (the sum of two
 * doubles that are multiples of 2^-298 cannot underflow) and has IEEE's zero sign, which is
 * FPMulAdd's in RN; a non-zero s that becomes a single zero or denormal is tiny (nativeNormal fails).
 */
@inline function nativeMulAdd32(c: u64, a: u64, b: u64): u64 {
  const p = <f64>f32of(a) * <f64>f32of(b);
  const addend = <f64>f32of(c);
  const s = p + addend;
  // A midpoint of singles (in their normal range) has the 29 bits below a single's last bit 100..0.
  if ((reinterpret<u64>(s) & 0x1fffffff) == 0x10000000) {
    const bb = s - p;
    if ((p - (s - bb)) + (addend - bb) != 0) return NO_NATIVE;
  }
  const r = bitsOf32(<f32>s);
  return nativeNormal(r, false) || s == 0 ? r : NO_NATIVE;
}

/** Veltkamp's splitting constant for doubles, 2^27 + 1: splits a double into two 26-bit halves. */
const SPLIT64: f64 = 134217729.0;

/**
 * FPMulAdd in double precision natively, or NO_NATIVE: Boldo and Melquiond's emulated FMA ("Emulation
 * of a FMA and correctly rounded sums: proved algorithms using rounding to odd", IEEE TC 57(4), 2008,
 * formally proved for a precision >= 5 without underflow or overflow):
 *   uh + ul = a * b exactly (Dekker's TwoProduct, with Veltkamp's splitting),
 *   th + tl = c + uh exactly (Knuth's TwoSum),
 *   v = RO(tl + ul), rounded to odd (TwoSum, then an inexact even result moved to its odd neighbour
 *       towards the exact sum),
 *   result = RN(th + v), which equals RN(c + a * b).
 * The operands are limited so that nothing underflows or overflows: a and b normal with exponents at
 * most 990 (Veltkamp's 2^27 * x stays finite) and summing to within -917..998, c normal with exponent
 * within -969..1000. The splitting is exact when nothing overflows (a low half may be denormal, but
 * exactly so). After it, the partial products are multiples of 2^(ea+eb-104) >= 2^-1021 and c is one
 * of 2^(ec-52) >= 2^-1021, as is every later intermediate value (an exact sum of such multiples, or a
 * rounded one, whose magnitude is then at least 2^53 of them): a non-zero one is never below 2^-1021,
 * so never denormal, and no magnitude reaches 2^1003. For the same reason the result is never tiny nor
 * infinite, and a zero result is exact, +0 (neither th nor v can be -0 then, c being non-zero), as
 * FPMulAdd's is in RN. Zero, denormal, infinite and NaN operands, and the extreme exponents, go to the
 * exact path.
 */
@inline function nativeMulAdd64(c: u64, a: u64, b: u64): u64 {
  const ea = <i32>((a >> 52) & 0x7ff); // biased exponents
  const eb = <i32>((b >> 52) & 0x7ff);
  const ec = <i32>((c >> 52) & 0x7ff);
  if (ea == 0 || eb == 0 || ea > 1023 + 990 || eb > 1023 + 990) return NO_NATIVE;
  if (ea + eb < 2046 - 917 || ea + eb > 2046 + 998 || ec < 1023 - 969 || ec > 1023 + 1000) return NO_NATIVE;
  const x = f64of(a);
  const y = f64of(b);
  const z = f64of(c);
  // TwoProduct.
  const uh = x * y;
  const gx = SPLIT64 * x;
  const xh = gx - (gx - x);
  const xl = x - xh;
  const gy = SPLIT64 * y;
  const yh = gy - (gy - y);
  const yl = y - yh;
  const ul = (((xh * yh - uh) + xh * yl) + xl * yh) + xl * yl;
  // TwoSum.
  const th = z + uh;
  let bb = th - z;
  const tl = (z - (th - bb)) + (uh - bb);
  // Round to odd: the nearest sum, and its error; moving the bits of a non-zero double by one moves
  // its magnitude by one unit in the last place (an even significand is never the largest finite).
  const v = tl + ul;
  bb = v - tl;
  const ve = (tl - (v - bb)) + (ul - bb);
  let vBits = reinterpret<u64>(v);
  if (ve != 0 && (vBits & 1) == 0) {
    vBits = ((vBits ^ reinterpret<u64>(ve)) >> 63) == 0 ? vBits + 1 : vBits - 1;
  }
  return reinterpret<u64>(th + f64of(vBits));
}

// ---- The native fast path, a vector at a time --------------------------------------------------------
//
// The same rule for every lane of an AdvSIMD operation at once, with wasm SIMD (whose f32x4/f64x2
// arithmetic is IEEE 754's too: rounded to nearest even, denormals kept): the whole vector is computed
// and used only if every lane passes the test the scalar fast path applies to it; otherwise the caller
// goes lane by lane (where each lane may still take the scalar fast path). `full` = false is a 64-bit
// vector: only the low 64 bits count (and only they are used).

/** The result of the last vector operation below that returned true. */
export let fpVec: v128 = i64x2.splat(0);

/** All ones in the lanes whose result passes nativeNormal. */
@inline function normalLanes(r: v128, dbl: bool): v128 {
  if (dbl) {
    const mag = v128.and(r, i64x2.splat(0x7fffffffffffffff));
    return v128.and(i64x2.gt_s(mag, i64x2.splat(0x0010000000000000)), i64x2.lt_s(mag, i64x2.splat(0x7ff0000000000000)));
  }
  const mag = v128.and(r, i32x4.splat(0x7fffffff));
  return v128.and(i32x4.gt_s(mag, i32x4.splat(0x00800000)), i32x4.lt_s(mag, i32x4.splat(0x7f800000)));
}

/** All ones in the lanes that hold a zero of either sign. */
@inline function zeroLanes(x: v128, dbl: bool): v128 {
  return dbl
    ? i64x2.eq(v128.and(x, i64x2.splat(0x7fffffffffffffff)), i64x2.splat(0))
    : i32x4.eq(v128.and(x, i32x4.splat(0x7fffffff)), i32x4.splat(0));
}

/** Whether every lane that counts is set in `ok` (lane masks are all ones or all zeros). */
@inline function allLanes(ok: v128, full: bool): bool {
  return i32x4.all_true(full ? ok : v128.or(ok, i64x2(0, -1)));
}

/** All ones in the lanes that hold a denormal. */
@inline function denormalLanes(x: v128, dbl: bool): v128 {
  if (dbl) {
    const mag = v128.and(x, i64x2.splat(0x7fffffffffffffff));
    return v128.andnot(i64x2.lt_s(mag, i64x2.splat(0x0010000000000000)), i64x2.eq(mag, i64x2.splat(0)));
  }
  const mag = v128.and(x, i32x4.splat(0x7fffffff));
  return v128.andnot(i32x4.lt_s(mag, i32x4.splat(0x00800000)), i32x4.eq(mag, i32x4.splat(0)));
}

/** noFlush for every lane that counts of a and b. */
@inline function noFlushLanes(cr: u32, a: v128, b: v128, dbl: bool, full: bool): bool {
  if ((cr & FPCR_FZ) == 0) return true;
  const any = v128.or(denormalLanes(a, dbl), denormalLanes(b, dbl));
  return !v128.any_true(full ? any : v128.and(any, i64x2(-1, 0)));
}

/** FPAdd/FPSub on every lane natively (as nativeAdd); false, with nothing computed, if one lane cannot. */
@inline export function fpAddVec(a: v128, b: v128, sub: bool, dbl: bool, full: bool, cr: u32): bool {
  if (!nativeApplies(cr) || !noFlushLanes(cr, a, b, dbl, full)) return false;
  const r = dbl ? (sub ? f64x2.sub(a, b) : f64x2.add(a, b)) : (sub ? f32x4.sub(a, b) : f32x4.add(a, b));
  if (!allLanes(v128.or(normalLanes(r, dbl), zeroLanes(r, dbl)), full)) return false;
  fpVec = r;
  return true;
}

/** FPMul on every lane natively (as nativeMul). */
@inline export function fpMulVec(a: v128, b: v128, dbl: bool, full: bool, cr: u32): bool {
  if (!nativeApplies(cr) || !noFlushLanes(cr, a, b, dbl, full)) return false;
  const r = dbl ? f64x2.mul(a, b) : f32x4.mul(a, b);
  const exactZero = v128.and(zeroLanes(r, dbl), v128.or(zeroLanes(a, dbl), zeroLanes(b, dbl)));
  if (!allLanes(v128.or(normalLanes(r, dbl), exactZero), full)) return false;
  fpVec = r;
  return true;
}

/** FPDiv on every lane natively (as nativeDiv). */
@inline export function fpDivVec(a: v128, b: v128, dbl: bool, full: bool, cr: u32): bool {
  if (!nativeApplies(cr) || !noFlushLanes(cr, a, b, dbl, full)) return false;
  const r = dbl ? f64x2.div(a, b) : f32x4.div(a, b);
  const exactZero = v128.and(zeroLanes(r, dbl), zeroLanes(a, dbl));
  if (!allLanes(v128.or(normalLanes(r, dbl), exactZero), full)) return false;
  fpVec = r;
  return true;
}

/** Lanes whose TwoSum error of s = p + c is not zero (s is the rounded sum): s is not exact. */
@inline function inexactSumLanes(p: v128, c: v128, s: v128): v128 {
  const bb = f64x2.sub(s, p);
  const err = f64x2.add(f64x2.sub(p, f64x2.sub(s, bb)), f64x2.sub(c, bb));
  return f64x2.ne(err, f64x2.splat(0));
}

/**
 * FPMulAdd(c, a, b) on every single-precision lane natively (as nativeMulAdd32, through doubles, two
 * lanes at a time). A lane whose double sum lands on a midpoint between singles without being exact
 * makes the whole vector go lane by lane. (Exact midpoints are common: the sum of two singles whose
 * exponents differ needs 25 bits or so, and then it is a midpoint half of the time.)
 */
@inline export function fpMulAddVec32(c: v128, a: v128, b: v128, full: bool, cr: u32): bool {
  if (!nativeApplies(cr) || !noFlushLanes(cr, a, b, false, full) || !noFlushLanes(cr, c, c, false, full)) return false;
  const pLo = f64x2.mul(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b));
  const cLo = f64x2.promote_low_f32x4(c);
  const sLo = f64x2.add(pLo, cLo);
  const aHi = i32x4.shuffle(a, a, 2, 3, 0, 1);
  const bHi = i32x4.shuffle(b, b, 2, 3, 0, 1);
  const pHi = f64x2.mul(f64x2.promote_low_f32x4(aHi), f64x2.promote_low_f32x4(bHi));
  const cHi = f64x2.promote_low_f32x4(i32x4.shuffle(c, c, 2, 3, 0, 1));
  const sHi = f64x2.add(pHi, cHi);
  const midMask = i64x2.splat(0x1fffffff);
  const mid = i64x2.splat(0x10000000);
  const midLo = i64x2.eq(v128.and(sLo, midMask), mid);
  const midHi = full ? i64x2.eq(v128.and(sHi, midMask), mid) : i64x2.splat(0);
  if (v128.any_true(v128.or(midLo, midHi))) {
    const badLo = v128.and(midLo, inexactSumLanes(pLo, cLo, sLo));
    const badHi = v128.and(midHi, inexactSumLanes(pHi, cHi, sHi));
    if (v128.any_true(v128.or(badLo, badHi))) return false;
  }
  const r = i32x4.shuffle(f32x4.demote_f64x2_zero(sLo), f32x4.demote_f64x2_zero(sHi), 0, 1, 4, 5);
  // A zero lane is exact when its double sum is zero: the double lanes' masks narrowed to singles.
  const zero = f64x2.splat(0);
  const exactZero = i32x4.shuffle(f64x2.eq(sLo, zero), f64x2.eq(sHi, zero), 0, 2, 4, 6);
  if (!allLanes(v128.or(normalLanes(r, false), exactZero), full)) return false;
  fpVec = r;
  return true;
}

// ---- FPAdd / FPSub ---------------------------------------------------------------------------------

/** FPAdd(op1, op2, fpcr), or FPSub when sub (op2's sign inverted after NaN handling). */
export function fpAdd(a: u64, b: u64, sub: bool, dbl: bool, cr: u32): u64 {
  if (nativeApplies(cr) && noFlush(cr, a, b, dbl)) {
    const r = nativeAdd(a, b, sub, dbl);
    if (r != NO_NATIVE) return r;
  }
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
  if (nativeApplies(cr) && noFlush(cr, a, b, dbl)) {
    const r = nativeMul(a, b, dbl);
    if (r != NO_NATIVE) return r;
  }
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
  if (nativeApplies(cr) && noFlush(cr, a, b, dbl)) {
    const r = nativeDiv(a, b, dbl);
    if (r != NO_NATIVE) return r;
  }
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
  if (nativeApplies(cr) && noFlush(cr, a, a, dbl)) {
    const r = nativeSqrt(a, dbl);
    if (r != NO_NATIVE) return r;
  }
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
  // (nativeMulAdd64 takes no denormal operand anyway.)
  if (nativeApplies(cr) && (dbl || (noFlush(cr, a, b, false) && noFlush(cr, c, c, false)))) {
    const r = dbl ? nativeMulAdd64(c, a, b) : nativeMulAdd32(c, a, b);
    if (r != NO_NATIVE) return r;
  }
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
