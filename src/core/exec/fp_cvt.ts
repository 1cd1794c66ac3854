// Floating-point conversions and rounding to integral (Arm ARM C7.2), written from the pseudocode
// FPConvert, FPToFixed, FixedToFP and FPRoundInt: the scalar FP forms (FCVT, FCVT*S/U and SCVTF/UCVTF
// to and from W/X, integer and fixed-point, FRINT*) and the AdvSIMD vector and scalar forms (the same
// conversions lane by lane, fixed-point by immediate, FCVTN/FCVTL/FCVTXN). Decode: 68-fp_cvt.decode.
//
// Values are handled as sign, an integer significand m and an exponent e (value = m * 2^e), never as
// wasm f32/f64 (whose NaN bits and rounding are not the architecture's). Rounding of a non-integral
// result to a floating-point format is FPRound (../softfloat.ts fpRoundFormat); the half-precision
// destination of FCVT has its own FPRound here because FPCR.AHP changes its overflow behaviour.
//
// ARMv8.0: FPCR.FZ flushes single and double inputs (IDC) and outputs, never half precision (there is
// no FPCR.FZ16); FPCR.AHP selects the alternative half-precision format (no infinities or NaNs).
import { ftype, opc, sz, rm3, sf, rmode, us, scale, rn, rd, q, u, o2, o0, s5, s6 } from "../generated/fields_fp_cvt";
import { vLo, vHi, setVd, setVq, R, setR } from "../state";
import { STATE_BASE, OFF_FPSR } from "../layout";
import { elemU, clearResult, put, writeResult, resLo } from "../simd";
import {
  fpcr, fpException, FPCR_FZ, FPCR_DN, FPSR_IOC, FPSR_OFC, FPSR_UFC, FPSR_IXC, FPSR_IDC,
} from "../fp";
import {
  fpRoundFormat, fpRoundingMode, FPRounding_TIEEVEN, FPRounding_POSINF, FPRounding_NEGINF, FPRounding_ZERO,
} from "../softfloat";

/** FPRounding_TIEAWAY (FCVTAS/FCVTAU, FRINTA): not an FPCR.RMode value. */
export const FPRounding_TIEAWAY: u32 = 4;

/** FPCR.AHP (bit 26): the alternative half-precision format. */
export const FPCR_AHP: u32 = 1 << 26;

// ---- Formats: 0 half, 1 single, 2 double (log2 of the size in halfwords) -----------------------------

@inline function fmtF(f: u32): i32 { return f == 0 ? 10 : f == 1 ? 23 : 52; }
@inline function fmtE(f: u32): i32 { return f == 0 ? 5 : f == 1 ? 8 : 11; }
@inline function fmtN(f: u32): i32 { return f == 0 ? 16 : f == 1 ? 32 : 64; }

// FPUnpack's results for the last cvtUnpack call.
const T_ZERO: u32 = 0;
const T_NONZERO: u32 = 1;
const T_INF: u32 = 2;
const T_QNAN: u32 = 3;
const T_SNAN: u32 = 4;
let uSign: bool = false;
let uSig: u64 = 0; // integer significand
let uExp: i32 = 0; // value = uSig * 2^uExp

/**
 * FPUnpack (FPUnpackCV for half precision) of x in format f: the type, with the value in
 * uSign/uSig/uExp. A single or double denormal under FPCR.FZ is a zero (IDC); a half-precision
 * denormal never is (v8.0). With FPCR.AHP a half-precision exponent of all ones is a normal number.
 */
function cvtUnpack(x: u64, f: u32, cr: u32): u32 {
  const F = fmtF(f);
  const E = fmtE(f);
  const N = fmtN(f);
  uSign = ((x >> <u64>(N - 1)) & 1) != 0;
  const biased = <i32>((x >> <u64>F) & ((<u64>1 << <u64>E) - 1));
  const frac: u64 = x & ((<u64>1 << <u64>F) - 1);
  const bias = (1 << (E - 1)) - 1;
  if (biased == 0) {
    if (frac == 0) return T_ZERO;
    if (f != 0 && (cr & FPCR_FZ) != 0) {
      fpException(FPSR_IDC);
      return T_ZERO;
    }
    uSig = frac;
    uExp = 1 - bias - F;
    return T_NONZERO;
  }
  if (biased == (1 << E) - 1 && !(f == 0 && (cr & FPCR_AHP) != 0)) {
    if (frac == 0) return T_INF;
    return ((frac >> <u64>(F - 1)) & 1) != 0 ? T_QNAN : T_SNAN;
  }
  uSig = frac | (<u64>1 << <u64>F);
  uExp = biased - bias - F;
  return T_NONZERO;
}

