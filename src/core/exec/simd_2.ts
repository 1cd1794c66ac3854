// Integer AdvSIMD with one source vector (two-register misc, across lanes, shifts by immediate), copies
// (DUP/INS/UMOV/SMOV), permutes (ZIP/UZP/TRN, EXT, TBL/TBX), modified immediates (MOVI/MVNI/ORR/BIC/
// FMOV vector) and the FMOV bit moves between general and SIMD&FP registers. Arm ARM C7.2.
//
// Lanes are read straight from the register file; results are built in resLo:resHi (src/core/simd.ts) and written at the end,
// so a destination that is also a source reads its old value (the pseudocode's operand1 = V[n] first).
import { q, u, size, rn, rd, rm, imm5, imm4, immh, immb, rnd, acc, nsat, nrnd, part, len, tbx, abc, cmode, defgh, fromgen } from "../generated/fields_simd_2";
import { X, setX, vAddr, vLo, vHi, setVq, setVd, setQC } from "../state";
import { laneMask, elemU, elemS, elem, put, writeResult, clearResult, signedSatQ, unsignedSatQ, resLo, resHi } from "../simd";

// ---- lane helpers (the shared ones are in src/core/simd.ts) -------------------------------------

/** v zero- (uns) or sign-extended from 8 << sz bits. */
@inline function extend(v: u64, sz: u32, uns: bool): i64 {
  if (sz >= 3) return <i64>v;
  const sh = <u64>64 - (<u64>8 << sz);
  return uns ? <i64>((v << sh) >>> sh) : (<i64>(v << sh)) >> sh;
}

/** v replicated to fill 64 bits from an element of 8 << sz bits. */
@inline function replicate(v: u64, sz: u32): u64 {
  if (sz >= 3) return v;
  return (v & laneMask(sz)) * (<u64>-1 / laneMask(sz));
}

/** The number of elements of 8 << sz bits in a 64- or 128-bit vector. */
@inline function elems(isQ: u32, sz: u32): u32 {
  return (isQ ? <u32>16 : <u32>8) >> sz;
}

// ---- saturation (SignedSatQ / UnsignedSatQ) -------------------------------------------------------

/** SignedSatQ to an element of 8 << sz bits (sz <= 2), as a lane value. */
@inline function satS(v: i64, sz: u32): u64 {
  return <u64>signedSatQ(v, 8 << sz);
}

/** UnsignedSatQ to an element of 8 << sz bits (sz <= 2), as a lane value. */
@inline function satU(v: i64, sz: u32): u64 {
  return <u64>unsignedSatQ(v, 8 << sz);
}

// ---- two-register miscellaneous --------------------------------------------------------------------

/** REV16/REV32/REV64: reverse the elements within each container of 1 << csz bytes. */
function rev(i: u32, csz: u32): void {
  const sz = size(i), n = rn(i), isQ = q(i), ne = elems(isQ, sz);
  const flip = (<u32>1 << (csz - sz)) - 1; // elements per container - 1
  clearResult();
  for (let e: u32 = 0; e < ne; e++) put(e, sz, elemU(n, e ^ flip, sz));
  writeResult(rd(i), isQ != 0);
}
export function REV16(i: u32): void { rev(i, 1); }
export function REV32(i: u32): void { rev(i, 2); }
export function REV64(i: u32): void { rev(i, 3); }

/** SADDLP/UADDLP, SADALP/UADALP (accumulate): add adjacent pairs into double-width elements. */
function addlp(i: u32, accumulate: bool): void {
  const sz = size(i), n = rn(i), d = rd(i), isQ = q(i), uns = u(i) == 1;
  const ne = elems(isQ, sz + 1);
  clearResult();
  for (let e: u32 = 0; e < ne; e++) {
    let sum = <u64>(elem(n, 2 * e, sz, uns) + elem(n, 2 * e + 1, sz, uns));
    if (accumulate) sum += elemU(d, e, sz + 1);
    put(e, sz + 1, sum);
  }
  writeResult(d, isQ != 0);
}
export function ADDLP(i: u32): void { addlp(i, false); }
export function ADALP(i: u32): void { addlp(i, true); }

