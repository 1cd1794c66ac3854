// Integer Advanced SIMD with two source vectors (Arm ARM C7.2): three same, three different,
// vector x indexed element and their scalar forms, scalar pairwise ADDP. Decode: 70-simd_3.decode.
//
// Elements are read straight from the register file (little-endian, lane 0 lowest) and the result is
// built in resLo/resHi before Vd is written, so Vd may alias Vn or Vm. Operand values are carried as i64:
// sign-extended for the signed ("S") forms and zero-extended for the unsigned ("U") forms, which is
// exact for every op on elements up to 32 bits; the few ops with 64-bit elements (add/sub, compares,
// shifts, saturating add/sub) treat the 64-bit case explicitly.
import { q, size, rm, rn, rd, l, m, rm4, h } from "../generated/fields_simd_3";
import { vAddr, vLo, vHi, setVq, setVd, setQC } from "../state";
import { elemU, elemS, elem, put, writeResult, clearResult, signedSatQ, unsignedSatQ, resLo, resHi } from "../simd";

function qadd(a: i64, b: i64, esize: u32, uns: bool): i64 {
  if (esize < 64) return uns ? unsignedSatQ(a + b, esize) : signedSatQ(a + b, esize);
  const r = a + b;
  if (uns) {
    if (<u64>r < <u64>a) { setQC(); return -1; }
    return r;
  }
  if (((a ^ r) & (b ^ r)) < 0) { setQC(); return a < 0 ? i64.MIN_VALUE : i64.MAX_VALUE; }
  return r;
}

function qsub(a: i64, b: i64, esize: u32, uns: bool): i64 {
  if (esize < 64) return uns ? unsignedSatQ(a - b, esize) : signedSatQ(a - b, esize);
  const r = a - b;
  if (uns) {
    if (<u64>a < <u64>b) { setQC(); return 0; }
    return r;
  }
  if (((a ^ b) & (a ^ r)) < 0) { setQC(); return a < 0 ? i64.MIN_VALUE : i64.MAX_VALUE; }
  return r;
}

// ---- Shift by register (SSHL, USHL, SRSHL, URSHL, SQSHL, UQSHL, SQRSHL, UQRSHL) -------------------------

/**
 * The Arm ARM's (Int(a) + round_const) << shift in unbounded precision, then truncated (the caller keeps
 * the low esize bits) or saturated. shift is the signed bottom byte of the Vm element; a negative shift
 * is a right shift, rounded to nearest (ties up) when `rnd`. A right shift never saturates.
 */
function shiftReg(a: i64, shift: i32, esize: u32, uns: bool, rnd: bool, sat: bool): i64 {
  if (shift >= 0) {
    if (!sat) return shift >= 64 ? 0 : a << shift;
    if (a == 0) return 0;
    let ok = shift < <i32>esize;
    let r: i64 = 0;
    if (ok) {
      r = a << shift;
      if (uns) ok = (<u64>r >> shift) == <u64>a && (esize == 64 || (<u64>r >> esize) == 0);
      else ok = (r >> shift) == a && (esize == 64 || (r >> (esize - 1)) == (a >> 63));
    }
    if (ok) return r;
    setQC();
    if (uns) return -1; // all ones: the caller keeps the low esize bits
    return a < 0 ? <i64>-1 << (esize - 1) : (<i64>1 << (esize - 1)) - 1; // (wraps to i64 MAX for esize 64)
  }
  const n = -shift; // 1..128
  // floor(a / 2^n), plus bit n-1 of a when rounding: exactly floor((a + 2^(n-1)) / 2^n).
  let r: i64;
  if (n >= 64) r = uns ? 0 : a >> 63;
  else r = uns ? <i64>(<u64>a >> n) : a >> n;
  if (rnd) {
    const k = n - 1;
    if (k >= 64) r += uns ? 0 : <i64>(<u64>a >> 63);
    else r += <i64>((<u64>a >> k) & 1);
  }
  return r;
}

// ---- Multiplies -------------------------------------------------------------------------------------

