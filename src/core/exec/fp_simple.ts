// Floating-point instructions that need no rounding (Arm ARM C7.2), single (sz = 0) and double (sz = 1)
// precision: FMOV (register), FABS, FNEG, FCMP/FCMPE, FCCMP/FCCMPE, FCSEL, FMAX/FMIN/FMAXNM/FMINNM and
// their AdvSIMD vector, pairwise and across-lanes forms, and the AdvSIMD FP compares (FCMxx, FACxx).
// Decode: 65-fp_simple.decode. The FP pseudocode (FPUnpack, NaN handling, FPCompare*, FPMax/Min*) is in
// ../fp.ts; here each handler only walks the elements.
//
// Results are built in resLo/resHi (../simd.ts) before Vd is written, so Vd may alias a source. Every
// scalar result and every 64-bit vector (Q = 0) clears bits 127:64 of Vd.
import { q, sz, rm, rn, rd, e, z, cond, nzcv } from "../generated/fields_fp_simple";
import { setNzcv, vLo, setVd } from "../state";
import { conditionHolds } from "../alu";
import { elemU, put, writeResult, clearResult } from "../simd";
import {
  fpcr, fpAbs, fpNeg, fpCompare, fpCompareEQ, fpCompareGx, fpMaxMin, fpMaxMinNum,
} from "../fp";

// Element operations, as numbered for fpOp.
const OP_MAX: u32 = 0;
const OP_MIN: u32 = 1;
const OP_MAXNM: u32 = 2;
const OP_MINNM: u32 = 3;
const OP_CMEQ: u32 = 4;
const OP_CMGE: u32 = 5;
const OP_CMGT: u32 = 6;
const OP_ACGE: u32 = 7;
const OP_ACGT: u32 = 8;

/** The element result of op on a and b: a value, or for the compares all ones (true) / zero (false). */
function fpOp(op: u32, a: u64, b: u64, dbl: bool, cr: u32): u64 {
  const ones: u64 = dbl ? <u64>-1 : <u64>0xffffffff;
  switch (op) {
    case OP_MAX: return fpMaxMin(a, b, true, dbl, cr);
    case OP_MIN: return fpMaxMin(a, b, false, dbl, cr);
    case OP_MAXNM: return fpMaxMinNum(a, b, true, dbl, cr);
    case OP_MINNM: return fpMaxMinNum(a, b, false, dbl, cr);
    case OP_CMEQ: return fpCompareEQ(a, b, dbl, cr) ? ones : 0;
    case OP_CMGE: return fpCompareGx(a, b, false, dbl, cr) ? ones : 0;
    case OP_CMGT: return fpCompareGx(a, b, true, dbl, cr) ? ones : 0;
    // FACGE/FACGT compare FPAbs of both operands (a NaN stays a NaN of the same kind).
    case OP_ACGE: return fpCompareGx(fpAbs(a, dbl), fpAbs(b, dbl), false, dbl, cr) ? ones : 0;
    default: return fpCompareGx(fpAbs(a, dbl), fpAbs(b, dbl), true, dbl, cr) ? ones : 0;
  }
}

// ---- Scalar FP data-processing -------------------------------------------------------------------------

/** The low 32 (S) or 64 (D) bits of Vn. */
@inline function fpReg(n: u32, dbl: bool): u64 {
  return dbl ? vLo(n) : vLo(n) & 0xffffffff;
}

export function FMOV_r(i: u32): void {
  setVd(rd(i), fpReg(rn(i), sz(i) != 0));
}

export function FABS_s(i: u32): void {
  const dbl = sz(i) != 0;
  setVd(rd(i), fpAbs(fpReg(rn(i), dbl), dbl));
}

export function FNEG_s(i: u32): void {
  const dbl = sz(i) != 0;
  setVd(rd(i), fpNeg(fpReg(rn(i), dbl), dbl));
}

/** FCMP/FCMPE (E = 1 signals on quiet NaNs too), against Vm or (Z = 1) +0.0. */
export function FCMP(i: u32): void {
  const dbl = sz(i) != 0;
  const b: u64 = z(i) != 0 ? 0 : fpReg(rm(i), dbl);
  setNzcv(fpCompare(fpReg(rn(i), dbl), b, e(i) != 0, dbl, fpcr()) << 28);
}