/** SUQADD element: signed acc + unsigned x, saturated signed. */
function suqadd1(accV: u64, x: u64, sz: u32): u64 {
  if (sz < 3) return satS(extend(accV, sz, false) + extend(x, sz, true), sz);
  const a = <i64>accV;
  if (a >= 0) {
    if (x > <u64>(i64.MAX_VALUE - a)) { setQC(); return <u64>i64.MAX_VALUE; }
    return <u64>a + x;
  }
  // a < 0: the sum is at least -2^63; it can only exceed 2^63-1 if x >= 2^63.
  const r = <u64>a + x;
  if (x > <u64>i64.MAX_VALUE && r > <u64>i64.MAX_VALUE) { setQC(); return <u64>i64.MAX_VALUE; }
  return r;
}

/** USQADD element: unsigned acc + signed x, saturated unsigned. */
function usqadd1(accV: u64, x: u64, sz: u32): u64 {
  if (sz < 3) return satU(extend(accV, sz, true) + extend(x, sz, false), sz);
  const s = <i64>x;
  if (s >= 0) {
    const r = accV + x;
    if (r < accV) { setQC(); return <u64>-1; }
    return r;
  }
  const m = <u64>0 - x; // |s|, 2^63 for the most negative s
  if (accV < m) { setQC(); return 0; }
  return accV - m;
}

function sqaddVec(i: u32, unsignedAcc: bool): void {
  const sz = size(i), n = rn(i), d = rd(i), isQ = q(i), ne = elems(isQ, sz);
  clearResult();
  for (let e: u32 = 0; e < ne; e++) {
    const a = elemU(d, e, sz), x = elemU(n, e, sz);
    put(e, sz, unsignedAcc ? usqadd1(a, x, sz) : suqadd1(a, x, sz));
  }
  writeResult(d, isQ != 0);
}
export function SUQADD_vec(i: u32): void { sqaddVec(i, false); }
export function USQADD_vec(i: u32): void { sqaddVec(i, true); }
export function SUQADD_sc(i: u32): void {
  const sz = size(i), d = rd(i);
  setVd(d, suqadd1(elemU(d, 0, sz), elemU(rn(i), 0, sz), sz) & laneMask(sz));
}
export function USQADD_sc(i: u32): void {
  const sz = size(i), d = rd(i);
  setVd(d, usqadd1(elemU(d, 0, sz), elemU(rn(i), 0, sz), sz) & laneMask(sz));
}

/** CLS (u = 0) / CLZ (u = 1). */
export function CLS_CLZ(i: u32): void {
  const sz = size(i), n = rn(i), isQ = q(i), ne = elems(isQ, sz);
  const pad = <i64>64 - (<i64>8 << sz);
  clearResult();
  for (let e: u32 = 0; e < ne; e++) {
    let r: i64;
    if (u(i)) r = clz<i64>(<i64>elemU(n, e, sz)) - pad;
    else {
      const s = elemS(n, e, sz);
      r = clz<i64>(s ^ (s >> 63)) - 1 - pad;
    }
    put(e, sz, <u64>r);
  }
  writeResult(rd(i), isQ != 0);
}

export function CNT(i: u32): void {
  const n = rn(i), isQ = q(i), ne = elems(isQ, 0);
  clearResult();
  for (let e: u32 = 0; e < ne; e++) put(e, 0, popcnt<u64>(elemU(n, e, 0)));
  writeResult(rd(i), isQ != 0);
}
export function NOT(i: u32): void {
  const n = rn(i);
  if (q(i)) setVq(rd(i), ~vLo(n), ~vHi(n));
  else setVd(rd(i), ~vLo(n));
}

/** RBIT (vector): reverse the bits of each byte. */
export function RBIT_vec(i: u32): void {
  const n = rn(i), isQ = q(i), ne = elems(isQ, 0);
  clearResult();
  for (let e: u32 = 0; e < ne; e++) {
    let b = <u32>elemU(n, e, 0);
    b = ((b & 0xf0) >> 4) | ((b & 0x0f) << 4);
    b = ((b & 0xcc) >> 2) | ((b & 0x33) << 2);
    b = ((b & 0xaa) >> 1) | ((b & 0x55) << 1);
    put(e, 0, <u64>b);
  }
  writeResult(rd(i), isQ != 0);
}