/** Polynomial (carry-less) multiply of the low `width` bits of a and b. */
@inline function clmul(a: u64, b: u64, width: u32): u64 {
  let r: u64 = 0;
  for (let k: u32 = 0; k < width; k++) if ((b >> k) & 1) r ^= a << k;
  return r;
}

/** SQDMULH / SQRDMULH: SignedSatQ((2*a*b + round) >> esize, esize), esize 16 or 32. */
@inline function qdmulh(a: i64, b: i64, esize: u32, rnd: bool): i64 {
  // 2ab + 2^(esize-1) >> esize == ab + 2^(esize-2) >> (esize-1); ab fits in i64 with room for the round.
  const p = a * b;
  return signedSatQ((rnd ? p + (<i64>1 << (esize - 2)) : p) >> (esize - 1), esize);
}

/** SQDMULL: SignedSatQ(2*a*b, 2*esize), esize 16 or 32. Only MIN*MIN overflows. */
@inline function qdmull(a: i64, b: i64, esize: u32): i64 {
  const min: i64 = <i64>-1 << (esize - 1);
  if (a == min && b == min) {
    setQC();
    return esize == 32 ? i64.MAX_VALUE : (<i64>1 << 31) - 1;
  }
  return 2 * a * b;
}

// ---- Three same kernel --------------------------------------------------------------------------------

const K_HADD: u32 = 0, K_RHADD: u32 = 1, K_HSUB: u32 = 2, K_QADD: u32 = 3, K_QSUB: u32 = 4;
const K_CMGT: u32 = 5, K_CMGE: u32 = 6, K_SHL: u32 = 7, K_QSHL: u32 = 8, K_RSHL: u32 = 9, K_QRSHL: u32 = 10;
const K_MAX: u32 = 11, K_MIN: u32 = 12, K_ABD: u32 = 13, K_ABA: u32 = 14, K_ADD: u32 = 15, K_SUB: u32 = 16;
const K_CMTST: u32 = 17, K_CMEQ: u32 = 18, K_MLA: u32 = 19, K_MLS: u32 = 20, K_MUL: u32 = 21, K_PMUL: u32 = 22;
const K_QDMULH: u32 = 23, K_QRDMULH: u32 = 24;

/** One element of a three-same op: a from Vn, b from Vm, d the old Vd element (accumulating ops). */
@inline function same1(op: u32, a: i64, b: i64, d: i64, esize: u32, uns: bool): i64 {
  switch (op) {
    case K_HADD: return (a + b) >> 1;
    case K_RHADD: return (a + b + 1) >> 1;
    case K_HSUB: return (a - b) >> 1;
    case K_QADD: return qadd(a, b, esize, uns);
    case K_QSUB: return qsub(a, b, esize, uns);
    case K_CMGT: return (uns ? <u64>a > <u64>b : a > b) ? -1 : 0;
    case K_CMGE: return (uns ? <u64>a >= <u64>b : a >= b) ? -1 : 0;
    case K_SHL: return shiftReg(a, <i32><i8>b, esize, uns, false, false);
    case K_QSHL: return shiftReg(a, <i32><i8>b, esize, uns, false, true);
    case K_RSHL: return shiftReg(a, <i32><i8>b, esize, uns, true, false);
    case K_QRSHL: return shiftReg(a, <i32><i8>b, esize, uns, true, true);
    case K_MAX: return a > b ? a : b;
    case K_MIN: return a < b ? a : b;
    case K_ABD: return a > b ? a - b : b - a;
    case K_ABA: return d + (a > b ? a - b : b - a);
    case K_ADD: return a + b;
    case K_SUB: return a - b;
    case K_CMTST: return (a & b) != 0 ? -1 : 0;
    case K_CMEQ: return a == b ? -1 : 0;
    case K_MLA: return d + a * b;
    case K_MLS: return d - a * b;
    case K_MUL: return a * b;
    case K_PMUL: return <i64>clmul(<u64>a, <u64>b, esize);
    case K_QDMULH: return qdmulh(a, b, esize, false);
    case K_QRDMULH: return qdmulh(a, b, esize, true);
  }
  return 0;
}

