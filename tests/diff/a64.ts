// Encoders for the few A64 instructions the harness writes itself: the prologue and the signal
// handler of a test program, and the helper instructions that set up addresses in a stream.
// Encodings from the Arm ARM (C6.2); each was checked against aarch64-linux-gnu-as (see a64.test in
// diff.test.ts, which assembles the same instructions when binutils is installed).

const XZR = 31;

function reg(r: number): number {
  if (!Number.isInteger(r) || r < 0 || r > 31) throw new Error(`bad register ${r}`);
  return r;
}

/** MOVZ Xd, #imm16, LSL #(16*hw) */
export function movz(rd: number, imm16: number, hw = 0): number {
  return (0xd2800000 | (hw << 21) | ((imm16 & 0xffff) << 5) | reg(rd)) >>> 0;
}

/** MOVK Xd, #imm16, LSL #(16*hw) */
export function movk(rd: number, imm16: number, hw = 0): number {
  return (0xf2800000 | (hw << 21) | ((imm16 & 0xffff) << 5) | reg(rd)) >>> 0;
}

/** MOVN Xd, #imm16, LSL #(16*hw) */
export function movn(rd: number, imm16: number, hw = 0): number {
  return (0x92800000 | (hw << 21) | ((imm16 & 0xffff) << 5) | reg(rd)) >>> 0;
}

/**
 * The shortest MOVZ/MOVN + MOVK sequence that puts the 64-bit `value` in Xd (rd != 31). Uses MOVN
 * when more halfwords are 0xffff than 0x0000.
 */
export function movImm64(rd: number, value: bigint): number[] {
  if (rd === XZR) throw new Error('movImm64 into XZR');
  const v = BigInt.asUintN(64, value);
  const h = [0, 1, 2, 3].map((k) => Number((v >> BigInt(16 * k)) & 0xffffn));
  const zeros = h.filter((x) => x === 0).length;
  const ones = h.filter((x) => x === 0xffff).length;
  const out: number[] = [];
  if (ones > zeros) {
    // MOVN writes NOT(imm16 << shift): the other halfwords become 0xffff.
    const first = h.findIndex((x) => x !== 0xffff);
    if (first < 0) return [movn(rd, 0, 0)];
    out.push(movn(rd, ~h[first] & 0xffff, first));
    for (let k = first + 1; k < 4; k++) if (h[k] !== 0xffff) out.push(movk(rd, h[k], k));
    return out;
  }
  const first = h.findIndex((x) => x !== 0);
  if (first < 0) return [movz(rd, 0, 0)];
  out.push(movz(rd, h[first], first));
  for (let k = first + 1; k < 4; k++) if (h[k] !== 0) out.push(movk(rd, h[k], k));
  return out;
}

/** ADD Xd|SP, Xn|SP, #imm12 (MOV to/from SP when imm12 = 0). */
export function addImm(rd: number, rn: number, imm12: number): number {
  if (imm12 < 0 || imm12 > 4095) throw new Error(`addImm: ${imm12} out of range`);
  return (0x91000000 | (imm12 << 10) | (reg(rn) << 5) | reg(rd)) >>> 0;
}

/** ADR Xd, pc + offset (|offset| < 1 MiB). */
export function adr(rd: number, offset: number): number {
  if (offset < -(1 << 20) || offset >= 1 << 20) throw new Error(`adr: offset ${offset} out of range`);
  const imm = offset & 0x1fffff;
  return (0x10000000 | ((imm & 3) << 29) | ((imm >>> 2) << 5) | reg(rd)) >>> 0;
}

/** LDR Xt, [Xn|SP, #imm] (unsigned offset, a multiple of 8 below 32 KiB). */
export function ldrX(rt: number, rn: number, imm: number): number {
  if (imm % 8 !== 0 || imm < 0 || imm > 8 * 4095) throw new Error(`ldrX: offset ${imm}`);
  return (0xf9400000 | ((imm / 8) << 10) | (reg(rn) << 5) | reg(rt)) >>> 0;
}

/** STR Xt, [Xn|SP, #imm] (unsigned offset). */
export function strX(rt: number, rn: number, imm: number): number {
  if (imm % 8 !== 0 || imm < 0 || imm > 8 * 4095) throw new Error(`strX: offset ${imm}`);
  return (0xf9000000 | ((imm / 8) << 10) | (reg(rn) << 5) | reg(rt)) >>> 0;
}

/** LDP Xt1, Xt2, [Xn|SP, #imm] (signed offset, a multiple of 8 in [-512, 504]). */
export function ldpX(rt: number, rt2: number, rn: number, imm: number): number {
  if (imm % 8 !== 0 || imm < -512 || imm > 504) throw new Error(`ldpX: offset ${imm}`);
  return (0xa9400000 | (((imm / 8) & 0x7f) << 15) | (reg(rt2) << 10) | (reg(rn) << 5) | reg(rt)) >>> 0;
}