/** SQABS (neg = false) / SQNEG of one element. */
function sqabsneg1(x: u64, sz: u32, neg: bool): u64 {
  const s = extend(x, sz, false);
  const r: i64 = neg ? -s : (s < 0 ? -s : s);
  if (sz < 3) return satS(r, sz);
  // 64 bits: only -(-2^63) overflows, giving 2^63 - 1.
  if (s == i64.MIN_VALUE && (neg || s < 0)) { setQC(); return <u64>i64.MAX_VALUE; }
  return <u64>r;
}
export function SQABS_SQNEG_vec(i: u32): void {
  const sz = size(i), n = rn(i), isQ = q(i), ne = elems(isQ, sz), neg = u(i) == 1;
  clearResult();
  for (let e: u32 = 0; e < ne; e++) put(e, sz, sqabsneg1(elemU(n, e, sz), sz, neg));
  writeResult(rd(i), isQ != 0);
}
export function SQABS_SQNEG_sc(i: u32): void {
  const sz = size(i);
  setVd(rd(i), sqabsneg1(elemU(rn(i), 0, sz), sz, u(i) == 1) & laneMask(sz));
}

/** Compare against zero. kind: 0 GT, 1 GE, 2 EQ, 3 LE, 4 LT. */
@inline function cmpZero1(v: i64, kind: u32): bool {
  if (kind == 0) return v > 0;
  if (kind == 1) return v >= 0;
  if (kind == 2) return v == 0;
  if (kind == 3) return v <= 0;
  return v < 0;
}
function cmpZeroVec(i: u32, kind: u32): void {
  const sz = size(i), n = rn(i), isQ = q(i), ne = elems(isQ, sz);
  clearResult();
  for (let e: u32 = 0; e < ne; e++) put(e, sz, cmpZero1(elemS(n, e, sz), kind) ? <u64>-1 : 0);
  writeResult(rd(i), isQ != 0);
}
export function CMGT_CMGE_zero(i: u32): void { cmpZeroVec(i, u(i)); }
export function CMEQ_CMLE_zero(i: u32): void { cmpZeroVec(i, 2 + u(i)); }
export function CMLT_zero(i: u32): void { cmpZeroVec(i, 4); }

/** Scalar D compares against zero. */
export function CMGT_CMGE_zero_sc(i: u32): void { setVd(rd(i), cmpZero1(<i64>vLo(rn(i)), u(i)) ? <u64>-1 : 0); }
export function CMEQ_CMLE_zero_sc(i: u32): void { setVd(rd(i), cmpZero1(<i64>vLo(rn(i)), 2 + u(i)) ? <u64>-1 : 0); }
export function CMLT_zero_sc(i: u32): void { setVd(rd(i), cmpZero1(<i64>vLo(rn(i)), 4) ? <u64>-1 : 0); }

/** ABS (u = 0) / NEG (u = 1), wrapping. */
export function ABS_NEG_vec(i: u32): void {
  const sz = size(i), n = rn(i), isQ = q(i), ne = elems(isQ, sz), neg = u(i) == 1;
  clearResult();
  for (let e: u32 = 0; e < ne; e++) {
    const s = elemS(n, e, sz);
    put(e, sz, <u64>(neg || s < 0 ? -s : s));
  }
  writeResult(rd(i), isQ != 0);
}
export function ABS_NEG_sc(i: u32): void {
  const s = <i64>vLo(rn(i));
  setVd(rd(i), <u64>(u(i) ? -s : s < 0 ? -s : s));
}

/** A narrowed 64-bit result: the lower half of Vd (Q = 0, upper cleared) or its upper half ("2"). */
@inline function writeNarrow(d: u32, isQ: u32, r: u64): void {
  if (isQ) setVq(d, vLo(d), r);
  else setVd(d, r);
}