/** Vector three same: every element of Vn op the same element of Vm. */
@inline function same(i: u32, op: u32, uns: bool): void {
  const sz = size(i), n = rn(i), mm = rm(i), d = rd(i), full = q(i) != 0;
  const esize: u32 = 8 << sz;
  const count: u32 = (full ? 16 : 8) >> sz;
  clearResult();
  for (let e: u32 = 0; e < count; e++) {
    const r = same1(op, elem(n, e, sz, uns), elem(mm, e, sz, uns), elem(d, e, sz, uns), esize, uns);
    put(e, sz, <u64>r);
  }
  writeResult(d, full);
}

/** Scalar three same: element 0 only, zero-extended into Vd. */
@inline function sameScalar(i: u32, op: u32, uns: bool): void {
  const sz = size(i), d = rd(i);
  clearResult();
  const r = same1(op, elem(rn(i), 0, sz, uns), elem(rm(i), 0, sz, uns), 0, 8 << sz, uns);
  put(0, sz, <u64>r);
  setVd(d, resLo);
}

/** Pairwise: element e of the result combines elements 2e and 2e+1 of the concatenation Vm:Vn. */
@inline function pairwise(i: u32, op: u32, uns: bool): void {
  const sz = size(i), n = rn(i), mm = rm(i), d = rd(i), full = q(i) != 0;
  const esize: u32 = 8 << sz;
  const count: u32 = (full ? 16 : 8) >> sz;
  const half = count >> 1;
  clearResult();
  for (let e: u32 = 0; e < count; e++) {
    const src = e < half ? n : mm;
    const k = (e < half ? e : e - half) << 1;
    put(e, sz, <u64>same1(op, elem(src, k, sz, uns), elem(src, k + 1, sz, uns), 0, esize, uns));
  }
  writeResult(d, full);
}

export function SHADD(i: u32): void { same(i, K_HADD, false); }
export function UHADD(i: u32): void { same(i, K_HADD, true); }
export function SRHADD(i: u32): void { same(i, K_RHADD, false); }
export function SHSUB(i: u32): void { same(i, K_HSUB, false); }
export function UHSUB(i: u32): void { same(i, K_HSUB, true); }
export function SQADD(i: u32): void { same(i, K_QADD, false); }
export function UQADD(i: u32): void { same(i, K_QADD, true); }
export function SQSUB(i: u32): void { same(i, K_QSUB, false); }
export function UQSUB(i: u32): void { same(i, K_QSUB, true); }
export function CMHI(i: u32): void { same(i, K_CMGT, true); }
export function CMGE(i: u32): void { same(i, K_CMGE, false); }
export function CMHS(i: u32): void { same(i, K_CMGE, true); }
export function SSHL(i: u32): void { same(i, K_SHL, false); }
export function USHL(i: u32): void { same(i, K_SHL, true); }
export function SQSHL(i: u32): void { same(i, K_QSHL, false); }
export function UQSHL(i: u32): void { same(i, K_QSHL, true); }
export function SRSHL(i: u32): void { same(i, K_RSHL, false); }
export function URSHL(i: u32): void { same(i, K_RSHL, true); }
export function SQRSHL(i: u32): void { same(i, K_QRSHL, false); }
export function UQRSHL(i: u32): void { same(i, K_QRSHL, true); }
export function SABD(i: u32): void { same(i, K_ABD, false); }
export function UABD(i: u32): void { same(i, K_ABD, true); }
export function SABA(i: u32): void { same(i, K_ABA, false); }
export function UABA(i: u32): void { same(i, K_ABA, true); }
export function MLA(i: u32): void { same(i, K_MLA, false); }
export function MLS(i: u32): void { same(i, K_MLS, false); }
export function PMUL(i: u32): void { same(i, K_PMUL, true); }
export function SQDMULH(i: u32): void { same(i, K_QDMULH, false); }
export function SQRDMULH(i: u32): void { same(i, K_QRDMULH, false); }
export function SMAXP(i: u32): void { pairwise(i, K_MAX, false); }
export function UMAXP(i: u32): void { pairwise(i, K_MAX, true); }
export function SMINP(i: u32): void { pairwise(i, K_MIN, false); }
export function UMINP(i: u32): void { pairwise(i, K_MIN, true); }
export function ADDP(i: u32): void { pairwise(i, K_ADD, true); }