// ---- FPRound to half precision, IEEE or alternative -----------------------------------------------------

/**
 * FPRoundBase to half precision for the non-zero value sig * 2^exp (sig < 2^62 not required: any
 * non-zero u64). FPCR.FZ does not apply. With FPCR.AHP the largest exponent is a normal one, and a
 * value too large for it gives sign:Ones(15) with Invalid Operation instead of Overflow and Inexact.
 */
function roundHalf(sign: bool, exp: i32, sig: u64, cr: u32, rounding: u32): u64 {
  if ((cr & FPCR_AHP) == 0) return fpRoundFormat(sign, exp + 62, sig, 10, 5, false, cr, rounding);
  // Normalize: the leading one to bit 62, value = sig / 2^62 * 2^e.
  let e = exp + 62;
  if ((sig >> 63) != 0) {
    sig = (sig >> 1) | (sig & 1);
    e += 1;
  } else {
    const lz = <i32>clz(sig) - 1;
    sig <<= <u64>lz;
    e -= lz;
  }
  const signBits: u64 = sign ? 0x8000 : 0;
  let biasedExp = e + 15; // minExp = -14
  if (biasedExp <= 0) {
    const s = 1 - biasedExp;
    sig = s >= 63 ? (sig != 0 ? 1 : 0) : (sig >> <u64>s) | ((sig << <u64>(64 - s)) != 0 ? 1 : 0);
    biasedExp = 0;
  }
  let intMant: u64 = sig >> 52;
  const rest: u64 = sig & ((<u64>1 << 52) - 1);
  const half: u64 = <u64>1 << 51;
  const inexact = rest != 0;
  if (biasedExp == 0 && inexact) fpException(FPSR_UFC);
  let roundUp = false;
  if (rounding == FPRounding_TIEEVEN) roundUp = rest > half || (rest == half && (intMant & 1) != 0);
  else if (rounding == FPRounding_POSINF) roundUp = inexact && !sign;
  else if (rounding == FPRounding_NEGINF) roundUp = inexact && sign;
  if (roundUp) {
    intMant += 1;
    if (intMant == (<u64>1 << 10)) biasedExp = 1;
    if (intMant == (<u64>1 << 11)) {
      biasedExp += 1;
      intMant >>= 1;
    }
  }
  if (biasedExp >= 32) {
    fpException(FPSR_IOC);
    return signBits | 0x7fff;
  }
  if (inexact) fpException(FPSR_IXC);
  return signBits | (<u64>biasedExp << 10) | (intMant & 0x3ff);
}

// ---- FPConvert ------------------------------------------------------------------------------------------

/** FPConvert(op, fpcr, rounding) from format `from` to format `to` (0 half, 1 single, 2 double). */
export function fpConvert(x: u64, from: u32, to: u32, cr: u32, rounding: u32): u64 {
  const t = cvtUnpack(x, from, cr);
  const N = fmtN(to);
  const signBits: u64 = uSign ? <u64>1 << <u64>(N - 1) : 0;
  const altHp = to == 0 && (cr & FPCR_AHP) != 0;
  const E = fmtE(to);
  const F = fmtF(to);
  const expAll: u64 = ((<u64>1 << <u64>E) - 1) << <u64>F;
  if (t == T_QNAN || t == T_SNAN) {
    let r: u64;
    if (altHp) {
      r = signBits;
    } else if ((cr & FPCR_DN) != 0) {
      r = expAll | (<u64>1 << <u64>(F - 1));
    } else {
      // FPConvertNaN: quiet, the payload below the quiet bit kept from its top (51 bits in all).
      const fromF = fmtF(from);
      const payload: u64 = (x & ((<u64>1 << <u64>(fromF - 1)) - 1)) << <u64>(52 - fromF);
      r = signBits | expAll | (<u64>1 << <u64>(F - 1)) | (payload >> <u64>(52 - F));
    }
    if (t == T_SNAN || altHp) fpException(FPSR_IOC);
    return r;
  }
  if (t == T_INF) {
    if (altHp) {
      fpException(FPSR_IOC);
      return signBits | 0x7fff;
    }
    return signBits | expAll;
  }
  if (t == T_ZERO) return signBits;
  if (to == 0) return roundHalf(uSign, uExp, uSig, cr, rounding);
  return fpRoundFormat(uSign, uExp + 62, uSig, F, E, true, cr, rounding);
}