/** Narrowing kinds: 0 truncate (XTN), 1 signed->signed, 2 signed->unsigned, 3 unsigned->unsigned. */
function narrow1(x: u64, sz: u32, kind: u32): u64 {
  if (kind == 0) return x & laneMask(sz);
  if (sz == 2) {
    // From 64 bits: compare without overflowing i64.
    if (kind == 1) return satS(<i64>x < -0x8000_0000 ? -0x8000_0001 : <i64>x > 0x7fff_ffff ? 0x8000_0000 : <i64>x, 2);
    if (kind == 2) return satU(<i64>x < 0 ? -1 : <i64>x > 0xffff_ffff ? 0x1_0000_0000 : <i64>x, 2);
    return satU(x > 0xffff_ffff ? 0x1_0000_0000 : <i64>x, 2);
  }
  return kind == 3 ? satU(<i64>x, sz) : kind == 2 ? satU(extend(x, sz + 1, false), sz) : satS(extend(x, sz + 1, false), sz);
}

function narrowVec(i: u32, kind: u32): void {
  const sz = size(i), n = rn(i), ne = elems(0, sz);
  clearResult();
  for (let e: u32 = 0; e < ne; e++) put(e, sz, narrow1(elemU(n, e, sz + 1), sz, kind));
  writeNarrow(rd(i), q(i), resLo);
}
export function XTN(i: u32): void { narrowVec(i, 0); }
export function SQXTUN_vec(i: u32): void { narrowVec(i, 2); }
export function SQXTN_UQXTN_vec(i: u32): void { narrowVec(i, u(i) ? 3 : 1); }
export function SQXTUN_sc(i: u32): void {
  const sz = size(i);
  setVd(rd(i), narrow1(elemU(rn(i), 0, sz + 1), sz, 2) & laneMask(sz));
}
export function SQXTN_UQXTN_sc(i: u32): void {
  const sz = size(i);
  setVd(rd(i), narrow1(elemU(rn(i), 0, sz + 1), sz, u(i) ? 3 : 1) & laneMask(sz));
}

/** Widen the lower (Q = 0) or upper half of Vn, each element extended then shifted left by sh. */
function widen(i: u32, sz: u32, uns: bool, sh: u32): void {
  const n = rn(i), base: u32 = q(i) ? 8 >> sz : 0, ne = elems(1, sz + 1);
  clearResult();
  for (let e: u32 = 0; e < ne; e++) put(e, sz + 1, <u64>elem(n, base + e, sz, uns) << sh);
  setVq(rd(i), resLo, resHi);
}
/** SHLL: shift left by the element width. */
export function SHLL(i: u32): void { widen(i, size(i), true, <u32>8 << size(i)); }

// ---- across lanes ---------------------------------------------------------------------------------

/** SADDLV/UADDLV: the sum, widened to twice the element size. */
export function ADDLV(i: u32): void {
  const sz = size(i), n = rn(i), ne = elems(q(i), sz), uns = u(i) == 1;
  let sum: i64 = 0;
  for (let e: u32 = 0; e < ne; e++) sum += elem(n, e, sz, uns);
  setVd(rd(i), <u64>sum & laneMask(sz + 1));
}
export function ADDV(i: u32): void {
  const sz = size(i), n = rn(i), ne = elems(q(i), sz);
  let sum: u64 = 0;
  for (let e: u32 = 0; e < ne; e++) sum += elemU(n, e, sz);
  setVd(rd(i), sum & laneMask(sz));
}
function minmaxv(i: u32, isMax: bool): void {
  const sz = size(i), n = rn(i), ne = elems(q(i), sz), uns = u(i) == 1;
  let r = elem(n, 0, sz, uns);
  for (let e: u32 = 1; e < ne; e++) {
    const x = elem(n, e, sz, uns); // sz <= 2, so the extended values compare as i64
    if (isMax ? x > r : x < r) r = x;
  }
  setVd(rd(i), <u64>r & laneMask(sz));
}
export function MAXV(i: u32): void { minmaxv(i, true); }
export function MINV(i: u32): void { minmaxv(i, false); }

// ---- copy -----------------------------------------------------------------------------------------

/** The element size encoded by imm5: the position of its lowest set bit. */
@inline function imm5Size(i: u32): u32 { return ctz<u32>(imm5(i)); }
/** The element index encoded by imm5 above that bit. */
@inline function imm5Index(i: u32): u32 { return imm5(i) >> (imm5Size(i) + 1); }