// ADD/SUB work on whole 64-bit halves with the lane carries cut at each lane's top bit (SWAR):
// the low bits of every lane add as one wide add, and the top bit is the lane's XOR sum.
/** The top bit of every lane of 2^sz bytes, in 64 bits. */
@inline function laneTops(sz: u32): u64 {
  return sz == 0 ? 0x8080808080808080 : sz == 1 ? 0x8000800080008000 : sz == 2 ? 0x8000000080000000 : 0x8000000000000000;
}
@inline function addLanes(a: u64, b: u64, top: u64): u64 { return ((a & ~top) + (b & ~top)) ^ ((a ^ b) & top); }
@inline function subLanes(a: u64, b: u64, top: u64): u64 { return ((a | top) - (b & ~top)) ^ ((a ^ ~b) & top); }
/**
 * All ones in every lane of x that is non-zero: the low bits of a lane plus (top - 1) carry into the
 * lane's top bit exactly when they are non-zero, and never into the next lane.
 */
@inline function nonZeroLanes(x: u64, top: u64, sz: u32): u64 {
  if (sz == 3) return x != 0 ? <u64>-1 : 0;
  const y = (((x & ~top) + ~top) | x) & top;
  const esize: u64 = <u64>8 << sz;
  return (y >> (esize - 1)) * ((<u64>1 << esize) - 1);
}
/** CMEQ (register): lanes where Vn == Vm become all ones. */
export function CMEQ(i: u32): void {
  const n = rn(i), mm = rm(i), sz = size(i), top = laneTops(sz);
  const lo = ~nonZeroLanes(vLo(n) ^ vLo(mm), top, sz);
  if (q(i)) setVq(rd(i), lo, ~nonZeroLanes(vHi(n) ^ vHi(mm), top, sz));
  else setVd(rd(i), lo);
}
/** CMTST: lanes where Vn AND Vm is non-zero become all ones. */
export function CMTST(i: u32): void {
  const n = rn(i), mm = rm(i), sz = size(i), top = laneTops(sz);
  const lo = nonZeroLanes(vLo(n) & vLo(mm), top, sz);
  if (q(i)) setVq(rd(i), lo, nonZeroLanes(vHi(n) & vHi(mm), top, sz));
  else setVd(rd(i), lo);
}
export function ADD(i: u32): void {
  const n = rn(i), mm = rm(i), top = laneTops(size(i));
  const lo = addLanes(vLo(n), vLo(mm), top);
  if (q(i)) setVq(rd(i), lo, addLanes(vHi(n), vHi(mm), top));
  else setVd(rd(i), lo);
}
export function SUB(i: u32): void {
  const n = rn(i), mm = rm(i), top = laneTops(size(i));
  const lo = subLanes(vLo(n), vLo(mm), top);
  if (q(i)) setVq(rd(i), lo, subLanes(vHi(n), vHi(mm), top));
  else setVd(rd(i), lo);
}
export function CMGT(i: u32): void { same(i, K_CMGT, false); }
export function MUL(i: u32): void { same(i, K_MUL, true); }
export function SMAX(i: u32): void { same(i, K_MAX, false); }
export function UMAX(i: u32): void { same(i, K_MAX, true); }
export function SMIN(i: u32): void { same(i, K_MIN, false); }
export function UMIN(i: u32): void { same(i, K_MIN, true); }
export function URHADD(i: u32): void { same(i, K_RHADD, true); }