/** LDP Qt1, Qt2, [Xn|SP, #imm] (SIMD&FP, signed offset, a multiple of 16 in [-1024, 1008]). */
export function ldpQ(rt: number, rt2: number, rn: number, imm: number): number {
  if (imm % 16 !== 0 || imm < -1024 || imm > 1008) throw new Error(`ldpQ: offset ${imm}`);
  return (0xad400000 | (((imm / 16) & 0x7f) << 15) | (reg(rt2) << 10) | (reg(rn) << 5) | reg(rt)) >>> 0;
}

/** STP Xt1, Xt2, [Xn|SP, #imm] (signed offset). */
export function stpX(rt: number, rt2: number, rn: number, imm: number): number {
  if (imm % 8 !== 0 || imm < -512 || imm > 504) throw new Error(`stpX: offset ${imm}`);
  return (0xa9000000 | (((imm / 8) & 0x7f) << 15) | (reg(rt2) << 10) | (reg(rn) << 5) | reg(rt)) >>> 0;
}

// System registers as a key with one hex digit per field, o0:op1:CRn:CRm:op2 (o0 = op0<0>; op0<1> is
// always 1 for MSR/MRS (register)). MSR/MRS lay these out in bits 19:5.
export const SYSREG_NZCV = 0x13420; // op0 3, op1 3, CRn 4, CRm 2, op2 0
export const SYSREG_TPIDR_EL0 = 0x13d02; // op0 3, op1 3, CRn 13, CRm 0, op2 2
export const SYSREG_TPIDRRO_EL0 = 0x13d03; // op0 3, op1 3, CRn 13, CRm 0, op2 3

export const SYSREG_FPCR = 0x13440; // op0 3, op1 3, CRn 4, CRm 4, op2 0
export const SYSREG_FPSR = 0x13441; // op0 3, op1 3, CRn 4, CRm 4, op2 1

export const SYSREG_DCZID_EL0 = 0x13007; // op0 3, op1 3, CRn 0, CRm 0, op2 7
export const SYSREG_CTR_EL0 = 0x13001; // op0 3, op1 3, CRn 0, CRm 0, op2 1
export const SYSREG_CNTFRQ_EL0 = 0x13e00; // op0 3, op1 3, CRn 14, CRm 0, op2 0

function sysregBits(key: number): number {
  // key = o0:op1:CRn:CRm:op2 with o0 = op0<0>; laid out from bit 19 down to bit 5.
  const o0 = (key >> 16) & 1;
  const op1 = (key >> 12) & 7;
  const crn = (key >> 8) & 15;
  const crm = (key >> 4) & 15;
  const op2 = key & 15;
  return (o0 << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5);
}

/** MSR <sysreg>, Xt */
export function msr(key: number, rt: number): number {
  return (0xd5100000 | sysregBits(key) | reg(rt)) >>> 0;
}

/** MRS Xt, <sysreg> */
export function mrs(rt: number, key: number): number {
  return (0xd5300000 | sysregBits(key) | reg(rt)) >>> 0;
}

export function svc(imm16 = 0): number {
  return (0xd4000001 | ((imm16 & 0xffff) << 5)) >>> 0;
}

export function brk(imm16: number): number {
  return (0xd4200000 | ((imm16 & 0xffff) << 5)) >>> 0;
}

export const NOP = 0xd503201f;

/** HINT #imm7 (NOP = 0, YIELD = 1, WFE = 2, WFI = 3, SEV = 4, SEVL = 5, ...). */
export function hint(imm7: number): number {
  return (0xd503201f | ((imm7 & 0x7f) << 5)) >>> 0;
}

/** Barriers and CLREX: op2 = 010 CLREX, 100 DSB, 101 DMB, 110 ISB; crm is the option. */
export function barrier(op2: number, crm: number): number {
  return (0xd503301f | ((crm & 15) << 8) | ((op2 & 7) << 5)) >>> 0;
}
export const CLREX_OP2 = 2;
export const DSB_OP2 = 4;
export const DMB_OP2 = 5;
export const ISB_OP2 = 6;

/** SYS #op1, C7, Cm, #op2, Xt: the DC and IC operations by virtual address. */
function sysC7(op1: number, crm: number, op2: number, rt: number): number {
  return (0xd5087000 | (op1 << 16) | (crm << 8) | (op2 << 5) | reg(rt)) >>> 0;
}
export const dcZva = (rt: number): number => sysC7(3, 4, 1, rt);
export const dcCvac = (rt: number): number => sysC7(3, 10, 1, rt);
export const dcCvau = (rt: number): number => sysC7(3, 11, 1, rt);
export const dcCivac = (rt: number): number => sysC7(3, 14, 1, rt);
export const icIvau = (rt: number): number => sysC7(3, 5, 1, rt);
/** DC ZVA zeroes a block of 4 << DCZID_EL0.BS bytes: 64 on Cortex-A57 (and ArmLab). */
export const DC_ZVA_BYTES = 64;

/** B pc + offset (a multiple of 4 within +-128 MiB). */
export function b(offset: number): number {
  return (0x14000000 | ((offset >> 2) & 0x3ffffff)) >>> 0;
}