export function DUP_elem(i: u32): void {
  const sz = imm5Size(i), r = replicate(elemU(rn(i), imm5Index(i), sz), sz);
  if (q(i)) setVq(rd(i), r, r);
  else setVd(rd(i), r);
}
export function DUP_gen(i: u32): void {
  const sz = imm5Size(i), r = replicate(X(rn(i)), sz);
  if (q(i)) setVq(rd(i), r, r);
  else setVd(rd(i), r);
}
/** Vd[index] <- v, the other lanes unchanged. */
@inline function storeElem(d: u32, e: u32, sz: u32, v: u64): void {
  const a = vAddr(d) + (<usize>e << sz);
  if (sz == 0) store<u8>(a, <u8>v);
  else if (sz == 1) store<u16>(a, <u16>v);
  else if (sz == 2) store<u32>(a, <u32>v);
  else store<u64>(a, v);
}
export function INS_gen(i: u32): void {
  storeElem(rd(i), imm5Index(i), imm5Size(i), X(rn(i)));
}
export function INS_elem(i: u32): void {
  const sz = imm5Size(i);
  storeElem(rd(i), imm5Index(i), sz, elemU(rn(i), imm4(i) >> sz, sz));
}
/** SMOV: Wd (Q = 0) or Xd gets the sign-extended element. */
export function SMOV(i: u32): void {
  const v = <u64>elemS(rn(i), imm5Index(i), imm5Size(i));
  setX(rd(i), q(i) ? v : v & 0xffff_ffff);
}
export function UMOV(i: u32): void { setX(rd(i), elemU(rn(i), imm5Index(i), imm5Size(i))); }
export function UMOV_x(i: u32): void { setX(rd(i), elemU(rn(i), imm5Index(i), 3)); }
/** DUP (element), scalar: alias MOV Bd/Hd/Sd/Dd, Vn.T[index]. */
export function DUP_sc(i: u32): void { setVd(rd(i), elemU(rn(i), imm5Index(i), imm5Size(i))); }

// ---- permute ------------------------------------------------------------------------------------------

/** UZP1/UZP2: the even (part 0) or odd elements of Vn:Vm (Vn lower). */
export function UZP(i: u32): void {
  const sz = size(i), n = rn(i), m = rm(i), isQ = q(i), ne = elems(isQ, sz), p = part(i);
  clearResult();
  for (let e: u32 = 0; e < ne; e++) {
    const src: u32 = 2 * e + p; // index into Vm:Vn, each holding ne elements
    put(e, sz, src < ne ? elemU(n, src, sz) : elemU(m, src - ne, sz));
  }
  writeResult(rd(i), isQ != 0);
}
/** TRN1/TRN2: even lanes from Vn, odd lanes from Vm, both taking elements 2k + part. */
export function TRN(i: u32): void {
  const sz = size(i), n = rn(i), m = rm(i), isQ = q(i), ne = elems(isQ, sz), p = part(i);
  clearResult();
  for (let k: u32 = 0; k < ne; k += 2) {
    put(k, sz, elemU(n, k + p, sz));
    put(k + 1, sz, elemU(m, k + p, sz));
  }
  writeResult(rd(i), isQ != 0);
}
/** ZIP1/ZIP2: interleave the lower (part 0) or upper halves of Vn and Vm. */
export function ZIP(i: u32): void {
  const sz = size(i), n = rn(i), m = rm(i), isQ = q(i), ne = elems(isQ, sz), base: u32 = part(i) ? ne >> 1 : 0;
  clearResult();
  for (let k: u32 = 0; k < ne >> 1; k++) {
    put(2 * k, sz, elemU(n, base + k, sz));
    put(2 * k + 1, sz, elemU(m, base + k, sz));
  }
  writeResult(rd(i), isQ != 0);
}

/** EXT: bytes imm4.. of Vm:Vn (Vn lower). */
export function EXT(i: u32): void {
  const n = rn(i), m = rm(i), isQ = q(i), nb = elems(isQ, 0), pos = imm4(i);
  clearResult();
  for (let e: u32 = 0; e < nb; e++) {
    const b = pos + e;
    put(e, 0, b < nb ? elemU(n, b, 0) : elemU(m, b - nb, 0));
  }
  writeResult(rd(i), isQ != 0);
}

