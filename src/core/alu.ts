// Shared pseudocode functions of the Arm ARM used by several instruction groups.
import { nzcv, setNzcv } from "./state";

/** ConditionHolds(cond) for flags n, z, c, v: the Arm ARM's definition, used to fill conditionTable. */
function conditionHoldsFor(cond: u32, n: u32, z: u32, c: u32, v: u32): bool {
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

// For each condition, a 16-bit mask with bit NZCV set when the condition holds for those flags, so
// that B.cond, CSEL and CCMP evaluate a condition with one load and a shift.
const conditionTable = memory.data(32);

export function initConditionTable(): void {
  for (let cond: u32 = 0; cond < 16; cond++) {
    let mask: u32 = 0;
    for (let f: u32 = 0; f < 16; f++) {
      if (conditionHoldsFor(cond, (f >> 3) & 1, (f >> 2) & 1, (f >> 1) & 1, f & 1)) mask |= 1 << f;
    }
    store<u16>(conditionTable + (cond << 1), <u16>mask);
  }
}

/** ConditionHolds(cond) on the current PSTATE.NZCV. */
@inline export function conditionHolds(cond: u32): bool {
  return ((<u32>load<u16>(conditionTable + (cond << 1)) >> (nzcv >>> 28)) & 1) != 0;
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

/**
 * ADD/SUB with flags, the common tail of ADDS, SUBS, CMP, CMN and CCMP/CCMN: AddWithCarry(x, y, 0)
 * or AddWithCarry(x, NOT(y), 1) at width sf, writing PSTATE.NZCV. Returns the (zero-extended) sum.
 */
@inline export function addSubFlags(sf: u32, x: u64, y: u64, sub: u32): u64 {
  const r = sf ? addWithCarry64(x, sub ? ~y : y, sub) : addWithCarry32(<u32>x, sub ? ~<u32>y : <u32>y, sub);
  setNzcv(awcFlags);
  return r;
}

/**
 * ShiftReg(reg, shift_type, amount, N) on a value already read: type 0 LSL, 1 LSR, 2 ASR, 3 ROR,
 * amount < datasize. For sf = 0 only the low 32 bits take part and the result is zero-extended.
 */
@inline export function shiftReg(sf: u32, v: u64, type: u32, amount: u32): u64 {
  if (sf) {
    switch (type) {
      case 0: return v << amount;
      case 1: return v >>> amount;
      case 2: return <u64>(<i64>v >> amount);
      default: return rotr<u64>(v, <u64>amount);
    }
  }
  const w = <u32>v;
  switch (type) {
    case 0: return <u64>(w << amount);
    case 1: return <u64>(w >>> amount);
    case 2: return <u64><u32>(<i32>w >> amount);
    default: return <u64>rotr<u32>(w, amount);
  }
}

/**
 * ExtendReg(reg, extend_type, shift, 64) on a value already read: option 0..3 UXTB/UXTH/UXTW/UXTX,
 * 4..7 SXTB/SXTH/SXTW/SXTX, then LSL shift. Narrower datasizes just truncate the result.
 */
@inline export function extendReg(v: u64, option: u32, shift: u32): u64 {
  let e: u64;
  switch (option) {
    case 0: e = v & 0xff; break;
    case 1: e = v & 0xffff; break;
    case 2: e = v & 0xffffffff; break;
    case 4: e = <u64><i64><i8>v; break;
    case 5: e = <u64><i64><i16>v; break;
    case 6: e = <u64><i64><i32>v; break;
    default: e = v; // UXTX, SXTX
  }
  return e << shift;
}