/** FCCMP/FCCMPE: the comparison if the condition holds, else the immediate flags (no exception). */
export function FCCMP(i: u32): void {
  const dbl = sz(i) != 0;
  if (conditionHolds(cond(i))) setNzcv(fpCompare(fpReg(rn(i), dbl), fpReg(rm(i), dbl), e(i) != 0, dbl, fpcr()) << 28);
  else setNzcv(nzcv(i) << 28);
}

export function FCSEL(i: u32): void {
  const dbl = sz(i) != 0;
  setVd(rd(i), fpReg(conditionHolds(cond(i)) ? rn(i) : rm(i), dbl));
}

@inline function scalar2(i: u32, op: u32): void {
  const dbl = sz(i) != 0;
  setVd(rd(i), fpOp(op, fpReg(rn(i), dbl), fpReg(rm(i), dbl), dbl, fpcr()));
}

export function FMAX_s(i: u32): void { scalar2(i, OP_MAX); }
export function FMIN_s(i: u32): void { scalar2(i, OP_MIN); }
export function FMAXNM_s(i: u32): void { scalar2(i, OP_MAXNM); }
export function FMINNM_s(i: u32): void { scalar2(i, OP_MINNM); }

// ---- AdvSIMD scalar three same / two-register misc (compares) ------------------------------------------

export function FCMEQ_s(i: u32): void { scalar2(i, OP_CMEQ); }
export function FCMGE_s(i: u32): void { scalar2(i, OP_CMGE); }
export function FCMGT_s(i: u32): void { scalar2(i, OP_CMGT); }
export function FACGE_s(i: u32): void { scalar2(i, OP_ACGE); }
export function FACGT_s(i: u32): void { scalar2(i, OP_ACGT); }

/** A compare with zero: element op zero, or (swap, for FCMLT/FCMLE) zero op element. */
@inline function scalarZero(i: u32, op: u32, swap: bool): void {
  const dbl = sz(i) != 0;
  const a = fpReg(rn(i), dbl);
  setVd(rd(i), swap ? fpOp(op, 0, a, dbl, fpcr()) : fpOp(op, a, 0, dbl, fpcr()));
}

export function FCMGT_zs(i: u32): void { scalarZero(i, OP_CMGT, false); }
export function FCMEQ_zs(i: u32): void { scalarZero(i, OP_CMEQ, false); }
export function FCMLT_zs(i: u32): void { scalarZero(i, OP_CMGT, true); }
export function FCMGE_zs(i: u32): void { scalarZero(i, OP_CMGE, false); }
export function FCMLE_zs(i: u32): void { scalarZero(i, OP_CMGE, true); }

// ---- AdvSIMD scalar pairwise: the two elements of Vn.2S / Vn.2D -----------------------------------------

@inline function scalarPair(i: u32, op: u32): void {
  const dbl = sz(i) != 0;
  const es: u32 = dbl ? 3 : 2;
  setVd(rd(i), fpOp(op, elemU(rn(i), 0, es), elemU(rn(i), 1, es), dbl, fpcr()));
}

export function FMAXNMP_s(i: u32): void { scalarPair(i, OP_MAXNM); }
export function FMAXP_s(i: u32): void { scalarPair(i, OP_MAX); }
export function FMINNMP_s(i: u32): void { scalarPair(i, OP_MINNM); }
export function FMINP_s(i: u32): void { scalarPair(i, OP_MIN); }

// ---- AdvSIMD vector forms ----------------------------------------------------------------------------

/** The element count of the arrangement (2S, 4S or 2D; 1D is unallocated in the table). */
@inline function elements(i: u32): u32 {
  return (q(i) != 0 ? 4 : 2) >> sz(i);
}

@inline function vector2(i: u32, op: u32): void {
  const dbl = sz(i) != 0;
  const es: u32 = dbl ? 3 : 2;
  const cr = fpcr();
  const n = rn(i);
  const m = rm(i);
  clearResult();
  for (let k: u32 = 0; k < elements(i); k++) put(k, es, fpOp(op, elemU(n, k, es), elemU(m, k, es), dbl, cr));
  writeResult(rd(i), q(i) != 0);
}