/** TBL/TBX: byte lookup in 1-4 consecutive table registers (wrapping after V31). */
export function TBL_TBX(i: u32): void {
  const d = rd(i), m = rm(i), n = rn(i), isQ = q(i), nb = elems(isQ, 0), limit = (len(i) + 1) << 4;
  clearResult();
  for (let e: u32 = 0; e < nb; e++) {
    const idx = <u32>elemU(m, e, 0);
    if (idx < limit) put(e, 0, elemU((n + (idx >> 4)) & 31, idx & 15, 0));
    else if (tbx(i)) put(e, 0, elemU(d, e, 0)); // TBX keeps the destination byte, TBL gives 0
  }
  writeResult(d, isQ != 0);
}

// ---- modified immediate --------------------------------------------------------------------------

/** AdvSIMDExpandImm(op, cmode, imm8): the 64-bit pattern (both halves of a Q result are equal). */
function expandImm(op: u32, cm: u32, imm8: u64): u64 {
  switch (cm >> 1) {
    case 0: return replicate(imm8, 2);
    case 1: return replicate(imm8 << 8, 2);
    case 2: return replicate(imm8 << 16, 2);
    case 3: return replicate(imm8 << 24, 2);
    case 4: return replicate(imm8, 1);
    case 5: return replicate(imm8 << 8, 1);
    case 6: return replicate(cm & 1 ? (imm8 << 16) | 0xffff : (imm8 << 8) | 0xff, 2);
  }
  if ((cm & 1) == 0) {
    if (op == 0) return replicate(imm8, 0);
    let r: u64 = 0; // each bit of imm8 becomes a byte of ones or zeros
    for (let b: u64 = 0; b < 8; b++) if ((imm8 >> b) & 1) r |= <u64>0xff << (b * 8);
    return r;
  }
  // FMOV (vector, immediate): VFPExpandImm, a:NOT(b):Replicate(b):cdefgh:Zeros.
  const a = (imm8 >> 7) & 1, b = (imm8 >> 6) & 1, cdefgh = imm8 & 0x3f;
  if (op == 0) {
    const s = (a << 31) | ((b ^ 1) << 30) | (b ? <u64>0x1f << 25 : 0) | (cdefgh << 19);
    return replicate(s, 2);
  }
  return (a << 63) | ((b ^ 1) << 62) | (b ? <u64>0xff << 54 : 0) | (cdefgh << 48);
}

@inline function imm8(i: u32): u64 { return <u64>((abc(i) << 5) | defgh(i)); }

/** MOVI, MVNI (op = 1 with a shifted or ones-shifted cmode), FMOV (vector, immediate). */
export function MOVI_imm(i: u32): void {
  const op = u(i), cm = cmode(i);
  let v = expandImm(op, cm, imm8(i));
  if (op == 1 && cm < 0b1110) v = ~v;
  if (q(i)) setVq(rd(i), v, v);
  else setVd(rd(i), v);
}
/** ORR (op = 0) / BIC (op = 1) (vector, immediate). */
function orrBicImm(i: u32): void {
  const d = rd(i), v = expandImm(0, cmode(i), imm8(i));
  const lo = u(i) ? vLo(d) & ~v : vLo(d) | v;
  if (q(i)) setVq(d, lo, u(i) ? vHi(d) & ~v : vHi(d) | v);
  else setVd(d, lo);
}
export function ORR_BIC_imm32(i: u32): void { orrBicImm(i); }
export function ORR_BIC_imm16(i: u32): void { orrBicImm(i); }

// ---- shift by immediate --------------------------------------------------------------------------

/** The element size (log2 bytes) from immh: its highest set bit. */
@inline function shSize(i: u32): u32 { return 31 - clz<u32>(immh(i)); }
/** immh:immb, from which right shifts are 2*esize - it and left shifts it - esize. */
@inline function immhb(i: u32): u32 { return (immh(i) << 3) | immb(i); }
@inline function rightShift(i: u32, sz: u32): u32 { return (<u32>16 << sz) - immhb(i); }
@inline function leftShift(i: u32, sz: u32): u32 { return immhb(i) - (<u32>8 << sz); }

