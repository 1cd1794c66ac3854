// SIMD&FP loads and stores (Arm ARM C4.1 "Loads and Stores" with V = 1; C7.2 for each instruction):
// LDR/STR/LDUR/STUR of B, H, S, D and Q registers, LDR (literal), LDP/STP/LDNP/STNP, and the AdvSIMD
// structure loads and stores LD1-LD4/ST1-ST4 (multiple structures, single lane, replicate).
//
// The addressing arithmetic (SP base with CheckSPAlignment, register-offset ExtendReg) is the
// integer group's (exec/ldst.ts). Every element is its own access of its own size through
// readMem/writeMem, so with alignStrict (MMU off: Device memory) each must be aligned to its element
// size, Q registers to 16 bytes (mem.ts readMem128/writeMem128).
//
// Loads read everything first and write registers only after the last access succeeded, so a fault
// leaves every register (and the base register) unchanged. Stores may have written some elements
// before a later one faults, which the Arm ARM allows for these multi-access instructions; the
// single-register and pair forms check both halves of a page-crossing access first.
//
// CONSTRAINED UNPREDICTABLE choices follow QEMU 7.2 (qemu-aarch64): LDP with Rt == Rt2 leaves the
// second element in the register; writeback with Rn among the transferred registers cannot arise
// (V registers and X registers are distinct).
import {
  size, opq, imm12, imm9, rn, rt, rt2, rm, optsx, optx, s, opc, imm19, imm7, q, p, l, r, o0, esz,
} from "../generated/fields_simd_ldst";
import { X, XSP, setXSP, insnPc, vAddr, vLo, vHi, setVq } from "../state";
import { readMem, writeMem, readMem128, writeMem128, mem128Hi, translateData, memFault } from "../mem";
import { spFault, extendRegOffset } from "./ldst";

// ---- Register forms ----------------------------------------------------------------------------------

/** log2 of the access size of LDR/STR (register): size for B, H, S, D; 4 for Q (size 00, opc<1> = 1). */
@inline function regScale(i: u32): u32 {
  return opq(i) ? 4 : size(i);
}

/** Bits 127:64 of the last loadElem of 16 bytes. */
let elemHi: u64 = 0;

/** Mem[address, 1 << scale] as one SIMD&FP element: bits 63:0 returned, 127:64 in elemHi. */
@inline function loadElem(address: u64, scale: u32): u64 {
  if (scale == 4) {
    const lo = readMem128(address, 0);
    elemHi = mem128Hi;
    return lo;
  }
  elemHi = 0;
  return readMem(address, 1 << scale, 0);
}

/** Mem[address, 1 << scale] = the low bytes of Vt. */
@inline function storeElem(t: u32, address: u64, scale: u32): bool {
  if (scale == 4) writeMem128(address, vLo(t), vHi(t), 0);
  else writeMem(address, 1 << scale, vLo(t), 0);
  return !memFault;
}

/** LDR Bt..Qt: the element zero-extended to 128 bits. Returns false if the access faulted. */
@inline function loadV(t: u32, address: u64, scale: u32): bool {
  const lo = loadElem(address, scale);
  if (memFault) return false;
  setVq(t, lo, elemHi);
  return true;
}

export function STR_v_uimm(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const scale = regScale(i);
  storeElem(rt(i), XSP(n) + (<u64>imm12(i) << scale), scale);
}

export function LDR_v_uimm(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const scale = regScale(i);
  loadV(rt(i), XSP(n) + (<u64>imm12(i) << scale), scale);
}

export function STUR_v(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  storeElem(rt(i), XSP(n) + <u64>imm9(i), regScale(i));
}

export function LDUR_v(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  loadV(rt(i), XSP(n) + <u64>imm9(i), regScale(i));
}

export function STR_v_post(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n);
  if (storeElem(rt(i), address, regScale(i))) setXSP(n, address + <u64>imm9(i));
}

export function LDR_v_post(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n);
  if (loadV(rt(i), address, regScale(i))) setXSP(n, address + <u64>imm9(i));
}

export function STR_v_pre(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n) + <u64>imm9(i);
  if (storeElem(rt(i), address, regScale(i))) setXSP(n, address);
}

export function LDR_v_pre(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n) + <u64>imm9(i);
  if (loadV(rt(i), address, regScale(i))) setXSP(n, address);
}

/** ExtendReg(m, option, S ? scale : 0). */
@inline function regOffset(i: u32, scale: u32): u64 {
  return extendRegOffset(rm(i), optsx(i) != 0, optx(i) != 0, s(i) ? scale : 0);
}

export function STR_v_reg(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const scale = regScale(i);
  storeElem(rt(i), XSP(n) + regOffset(i, scale), scale);
}

export function LDR_v_reg(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const scale = regScale(i);
  loadV(rt(i), XSP(n) + regOffset(i, scale), scale);
}