export function FMAXNM_v(i: u32): void { vector2(i, OP_MAXNM); }
export function FMINNM_v(i: u32): void { vector2(i, OP_MINNM); }
export function FMAX_v(i: u32): void { vector2(i, OP_MAX); }
export function FMIN_v(i: u32): void { vector2(i, OP_MIN); }
export function FCMEQ_v(i: u32): void { vector2(i, OP_CMEQ); }
export function FCMGE_v(i: u32): void { vector2(i, OP_CMGE); }
export function FCMGT_v(i: u32): void { vector2(i, OP_CMGT); }
export function FACGE_v(i: u32): void { vector2(i, OP_ACGE); }
export function FACGT_v(i: u32): void { vector2(i, OP_ACGT); }

/** Pairwise: concatenate Vm:Vn (Vn the low half); result element k = op(element 2k, element 2k+1). */
@inline function pairwise(i: u32, op: u32): void {
  const dbl = sz(i) != 0;
  const es: u32 = dbl ? 3 : 2;
  const cr = fpcr();
  const n = rn(i);
  const m = rm(i);
  const cnt = elements(i);
  clearResult();
  for (let k: u32 = 0; k < cnt; k++) {
    const j: u32 = k << 1;
    const a = j < cnt ? elemU(n, j, es) : elemU(m, j - cnt, es);
    const b = j + 1 < cnt ? elemU(n, j + 1, es) : elemU(m, j + 1 - cnt, es);
    put(k, es, fpOp(op, a, b, dbl, cr));
  }
  writeResult(rd(i), q(i) != 0);
}

export function FMAXNMP_v(i: u32): void { pairwise(i, OP_MAXNM); }
export function FMINNMP_v(i: u32): void { pairwise(i, OP_MINNM); }
export function FMAXP_v(i: u32): void { pairwise(i, OP_MAX); }
export function FMINP_v(i: u32): void { pairwise(i, OP_MIN); }

/** A compare with zero per element, as scalarZero. */
@inline function vectorZero(i: u32, op: u32, swap: bool): void {
  const dbl = sz(i) != 0;
  const es: u32 = dbl ? 3 : 2;
  const cr = fpcr();
  const n = rn(i);
  clearResult();
  for (let k: u32 = 0; k < elements(i); k++) {
    const a = elemU(n, k, es);
    put(k, es, swap ? fpOp(op, 0, a, dbl, cr) : fpOp(op, a, 0, dbl, cr));
  }
  writeResult(rd(i), q(i) != 0);
}

export function FCMGT_zv(i: u32): void { vectorZero(i, OP_CMGT, false); }
export function FCMEQ_zv(i: u32): void { vectorZero(i, OP_CMEQ, false); }
export function FCMLT_zv(i: u32): void { vectorZero(i, OP_CMGT, true); }
export function FCMGE_zv(i: u32): void { vectorZero(i, OP_CMGE, false); }
export function FCMLE_zv(i: u32): void { vectorZero(i, OP_CMGE, true); }

/** FABS/FNEG (vector): sign-bit operations per element, no exceptions. */
@inline function vectorSign(i: u32, neg: bool): void {
  const dbl = sz(i) != 0;
  const es: u32 = dbl ? 3 : 2;
  const n = rn(i);
  clearResult();
  for (let k: u32 = 0; k < elements(i); k++) {
    const a = elemU(n, k, es);
    put(k, es, neg ? fpNeg(a, dbl) : fpAbs(a, dbl));
  }
  writeResult(rd(i), q(i) != 0);
}

export function FABS_v(i: u32): void { vectorSign(i, false); }
export function FNEG_v(i: u32): void { vectorSign(i, true); }

// ---- Across lanes (4S only): FPReduce's tree, op(op(e0, e1), op(e2, e3)) ---------------------------------

@inline function across(i: u32, op: u32): void {
  const cr = fpcr();
  const n = rn(i);
  const lo = fpOp(op, elemU(n, 0, 2), elemU(n, 1, 2), false, cr);
  const hi = fpOp(op, elemU(n, 2, 2), elemU(n, 3, 2), false, cr);
  setVd(rd(i), fpOp(op, lo, hi, false, cr));
}

export function FMAXNMV(i: u32): void { across(i, OP_MAXNM); }
export function FMAXV(i: u32): void { across(i, OP_MAX); }
export function FMINNMV(i: u32): void { across(i, OP_MINNM); }
export function FMINV(i: u32): void { across(i, OP_MIN); }
