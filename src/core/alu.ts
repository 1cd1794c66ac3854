// Shared pseudocode functions of the Arm ARM used by several instruction groups.
import { nzcv } from "./state";

/** ConditionHolds(cond) on the current PSTATE.NZCV. */
export function conditionHolds(cond: u32): bool {
  const n = (nzcv >>> 31) & 1;
  const z = (nzcv >>> 30) & 1;
  const c = (nzcv >>> 29) & 1;
  const v = (nzcv >>> 28) & 1;
  let result: bool;
  switch (cond >> 1) {
    case 0: result = z == 1; break; // EQ / NE
    case 1: result = c == 1; break; // CS / CC
    case 2: result = n == 1; break; // MI / PL
    case 3: result = v == 1; break; // VS / VC
    case 4: result = c == 1 && z == 0; break; // HI / LS
    case 5: result = n == v; break; // GE / LT
    case 6: result = n == v && z == 0; break; // GT / LE
    default: result = true; // AL (and NV, which also means always in A64)
  }
  // The odd conditions negate, except 0b1111 (NV) which is "always" too.
  if ((cond & 1) != 0 && cond != 15) result = !result;
  return result;
}

/** NZCV of the last addWithCarry, in bits 31..28. */
export let awcFlags: u32 = 0;

/** AddWithCarry(x, y, carry_in) for 64-bit operands; the flags go to awcFlags. */
export function addWithCarry64(x: u64, y: u64, carry: u32): u64 {
  const sum = x + y + <u64>carry;
  const n = <u32>(sum >>> 63);
  const z: u32 = sum == 0 ? 1 : 0;
  // Unsigned overflow: the true sum exceeds 2^64.
  const c: u32 = carry ? (sum <= x ? 1 : 0) : (sum < x ? 1 : 0);
  // Signed overflow: operands of equal sign give a result of the other sign.
  const v = <u32>(((x ^ sum) & (y ^ sum)) >>> 63);
  awcFlags = (n << 31) | (z << 30) | (c << 29) | (v << 28);
  return sum;
}

/** AddWithCarry for 32-bit operands (given in the low halves); the result is zero-extended. */
export function addWithCarry32(x: u32, y: u32, carry: u32): u64 {
  const wide = <u64>x + <u64>y + <u64>carry;
  const sum = <u32>wide;
  const n = sum >>> 31;
  const z: u32 = sum == 0 ? 1 : 0;
  const c = <u32>(wide >>> 32);
  const v = ((x ^ sum) & (y ^ sum)) >>> 31;
  awcFlags = (n << 31) | (z << 30) | (c << 29) | (v << 28);
  return <u64>sum;
}

/** NZ flags of a logical result (C = V = 0), as ANDS/BICS set them. */
@inline export function logicFlags(sf: u32, r: u64): u32 {
  const n = sf ? <u32>(r >>> 63) : <u32>(r >>> 31) & 1;
  const z: u32 = (sf ? r : r & 0xffffffff) == 0 ? 1 : 0;
  return (n << 31) | (z << 30);
}