// ---- Rounding a value to an integer --------------------------------------------------------------------

// The rounded magnitude of the last roundToInt call, and whether it was inexact / too large for u64.
let riMag: u64 = 0;
let riInexact: bool = false;
let riHuge: bool = false;

/**
 * RoundDown(value) plus the round_up decision of FPToFixed and FPRoundInt, for sig * 2^exp with the
 * given sign, on the magnitude: riMag is |the rounded integer|, riHuge says it is 2^64 or more.
 */
function roundToInt(sign: bool, sig: u64, exp: i32, rounding: u32): void {
  riInexact = false;
  riHuge = false;
  if (exp >= 0) {
    if (exp >= 64 || (exp > 0 && (sig >> <u64>(64 - exp)) != 0)) {
      riHuge = true;
      riMag = 0;
      return;
    }
    riMag = sig << <u64>exp;
    return;
  }
  const k = -exp;
  let ip: u64;
  let gt = false; // fraction > 1/2
  let eq = false; // fraction == 1/2
  let nz = false; // fraction != 0
  if (k >= 64) {
    // sig < 2^63 here, so the fraction is below one half
    ip = 0;
    nz = sig != 0;
    if (k == 64 && (sig >> 63) != 0) {
      const r = sig & 0x7fffffffffffffff;
      gt = r != 0;
      eq = r == 0;
    }
  } else {
    ip = sig >> <u64>k;
    const rest: u64 = sig & ((<u64>1 << <u64>k) - 1);
    const half: u64 = <u64>1 << <u64>(k - 1);
    nz = rest != 0;
    gt = rest > half;
    eq = rest == half;
  }
  riInexact = nz;
  let up = false;
  switch (rounding) {
    case FPRounding_TIEEVEN: up = gt || (eq && (ip & 1) != 0); break;
    case FPRounding_TIEAWAY: up = gt || eq; break;
    case FPRounding_POSINF: up = nz && !sign; break;
    case FPRounding_NEGINF: up = nz && sign; break;
    default: break; // FPRounding_ZERO
  }
  if (up) {
    ip += 1;
    if (ip == 0) riHuge = true;
  }
  riMag = ip;
}

// ---- FPToFixed -----------------------------------------------------------------------------------------

/**
 * FPToFixed(op, fbits, unsigned, fpcr, rounding) to an M-bit integer (M = 32 or 64): a NaN gives 0
 * and Invalid Operation; a result out of range saturates with Invalid Operation (and no Inexact);
 * otherwise an inexact result sets Inexact.
 */
