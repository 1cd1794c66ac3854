// Data processing -- register (Arm ARM C4.1 encodings, C6.2 instructions): logical and ADD/SUB (shifted register),
// ADD/SUB (extended register), ADC/SBC, CCMN/CCMP, CSEL/CSINC/CSINV/CSNEG, the 1-source group
// (RBIT, REV16, REV32, REV, CLZ, CLS), the 2-source group (UDIV, SDIV, LSLV, LSRV, ASRV, RORV,
// CRC32*, CRC32C*) and the 3-source group (MADD, MSUB, SMADDL, SMSUBL, UMADDL, UMSUBL, SMULH, UMULH).
// Unallocated field combinations are rejected by decode/50-dp_reg.decode before a handler runs.
import {
  sf, op, s, opc, shift, n, rm, imm6, rn, rd, option, imm3, cond, nzcv, imm5, inc, sgn, op2, c, sz,
  o0, ra, u,
} from "../generated/fields_dp_reg";
import { nzcv as pstateNzcv, X, W, setX, setW, XSP, setR, setNzcv } from "../state";
import {
  addWithCarry64, addWithCarry32, awcFlags, addSubFlags, logicFlags, conditionHolds, shiftReg, extendReg,
} from "../alu";
import { setRsp } from "./dp_imm";

/** AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS (shifted register): n = 1 inverts the shifted Rm. */
export function LOGIC_shift(i: u32): void {
  const size = sf(i);
  const operand1 = X(rn(i));
  let operand2 = shiftReg(size, X(rm(i)), shift(i), imm6(i));
  if (n(i)) operand2 = ~operand2;
  let result: u64;
  switch (opc(i)) {
    case 0: result = operand1 & operand2; break; // AND, BIC
    case 1: result = operand1 | operand2; break; // ORR, ORN (MOV, MVN)
    case 2: result = operand1 ^ operand2; break; // EOR, EON
    default: // ANDS, BICS (TST)
      result = operand1 & operand2;
      setNzcv(logicFlags(size, result));
  }
  setR(size, rd(i), result);
}

/** ADD/ADDS/SUB/SUBS (shifted register), with CMP, CMN, NEG(S): Rd and Rn 31 are XZR. */
export function ADDSUB_shift(i: u32): void {
  const size = sf(i);
  const operand1 = X(rn(i));
  const operand2 = shiftReg(size, X(rm(i)), shift(i), imm6(i));
  if (s(i)) setR(size, rd(i), addSubFlags(size, operand1, operand2, op(i)));
  else setR(size, rd(i), op(i) ? operand1 - operand2 : operand1 + operand2);
}

/** ADD/ADDS/SUB/SUBS (extended register): Rn is SP-capable, and so is Rd without flags. */
export function ADDSUB_ext(i: u32): void {
  const size = sf(i);
  const operand1 = XSP(rn(i));
  const operand2 = extendReg(X(rm(i)), option(i), imm3(i));
  if (s(i)) setR(size, rd(i), addSubFlags(size, operand1, operand2, op(i)));
  else setRsp(size, rd(i), op(i) ? operand1 - operand2 : operand1 + operand2);
}

/** ADC/ADCS/SBC/SBCS (NGC, NGCS): AddWithCarry(Rn, Rm or NOT(Rm), PSTATE.C). */
export function ADC(i: u32): void {
  const size = sf(i);
  const operand1 = X(rn(i));
  let operand2 = X(rm(i));
  if (op(i)) operand2 = ~operand2;
  const carry = (pstateNzcv >>> 29) & 1;
  let result: u64;
  if (s(i)) {
    result = size ? addWithCarry64(operand1, operand2, carry) : addWithCarry32(<u32>operand1, <u32>operand2, carry);
    setNzcv(awcFlags);
  } else {
    result = operand1 + operand2 + <u64>carry;
  }
  setR(size, rd(i), result);
}

