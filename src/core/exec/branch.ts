// Branches (Arm ARM C6.2: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET).
import { imm26, imm19, imm14, cond, link, nz, sf, b5, b40, rt, rn } from "../generated/fields_branch";
import { insnPc, setPc, X, setX } from "../state";
import { conditionHolds } from "../alu";

export function B_imm(i: u32): void {
  if (link(i)) setX(30, insnPc + 4);
  setPc(insnPc + <u64>(imm26(i) << 2));
}

export function B_cond(i: u32): void {
  if (conditionHolds(cond(i))) setPc(insnPc + <u64>(imm19(i) << 2));
}

/** CBZ / CBNZ (nz = 1). */
export function CBZ(i: u32): void {
  const v = sf(i) ? X(rt(i)) : X(rt(i)) & 0xffffffff;
  if ((v == 0) != (nz(i) == 1)) setPc(insnPc + <u64>(imm19(i) << 2));
}

/** TBZ / TBNZ (nz = 1): test bit b5:b40 of Xt. */
export function TBZ(i: u32): void {
  const bit = (b5(i) << 5) | b40(i);
  const set = ((X(rt(i)) >>> bit) & 1) == 1;
  if (set == (nz(i) == 1)) setPc(insnPc + <u64>(imm14(i) << 2));
}

export function BR(i: u32): void {
  setPc(X(rn(i)));
}

export function BLR(i: u32): void {
  const target = X(rn(i)); // read before writing X30: BLR X30 branches to the old value
  setX(30, insnPc + 4);
  setPc(target);
}

export function RET(i: u32): void {
  setPc(X(rn(i)));
}