export function fpToFixed(x: u64, dbl: bool, fbits: i32, unsigned: bool, M: i32, cr: u32, rounding: u32): u64 {
  const t = cvtUnpack(x, dbl ? 2 : 1, cr);
  if (t == T_QNAN || t == T_SNAN) {
    fpException(FPSR_IOC);
    return 0;
  }
  if (t == T_ZERO) return 0;
  let overflow = false;
  if (t == T_INF) {
    overflow = true;
    riMag = 0;
    riInexact = false;
  } else {
    roundToInt(uSign, uSig, uExp + fbits, rounding);
    overflow = riHuge;
  }
  const neg = uSign;
  let result: u64 = 0;
  if (!overflow) {
    if (unsigned) {
      if (neg) {
        if (riMag != 0) overflow = true;
        result = 0;
      } else if (M < 64 && riMag > ((<u64>1 << <u64>M) - 1)) {
        overflow = true;
      } else {
        result = riMag;
      }
    } else {
      const lim: u64 = <u64>1 << <u64>(M - 1); // |min|; max = lim - 1
      if (neg ? riMag > lim : riMag >= lim) overflow = true;
      else result = neg ? 0 - riMag : riMag;
    }
  }
  if (overflow) {
    fpException(FPSR_IOC);
    if (unsigned) result = neg ? 0 : (M == 64 ? <u64>-1 : (<u64>1 << <u64>M) - 1);
    else result = neg ? <u64>0 - (<u64>1 << <u64>(M - 1)) : (<u64>1 << <u64>(M - 1)) - 1;
  } else if (riInexact) {
    fpException(FPSR_IXC);
  }
  if (M < 64) result &= 0xffffffff;
  return result;
}

// ---- FixedToFP -----------------------------------------------------------------------------------------

/** FixedToFP(op, fbits, unsigned, fpcr, rounding) from an M-bit integer to single or double. */
export function fixedToFP(v: u64, M: i32, fbits: i32, unsigned: bool, dbl: bool, cr: u32, rounding: u32): u64 {
  if (M < 64) v = unsigned ? v & 0xffffffff : <u64><i64><i32>v;
  let neg = false;
  let mag = v;
  if (!unsigned && <i64>v < 0) {
    neg = true;
    mag = 0 - v;
  }
  if (mag == 0) return 0;
  return dbl ? fpRoundFormat(neg, 62 - fbits, mag, 52, 11, true, cr, rounding)
             : fpRoundFormat(neg, 62 - fbits, mag, 23, 8, true, cr, rounding);
}

// ---- FPRoundInt ----------------------------------------------------------------------------------------

/** FPRoundInt(op, fpcr, rounding, exact): single or double; `exact` (FRINTX) raises Inexact. */
export function fpRoundInt(x: u64, dbl: bool, cr: u32, rounding: u32, exact: bool): u64 {
  const f: u32 = dbl ? 2 : 1;
  const t = cvtUnpack(x, f, cr);
  const N = fmtN(f);
  const signBits: u64 = uSign ? <u64>1 << <u64>(N - 1) : 0;
  if (t == T_QNAN || t == T_SNAN) {
    const F = fmtF(f);
    const quiet: u64 = <u64>1 << <u64>(F - 1);
    if (t == T_SNAN) fpException(FPSR_IOC);
    if ((cr & FPCR_DN) != 0) return (((<u64>1 << <u64>fmtE(f)) - 1) << <u64>F) | quiet;
    return x | quiet;
  }
  if (t == T_INF) return x;
  if (t == T_ZERO) return signBits;
  // A value of 2^F or more is already an integer.
  if (uExp >= 0) return x;
  roundToInt(uSign, uSig, uExp, rounding);
  if (riInexact && exact) fpException(FPSR_IXC);
  if (riMag == 0) return signBits;
  // An integer below 2^53: FPRound is exact and raises nothing.
  return fpRoundFormat(uSign, 62, riMag, fmtF(f), fmtE(f), true, cr, FPRounding_ZERO);
}

// ---- Handlers ------------------------------------------------------------------------------------------

/** ftype/opc encoding 00 S, 01 D, 11 H to the format number here. */
@inline function fmtOf(t: u32): u32 { return t == 0 ? 1 : t == 1 ? 2 : 0; }

/** FCVT Sd/Dd/Hd, Sn/Dn/Hn. */
export function FCVT(i: u32): void {
  const from = fmtOf(ftype(i));
  const to = fmtOf(opc(i));
  const cr = fpcr();
  let x = vLo(rn(i));
  if (from < 2) x &= from == 0 ? 0xffff : 0xffffffff;
  setVd(rd(i), fpConvert(x, from, to, cr, fpRoundingMode(cr)));
}