// Bitwise ops work on the 64-bit halves. BSL/BIT/BIF are one bit select with the operands permuted.
/** Vd <- the halves computed by a bitwise op (upper half cleared when Q = 0). */
@inline function bitwise(i: u32, lo: u64, hi: u64): void {
  if (q(i)) setVq(rd(i), lo, hi);
  else setVd(rd(i), lo);
}
/** (a AND s) OR (b AND NOT s), the Arm ARM's BSL/BIT/BIF in one form. */
@inline function sel(a: u64, b: u64, s: u64): u64 { return b ^ ((a ^ b) & s); }
export function AND(i: u32): void { const n = rn(i), mm = rm(i); bitwise(i, vLo(n) & vLo(mm), vHi(n) & vHi(mm)); }
export function BIC(i: u32): void { const n = rn(i), mm = rm(i); bitwise(i, vLo(n) & ~vLo(mm), vHi(n) & ~vHi(mm)); }
export function ORR(i: u32): void { const n = rn(i), mm = rm(i); bitwise(i, vLo(n) | vLo(mm), vHi(n) | vHi(mm)); }
export function ORN(i: u32): void { const n = rn(i), mm = rm(i); bitwise(i, vLo(n) | ~vLo(mm), vHi(n) | ~vHi(mm)); }
export function EOR(i: u32): void { const n = rn(i), mm = rm(i); bitwise(i, vLo(n) ^ vLo(mm), vHi(n) ^ vHi(mm)); }
/** BSL: Vd selects, bit by bit, Vn (1) or Vm (0). */
export function BSL(i: u32): void {
  const n = rn(i), mm = rm(i), d = rd(i);
  bitwise(i, sel(vLo(n), vLo(mm), vLo(d)), sel(vHi(n), vHi(mm), vHi(d)));
}
/** BIT: insert Vn's bits where Vm is 1. */
export function BIT(i: u32): void {
  const n = rn(i), mm = rm(i), d = rd(i);
  bitwise(i, sel(vLo(n), vLo(d), vLo(mm)), sel(vHi(n), vHi(d), vHi(mm)));
}
/** BIF: insert Vn's bits where Vm is 0. */
export function BIF(i: u32): void {
  const n = rn(i), mm = rm(i), d = rd(i);
  bitwise(i, sel(vLo(d), vLo(n), vLo(mm)), sel(vHi(d), vHi(n), vHi(mm)));
}

// ---- Scalar three same and scalar pairwise -----------------------------------------------------------

export function SQADD_s(i: u32): void { sameScalar(i, K_QADD, false); }
export function UQADD_s(i: u32): void { sameScalar(i, K_QADD, true); }
export function SQSUB_s(i: u32): void { sameScalar(i, K_QSUB, false); }
export function UQSUB_s(i: u32): void { sameScalar(i, K_QSUB, true); }
export function CMGT_s(i: u32): void { sameScalar(i, K_CMGT, false); }
export function CMHI_s(i: u32): void { sameScalar(i, K_CMGT, true); }
export function CMGE_s(i: u32): void { sameScalar(i, K_CMGE, false); }
export function CMHS_s(i: u32): void { sameScalar(i, K_CMGE, true); }
export function SSHL_s(i: u32): void { sameScalar(i, K_SHL, false); }
export function USHL_s(i: u32): void { sameScalar(i, K_SHL, true); }
export function SQSHL_s(i: u32): void { sameScalar(i, K_QSHL, false); }
export function UQSHL_s(i: u32): void { sameScalar(i, K_QSHL, true); }
export function SRSHL_s(i: u32): void { sameScalar(i, K_RSHL, false); }
export function URSHL_s(i: u32): void { sameScalar(i, K_RSHL, true); }
export function SQRSHL_s(i: u32): void { sameScalar(i, K_QRSHL, false); }
export function UQRSHL_s(i: u32): void { sameScalar(i, K_QRSHL, true); }
export function ADD_s(i: u32): void { setVd(rd(i), vLo(rn(i)) + vLo(rm(i))); }
export function SUB_s(i: u32): void { setVd(rd(i), vLo(rn(i)) - vLo(rm(i))); }
export function CMTST_s(i: u32): void { sameScalar(i, K_CMTST, false); }
export function CMEQ_s(i: u32): void { sameScalar(i, K_CMEQ, false); }
export function SQDMULH_s(i: u32): void { sameScalar(i, K_QDMULH, false); }
export function SQRDMULH_s(i: u32): void { sameScalar(i, K_QRDMULH, false); }