/** CCMN (op = 0) / CCMP (op = 1): compare if the condition holds, else set NZCV to #nzcv. */
@inline function condCompare(i: u32, operand2: u64): void {
  if (conditionHolds(cond(i))) addSubFlags(sf(i), X(rn(i)), operand2, op(i));
  else setNzcv(nzcv(i) << 28);
}

export function CCMP_reg(i: u32): void {
  condCompare(i, X(rm(i)));
}

export function CCMP_imm(i: u32): void {
  condCompare(i, <u64>imm5(i));
}

/** CSEL/CSINC/CSINV/CSNEG (CSET, CSETM, CINC, CINV, CNEG): else_inv = op, else_inc = inc. */
export function CSEL(i: u32): void {
  let result: u64;
  if (conditionHolds(cond(i))) {
    result = X(rn(i));
  } else {
    result = X(rm(i));
    if (op(i)) result = ~result;
    if (inc(i)) result += 1;
  }
  setR(sf(i), rd(i), result);
}

// ---- Data-processing (1 source) ---------------------------------------------------------------

/** RBIT: reverses the bit order of Rn. */
export function RBIT(i: u32): void {
  let x = X(rn(i));
  x = ((x >>> 1) & 0x5555555555555555) | ((x & 0x5555555555555555) << 1);
  x = ((x >>> 2) & 0x3333333333333333) | ((x & 0x3333333333333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f0f0f0f0f) | ((x & 0x0f0f0f0f0f0f0f0f) << 4);
  x = bswap<u64>(x);
  // A 32-bit RBIT is the 64-bit one of the zero-extended value, moved down.
  if (sf(i)) setX(rd(i), x);
  else setW(rd(i), <u32>(x >>> 32));
}

/**
 * REV16 (sz = 1), REV32 and REV Wd (sz = 2), REV Xd (sz = 3): reverses the bytes within each
 * container of 8 << sz bits. The formulas also hold for a zero-extended W value.
 */
export function REV(i: u32): void {
  const x = X(rn(i));
  let result: u64;
  switch (sz(i)) {
    case 1: result = ((x >>> 8) & 0x00ff00ff00ff00ff) | ((x & 0x00ff00ff00ff00ff) << 8); break;
    case 2: result = rotr<u64>(bswap<u64>(sf(i) ? x : x & 0xffffffff), 32); break;
    default: result = bswap<u64>(x);
  }
  setR(sf(i), rd(i), result);
}

/** CLZ (sgn = 0) / CLS (sgn = 1): leading zero bits, or leading bits equal to the sign bit minus one. */
export function CLZ(i: u32): void {
  let result: u32;
  if (sf(i)) {
    const x = X(rn(i));
    // CountLeadingSignBits(x) = CountLeadingZeroBits(x<63:1> EOR x<62:0>).
    result = <u32>(sgn(i) ? clz<u64>((x ^ (x << 1)) | 1) : clz<u64>(x));
  } else {
    const w = W(rn(i));
    result = sgn(i) ? clz<u32>((w ^ (w << 1)) | 1) : clz<u32>(w);
  }
  setX(rd(i), <u64>result);
}

// ---- Data-processing (2 source) ---------------------------------------------------------------

/** UDIV (sgn = 0) / SDIV (sgn = 1): rounds towards zero; x / 0 = 0; INT_MIN / -1 = INT_MIN. */
export function DIV(i: u32): void {
  let result: u64;
  if (sf(i)) {
    const a = X(rn(i));
    const b = X(rm(i));
    if (b == 0) result = 0;
    else if (!sgn(i)) result = a / b;
    else if (a == 0x8000000000000000 && b == 0xffffffffffffffff) result = a; // wasm's i64.div_s would trap
    else result = <u64>(<i64>a / <i64>b);
  } else {
    const a = W(rn(i));
    const b = W(rm(i));
    if (b == 0) result = 0;
    else if (!sgn(i)) result = <u64>(a / b);
    else result = <u64>(<i64><i32>a / <i64><i32>b); // in 64 bits INT_MIN / -1 cannot overflow
  }
  setR(sf(i), rd(i), result);
}

/** LSLV/LSRV/ASRV/RORV (op2 = shift type): the shift amount is Rm modulo the datasize. */
export function SHIFTV(i: u32): void {
  const size = sf(i);
  const amount = <u32>X(rm(i)) & (size ? 63 : 31);
  setR(size, rd(i), shiftReg(size, X(rn(i)), op2(i), amount));
}

// CRC32 tables for the two polynomials, in the bit-reflected form the instructions use
// (0x04C11DB7 and 0x1EDC6F41 reversed), filled on first use: 256 u32 entries each.
const CRC_TABLES: usize = memory.data(2 * 256 * 4, 4);
let crcTablesReady = false;

function fillCrcTables(): void {
  for (let t: u32 = 0; t < 2; t++) {
    const poly: u32 = t ? 0x82f63b78 : 0xedb88320;
    for (let b: u32 = 0; b < 256; b++) {
      let x = b;
      for (let k = 0; k < 8; k++) x = (x >>> 1) ^ (poly & (0 - (x & 1)));
      store<u32>(CRC_TABLES + ((t * 256 + b) << 2), x);
    }
  }
  crcTablesReady = true;
}

/**
 * CRC32B/H/W/X (c = 0) and CRC32CB/H/W/X (c = 1) over 1 << sz bytes of Rm, least significant first.
 * The Arm ARM's BitReverse/Poly32Mod2 formulation is the reflected CRC without pre- or
 * post-inversion, which a byte table computes directly.
 */
export function CRC32(i: u32): void {
  if (!crcTablesReady) fillCrcTables();
  const table = CRC_TABLES + (c(i) << 10);
  let acc = W(rn(i));
  let val = X(rm(i));
  for (let k = 1 << sz(i); k > 0; k--) {
    acc = load<u32>(table + (((acc ^ <u32>val) & 0xff) << 2)) ^ (acc >>> 8);
    val >>>= 8;
  }
  setW(rd(i), acc);
}

// ---- Data-processing (3 source) ---------------------------------------------------------------

/** MADD (MUL) / MSUB (MNEG): Ra + Rn * Rm or Ra - Rn * Rm, at width sf. */
export function MADD(i: u32): void {
  const product = X(rn(i)) * X(rm(i));
  const addend = X(ra(i));
  setR(sf(i), rd(i), o0(i) ? addend - product : addend + product);
}

/** SMADDL/SMSUBL (u = 0), UMADDL/UMSUBL (u = 1) (SMULL, UMULL, ...): 32 x 32 -> 64-bit products. */
export function MADDL(i: u32): void {
  const product = u(i)
    ? <u64>W(rn(i)) * <u64>W(rm(i))
    : <u64>(<i64><i32>W(rn(i)) * <i64><i32>W(rm(i)));
  const addend = X(ra(i));
  setX(rd(i), o0(i) ? addend - product : addend + product);
}

/** The high 64 bits of the unsigned 128-bit product a * b, from four 32 x 32 -> 64 products. */
@inline function umulh(a: u64, b: u64): u64 {
  const aLo = a & 0xffffffff;
  const aHi = a >>> 32;
  const bLo = b & 0xffffffff;
  const bHi = b >>> 32;
  const lo = aLo * bLo;
  const mid1 = aHi * bLo;
  const mid2 = aLo * bHi;
  const carry = ((lo >>> 32) + (mid1 & 0xffffffff) + (mid2 & 0xffffffff)) >>> 32;
  return aHi * bHi + (mid1 >>> 32) + (mid2 >>> 32) + carry;
}

/** SMULH (u = 0) / UMULH (u = 1): the high 64 bits of the 128-bit product. */
export function MULH(i: u32): void {
  const a = X(rn(i));
  const b = X(rm(i));
  let result = umulh(a, b);
  if (!u(i)) {
    // Signed from unsigned: subtract b * 2^64 when a < 0 and a * 2^64 when b < 0.
    if (<i64>a < 0) result -= b;
    if (<i64>b < 0) result -= a;
  }
  setX(rd(i), result);
}
