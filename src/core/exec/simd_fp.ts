// Advanced SIMD floating-point arithmetic, single (sz = 0) and double (sz = 1) precision: the vector
// and scalar forms of FADD, FSUB, FMUL, FDIV, FMLA, FMLS, FABD, FADDP, FMULX, FRECPS, FRSQRTS and the
// by-element FMUL, FMLA, FMLS, FMULX. Decode: 67-simd_fp.decode.
//
// Every lane is an independent FP operation on the rounding core (../softfloat.ts): FPCR.RMode/FZ/DN
// apply to each lane and the cumulative FPSR flags collect every lane's exceptions. Results are built
// in simd.ts's resLo:resHi and written at the end, so a destination that is also a source (FMLA's
// addend, an aliased operand) is read before it changes. FADD, FSUB, FMUL, FMULX, FDIV and
// single-precision FMLA/FMLS first try the rounding core's native fast path on the whole vector at
// once (vectorNative), and go lane by lane only when some lane needs the exact path.
import { q, sz, rm, rn, rd, l, h } from "../generated/fields_simd_fp";
import { vLo, setVd, vq, setVq128 } from "../state";
import { fpcr, fpNeg, fpAbs, fpUnpack, fpProcessNaNs, fpNaNDone, fpInfinity, fpZero, fpSignBit, FP_INFINITY, FP_ZERO } from "../fp";
import { fpAdd, fpMul, fpDiv, fpMulAdd, fpVec, fpAddVec, fpMulVec, fpDivVec, fpMulAddVec32 } from "../softfloat";
import { elemU, put, clearResult, writeResult } from "../simd";

// ---- Constants ----------------------------------------------------------------------------------------

/** FPTwo(sign). */
@inline function fpTwo(sign: bool, dbl: bool): u64 {
  return (dbl ? <u64>0x4000000000000000 : <u64>0x40000000) | (sign ? fpSignBit(dbl) : 0);
}
/** FPThree('0'). */
@inline function fpThree(dbl: bool): u64 { return dbl ? <u64>0x4008000000000000 : <u64>0x40400000; }
/** FPOnePointFive('0'). */
@inline function fpOnePointFive(dbl: bool): u64 { return dbl ? <u64>0x3ff8000000000000 : <u64>0x3fc00000; }

// ---- The per-element operations -----------------------------------------------------------------------

const OP_ADD: u32 = 0;
const OP_SUB: u32 = 1;
const OP_MUL: u32 = 2;
const OP_DIV: u32 = 3;
const OP_ABD: u32 = 4;
const OP_MULX: u32 = 5;
const OP_RECPS: u32 = 6;
const OP_RSQRTS: u32 = 7;
const OP_MLA: u32 = 8;
const OP_MLS: u32 = 9;

/**
 * FPMulX(op1, op2, fpcr): FPMul except that infinity times zero is 2.0 with the sign of the product
 * (no Invalid Operation), which is what makes it usable in the reciprocal iterations.
 */
function fpMulX(a: u64, b: u64, dbl: bool, cr: u32): u64 {
  const t1 = fpUnpack(a, dbl, cr);
  const t2 = fpUnpack(b, dbl, cr);
  const n = fpProcessNaNs(t1, t2, a, b, dbl, cr);
  if (fpNaNDone) return n;
  if ((t1 == FP_INFINITY && t2 == FP_ZERO) || (t1 == FP_ZERO && t2 == FP_INFINITY)) {
    return fpTwo(((a ^ b) & fpSignBit(dbl)) != 0, dbl);
  }
  // Everything else is FPMul's (its own unpacking repeats IDC, which is cumulative anyway).
  return fpMul(a, b, dbl, cr);
}

/**
 * FPRecipStepFused(op1, op2): 2.0 - op1 * op2 with one rounding. op1 is negated first, so a NaN op1
 * comes out with its sign inverted; infinity times zero gives +2.0 without Invalid Operation.
 */
function fpRecipStepFused(a: u64, b: u64, dbl: bool, cr: u32): u64 {
  const na = fpNeg(a, dbl);
  const t1 = fpUnpack(na, dbl, cr);
  const t2 = fpUnpack(b, dbl, cr);
  const n = fpProcessNaNs(t1, t2, na, b, dbl, cr);
  if (fpNaNDone) return n;
  if ((t1 == FP_INFINITY && t2 == FP_ZERO) || (t1 == FP_ZERO && t2 == FP_INFINITY)) return fpTwo(false, dbl);
  // The rest (infinities, zeros, an exact zero sum signed by the rounding mode, the fused rounding)
  // is FPMulAdd with the addend 2.0.
  return fpMulAdd(fpTwo(false, dbl), na, b, dbl, cr);
}

/**
 * FPRSqrtStepFused(op1, op2): (3.0 - op1 * op2) / 2.0 with one rounding. Computed as
 * 1.5 + (-op1 / 2) * op2 (or op1 * (op2 / 2)) by FPMulAdd: halving a normal operand whose exponent
 * stays normal is exact, so the single rounding is the same, and unlike rounding 3 + p and halving
 * afterwards it cannot overflow where the halved value does not. When neither operand can be halved
 * exactly both are below 2^-(emin-1), their product is far below half an ulp of 1.5, and
 * 1.5 + p rounds as 1.5 + p / 2 does (same direction, both inexact).
 */