/** ADDP (scalar): Dd = Vn.D[0] + Vn.D[1]. */
export function ADDP_s(i: u32): void {
  const n = rn(i);
  setVd(rd(i), vLo(n) + vHi(n));
}

// ---- Three different: long, wide and narrowing-high ------------------------------------------------

const L_ADD: u32 = 0, L_SUB: u32 = 1, L_ABA: u32 = 2, L_ABD: u32 = 3, L_MLA: u32 = 4, L_MLS: u32 = 5;
const L_MUL: u32 = 6, L_QDMLA: u32 = 7, L_QDMLS: u32 = 8, L_QDMUL: u32 = 9, L_PMUL: u32 = 10;

/** One 2*esize-bit result of a long op: a, b are esize-bit sources, d the old 2*esize Vd element. */
@inline function long1(op: u32, a: i64, b: i64, d: i64, esize: u32): i64 {
  switch (op) {
    case L_ADD: return a + b;
    case L_SUB: return a - b;
    case L_ABA: return d + (a > b ? a - b : b - a);
    case L_ABD: return a > b ? a - b : b - a;
    case L_MLA: return d + a * b;
    case L_MLS: return d - a * b;
    case L_MUL: return a * b;
    case L_QDMLA: return qadd(d, qdmull(a, b, esize), esize << 1, false);
    case L_QDMLS: return qsub(d, qdmull(a, b, esize), esize << 1, false);
    case L_QDMUL: return qdmull(a, b, esize);
    case L_PMUL: return <i64>clmul(<u64>a, <u64>b, esize);
  }
  return 0;
}

/**
 * Long op: Vd (2*esize elements) <- op over the low (Q = 0) or high (Q = 1, the "2" forms) halves of
 * Vn and Vm. `wide` takes Vn as already 2*esize wide (SADDW etc.). Vm may be a fixed indexed element
 * (bIdx >= 0 with register mReg). `scalar` does element 0 only (and writes Dd or Sd).
 */
@inline function longOp(i: u32, op: u32, uns: bool, wide: bool, mReg: u32, bIdx: i32, scalar: bool): void {
  const sz = size(i), n = rn(i), d = rd(i);
  const esize: u32 = 8 << sz;
  const count: u32 = scalar ? 1 : 8 >> sz;
  const part: u32 = scalar ? 0 : q(i) * count;
  clearResult();
  const bFixed: i64 = bIdx >= 0 ? elem(mReg, <u32>bIdx, sz, uns) : 0;
  for (let e: u32 = 0; e < count; e++) {
    const a = wide ? elem(n, e, sz + 1, uns) : elem(n, e + part, sz, uns);
    const b = bIdx >= 0 ? bFixed : elem(mReg, e + part, sz, uns);
    put(e, sz + 1, <u64>long1(op, a, b, elemS(d, e, sz + 1), esize));
  }
  if (scalar) setVd(d, resLo);
  else setVq(d, resLo, resHi);
}

