// FMOV (scalar, immediate), FSQRT (vector) and the reciprocal estimates FRECPE, FRSQRTE, FRECPX, URECPE,
// URSQRTE, single (sz = 0) and double (sz = 1) precision. Decode: 64-fp_misc.decode.
// FSQRT rounds each lane with ../softfloat.ts's fpSqrt (flags accumulate into FPSR across the lanes, as
// the pseudocode's per-element FPSqrt calls do). The estimate tables are computed by RecipEstimate and
// RecipSqrtEstimate as the Arm ARM's pseudocode defines them (no stored table).
import { q, sz, rn, rd, imm8 } from "../generated/fields_fp_misc";
import { setVd } from "../state";
import {
  fpcr, fpException, fpUnpack, fpProcessNaN, fpSignBit, fpZero, fpInfinity, fpDefaultNaN,
  FP_ZERO, FP_INFINITY, FP_QNAN, FP_SNAN, FPCR_FZ, FPSR_IOC, FPSR_DZC, FPSR_OFC, FPSR_UFC, FPSR_IXC,
} from "../fp";
import { fpSqrt } from "../softfloat";
import { elemU, put, writeResult, clearResult } from "../simd";

/**
 * VFPExpandImm(imm8) for N = 32 (dbl false) or 64: sign a, exponent NOT(b):Replicate(b, E-3):cd,
 * fraction efgh followed by zeros.
 */
function vfpExpandImm(imm: u64, dbl: bool): u64 {
  const a = (imm >> 7) & 1, b = (imm >> 6) & 1, cdefgh = imm & 0x3f;
  if (!dbl) return (a << 31) | ((b ^ 1) << 30) | (b ? <u64>0x1f << 25 : 0) | (cdefgh << 19);
  return (a << 63) | ((b ^ 1) << 62) | (b ? <u64>0xff << 54 : 0) | (cdefgh << 48);
}

export function FMOV_imm(i: u32): void {
  setVd(rd(i), vfpExpandImm(<u64>imm8(i), sz(i) != 0));
}

export function FSQRT_v(i: u32): void {
  const dbl = sz(i) != 0, esz: u32 = dbl ? 3 : 2, n = rn(i), cr = fpcr();
  const elems: u32 = (q(i) ? 16 : 8) >> esz;
  clearResult();
  for (let e: u32 = 0; e < elems; e++) put(e, esz, fpSqrt(elemU(n, e, esz), dbl, cr));
  writeResult(rd(i), q(i) != 0);
}

// ---- Reciprocal and reciprocal square root estimates (Arm ARM shared pseudocode) ---------------------

/** RecipEstimate(a), 256 <= a < 512 (a/512 in [0.5, 1)): 1/a to 8 fraction bits, in 256..511. */
function recipEstimate(a: u32): u32 {
  const m = a * 2 + 1; // the midpoint of the input interval, in units of 1/1024
  const b = (<u32>1 << 19) / m;
  return (b + 1) >> 1; // round to nearest
}

/** RecipSqrtEstimate(a), 128 <= a < 512: 1/sqrt to 8 fraction bits, in 256..511. */
function recipSqrtEstimate(a: u32): u32 {
  let m: u64;
  if (a < 256) m = <u64>(a * 2 + 1); // [0.25, 0.5) in units of 1/512, midpoint
  else m = <u64>(((a >> 1) << 1) + 1) * 2; // [0.5, 1) in units of 1/256, midpoint
  let b: u64 = 512;
  while (m * (b + 1) * (b + 1) < (<u64>1 << 28)) b++; // the largest b < 2^14 / sqrt(m)
  return <u32>((b + 1) >> 1);
}

/** FPRecipEstimate(operand, fpcr) (ARMv8.0: no FEAT_AFP, no FEAT_RPRES). */
function fpRecipEstimate(x: u64, dbl: bool, cr: u32): u64 {
  const t = fpUnpack(x, dbl, cr);
  const sign = (x & fpSignBit(dbl)) != 0;
  if (t == FP_QNAN || t == FP_SNAN) return fpProcessNaN(t, x, dbl, cr);
  if (t == FP_INFINITY) return fpZero(sign, dbl);
  if (t == FP_ZERO) {
    fpException(FPSR_DZC);
    return fpInfinity(sign, dbl);
  }
  const F: u64 = dbl ? 52 : 23;
  const emask: u64 = dbl ? 0x7ff : 0xff;
  let exp = <i32>((x >> F) & emask);
  let frac = x & ((<u64>1 << F) - 1);
  // |value| < 2^-(bias+1) (2^-128 or 2^-1024): the reciprocal overflows.
  if (exp == 0 && (frac >> (F - 2)) == 0) {
    const rm = (cr >> 22) & 3;
    const toInf = rm == 0 || (rm == 1 && !sign) || (rm == 2 && sign);
    fpException(FPSR_OFC | FPSR_IXC);
    if (toInf) return fpInfinity(sign, dbl);
    return fpInfinity(sign, dbl) - 1; // the largest finite value of that sign
  }
  // |value| >= 2^(bias-1) (2^126 or 2^1022) under FZ: the reciprocal is flushed, with UFC alone.
  if ((cr & FPCR_FZ) != 0 && <u64>exp >= emask - 2) {
    fpException(FPSR_UFC);
    return fpZero(sign, dbl);
  }
  if (exp == 0) {
    if (((frac >> (F - 1)) & 1) == 0) {
      exp = -1;
      frac = (frac << 2) & ((<u64>1 << F) - 1);
    } else {
      frac = (frac << 1) & ((<u64>1 << F) - 1);
    }
  }
  const scaled = <u32>(256 | (frac >> (F - 8)));
  let resExp: i32 = (dbl ? 2045 : 253) - exp;
  const est = <u64>recipEstimate(scaled);
  let rf = (est & 0xff) << (F - 8);
  if (resExp == 0) rf = (<u64>1 << (F - 1)) | (rf >> 1);
  else if (resExp == -1) {
    rf = (<u64>1 << (F - 2)) | (rf >> 2);
    resExp = 0;
  }
  return (sign ? fpSignBit(dbl) : 0) | ((<u64>resExp & emask) << F) | rf;
}