/** LDR St/Dt/Qt, label: opc 00, 01, 10 is 4, 8, 16 bytes. */
export function LDR_v_lit(i: u32): void {
  loadV(rt(i), insnPc + <u64>(imm19(i) << 2), 2 + opc(i));
}

// ---- Pairs -----------------------------------------------------------------------------------------

/** log2 of the element size of LDP/STP/LDNP/STNP: opc 00 S, 01 D, 10 Q. */
@inline function pairScale(i: u32): u32 {
  return 2 + opc(i);
}

/** Scaled pair offset: imm7 << scale. */
@inline function pairOffset(i: u32): u64 {
  return <u64>(imm7(i) << pairScale(i));
}

/**
 * STP/STNP: Rt at address, Rt2 at address + esize. When the pair crosses a page both elements are
 * translated before anything is written, so a fault leaves memory unchanged.
 */
function storeVPair(i: u32, address: u64): bool {
  const scale = pairScale(i);
  const esize: u32 = 1 << scale;
  const second = address + <u64>esize;
  if ((<u32>address & 0xfff) > 0x1000 - (esize << 1)) {
    translateData(address, esize, 0, true);
    if (memFault) return false;
    translateData(second, esize, 0, true);
    if (memFault) return false;
  }
  if (!storeElem(rt(i), address, scale)) return false;
  return storeElem(rt2(i), second, scale);
}

/** LDP/LDNP: both elements are read before either register is written. */
function loadVPair(i: u32, address: u64): bool {
  const scale = pairScale(i);
  const aLo = loadElem(address, scale);
  if (memFault) return false;
  const aHi = elemHi;
  const bLo = loadElem(address + (<u64>1 << scale), scale);
  if (memFault) return false;
  setVq(rt(i), aLo, aHi);
  setVq(rt2(i), bLo, elemHi); // with Rt == Rt2 the second element wins, as in QEMU
  return true;
}

export function STNP_v(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  storeVPair(i, XSP(n) + pairOffset(i));
}

export function LDNP_v(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  loadVPair(i, XSP(n) + pairOffset(i));
}

export function STP_v_off(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  storeVPair(i, XSP(n) + pairOffset(i));
}

export function LDP_v_off(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  loadVPair(i, XSP(n) + pairOffset(i));
}

export function STP_v_post(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n);
  if (storeVPair(i, address)) setXSP(n, address + pairOffset(i));
}

export function LDP_v_post(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n);
  if (loadVPair(i, address)) setXSP(n, address + pairOffset(i));
}

export function STP_v_pre(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n) + pairOffset(i);
  if (storeVPair(i, address)) setXSP(n, address);
}

export function LDP_v_pre(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const address = XSP(n) + pairOffset(i);
  if (loadVPair(i, address)) setXSP(n, address);
}

// ---- Structures ------------------------------------------------------------------------------------

/** Staging area for structure loads: up to four 128-bit registers, committed after the last access. */
const STAGE: usize = memory.data(64, 16);

/** An element of 1 << scale bytes (at most 8) at linear-memory address a. */
@inline function getLane(a: usize, scale: u32): u64 {
  if (scale == 3) return load<u64>(a);
  if (scale == 2) return <u64>load<u32>(a);
  if (scale == 1) return <u64>load<u16>(a);
  return <u64>load<u8>(a);
}

@inline function putLane(a: usize, scale: u32, v: u64): void {
  if (scale == 3) store<u64>(a, v);
  else if (scale == 2) store<u32>(a, <u32>v);
  else if (scale == 1) store<u16>(a, <u16>v);
  else store<u8>(a, <u8>v);
}

/** Post-index writeback of the structure forms: by the bytes transferred (Rm = 31) or by Xm. */
@inline function structWriteback(i: u32, n: u32, address: u64, offs: u64): void {
  if (!p(i)) return;
  const m = rm(i);
  setXSP(n, address + (m == 31 ? offs : X(m)));
}

/**
 * LD1-LD4/ST1-ST4 (multiple structures): rpt groups of selem registers (LD1 with 1-4 registers has
 * rpt = registers, selem = 1; LDn has rpt = 1, selem = n). Element e of structure member s lives in
 * register (t + r + s) mod 32; memory holds the members of each structure next to each other, so
 * LD2-LD4 de-interleave and ST2-ST4 interleave.
 */