export function SADDL(i: u32): void { longOp(i, L_ADD, false, false, rm(i), -1, false); }
export function UADDL(i: u32): void { longOp(i, L_ADD, true, false, rm(i), -1, false); }
export function SSUBL(i: u32): void { longOp(i, L_SUB, false, false, rm(i), -1, false); }
export function USUBL(i: u32): void { longOp(i, L_SUB, true, false, rm(i), -1, false); }
export function SADDW(i: u32): void { longOp(i, L_ADD, false, true, rm(i), -1, false); }
export function UADDW(i: u32): void { longOp(i, L_ADD, true, true, rm(i), -1, false); }
export function SSUBW(i: u32): void { longOp(i, L_SUB, false, true, rm(i), -1, false); }
export function USUBW(i: u32): void { longOp(i, L_SUB, true, true, rm(i), -1, false); }
export function SABAL(i: u32): void { longOp(i, L_ABA, false, false, rm(i), -1, false); }
export function UABAL(i: u32): void { longOp(i, L_ABA, true, false, rm(i), -1, false); }
export function SABDL(i: u32): void { longOp(i, L_ABD, false, false, rm(i), -1, false); }
export function UABDL(i: u32): void { longOp(i, L_ABD, true, false, rm(i), -1, false); }
export function SMLAL(i: u32): void { longOp(i, L_MLA, false, false, rm(i), -1, false); }
export function UMLAL(i: u32): void { longOp(i, L_MLA, true, false, rm(i), -1, false); }
export function SMLSL(i: u32): void { longOp(i, L_MLS, false, false, rm(i), -1, false); }
export function UMLSL(i: u32): void { longOp(i, L_MLS, true, false, rm(i), -1, false); }
export function SMULL(i: u32): void { longOp(i, L_MUL, false, false, rm(i), -1, false); }
export function UMULL(i: u32): void { longOp(i, L_MUL, true, false, rm(i), -1, false); }
export function SQDMLAL(i: u32): void { longOp(i, L_QDMLA, false, false, rm(i), -1, false); }
export function SQDMLSL(i: u32): void { longOp(i, L_QDMLS, false, false, rm(i), -1, false); }
export function SQDMULL(i: u32): void { longOp(i, L_QDMUL, false, false, rm(i), -1, false); }
/**
 * PMULL/PMULL2: polynomial multiply of the lower (Q = 0) or upper (Q = 1) half's elements. Size 00:
 * eight 8 x 8 -> 16-bit products; size 11 (the Cryptographic Extension's "1Q" form): one
 * 64 x 64 -> 128-bit product, PolynomialMult(Elem[Vn, q, 64], Elem[Vm, q, 64]).
 */
export function PMULL(i: u32): void {
  if (size(i) != 3) {
    longOp(i, L_PMUL, true, false, rm(i), -1, false);
    return;
  }
  const a = q(i) ? vHi(rn(i)) : vLo(rn(i));
  const b = q(i) ? vHi(rm(i)) : vLo(rm(i));
  let lo: u64 = 0, hi: u64 = 0;
  for (let k: u64 = 0; k < 64; k++) {
    if ((b >> k) & 1) {
      lo ^= a << k;
      if (k != 0) hi ^= a >> (64 - k); // wasm shifts count modulo 64: a >> 64 would be a, not 0
    }
  }
  setVq(rd(i), lo, hi);
}
export function SQDMLAL_s(i: u32): void { longOp(i, L_QDMLA, false, false, rm(i), -1, true); }
export function SQDMLSL_s(i: u32): void { longOp(i, L_QDMLS, false, false, rm(i), -1, true); }
export function SQDMULL_s(i: u32): void { longOp(i, L_QDMUL, false, false, rm(i), -1, true); }

/**
 * ADDHN/SUBHN/RADDHN/RSUBHN: the high half of each 2*esize sum or difference (rounded for the R
 * forms). Q = 1 (the "2" forms) writes the upper 64 bits and keeps Vd's lower 64.
 */
@inline function narrowHigh(i: u32, sub: bool, rnd: bool): void {
  const sz = size(i), n = rn(i), mm = rm(i), d = rd(i), full = q(i) != 0;
  const esize: u64 = <u64>8 << sz;
  const count: u32 = 8 >> sz;
  const round: u64 = rnd ? <u64>1 << (esize - 1) : 0;
  resLo = full ? vLo(d) : 0;
  resHi = 0;
  const part: u32 = full ? count : 0;
  for (let e: u32 = 0; e < count; e++) {
    const a = elemU(n, e, sz + 1), b = elemU(mm, e, sz + 1);
    // Only bits [2*esize-1:esize] are kept, so arithmetic modulo 2^64 is exact here.
    const r = ((sub ? a - b : a + b) + round) >> esize;
    put(e + part, sz, r);
  }
  writeResult(d, full);
}

