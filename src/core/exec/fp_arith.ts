// Floating-point arithmetic that rounds (Arm ARM C7.2), scalar single (sz = 0) and double (sz = 1)
// precision: FADD, FSUB, FMUL, FNMUL, FDIV, FSQRT, FMADD, FMSUB, FNMADD, FNMSUB. Decode:
// 66-fp_arith.decode. The arithmetic (FPAdd, FPMul, FPDiv, FPSqrt, FPMulAdd and FPRound) is in
// ../softfloat.ts; every scalar result clears bits 127:32 (S) or 127:64 (D) of Vd.
import { sz, rm, rn, rd, ra } from "../generated/fields_fp_arith";
import { vLo, setVd } from "../state";
import { fpcr, fpNeg } from "../fp";
import { fpAdd, fpMul, fpDiv, fpSqrt, fpMulAdd } from "../softfloat";

/** The low 32 (S) or 64 (D) bits of Vn. */
@inline function fpReg(n: u32, dbl: bool): u64 {
  return dbl ? vLo(n) : vLo(n) & 0xffffffff;
}

export function FADD_s(i: u32): void {
  const dbl = sz(i) != 0;
  setVd(rd(i), fpAdd(fpReg(rn(i), dbl), fpReg(rm(i), dbl), false, dbl, fpcr()));
}

export function FSUB_s(i: u32): void {
  const dbl = sz(i) != 0;
  setVd(rd(i), fpAdd(fpReg(rn(i), dbl), fpReg(rm(i), dbl), true, dbl, fpcr()));
}

export function FMUL_s(i: u32): void {
  const dbl = sz(i) != 0;
  setVd(rd(i), fpMul(fpReg(rn(i), dbl), fpReg(rm(i), dbl), dbl, fpcr()));
}

/** FNMUL: FPNeg of the rounded product (a NaN result has its sign inverted too). */
export function FNMUL_s(i: u32): void {
  const dbl = sz(i) != 0;
  setVd(rd(i), fpNeg(fpMul(fpReg(rn(i), dbl), fpReg(rm(i), dbl), dbl, fpcr()), dbl));
}

export function FDIV_s(i: u32): void {
  const dbl = sz(i) != 0;
  setVd(rd(i), fpDiv(fpReg(rn(i), dbl), fpReg(rm(i), dbl), dbl, fpcr()));
}

export function FSQRT_s(i: u32): void {
  const dbl = sz(i) != 0;
  setVd(rd(i), fpSqrt(fpReg(rn(i), dbl), dbl, fpcr()));
}

/**
 * The fused multiply-add family: FPMulAdd(Va, Vn, Vm), with FPNeg applied to the addend (negA: FNMADD,
 * FNMSUB) and to the first multiplicand (negN: FMSUB, FNMADD) before the operation, as the pseudocode
 * does, so a NaN operand comes out with its sign inverted.
 */
function fusedMulAdd(i: u32, negA: bool, negN: bool): void {
  const dbl = sz(i) != 0;
  let a = fpReg(ra(i), dbl);
  let n = fpReg(rn(i), dbl);
  if (negA) a = fpNeg(a, dbl);
  if (negN) n = fpNeg(n, dbl);
  setVd(rd(i), fpMulAdd(a, n, fpReg(rm(i), dbl), dbl, fpcr()));
}

export function FMADD(i: u32): void { fusedMulAdd(i, false, false); }
export function FMSUB(i: u32): void { fusedMulAdd(i, false, true); }
export function FNMADD(i: u32): void { fusedMulAdd(i, true, true); }
export function FNMSUB(i: u32): void { fusedMulAdd(i, true, false); }