/** The rounding of FRINT* by its rmode field (000 N, 001 P, 010 M, 011 Z, 100 A, 110 X, 111 I). */
@inline function frintRounding(r: u32, cr: u32): u32 {
  if (r == 0) return FPRounding_TIEEVEN;
  if (r == 1) return FPRounding_POSINF;
  if (r == 2) return FPRounding_NEGINF;
  if (r == 3) return FPRounding_ZERO;
  if (r == 4) return FPRounding_TIEAWAY;
  return fpRoundingMode(cr);
}

export function FRINT(i: u32): void {
  const dbl = sz(i) != 0;
  const cr = fpcr();
  const r = rm3(i);
  let x = vLo(rn(i));
  if (!dbl) x &= 0xffffffff;
  setVd(rd(i), fpRoundInt(x, dbl, cr, frintRounding(r, cr), r == 6));
}

/** The rmode field of FCVT{N,P,M,Z}{S,U}: 00 nearest even, 01 +inf, 10 -inf, 11 zero. */
@inline function cvtRounding(r: u32): u32 {
  return r == 0 ? FPRounding_TIEEVEN : r == 1 ? FPRounding_POSINF : r == 2 ? FPRounding_NEGINF : FPRounding_ZERO;
}

@inline function fpSrc(n: u32, dbl: bool): u64 { return dbl ? vLo(n) : vLo(n) & 0xffffffff; }

export function FCVT_int(i: u32): void {
  const dbl = sz(i) != 0;
  const M: i32 = sf(i) != 0 ? 64 : 32;
  setR(sf(i), rd(i), fpToFixed(fpSrc(rn(i), dbl), dbl, 0, us(i) != 0, M, fpcr(), cvtRounding(rmode(i))));
}

export function FCVTA_int(i: u32): void {
  const dbl = sz(i) != 0;
  const M: i32 = sf(i) != 0 ? 64 : 32;
  setR(sf(i), rd(i), fpToFixed(fpSrc(rn(i), dbl), dbl, 0, us(i) != 0, M, fpcr(), FPRounding_TIEAWAY));
}

export function CVTF_int(i: u32): void {
  const dbl = sz(i) != 0;
  const M: i32 = sf(i) != 0 ? 64 : 32;
  const cr = fpcr();
  setVd(rd(i), fixedToFP(R(sf(i), rn(i)), M, 0, us(i) != 0, dbl, cr, fpRoundingMode(cr)));
}

export function CVTF_fix(i: u32): void {
  const dbl = sz(i) != 0;
  const M: i32 = sf(i) != 0 ? 64 : 32;
  const cr = fpcr();
  const fbits = 64 - <i32>scale(i);
  setVd(rd(i), fixedToFP(R(sf(i), rn(i)), M, fbits, us(i) != 0, dbl, cr, fpRoundingMode(cr)));
}

export function FCVTZ_fix(i: u32): void {
  const dbl = sz(i) != 0;
  const M: i32 = sf(i) != 0 ? 64 : 32;
  const fbits = 64 - <i32>scale(i);
  setR(sf(i), rd(i), fpToFixed(fpSrc(rn(i), dbl), dbl, fbits, us(i) != 0, M, fpcr(), FPRounding_ZERO));
}

// ---- FPConvert with FPRounding_ODD (FCVTXN) ------------------------------------------------------------

/**
 * FPConvert(op, fpcr, FPRounding_ODD) from double to single: FPRoundBase rounds towards zero (an
 * overflow gives the largest finite value) and then sets the last significand bit of an inexact result.
 * The rounding core reports inexactness only through FPSR.IXC, so FPSR is cleared around the call.
 */
function fpConvertOdd(x: u64, cr: u32): u64 {
  const saved = load<u32>(STATE_BASE + OFF_FPSR);
  store<u32>(STATE_BASE + OFF_FPSR, 0);
  let r = fpConvert(x, 2, 1, cr, FPRounding_ZERO);
  const flags = load<u32>(STATE_BASE + OFF_FPSR);
  if ((flags & FPSR_IXC) != 0 && (flags & FPSR_OFC) == 0) r |= 1;
  store<u32>(STATE_BASE + OFF_FPSR, saved | flags);
  return r;
}