/** FPRSqrtEstimate(operand, fpcr) (ARMv8.0). */
function fpRSqrtEstimate(x: u64, dbl: bool, cr: u32): u64 {
  const t = fpUnpack(x, dbl, cr);
  const sign = (x & fpSignBit(dbl)) != 0;
  if (t == FP_QNAN || t == FP_SNAN) return fpProcessNaN(t, x, dbl, cr);
  if (t == FP_ZERO) {
    fpException(FPSR_DZC);
    return fpInfinity(sign, dbl);
  }
  if (sign) {
    fpException(FPSR_IOC);
    return fpDefaultNaN(dbl);
  }
  if (t == FP_INFINITY) return fpZero(false, dbl);
  const F: u64 = dbl ? 52 : 23;
  const emask: u64 = dbl ? 0x7ff : 0xff;
  const fmask = (<u64>1 << F) - 1;
  let exp = <i32>((x >> F) & emask);
  let frac = x & fmask;
  if (exp == 0) {
    // Normalise the denormal: the leading one becomes the implicit bit.
    while (((frac >> (F - 1)) & 1) == 0) {
      frac = (frac << 1) & fmask;
      exp--;
    }
    frac = (frac << 1) & fmask;
  }
  const scaled = (exp & 1) == 0 ? <u32>(256 | (frac >> (F - 8))) : <u32>(128 | (frac >> (F - 7)));
  // (k - exp) DIV 2 rounds toward minus infinity; k - exp is positive here, so >> 1 does that.
  const resExp = ((dbl ? 3068 : 380) - exp) >> 1;
  const est = <u64>recipSqrtEstimate(scaled);
  return ((<u64>resExp & emask) << F) | ((est & 0xff) << (F - 8));
}

/** FRECPX: an exponent-only reciprocal (NOT(exp), or max_exp for zeros and denormals), fraction zero. */
function fpRecpX(x: u64, dbl: bool, cr: u32): u64 {
  const t = fpUnpack(x, dbl, cr);
  if (t == FP_QNAN || t == FP_SNAN) return fpProcessNaN(t, x, dbl, cr);
  const F: u64 = dbl ? 52 : 23;
  const emask: u64 = dbl ? 0x7ff : 0xff;
  const exp = (x >> F) & emask;
  const sign = x & fpSignBit(dbl);
  if (exp == 0) return sign | ((emask - 1) << F);
  return sign | ((~exp & emask) << F);
}

/** UnsignedRecipEstimate: operands below 0.5 (top bit clear) give all ones. */
function unsignedRecipEstimate(x: u64): u64 {
  if ((x >> 31) == 0) return 0xffffffff;
  return <u64>recipEstimate(<u32>(x >> 23)) << 23;
}

/** UnsignedRSqrtEstimate: operands below 0.25 (top two bits clear) give all ones. */
function unsignedRSqrtEstimate(x: u64): u64 {
  if ((x >> 30) == 0) return 0xffffffff;
  return <u64>recipSqrtEstimate(<u32>(x >> 23)) << 23;
}

const EST_RECPE: u32 = 0;
const EST_RSQRTE: u32 = 1;
const EST_URECPE: u32 = 2;
const EST_URSQRTE: u32 = 3;
const EST_RECPX: u32 = 4;

function estimate(op: u32, x: u64, dbl: bool, cr: u32): u64 {
  switch (op) {
    case EST_RECPE: return fpRecipEstimate(x, dbl, cr);
    case EST_RSQRTE: return fpRSqrtEstimate(x, dbl, cr);
    case EST_URECPE: return unsignedRecipEstimate(x);
    case EST_URSQRTE: return unsignedRSqrtEstimate(x);
    default: return fpRecpX(x, dbl, cr);
  }
}

function estimateVector(i: u32, op: u32, dbl: bool): void {
  const esz: u32 = dbl ? 3 : 2, n = rn(i), cr = fpcr();
  const elems: u32 = (q(i) ? 16 : 8) >> esz;
  clearResult();
  for (let e: u32 = 0; e < elems; e++) put(e, esz, estimate(op, elemU(n, e, esz), dbl, cr));
  writeResult(rd(i), q(i) != 0);
}

function estimateScalar(i: u32, op: u32): void {
  const dbl = sz(i) != 0;
  setVd(rd(i), estimate(op, elemU(rn(i), 0, dbl ? 3 : 2), dbl, fpcr()));
}

export function FRECPE_v(i: u32): void { estimateVector(i, EST_RECPE, sz(i) != 0); }
export function FRSQRTE_v(i: u32): void { estimateVector(i, EST_RSQRTE, sz(i) != 0); }
export function URECPE(i: u32): void { estimateVector(i, EST_URECPE, false); }
export function URSQRTE(i: u32): void { estimateVector(i, EST_URSQRTE, false); }
export function FRECPE_s(i: u32): void { estimateScalar(i, EST_RECPE); }
export function FRSQRTE_s(i: u32): void { estimateScalar(i, EST_RSQRTE); }
export function FRECPX(i: u32): void { estimateScalar(i, EST_RECPX); }