function fpRSqrtStepFused(a: u64, b: u64, dbl: bool, cr: u32): u64 {
  const na = fpNeg(a, dbl);
  const t1 = fpUnpack(na, dbl, cr);
  const t2 = fpUnpack(b, dbl, cr);
  const n = fpProcessNaNs(t1, t2, na, b, dbl, cr);
  if (fpNaNDone) return n;
  if ((t1 == FP_INFINITY && t2 == FP_ZERO) || (t1 == FP_ZERO && t2 == FP_INFINITY)) return fpOnePointFive(dbl);
  if (t1 == FP_INFINITY || t2 == FP_INFINITY) return fpInfinity(((na ^ b) & fpSignBit(dbl)) != 0, dbl);
  if (t1 == FP_ZERO || t2 == FP_ZERO) return fpOnePointFive(dbl); // (3 + 0) / 2, exact
  const F: u64 = dbl ? 52 : 23;
  const expMask: u64 = dbl ? 0x7ff : 0xff;
  let x = na;
  let y = b;
  if (((x >> F) & expMask) >= 2) x -= <u64>1 << F;
  else if (((y >> F) & expMask) >= 2) y -= <u64>1 << F;
  return fpMulAdd(fpOnePointFive(dbl), x, y, dbl, cr);
}

/** One element: op applied to x and y (acc is the destination element for FMLA/FMLS). */
function fpOp(op: u32, x: u64, y: u64, acc: u64, dbl: bool, cr: u32): u64 {
  switch (op) {
    case OP_ADD: return fpAdd(x, y, false, dbl, cr);
    case OP_SUB: return fpAdd(x, y, true, dbl, cr);
    case OP_MUL: return fpMul(x, y, dbl, cr);
    case OP_DIV: return fpDiv(x, y, dbl, cr);
    // FABD: FPAbs(FPSub(...)), a NaN result included.
    case OP_ABD: return fpAbs(fpAdd(x, y, true, dbl, cr), dbl);
    case OP_MULX: return fpMulX(x, y, dbl, cr);
    case OP_RECPS: return fpRecipStepFused(x, y, dbl, cr);
    case OP_RSQRTS: return fpRSqrtStepFused(x, y, dbl, cr);
    case OP_MLA: return fpMulAdd(acc, x, y, dbl, cr);
    // FMLS negates the first multiplicand before the operation (so its NaN sign too).
    default: return fpMulAdd(acc, fpNeg(x, dbl), y, dbl, cr);
  }
}

/**
 * The whole vector through the native fast path, for the operations that have one (FMULX is FMUL
 * except for infinity times zero, whose NaN the native path refuses): true when Vd has been written,
 * false (nothing written) when the lanes must go one by one. `y` is Vm, or the by-element operand in
 * every lane.
 */
function vectorNative(op: u32, x: v128, y: v128, d: u32, dbl: bool, full: bool, cr: u32): bool {
  let done = false;
  switch (op) {
    case OP_ADD: done = fpAddVec(x, y, false, dbl, full, cr); break;
    case OP_SUB: done = fpAddVec(x, y, true, dbl, full, cr); break;
    case OP_MUL:
    case OP_MULX: done = fpMulVec(x, y, dbl, full, cr); break;
    case OP_DIV: done = fpDivVec(x, y, dbl, full, cr); break;
    case OP_MLA: done = !dbl && fpMulAddVec32(vq(d), x, y, full, cr); break;
    case OP_MLS: done = !dbl && fpMulAddVec32(vq(d), v128.xor(x, i32x4.splat(0x80000000)), y, full, cr); break;
    default: break;
  }
  if (done) {
    if (full) setVq128(d, fpVec);
    else setVd(d, i64x2.extract_lane(fpVec, 0));
  }
  return done;
}

// ---- Vector, scalar and by-element shapes ---------------------------------------------------------------

/** Three same, vector: Vd[e] = op(Vn[e], Vm[e]) for 2S, 4S or 2D (2D needs Q = 1, checked by decode). */
function vector3(i: u32, op: u32): void {
  const dbl = sz(i) != 0;
  const esz: u32 = dbl ? 3 : 2;
  const elements: u32 = (q(i) != 0 ? 16 : 8) >> esz;
  const n = rn(i);
  const m = rm(i);
  const d = rd(i);
  const cr = fpcr();
  if (vectorNative(op, vq(n), vq(m), d, dbl, q(i) != 0, cr)) return;
  clearResult();
  for (let e: u32 = 0; e < elements; e++) {
    put(e, esz, fpOp(op, elemU(n, e, esz), elemU(m, e, esz), elemU(d, e, esz), dbl, cr));
  }
  writeResult(d, q(i) != 0);
}

