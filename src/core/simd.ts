// Lane access and result building shared by the AdvSIMD handlers (exec/simd_*.ts), and the Arm ARM's
// saturation functions. Elements are read straight from the register file (little-endian, lane 0
// lowest); a result is built in resLo:resHi and written to Vd only at the end, so a destination that
// is also a source still reads its old value, as the pseudocode's `operand = V[n]` does.
import { vAddr, setVq, setVd, setQC } from "./state";

/** All-ones in the low 8 << sz bits (sz = log2 of the element size in bytes). */
@inline export function laneMask(sz: u32): u64 {
  return sz >= 3 ? <u64>-1 : (<u64>1 << (<u64>8 << sz)) - 1;
}

/** Element e (8 << sz bits) of Vn, zero-extended. */
@inline export function elemU(n: u32, e: u32, sz: u32): u64 {
  const a = vAddr(n) + (<usize>e << sz);
  if (sz == 0) return <u64>load<u8>(a);
  if (sz == 1) return <u64>load<u16>(a);
  if (sz == 2) return <u64>load<u32>(a);
  return load<u64>(a);
}

/** Element e (8 << sz bits) of Vn, sign-extended. */
@inline export function elemS(n: u32, e: u32, sz: u32): i64 {
  const a = vAddr(n) + (<usize>e << sz);
  if (sz == 0) return <i64>load<i8>(a);
  if (sz == 1) return <i64>load<i16>(a);
  if (sz == 2) return <i64>load<i32>(a);
  return load<i64>(a);
}

/** Element e of Vn, zero- (uns) or sign-extended as the instruction says. */
@inline export function elem(n: u32, e: u32, sz: u32, uns: bool): i64 {
  return uns ? <i64>elemU(n, e, sz) : elemS(n, e, sz);
}

/** The result under construction: bits 63:0 and 127:64. */
export let resLo: u64 = 0;
export let resHi: u64 = 0;

@inline export function clearResult(): void {
  resLo = 0;
  resHi = 0;
}

/** Result element e (8 << sz bits) <- the low bits of v. That element must still be zero. */
@inline export function put(e: u32, sz: u32, v: u64): void {
  const pos = <u64>e << (<u64>sz + 3);
  const m = v & laneMask(sz);
  if (pos < 64) resLo |= m << pos;
  else resHi |= m << (pos - 64);
}

/** Vd <- the result: all 128 bits, or (Q = 0, and every scalar) the low 64 with the top cleared. */
@inline export function writeResult(d: u32, full: bool): void {
  if (full) setVq(d, resLo, resHi);
  else setVd(d, resLo);
}

/** SignedSatQ(v, esize) for esize < 64 (v exact in i64); a saturation sets FPSR.QC. */
@inline export function signedSatQ(v: i64, esize: u32): i64 {
  const max: i64 = (<i64>1 << (esize - 1)) - 1;
  const min: i64 = -max - 1;
  if (v > max) { setQC(); return max; }
  if (v < min) { setQC(); return min; }
  return v;
}

/** UnsignedSatQ(v, esize) for esize < 64 (v exact in i64); a saturation sets FPSR.QC. */
@inline export function unsignedSatQ(v: i64, esize: u32): i64 {
  const max: i64 = (<i64>1 << esize) - 1;
  if (v > max) { setQC(); return max; }
  if (v < 0) { setQC(); return 0; }
  return v;
}