function multi(i: u32, rpt: u32, selem: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const t = rt(i);
  const scale = esz(i);
  const ebytes: u32 = 1 << scale;
  const elements: u32 = (q(i) ? 16 : 8) >> scale;
  const address = XSP(n);
  let offs: u64 = 0;
  if (l(i)) {
    for (let rr: u32 = 0; rr < rpt; rr++) {
      for (let e: u32 = 0; e < elements; e++) {
        for (let ss: u32 = 0; ss < selem; ss++) {
          const v = readMem(address + offs, ebytes, 0);
          if (memFault) return;
          putLane(STAGE + ((rr + ss) << 4) + (e << scale), scale, v);
          offs += ebytes;
        }
      }
    }
    // A 64-bit vector (Q = 0) clears bits 127:64 of its register.
    const regs = rpt * selem;
    for (let j: u32 = 0; j < regs; j++) {
      const a = STAGE + (j << 4);
      setVq((t + j) & 31, load<u64>(a), q(i) ? load<u64>(a, 8) : 0);
    }
  } else {
    for (let rr: u32 = 0; rr < rpt; rr++) {
      for (let e: u32 = 0; e < elements; e++) {
        for (let ss: u32 = 0; ss < selem; ss++) {
          writeMem(address + offs, ebytes, getLane(vAddr((t + rr + ss) & 31) + (e << scale), scale), 0);
          if (memFault) return;
          offs += ebytes;
        }
      }
    }
  }
  structWriteback(i, n, address, offs);
}

export function LDST1_multi1(i: u32): void { multi(i, 1, 1); }
export function LDST1_multi2(i: u32): void { multi(i, 2, 1); }
export function LDST1_multi3(i: u32): void { multi(i, 3, 1); }
export function LDST1_multi4(i: u32): void { multi(i, 4, 1); }
export function LDST2_multi(i: u32): void { multi(i, 1, 2); }
export function LDST3_multi(i: u32): void { multi(i, 1, 3); }
export function LDST4_multi(i: u32): void { multi(i, 1, 4); }

/**
 * LD1-LD4/ST1-ST4 (single structure): one structure of selem = opcode<0>:R + 1 elements between
 * lane `index` of registers t .. t + selem - 1 (mod 32) and consecutive memory. The other lanes, the
 * upper half included whatever Q is, keep their values.
 */
function lane(i: u32, scale: u32, index: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const t = rt(i);
  const selem: u32 = ((o0(i) << 1) | r(i)) + 1;
  const ebytes: u32 = 1 << scale;
  const address = XSP(n);
  const lanePos = index << scale;
  let offs: u64 = 0;
  if (l(i)) {
    for (let ss: u32 = 0; ss < selem; ss++) {
      store<u64>(STAGE + (ss << 3), readMem(address + offs, ebytes, 0));
      if (memFault) return;
      offs += ebytes;
    }
    for (let ss: u32 = 0; ss < selem; ss++) {
      putLane(vAddr((t + ss) & 31) + lanePos, scale, load<u64>(STAGE + (ss << 3)));
    }
  } else {
    for (let ss: u32 = 0; ss < selem; ss++) {
      writeMem(address + offs, ebytes, getLane(vAddr((t + ss) & 31) + lanePos, scale), 0);
      if (memFault) return;
      offs += ebytes;
    }
  }
  structWriteback(i, n, address, offs);
}

/** Lane index Q:S:size. */
export function LDST_lane_b(i: u32): void { lane(i, 0, (q(i) << 3) | (s(i) << 2) | esz(i)); }
/** Lane index Q:S:size<1>. */
export function LDST_lane_h(i: u32): void { lane(i, 1, (q(i) << 2) | (s(i) << 1) | (esz(i) >> 1)); }
/** Lane index Q:S. */
export function LDST_lane_s(i: u32): void { lane(i, 2, (q(i) << 1) | s(i)); }
/** Lane index Q. */
export function LDST_lane_d(i: u32): void { lane(i, 3, q(i)); }

/** Multiplier that replicates an element of 1 << scale bytes across 64 bits. */
@inline function replicator(scale: u32): u64 {
  if (scale == 0) return 0x0101010101010101;
  if (scale == 1) return 0x0001000100010001;
  if (scale == 2) return 0x0000000100000001;
  return 1;
}

/**
 * LD1R-LD4R: one structure of selem elements, each replicated to every lane of its register; a
 * 64-bit vector (Q = 0) clears bits 127:64.
 */
export function LDnR(i: u32): void {
  const n = rn(i);
  if (spFault(n)) return;
  const t = rt(i);
  const scale = esz(i);
  const selem: u32 = ((o0(i) << 1) | r(i)) + 1;
  const ebytes: u32 = 1 << scale;
  const address = XSP(n);
  let offs: u64 = 0;
  for (let ss: u32 = 0; ss < selem; ss++) {
    store<u64>(STAGE + (ss << 3), readMem(address + offs, ebytes, 0));
    if (memFault) return;
    offs += ebytes;
  }
  const mul = replicator(scale);
  for (let ss: u32 = 0; ss < selem; ss++) {
    const v = load<u64>(STAGE + (ss << 3)) * mul;
    setVq((t + ss) & 31, v, q(i) ? v : 0);
  }
  structWriteback(i, n, address, offs);
}
