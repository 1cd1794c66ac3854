// Data processing -- immediate (Arm ARM C4.1 encodings, C6.2 instructions): ADR, ADRP, ADD/ADDS/SUB/SUBS (immediate),
// AND/ORR/EOR/ANDS (immediate), MOVN/MOVZ/MOVK, SBFM/BFM/UBFM and EXTR.
// The decode table (decode/10-dp_imm.decode) has already rejected every unallocated combination of
// fixed fields, so the handlers only carry the pseudocode's operation.
import {
  page, immlo, immhi, sf, op, s, sh, imm12, opc, n, immr, imms, hw, imm16, rn, rm, rd,
} from "../generated/fields_dp_imm";
import { insnPc, X, W, setX, setW, XSP, setXSP, R, setR, setNzcv } from "../state";
import { addSubFlags, logicFlags } from "../alu";
import { undefinedInstruction } from "../exceptions";

/** Ones(w) for 1 <= w <= 64. */
@inline function ones(w: u32): u64 {
  return 0xffffffffffffffff >>> (64 - w);
}

/** Writes a result of width sf to Xd|SP / Wd|WSP (register 31 is the stack pointer). */
@inline export function setRsp(sf: u32, d: u32, v: u64): void {
  setXSP(d, sf ? v : v & 0xffffffff);
}

/** Replicate(element, 64 / esize) as a multiplication: one bit at the start of each element. */
const REPLICATE: usize = memory.data<u64>([
  0, 0x5555555555555555, 0x1111111111111111, 0x0101010101010101, 0x0001000100010001, 0x0000000100000001, 1,
]);

/**
 * DecodeBitMasks(N, imms, immr, immediate = TRUE), returning wmask replicated to 64 bits, or 0 for
 * the reserved encodings (all-ones element, or no valid element size). 0 is never a valid mask, as
 * every element holds at least one set bit.
 */
export function decodeBitMasks(nbit: u32, s6: u32, r6: u32): u64 {
  // len = HighestSetBit(N:NOT(imms)); the element size is 2^len.
  const len = 31 - <i32>clz<u32>((nbit << 6) | (~s6 & 0x3f));
  if (len < 1) return 0;
  const esize = <u32>1 << len;
  const levels = esize - 1;
  const S = s6 & levels;
  const Rot = r6 & levels;
  if (S == levels) return 0;
  // welem = ROR(Ones(S + 1), R) within esize bits, then Replicate to 64 bits.
  let elem: u64 = ones(S + 1);
  if (Rot != 0) elem = ((elem >>> Rot) | (elem << (esize - Rot))) & ones(esize);
  return elem * load<u64>(REPLICATE + (len << 3));
}

/** ADR (page = 0): Xd = PC + imm; ADRP (page = 1): Xd = PC<63:12>:Zeros(12) + imm * 4096. */
export function ADR(i: u32): void {
  const imm = (immhi(i) << 2) | <i64>immlo(i);
  if (page(i)) setX(rd(i), (insnPc & ~<u64>0xfff) + <u64>(imm << 12));
  else setX(rd(i), insnPc + <u64>imm);
}

/** ADD/ADDS/SUB/SUBS (immediate): op = 1 subtracts, s = 1 sets NZCV (and then Rd 31 is XZR). */
export function ADDSUB_imm(i: u32): void {
  const size = sf(i);
  const operand1 = XSP(rn(i));
  const imm = <u64>imm12(i) << (sh(i) ? 12 : 0);
  if (s(i)) {
    setR(size, rd(i), addSubFlags(size, operand1, imm, op(i)));
  } else {
    setRsp(size, rd(i), op(i) ? operand1 - imm : operand1 + imm);
  }
}