/** x (8 << sz bits) shifted right by sh (1..64), optionally rounded; exact in 64 bits. */
function shr1(x: u64, sz: u32, sh: u32, uns: bool, round: bool): u64 {
  // Rounding adds the last bit shifted out, which is exact even where x + 2^(sh-1) would overflow.
  if (uns) {
    const v = x & laneMask(sz);
    const rbu = round ? (v >> (sh - 1)) & 1 : 0;
    return (sh >= 64 ? 0 : v >> sh) + rbu;
  }
  const s = extend(x, sz, false);
  const rbs = round ? <u64>((s >> (sh - 1)) & 1) : 0;
  return <u64>(s >> (sh >= 64 ? 63 : sh)) + rbs;
}

/** SSHR/USHR/SRSHR/URSHR and their accumulating forms on one element. */
@inline function shrAcc1(i: u32, x: u64, accV: u64, sz: u32, sh: u32): u64 {
  const r = shr1(x, sz, sh, u(i) == 1, rnd(i) == 1);
  return acc(i) ? accV + r : r;
}
export function SHR_vec(i: u32): void {
  const sz = shSize(i), sh = rightShift(i, sz), n = rn(i), d = rd(i), isQ = q(i), ne = elems(isQ, sz);
  clearResult();
  for (let e: u32 = 0; e < ne; e++) put(e, sz, shrAcc1(i, elemU(n, e, sz), elemU(d, e, sz), sz, sh));
  writeResult(d, isQ != 0);
}
export function SHR_sc(i: u32): void {
  const d = rd(i);
  setVd(d, shrAcc1(i, vLo(rn(i)), vLo(d), 3, rightShift(i, 3)));
}

/** SRI: insert x >> sh into d, keeping d's top sh bits. */
@inline function sri1(x: u64, dv: u64, sz: u32, sh: u32): u64 {
  const m = laneMask(sz), keep = sh >= 64 ? m : ~(m >> sh) & m;
  return (dv & keep) | (sh >= 64 ? 0 : (x & m) >> sh);
}
/** SLI: insert x << sh into d, keeping d's low sh bits. */
@inline function sli1(x: u64, dv: u64, sz: u32, sh: u32): u64 {
  const m = laneMask(sz);
  return (dv & ~(m << sh) & m) | ((x << sh) & m);
}
export function SRI_vec(i: u32): void {
  const sz = shSize(i), sh = rightShift(i, sz), n = rn(i), d = rd(i), isQ = q(i), ne = elems(isQ, sz);
  clearResult();
  for (let e: u32 = 0; e < ne; e++) put(e, sz, sri1(elemU(n, e, sz), elemU(d, e, sz), sz, sh));
  writeResult(d, isQ != 0);
}
export function SRI_sc(i: u32): void {
  const d = rd(i);
  setVd(d, sri1(vLo(rn(i)), vLo(d), 3, rightShift(i, 3)));
}
/** SHL (u = 0) / SLI (u = 1). */
export function SHL_SLI_vec(i: u32): void {
  const sz = shSize(i), sh = leftShift(i, sz), n = rn(i), d = rd(i), isQ = q(i), ne = elems(isQ, sz);
  clearResult();
  for (let e: u32 = 0; e < ne; e++) {
    const x = elemU(n, e, sz);
    put(e, sz, u(i) ? sli1(x, elemU(d, e, sz), sz, sh) : x << sh);
  }
  writeResult(d, isQ != 0);
}
export function SHL_SLI_sc(i: u32): void {
  const d = rd(i), sh = leftShift(i, 3), x = vLo(rn(i));
  setVd(d, u(i) ? sli1(x, vLo(d), 3, sh) : x << sh);
}