export function ADDHN(i: u32): void { narrowHigh(i, false, false); }
export function RADDHN(i: u32): void { narrowHigh(i, false, true); }
export function SUBHN(i: u32): void { narrowHigh(i, true, false); }
export function RSUBHN(i: u32): void { narrowHigh(i, true, true); }

// ---- Vector x indexed element -------------------------------------------------------------------------

/** The element register: V0-V15 (M is an index bit) for 16-bit elements, M:Rm for 32-bit ones. */
@inline function idxReg(i: u32): u32 { return size(i) == 1 ? rm4(i) : (m(i) << 4) | rm4(i); }
/** The element index: H:L:M for 16-bit elements, H:L for 32-bit ones. */
@inline function idxNum(i: u32): i32 {
  return <i32>(size(i) == 1 ? (h(i) << 2) | (l(i) << 1) | m(i) : (h(i) << 1) | l(i));
}

/** Non-long by-element ops: every element of Vn op the one element Vm[index]. */
@inline function byElement(i: u32, op: u32, scalar: bool): void {
  const sz = size(i), n = rn(i), d = rd(i), full = !scalar && q(i) != 0;
  const esize: u32 = 8 << sz;
  const count: u32 = scalar ? 1 : (full ? 16 : 8) >> sz;
  const b = elemS(idxReg(i), <u32>idxNum(i), sz);
  clearResult();
  for (let e: u32 = 0; e < count; e++) {
    put(e, sz, <u64>same1(op, elemS(n, e, sz), b, elemS(d, e, sz), esize, false));
  }
  writeResult(d, full);
}

export function MUL_el(i: u32): void { byElement(i, K_MUL, false); }
export function MLA_el(i: u32): void { byElement(i, K_MLA, false); }
export function MLS_el(i: u32): void { byElement(i, K_MLS, false); }
export function SQDMULH_el(i: u32): void { byElement(i, K_QDMULH, false); }
export function SQRDMULH_el(i: u32): void { byElement(i, K_QRDMULH, false); }
export function SQDMULH_sel(i: u32): void { byElement(i, K_QDMULH, true); }
export function SQRDMULH_sel(i: u32): void { byElement(i, K_QRDMULH, true); }

export function SMLAL_el(i: u32): void { longOp(i, L_MLA, false, false, idxReg(i), idxNum(i), false); }
export function UMLAL_el(i: u32): void { longOp(i, L_MLA, true, false, idxReg(i), idxNum(i), false); }
export function SMLSL_el(i: u32): void { longOp(i, L_MLS, false, false, idxReg(i), idxNum(i), false); }
export function UMLSL_el(i: u32): void { longOp(i, L_MLS, true, false, idxReg(i), idxNum(i), false); }
export function SMULL_el(i: u32): void { longOp(i, L_MUL, false, false, idxReg(i), idxNum(i), false); }
export function UMULL_el(i: u32): void { longOp(i, L_MUL, true, false, idxReg(i), idxNum(i), false); }
export function SQDMLAL_el(i: u32): void { longOp(i, L_QDMLA, false, false, idxReg(i), idxNum(i), false); }
export function SQDMLSL_el(i: u32): void { longOp(i, L_QDMLS, false, false, idxReg(i), idxNum(i), false); }
export function SQDMULL_el(i: u32): void { longOp(i, L_QDMUL, false, false, idxReg(i), idxNum(i), false); }
export function SQDMLAL_sel(i: u32): void { longOp(i, L_QDMLA, false, false, idxReg(i), idxNum(i), true); }
export function SQDMLSL_sel(i: u32): void { longOp(i, L_QDMLS, false, false, idxReg(i), idxNum(i), true); }
export function SQDMULL_sel(i: u32): void { longOp(i, L_QDMUL, false, false, idxReg(i), idxNum(i), true); }