// ---- AdvSIMD vector and scalar forms -------------------------------------------------------------------

/** FRINT (vector) rounding by U:o2:o0 (000 N, 001 M, 010 P, 011 Z, 100 A, 101 X, 111 I). */
@inline function frintVecRounding(k: u32, cr: u32): u32 {
  if (k == 0) return FPRounding_TIEEVEN;
  if (k == 1) return FPRounding_NEGINF;
  if (k == 2) return FPRounding_POSINF;
  if (k == 3) return FPRounding_ZERO;
  if (k == 4) return FPRounding_TIEAWAY;
  return fpRoundingMode(cr);
}

/** FCVT{N,M,P,Z}{S,U} (vector and scalar) rounding by o2:o0 (00 N, 01 M, 10 P, 11 Z). */
@inline function fcvtVecRounding(k: u32): u32 {
  return k == 0 ? FPRounding_TIEEVEN : k == 1 ? FPRounding_NEGINF : k == 2 ? FPRounding_POSINF : FPRounding_ZERO;
}

/** The number of elements of a vector of (8 << ez)-bit elements, 64 or 128 bits by Q. */
@inline function elements(i: u32, ez: u32): u32 { return (q(i) != 0 ? 16 : 8) >> ez; }

export function FRINT_v(i: u32): void {
  const dbl = sz(i) != 0;
  const ez: u32 = dbl ? 3 : 2;
  const cr = fpcr();
  const k = (u(i) << 2) | (o2(i) << 1) | o0(i);
  const rounding = frintVecRounding(k, cr);
  const n = rn(i);
  clearResult();
  for (let e: u32 = 0; e < elements(i, ez); e++) put(e, ez, fpRoundInt(elemU(n, e, ez), dbl, cr, rounding, k == 5));
  writeResult(rd(i), q(i) != 0);
}

/** FPToFixed on every element (fbits 0 for the integer forms). */
function toFixedVec(i: u32, dbl: bool, fbits: i32, rounding: u32): void {
  const ez: u32 = dbl ? 3 : 2;
  const M: i32 = dbl ? 64 : 32;
  const cr = fpcr();
  const n = rn(i);
  const uns = u(i) != 0;
  clearResult();
  for (let e: u32 = 0; e < elements(i, ez); e++) put(e, ez, fpToFixed(elemU(n, e, ez), dbl, fbits, uns, M, cr, rounding));
  writeResult(rd(i), q(i) != 0);
}

/** FixedToFP on every element (fbits 0 for the integer forms), rounded by FPCR. */
function fromFixedVec(i: u32, dbl: bool, fbits: i32): void {
  const ez: u32 = dbl ? 3 : 2;
  const M: i32 = dbl ? 64 : 32;
  const cr = fpcr();
  const rounding = fpRoundingMode(cr);
  const n = rn(i);
  const uns = u(i) != 0;
  clearResult();
  for (let e: u32 = 0; e < elements(i, ez); e++) put(e, ez, fixedToFP(elemU(n, e, ez), M, fbits, uns, dbl, cr, rounding));
  writeResult(rd(i), q(i) != 0);
}

export function FCVT_v(i: u32): void { toFixedVec(i, sz(i) != 0, 0, fcvtVecRounding((o2(i) << 1) | o0(i))); }
export function FCVTA_v(i: u32): void { toFixedVec(i, sz(i) != 0, 0, FPRounding_TIEAWAY); }
export function CVTF_v(i: u32): void { fromFixedVec(i, sz(i) != 0, 0); }
export function CVTF_fixv_s(i: u32): void { fromFixedVec(i, false, 32 - <i32>s5(i)); }
export function CVTF_fixv_d(i: u32): void { fromFixedVec(i, true, 64 - <i32>s6(i)); }
export function FCVTZ_fixv_s(i: u32): void { toFixedVec(i, false, 32 - <i32>s5(i), FPRounding_ZERO); }
export function FCVTZ_fixv_d(i: u32): void { toFixedVec(i, true, 64 - <i32>s6(i), FPRounding_ZERO); }