/** Saturating shift left: kind 0 SQSHL (signed->signed), 1 SQSHLU (signed->unsigned), 2 UQSHL. */
function qshl1(x: u64, sz: u32, sh: u32, kind: u32): u64 {
  if (sz < 3) {
    // |x| < 2^32 and sh < 32: the exact product fits i64.
    if (kind == 2) return satU(extend(x, sz, true) << sh, sz);
    const s = extend(x, sz, false) << sh;
    return kind == 1 ? satU(s, sz) : satS(s, sz);
  }
  if (kind == 2) {
    if (sh > 0 && (x >> (64 - sh)) != 0) { setQC(); return <u64>-1; }
    return x << sh;
  }
  const s = <i64>x;
  if (kind == 1) {
    if (s < 0) { setQC(); return 0; }
    if (sh > 0 && (x >> (64 - sh)) != 0) { setQC(); return <u64>-1; }
    return x << sh;
  }
  const r = s << sh;
  if ((r >> sh) != s) { setQC(); return s < 0 ? <u64>i64.MIN_VALUE : <u64>i64.MAX_VALUE; }
  return <u64>r;
}
function qshlVec(i: u32, kind: u32): void {
  const sz = shSize(i), sh = leftShift(i, sz), n = rn(i), isQ = q(i), ne = elems(isQ, sz);
  clearResult();
  for (let e: u32 = 0; e < ne; e++) put(e, sz, qshl1(elemU(n, e, sz), sz, sh, kind));
  writeResult(rd(i), isQ != 0);
}
function qshlSc(i: u32, kind: u32): void {
  const sz = shSize(i);
  setVd(rd(i), qshl1(elemU(rn(i), 0, sz), sz, leftShift(i, sz), kind) & laneMask(sz));
}
export function SQSHLU_vec(i: u32): void { qshlVec(i, 1); }
export function QSHL_imm_vec(i: u32): void { qshlVec(i, u(i) ? 2 : 0); }
export function SQSHLU_sc(i: u32): void { qshlSc(i, 1); }
export function QSHL_imm_sc(i: u32): void { qshlSc(i, u(i) ? 2 : 0); }

/**
 * The shift-right-narrow family on one element of 16 << sz bits (sz = result size):
 * (u, nsat) = (0,0) SHRN/RSHRN, (0,1) SQSHRN, (1,0) SQSHRUN, (1,1) UQSHRN; nrnd = rounding.
 */
function shrn1(i: u32, x: u64, sz: u32, sh: u32): u64 {
  const uns = u(i) == 1 && nsat(i) == 1;
  const r = shr1(x, sz + 1, sh, uns, nrnd(i) == 1);
  // sh >= 1 and the source is at most 64 bits, so r is exact as i64 (signed) or at most 2^63
  // (unsigned: UQRSHRN #1 of 2^64 - 1), which must compare as unsigned.
  if (u(i) == 0) return nsat(i) ? satS(<i64>r, sz) : r & laneMask(sz);
  if (uns && r > laneMask(sz)) { setQC(); return laneMask(sz); }
  return satU(<i64>r, sz);
}
export function SHRN_vec(i: u32): void {
  const sz = shSize(i), sh = rightShift(i, sz), n = rn(i), ne = elems(0, sz);
  clearResult();
  for (let e: u32 = 0; e < ne; e++) put(e, sz, shrn1(i, elemU(n, e, sz + 1), sz, sh));
  writeNarrow(rd(i), q(i), resLo);
}
export function SHRN_sc(i: u32): void {
  const sz = shSize(i);
  setVd(rd(i), shrn1(i, elemU(rn(i), 0, sz + 1), sz, rightShift(i, sz)) & laneMask(sz));
}

/** SSHLL/USHLL (aliases SXTL/UXTL for a zero shift). */
export function SHLL_imm_vec(i: u32): void {
  const sz = shSize(i);
  widen(i, sz, u(i) == 1, leftShift(i, sz));
}

// ---- FMOV between general and SIMD&FP registers (bit moves) ----------------------------------------

/** FMOV Wd, Sn / FMOV Sn, Wd (the S write clears the rest of Vd). */
export function FMOV_ws(i: u32): void {
  if (fromgen(i)) setVd(rd(i), X(rn(i)) & 0xffff_ffff);
  else setX(rd(i), vLo(rn(i)) & 0xffff_ffff);
}
/** FMOV Xd, Dn / FMOV Dn, Xd. */
export function FMOV_xd(i: u32): void {
  if (fromgen(i)) setVd(rd(i), X(rn(i)));
  else setX(rd(i), vLo(rn(i)));
}
/** FMOV Xd, Vn.D[1] / FMOV Vd.D[1], Xd (the lower half is kept). */
export function FMOV_xd1(i: u32): void {
  if (fromgen(i)) store<u64>(vAddr(rd(i)), X(rn(i)), 8);
  else setX(rd(i), vHi(rn(i)));
}