/** AND/ORR/EOR/ANDS (immediate); reserved bitmask immediates are UNDEFINED. */
export function LOGIC_imm(i: u32): void {
  const imm = decodeBitMasks(n(i), imms(i), immr(i));
  if (imm == 0) {
    undefinedInstruction();
    return;
  }
  const size = sf(i);
  const operand1 = X(rn(i));
  switch (opc(i)) {
    case 0: setRsp(size, rd(i), operand1 & imm); return; // AND
    case 1: setRsp(size, rd(i), operand1 | imm); return; // ORR
    case 2: setRsp(size, rd(i), operand1 ^ imm); return; // EOR
    default: { // ANDS writes XZR, not SP
      const result = operand1 & imm;
      setNzcv(logicFlags(size, result));
      setR(size, rd(i), result);
    }
  }
}

/** MOVN: Rd = NOT(imm16 << hw*16). */
export function MOVN(i: u32): void {
  setR(sf(i), rd(i), ~(<u64>imm16(i) << (hw(i) << 4)));
}

/** MOVZ: Rd = imm16 << hw*16 (a 32-bit form has hw < 2, so its value is already zero-extended). */
export function MOVZ(i: u32): void {
  setX(rd(i), <u64>imm16(i) << (hw(i) << 4));
}

/** MOVK: replaces one halfword of Rd, keeping the others. */
export function MOVK(i: u32): void {
  const pos = hw(i) << 4;
  const d = rd(i);
  setR(sf(i), d, (X(d) & ~(<u64>0xffff << pos)) | (<u64>imm16(i) << pos));
}

// Bitfield moves. The Arm ARM builds wmask/tmask with DecodeBitMasks(N, imms, immr, FALSE); with
// N = sf the element is the whole register, so the two cases below are the same operation done
// with plain shifts: imms >= immr extracts field <imms:immr> to bit 0, imms < immr inserts field
// <imms:0> at bit datasize - immr.

/** SBFM (ASR, SBFX, SBFIZ, SXTB/SXTH/SXTW): signed bitfield move, zeros below, sign bits above. */
export function SBFM(i: u32): void {
  const size = sf(i);
  const S = imms(i);
  const Rot = immr(i);
  const src = X(rn(i));
  // Shift bit S to bit 63, then back arithmetically: the field, sign-extended.
  const top = <i64>(src << (63 - S));
  let result: u64;
  if (S >= Rot) result = <u64>(top >> (63 - S + Rot));
  else result = <u64>(top >> (63 - S)) << ((size ? 64 : 32) - Rot);
  setR(size, rd(i), result);
}

/** BFM (BFI, BFXIL): copies a bitfield of Rn into Rd, keeping Rd's other bits. */
export function BFM(i: u32): void {
  const size = sf(i);
  const S = imms(i);
  const Rot = immr(i);
  const src = X(rn(i));
  const d = rd(i);
  const dst = X(d);
  let result: u64;
  if (S >= Rot) {
    const mask = ones(S - Rot + 1);
    result = (dst & ~mask) | ((src >>> Rot) & mask);
  } else {
    const pos = (size ? 64 : 32) - Rot;
    const mask = ones(S + 1) << pos;
    result = (dst & ~mask) | ((src << pos) & mask);
  }
  setR(size, d, result);
}

/** UBFM (LSL, LSR, UBFX, UBFIZ, UXTB/UXTH): unsigned bitfield move, zeros elsewhere. */
export function UBFM(i: u32): void {
  const size = sf(i);
  const S = imms(i);
  const Rot = immr(i);
  const src = R(size, rn(i));
  let result: u64;
  if (S >= Rot) result = (src >>> Rot) & ones(S - Rot + 1);
  else result = (src & ones(S + 1)) << ((size ? 64 : 32) - Rot);
  setR(size, rd(i), result);
}

/** EXTR (and ROR immediate): bits <lsb + datasize - 1 : lsb> of Rn:Rm. */
export function EXTR(i: u32): void {
  const lsb = imms(i);
  if (sf(i)) {
    const lo = X(rm(i));
    const hi = X(rn(i));
    setX(rd(i), lsb == 0 ? lo : (lo >>> lsb) | (hi << (64 - lsb)));
  } else {
    const concat = (<u64>W(rn(i)) << 32) | <u64>W(rm(i));
    setW(rd(i), <u32>(concat >>> lsb));
  }
}