/** Scalar three same: Vd = op(Vn, Vm) on S or D, bits above cleared. */
function scalar3(i: u32, op: u32): void {
  const dbl = sz(i) != 0;
  const esz: u32 = dbl ? 3 : 2;
  setVd(rd(i), fpOp(op, elemU(rn(i), 0, esz), elemU(rm(i), 0, esz), 0, dbl, fpcr()));
}

/** The element index of the by-element forms: H:L for S, H for D (sz:L = 11 is unallocated). */
@inline function elementIndex(i: u32): u32 {
  return sz(i) != 0 ? h(i) : (h(i) << 1) | l(i);
}

/** Vector x indexed element: Vd[e] = op(Vn[e], Vm[index]). */
function vectorElem(i: u32, op: u32): void {
  const dbl = sz(i) != 0;
  const esz: u32 = dbl ? 3 : 2;
  const elements: u32 = (q(i) != 0 ? 16 : 8) >> esz;
  const n = rn(i);
  const d = rd(i);
  const cr = fpcr();
  const y = elemU(rm(i), elementIndex(i), esz);
  if (vectorNative(op, vq(n), dbl ? i64x2.splat(y) : i32x4.splat(<u32>y), d, dbl, q(i) != 0, cr)) return;
  clearResult();
  for (let e: u32 = 0; e < elements; e++) {
    put(e, esz, fpOp(op, elemU(n, e, esz), y, elemU(d, e, esz), dbl, cr));
  }
  writeResult(d, q(i) != 0);
}

/** Scalar x indexed element: Vd = op(Vn, Vm[index]) on S or D, bits above cleared. */
function scalarElem(i: u32, op: u32): void {
  const dbl = sz(i) != 0;
  const esz: u32 = dbl ? 3 : 2;
  const d = rd(i);
  const y = elemU(rm(i), elementIndex(i), esz);
  setVd(d, fpOp(op, elemU(rn(i), 0, esz), y, elemU(d, 0, esz), dbl, fpcr()));
}

// ---- Three same (vector) ----------------------------------------------------------------------------------

export function FADD_v(i: u32): void { vector3(i, OP_ADD); }
export function FSUB_v(i: u32): void { vector3(i, OP_SUB); }
export function FMUL_v(i: u32): void { vector3(i, OP_MUL); }
export function FDIV_v(i: u32): void { vector3(i, OP_DIV); }
export function FABD_v(i: u32): void { vector3(i, OP_ABD); }
export function FMULX_v(i: u32): void { vector3(i, OP_MULX); }
export function FRECPS_v(i: u32): void { vector3(i, OP_RECPS); }
export function FRSQRTS_v(i: u32): void { vector3(i, OP_RSQRTS); }
export function FMLA_v(i: u32): void { vector3(i, OP_MLA); }
export function FMLS_v(i: u32): void { vector3(i, OP_MLS); }

/**
 * FADDP (vector): the pairs of the concatenation Vm:Vn (Vn in the low half) added, so the low half of
 * the result comes from Vn's pairs and the high half from Vm's.
 */
export function FADDP_v(i: u32): void {
  const dbl = sz(i) != 0;
  const esz: u32 = dbl ? 3 : 2;
  const elements: u32 = (q(i) != 0 ? 16 : 8) >> esz;
  const half = elements >> 1;
  const n = rn(i);
  const m = rm(i);
  const cr = fpcr();
  clearResult();
  for (let e: u32 = 0; e < elements; e++) {
    const src = e < half ? n : m;
    const k = (e < half ? e : e - half) << 1;
    put(e, esz, fpAdd(elemU(src, k, esz), elemU(src, k + 1, esz), false, dbl, cr));
  }
  writeResult(rd(i), q(i) != 0);
}

// ---- Scalar three same and scalar pairwise ---------------------------------------------------------------

export function FABD_sc(i: u32): void { scalar3(i, OP_ABD); }
export function FMULX_sc(i: u32): void { scalar3(i, OP_MULX); }
export function FRECPS_sc(i: u32): void { scalar3(i, OP_RECPS); }
export function FRSQRTS_sc(i: u32): void { scalar3(i, OP_RSQRTS); }

/** FADDP (scalar): Vn's two elements (2S or 2D) added. */
export function FADDP_sc(i: u32): void {
  const dbl = sz(i) != 0;
  const esz: u32 = dbl ? 3 : 2;
  const n = rn(i);
  setVd(rd(i), fpAdd(elemU(n, 0, esz), elemU(n, 1, esz), false, dbl, fpcr()));
}

// ---- By element ---------------------------------------------------------------------------------------------

export function FMLA_ve(i: u32): void { vectorElem(i, OP_MLA); }
export function FMLS_ve(i: u32): void { vectorElem(i, OP_MLS); }
export function FMUL_ve(i: u32): void { vectorElem(i, OP_MUL); }
export function FMULX_ve(i: u32): void { vectorElem(i, OP_MULX); }
export function FMLA_se(i: u32): void { scalarElem(i, OP_MLA); }
export function FMLS_se(i: u32): void { scalarElem(i, OP_MLS); }
export function FMUL_se(i: u32): void { scalarElem(i, OP_MUL); }
export function FMULX_se(i: u32): void { scalarElem(i, OP_MULX); }