/** Scalar FPToFixed of Sn/Dn to Sd/Dd. */
function toFixedSc(i: u32, dbl: bool, fbits: i32, rounding: u32): void {
  setVd(rd(i), fpToFixed(fpSrc(rn(i), dbl), dbl, fbits, u(i) != 0, dbl ? 64 : 32, fpcr(), rounding));
}

/** Scalar FixedToFP of Sn/Dn to Sd/Dd, rounded by FPCR. */
function fromFixedSc(i: u32, dbl: bool, fbits: i32): void {
  const cr = fpcr();
  setVd(rd(i), fixedToFP(fpSrc(rn(i), dbl), dbl ? 64 : 32, fbits, u(i) != 0, dbl, cr, fpRoundingMode(cr)));
}

export function FCVT_sc(i: u32): void { toFixedSc(i, sz(i) != 0, 0, fcvtVecRounding((o2(i) << 1) | o0(i))); }
export function FCVTA_sc(i: u32): void { toFixedSc(i, sz(i) != 0, 0, FPRounding_TIEAWAY); }
export function CVTF_sc(i: u32): void { fromFixedSc(i, sz(i) != 0, 0); }
export function CVTF_fixs_s(i: u32): void { fromFixedSc(i, false, 32 - <i32>s5(i)); }
export function CVTF_fixs_d(i: u32): void { fromFixedSc(i, true, 64 - <i32>s6(i)); }
export function FCVTZ_fixs_s(i: u32): void { toFixedSc(i, false, 32 - <i32>s5(i), FPRounding_ZERO); }
export function FCVTZ_fixs_d(i: u32): void { toFixedSc(i, true, 64 - <i32>s6(i), FPRounding_ZERO); }

/**
 * Vpart[d, part] = result: the low 64 bits with the top cleared (FCVTN, FCVTXN), or the high 64 bits
 * with the low kept (FCVTN2, FCVTXN2).
 */
@inline function writeNarrow(i: u32): void {
  const d = rd(i);
  if (q(i) != 0) setVq(d, vLo(d), resLo);
  else setVd(d, resLo);
}

/** FCVTN, FCVTN2: single to half (sz = 0) or double to single (sz = 1), rounded by FPCR. */
export function FCVTN_v(i: u32): void {
  const dbl = sz(i) != 0;
  const cr = fpcr();
  const rounding = fpRoundingMode(cr);
  const n = rn(i);
  const ez: u32 = dbl ? 3 : 2;
  const count: u32 = dbl ? 2 : 4;
  clearResult();
  for (let e: u32 = 0; e < count; e++) put(e, ez - 1, fpConvert(elemU(n, e, ez), dbl ? 2 : 1, dbl ? 1 : 0, cr, rounding));
  writeNarrow(i);
}

/** FCVTXN, FCVTXN2: double to single, rounded to odd. */
export function FCVTXN_v(i: u32): void {
  const cr = fpcr();
  const n = rn(i);
  clearResult();
  for (let e: u32 = 0; e < 2; e++) put(e, 2, fpConvertOdd(elemU(n, e, 3), cr));
  writeNarrow(i);
}

export function FCVTXN_sc(i: u32): void {
  setVd(rd(i), fpConvertOdd(vLo(rn(i)), fpcr()));
}

/** FCVTL, FCVTL2: the low (Q = 0) or high half of Vn, half to single (sz = 0) or single to double. */
export function FCVTL_v(i: u32): void {
  const dbl = sz(i) != 0;
  const cr = fpcr();
  const rounding = fpRoundingMode(cr);
  const n = rn(i);
  const src: u64 = q(i) != 0 ? vHi(n) : vLo(n);
  const count: u32 = dbl ? 2 : 4;
  const w: u64 = dbl ? 32 : 16;
  const mask: u64 = (<u64>1 << w) - 1;
  clearResult();
  for (let e: u32 = 0; e < count; e++) {
    put(e, dbl ? 3 : 2, fpConvert((src >> (<u64>e * w)) & mask, dbl ? 1 : 0, dbl ? 2 : 1, cr, rounding));
  }
  writeResult(rd(i), true);
}
