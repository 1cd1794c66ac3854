// Floating-point instructions that need no rounding (src/core/exec/fp_simple.ts, src/core/fp.ts):
// FMOV/FABS/FNEG, FCMP/FCMPE, FCCMP/FCCMPE, FCSEL, FMAX/FMIN/FMAXNM/FMINNM and the AdvSIMD vector,
// pairwise, across-lanes and compare forms, in single and double precision.
//
// Hand-checked cases (their encodings checked against aarch64-linux-gnu-as, their expectations
// against qemu-aarch64 when installed) pin the Arm ARM's rules: NaN priority and quieting, FPCR.DN,
// FPCR.FZ input flushing with FPSR.IDC, the sign of zero in max/min, FPMaxNum's quiet-NaN rule,
// FPCompare's NZCV and when IOC is raised. When qemu-aarch64 is installed a sweep runs every
// instruction on edge operands (zeros, denormals, smallest normal, max, infinities, quiet and
// signalling NaNs with payloads, ±1.0) under all four FZ/DN combinations on both the core and
// qemu-aarch64 -cpu cortex-a57, comparing V0-V3, NZCV and FPSR.
import { describe, it, expect } from 'vitest';
import { A64_TABLE } from '../../src/core/generated/table';
import { haveQemu, assemble } from '../helpers/cross';
import {
  useVCore, vstate, vc, checkCases, runQemu, diffCore, expectUndefined, expectFpTrap, pack, xorshift32,
  JUNK, M64, FZ, DN, IOC, IDC, type VCase, type VState,
} from '../helpers/vcases';

useVCore();

/** Before a hand-checked case: V0-V3 junk, FPCR and FPSR zero, N and C set (so a stray flag write shows). */
const BASE = vstate({ nzcv: 0b1010n });

// ---- operands ------------------------------------------------------------------------------------------

const S = (...w: number[]): bigint => pack(32, w);
const D = (...d: bigint[]): bigint => pack(64, d);
/** A scalar S result: the low 32 bits, the rest of the register cleared. */
const rs = (w: number): bigint => BigInt(w >>> 0);

// Single precision.
const s0 = 0x00000000;
const sM0 = 0x80000000;
const sOne = 0x3f800000;
const sMOne = 0xbf800000;
const sTwo = 0x40000000;
const sDmin = 0x00000001; // smallest denormal
const sMDmin = 0x80000001;
const sDmax = 0x007fffff; // largest denormal
const sNmin = 0x00800000; // smallest normal
const sMax = 0x7f7fffff;
const sInf = 0x7f800000;
const sMInf = 0xff800000;
const sQ = 0x7fc00001; // quiet NaN, payload 1
const sMQ = 0xffc12345;
const sSn = 0x7f800001; // signalling NaN, payload 1
const sMSn = 0xff812345;
const sDefault = 0x7fc00000;

// Double precision.
const d0 = 0n;
const dM0 = 0x8000000000000000n;
const dOne = 0x3ff0000000000000n;
const dMOne = 0xbff0000000000000n;
const dDmin = 1n;
const dMDmin = 0x8000000000000001n;
const dDmax = 0x000fffffffffffffn;
const dNmin = 0x0010000000000000n;
const dMax = 0x7fefffffffffffffn;
const dMMax = 0xffefffffffffffffn;
const dInf = 0x7ff0000000000000n;
const dMInf = 0xfff0000000000000n;
const dQ = 0x7ff8000000000123n;
const dMQ = 0xfff8000000000456n;
const dSn = 0x7ff0000000000789n;
const dMSn = 0xfff000000000abcdn;
const dDefault = 0x7ff8000000000000n;

// ---- hand-checked cases ----------------------------------------------------------------------------

// CASES_BEGIN
const scalarMoves: VCase[] = [
  // FMOV/FABS/FNEG are bit operations: no flushing, no flags, NaN payloads kept, signalling NaNs stay.
  vc('fmov s0, s1', 0x1e204020, { v1: S(sMSn, 7, 8, 9) }, { v0: rs(sMSn) }),
  vc('fmov d0, d1', 0x1e604020, { v1: D(dMSn, 7n) }, { v0: dMSn }),
  vc('fabs s0, s1', 0x1e20c020, { v1: S(sMQ, 1) }, { v0: rs(0x7fc12345) }),
  vc('fabs s0, s1', 0x1e20c020, { v1: S(sMDmin), fpcr: FZ | DN }, { v0: rs(sDmin) }),
  vc('fabs d0, d1', 0x1e60c020, { v1: D(dMSn) }, { v0: 0x7ff000000000abcdn }),
  vc('fneg s0, s1', 0x1e214020, { v1: S(sSn), fpcr: FZ | DN }, { v0: rs(0xff800001) }),
  vc('fneg s0, s1', 0x1e214020, { v1: S(s0) }, { v0: rs(sM0) }),
  vc('fneg d0, d1', 0x1e614020, { v1: D(dDmin), fpcr: FZ }, { v0: dMDmin }),
  vc('fabs v0.4s, v1.4s', 0x4ea0f820, { v1: S(sMQ, sMSn, sMDmin, sOne), fpcr: FZ | DN }, { v0: S(0x7fc12345, 0x7f812345, sDmin, sOne) }),
  vc('fneg v0.2s, v1.2s', 0x2ea0f820, { v1: S(sQ, sM0, 5, 6) }, { v0: S(0xffc00001, s0) }),
  vc('fneg v0.2d, v1.2d', 0x6ee0f820, { v1: D(dSn, dMInf) }, { v0: D(0xfff0000000000789n, dInf) }),
  vc('fcsel s0, s1, s2, eq', 0x1e220c20, { v1: S(sOne, 1), v2: S(sTwo, 2), nzcv: 0b0100n }, { v0: rs(sOne) }),
  vc('fcsel s0, s1, s2, eq', 0x1e220c20, { v1: S(sOne, 1), v2: S(sSn, 2), nzcv: 0b0000n }, { v0: rs(sSn) }),
  vc('fcsel d0, d1, d2, lt', 0x1e62bc20, { v1: D(dOne, 1n), v2: D(dMSn, 2n), nzcv: 0b1000n }, { v0: dOne }),
];

const compares: VCase[] = [
  vc('fcmp s1, s2', 0x1e222020, { v1: S(sOne), v2: S(sOne) }, { nzcv: 0b0110n }),
  vc('fcmp s1, s2', 0x1e222020, { v1: S(sMOne), v2: S(sOne) }, { nzcv: 0b1000n }),
  vc('fcmp s1, s2', 0x1e222020, { v1: S(sInf), v2: S(sMax) }, { nzcv: 0b0010n }),
  vc('fcmp s1, s2', 0x1e222020, { v1: S(sM0), v2: S(s0) }, { nzcv: 0b0110n }),
  // Quiet NaN: unordered, no exception for FCMP, Invalid Operation for FCMPE.
  vc('fcmp s1, s2', 0x1e222020, { v1: S(sQ), v2: S(sOne) }, { nzcv: 0b0011n }),
  vc('fcmpe s1, s2', 0x1e222030, { v1: S(sOne), v2: S(sMQ) }, { nzcv: 0b0011n, fpsr: IOC }),
  vc('fcmp s1, s2', 0x1e222020, { v1: S(sOne), v2: S(sSn) }, { nzcv: 0b0011n, fpsr: IOC }),
  // Denormals: compared exactly, or flushed to zero (IDC) under FZ.
  vc('fcmp s1, s2', 0x1e222020, { v1: S(sDmin), v2: S(sMDmin) }, { nzcv: 0b0010n }),
  vc('fcmp s1, s2', 0x1e222020, { v1: S(sDmin), v2: S(sMDmin), fpcr: FZ }, { nzcv: 0b0110n, fpsr: IDC }),
  vc('fcmp s1, #0.0', 0x1e202028, { v1: S(sMDmin), fpcr: FZ }, { nzcv: 0b0110n, fpsr: IDC }),
  vc('fcmp s1, #0.0', 0x1e202028, { v1: S(sMDmin) }, { nzcv: 0b1000n }),
  vc('fcmpe s1, #0.0', 0x1e202038, { v1: S(sQ) }, { nzcv: 0b0011n, fpsr: IOC }),
  vc('fcmp d1, d2', 0x1e622020, { v1: D(dMMax), v2: D(dMInf) }, { nzcv: 0b0010n }),
  vc('fcmp d1, d2', 0x1e622020, { v1: D(dDmax), v2: D(dNmin) }, { nzcv: 0b1000n }),
  vc('fcmpe d1, #0.0', 0x1e602038, { v1: D(dM0) }, { nzcv: 0b0110n }),
  vc('fcmp d1, #0.0', 0x1e602028, { v1: D(dMSn), fpsr: IDC }, { nzcv: 0b0011n, fpsr: IDC | IOC }),
  // FCCMP: the comparison when the condition holds, else the immediate (and no exception).
  vc('fccmp s1, s2, #5, eq', 0x1e220425, { v1: S(sSn), v2: S(sOne), nzcv: 0b0000n }, { nzcv: 0b0101n }),
  vc('fccmp s1, s2, #5, eq', 0x1e220425, { v1: S(sOne), v2: S(sTwo), nzcv: 0b0100n }, { nzcv: 0b1000n }),
  vc('fccmp s1, s2, #5, eq', 0x1e220425, { v1: S(sQ), v2: S(sTwo), nzcv: 0b0100n }, { nzcv: 0b0011n }),
  vc('fccmpe d1, d2, #10, ne', 0x1e62143a, { v1: D(dQ), v2: D(dOne), nzcv: 0b0000n }, { nzcv: 0b0011n, fpsr: IOC }),
  vc('fccmpe d1, d2, #10, ne', 0x1e62143a, { v1: D(dQ), v2: D(dOne), nzcv: 0b0100n }, { nzcv: 0b1010n }),
  // AdvSIMD compares: all-ones/zero masks; EQ signals only for signalling NaNs, GE/GT for any NaN.
  vc('fcmeq s0, s1, s2', 0x5e22e420, { v1: S(sM0), v2: S(s0) }, { v0: rs(0xffffffff) }),
  vc('fcmeq s0, s1, s2', 0x5e22e420, { v1: S(sQ), v2: S(sQ) }, { v0: 0n }),
  vc('fcmeq d0, d1, d2', 0x5e62e420, { v1: D(dSn), v2: D(dOne) }, { v0: 0n, fpsr: IOC }),
  vc('fcmge s0, s1, s2', 0x7e22e420, { v1: S(sQ), v2: S(sOne) }, { v0: 0n, fpsr: IOC }),
  vc('fcmgt d0, d1, d2', 0x7ee2e420, { v1: D(dOne), v2: D(dMax) }, { v0: 0n }),
  vc('facge s0, s1, s2', 0x7e22ec20, { v1: S(sMOne), v2: S(sOne) }, { v0: rs(0xffffffff) }),
  vc('facgt s0, s1, s2', 0x7ea2ec20, { v1: S(sMOne), v2: S(sOne) }, { v0: 0n }),
  vc('facgt d0, d1, d2', 0x7ee2ec20, { v1: D(dMInf), v2: D(dMax) }, { v0: M64 }),
  vc('fcmeq v0.4s, v1.4s, v2.4s', 0x4e22e420, { v1: S(sOne, sDmin, sQ, sM0), v2: S(sOne, s0, sQ, s0), fpcr: FZ }, { v0: S(-1, -1, 0, -1), fpsr: IDC }),
  vc('fcmge v0.2s, v1.2s, v2.2s', 0x2e22e420, { v1: S(sOne, sMInf, 3, 4), v2: S(sTwo, sMInf, 5, 6) }, { v0: S(0, -1) }),
  vc('fcmgt v0.2d, v1.2d, v2.2d', 0x6ee2e420, { v1: D(dTwo(), dQ), v2: D(dOne, dOne) }, { v0: D(-1n, 0n), fpsr: IOC }),
  vc('facge v0.4s, v1.4s, v2.4s', 0x6e22ec20, { v1: S(sMInf, sM0, sMOne, sSn), v2: S(sInf, s0, sTwo, s0) }, { v0: S(-1, -1, 0, 0), fpsr: IOC }),
  vc('facgt v0.2d, v1.2d, v2.2d', 0x6ee2ec20, { v1: D(dMMax, dM0), v2: D(dOne, d0) }, { v0: D(-1n, 0n) }),
  // Compares with zero: FCMLT/FCMLE compare zero with the element (x < 0 is 0 > x).
  vc('fcmeq s0, s1, #0.0', 0x5ea0d820, { v1: S(sM0) }, { v0: rs(0xffffffff) }),
  vc('fcmgt d0, d1, #0.0', 0x5ee0c820, { v1: D(dDmin) }, { v0: M64 }),
  vc('fcmgt d0, d1, #0.0', 0x5ee0c820, { v1: D(dDmin), fpcr: FZ }, { v0: 0n, fpsr: IDC }),
  vc('fcmlt s0, s1, #0.0', 0x5ea0e820, { v1: S(sMDmin) }, { v0: rs(0xffffffff) }),
  vc('fcmge s0, s1, #0.0', 0x7ea0c820, { v1: S(sM0) }, { v0: rs(0xffffffff) }),
  vc('fcmle d0, d1, #0.0', 0x7ee0d820, { v1: D(dQ) }, { v0: 0n, fpsr: IOC }),
  vc('fcmeq v0.4s, v1.4s, #0.0', 0x4ea0d820, { v1: S(s0, sM0, sQ, sSn) }, { v0: S(-1, -1, 0, 0), fpsr: IOC }),
  vc('fcmlt v0.2s, v1.2s, #0.0', 0x0ea0e820, { v1: S(sMInf, sMDmin, 1, 2), fpcr: FZ }, { v0: S(-1, 0), fpsr: IDC }),
  vc('fcmle v0.2d, v1.2d, #0.0', 0x6ee0d820, { v1: D(dM0, dNmin) }, { v0: D(-1n, 0n) }),
  vc('fcmge v0.4s, v1.4s, #0.0', 0x6ea0c820, { v1: S(sOne, sMOne, s0, sInf) }, { v0: S(-1, 0, -1, -1) }),
  vc('fcmgt v0.4s, v1.4s, #0.0', 0x4ea0c820, { v1: S(sOne, sMOne, s0, sQ) }, { v0: S(-1, 0, 0, 0), fpsr: IOC }),
];

function dTwo(): bigint {
  return 0x4000000000000000n;
}

const maxmin: VCase[] = [
  // The sign of zero: max(-0, +0) = +0, min(+0, -0) = -0.
  vc('fmax s0, s1, s2', 0x1e224820, { v1: S(sM0), v2: S(s0) }, { v0: rs(s0) }),
  vc('fmax s0, s1, s2', 0x1e224820, { v1: S(s0), v2: S(sM0) }, { v0: rs(s0) }),
  vc('fmin s0, s1, s2', 0x1e225820, { v1: S(s0), v2: S(sM0) }, { v0: rs(sM0) }),
  vc('fmax d0, d1, d2', 0x1e624820, { v1: D(dM0), v2: D(dMOne) }, { v0: dM0 }),
  vc('fmin d0, d1, d2', 0x1e625820, { v1: D(dDmin), v2: D(dDmax) }, { v0: dDmin }),
  // NaNs: signalling before quiet, first operand before second, quieted with IOC; DN gives the default.
  vc('fmax s0, s1, s2', 0x1e224820, { v1: S(sQ), v2: S(sOne) }, { v0: rs(sQ) }),
  vc('fmax s0, s1, s2', 0x1e224820, { v1: S(sOne), v2: S(sSn) }, { v0: rs(0x7fc00001), fpsr: IOC }),
  vc('fmax s0, s1, s2', 0x1e224820, { v1: S(sQ), v2: S(sMSn) }, { v0: rs(0xffc12345), fpsr: IOC }),
  vc('fmin s0, s1, s2', 0x1e225820, { v1: S(sMQ), v2: S(sQ) }, { v0: rs(sMQ) }),
  vc('fmin s0, s1, s2', 0x1e225820, { v1: S(sMQ), v2: S(sQ), fpcr: DN }, { v0: rs(sDefault) }),
  vc('fmax d0, d1, d2', 0x1e624820, { v1: D(dMSn), v2: D(dQ), fpcr: DN }, { v0: dDefault, fpsr: IOC }),
  // FZ: denormal inputs are zeros of their sign (IDC), so the zero-sign rule applies.
  vc('fmax s0, s1, s2', 0x1e224820, { v1: S(sDmin), v2: S(sM0), fpcr: FZ }, { v0: rs(s0), fpsr: IDC }),
  vc('fmax s0, s1, s2', 0x1e224820, { v1: S(sDmin), v2: S(sM0) }, { v0: rs(sDmin) }),
  vc('fmin s0, s1, s2', 0x1e225820, { v1: S(s0), v2: S(sMDmin), fpcr: FZ }, { v0: rs(sM0), fpsr: IDC }),
  vc('fmin d0, d1, d2', 0x1e625820, { v1: D(dMDmin), v2: D(dOne), fpcr: FZ | DN }, { v0: dM0, fpsr: IDC }),
  // FMAXNM/FMINNM: one quiet NaN loses to a number; two quiet NaNs or a signalling one as FMAX/FMIN.
  vc('fmaxnm s0, s1, s2', 0x1e226820, { v1: S(sQ), v2: S(sMOne) }, { v0: rs(sMOne) }),
  vc('fmaxnm s0, s1, s2', 0x1e226820, { v1: S(sMInf), v2: S(sMQ) }, { v0: rs(sMInf) }),
  vc('fminnm s0, s1, s2', 0x1e227820, { v1: S(sInf), v2: S(sQ) }, { v0: rs(sInf) }),
  vc('fminnm s0, s1, s2', 0x1e227820, { v1: S(sMQ), v2: S(sQ) }, { v0: rs(sMQ) }),
  vc('fminnm s0, s1, s2', 0x1e227820, { v1: S(sSn), v2: S(sOne) }, { v0: rs(0x7fc00001), fpsr: IOC }),
  vc('fmaxnm d0, d1, d2', 0x1e626820, { v1: D(dQ), v2: D(dMSn) }, { v0: 0xfff800000000abcdn, fpsr: IOC }),
  vc('fminnm d0, d1, d2', 0x1e627820, { v1: D(dQ), v2: D(dMDmin), fpcr: FZ }, { v0: dM0, fpsr: IDC }),
  // Vector, pairwise and across lanes.
  vc('fmax v0.4s, v1.4s, v2.4s', 0x4e22f420, { v1: S(sOne, sM0, sQ, sMInf), v2: S(sTwo, s0, sOne, sMax) }, { v0: S(sTwo, s0, sQ, sMax) }),
  vc('fmin v0.2s, v1.2s, v2.2s', 0x0ea2f420, { v1: S(sOne, sSn, 1, 2), v2: S(sTwo, s0, 3, 4) }, { v0: S(sOne, 0x7fc00001), fpsr: IOC }),
  vc('fmaxnm v0.2d, v1.2d, v2.2d', 0x4e62c420, { v1: D(dQ, dOne), v2: D(dMOne, dMQ) }, { v0: D(dMOne, dOne) }),
  vc('fminnm v0.4s, v1.4s, v2.4s', 0x4ea2c420, { v1: S(sQ, sQ, sDmin, sM0), v2: S(sOne, sMQ, sDmax, s0) }, { v0: S(sOne, sQ, sDmin, sM0) }),
  vc('fmaxp v0.4s, v1.4s, v2.4s', 0x6e22f420, { v1: S(sOne, sTwo, sMOne, sQ), v2: S(s0, sM0, sInf, sMInf) }, { v0: S(sTwo, sQ, s0, sInf) }),
  vc('fminp v0.2s, v1.2s, v2.2s', 0x2ea2f420, { v1: S(sOne, sTwo, 7, 8), v2: S(sMOne, sMSn, 9, 9) }, { v0: S(sOne, 0xffc12345), fpsr: IOC }),
  vc('fmaxnmp v0.2d, v1.2d, v2.2d', 0x6e62c420, { v1: D(dQ, dMOne), v2: D(dMQ, dQ) }, { v0: D(dMOne, dMQ) }),
  vc('fminnmp v0.4s, v1.4s, v2.4s', 0x6ea2c420, { v1: S(sOne, sQ, s0, sM0), v2: S(sSn, sOne, sInf, sMInf) }, { v0: S(sOne, sM0, 0x7fc00001, sMInf), fpsr: IOC }),
  vc('fmaxp s0, v1.2s', 0x7e30f820, { v1: S(sMOne, sOne, 5, 6) }, { v0: rs(sOne) }),
  vc('fminp d0, v1.2d', 0x7ef0f820, { v1: D(dQ, dSn) }, { v0: 0x7ff8000000000789n, fpsr: IOC }),
  vc('fmaxnmp s0, v1.2s', 0x7e30c820, { v1: S(sQ, sMInf) }, { v0: rs(sMInf) }),
  vc('fminnmp d0, v1.2d', 0x7ef0c820, { v1: D(dMOne, dMQ) }, { v0: dMOne }),
  // FMAXV reduces (e0, e1) and (e2, e3) first: here max(1, qNaN) = qNaN, max(sNaN, 2) = quieted sNaN
  // (IOC), and then the first quiet NaN wins.
  vc('fmaxv s0, v1.4s', 0x6e30f820, { v1: S(sOne, sQ, sMSn, sTwo) }, { v0: rs(sQ), fpsr: IOC }),
  vc('fminv s0, v1.4s', 0x6eb0f820, { v1: S(sOne, sMOne, sTwo, s0) }, { v0: rs(sMOne) }),
  vc('fmaxnmv s0, v1.4s', 0x6e30c820, { v1: S(sQ, sMInf, sMQ, sMQ) }, { v0: rs(sMInf) }),
  vc('fminnmv s0, v1.4s', 0x6eb0c820, { v1: S(sQ, sDmin, sMQ, sOne), fpcr: FZ }, { v0: rs(s0), fpsr: IDC }),
];
// CASES_END

checkCases('FMOV, FABS, FNEG, FCSEL', scalarMoves, BASE);
checkCases('FCMP, FCCMP and the AdvSIMD compares', compares, BASE);
checkCases('FMAX, FMIN, FMAXNM, FMINNM', maxmin, BASE);

describe('unallocated encodings', () => {
  it.each([
    ['fmax with ftype 10', 0x1ea24820],
    ['fmax h0, h1, h2 (FEAT_FP16)', 0x1ee24820],
    ['fabs h0, h1 (FEAT_FP16)', 0x1ee0c020],
    ['fmov with ftype 10', 0x1ea04020],
    ['fcmp h1, h2 (FEAT_FP16)', 0x1ee22020],
    ['fcmp with opcode2<2:0> != 0', 0x1e222021],
    ['fccmp h1, h2 (FEAT_FP16)', 0x1ee20425],
    ['fcsel h0, h1, h2 (FEAT_FP16)', 0x1ee20c20],
    ['fmax v0.1d (sz:Q = 10)', 0x0e62f420],
    ['fcmeq v0.1d (sz:Q = 10)', 0x0e62e420],
    ['fabs v0.1d (sz:Q = 10)', 0x0ee0f820],
    ['fcmlt U=1 (vector)', 0x2ea0e820],
    ['fmaxv v0.2s', 0x2e30f820],
    ['fmaxv d0, v1.2d', 0x6e70f820],
    ['fmaxv h0 (FEAT_FP16)', 0x4e30f820],
    ['fmaxp h0 (FEAT_FP16)', 0x5e30f820],
    ['fcmlt U=1 (scalar)', 0x7ea0e820],
    ['facge U=0 (scalar)', 0x5e22ec20],
  ])('%s', (_, word) => expectUndefined(word));
});

// ---- sweep against qemu-aarch64 ----------------------------------------------------------------------------

const sValues = [s0, sM0, sDmin, sMDmin, sDmax, 0x807fffff, sNmin, 0x80800000, sMax, 0xff7fffff, sInf, sMInf, sQ, sMQ, sSn, sMSn, sOne, sMOne].map(
  (w) => BigInt(w >>> 0),
);
const dValues = [d0, dM0, dDmin, dMDmin, dDmax, 0x800fffffffffffffn, dNmin, 0x8010000000000000n, dMax, dMMax, dInf, dMInf, dQ, dMQ, dSn, dMSn, dOne, dMOne];
const FPCRS = [0n, FZ, DN, FZ | DN];

type Shape = 'bin' | 'un' | 'pair' | 'across';
interface Form {
  asm: string;
  shape: Shape;
  lanes: number; // elements per operand register
  dbl: boolean;
}

function forms(): Form[] {
  const f: Form[] = [];
  for (const dbl of [false, true]) {
    const p = dbl ? 'd' : 's';
    for (const op of ['fmax', 'fmin', 'fmaxnm', 'fminnm']) f.push({ asm: `${op} ${p}0, ${p}1, ${p}2`, shape: 'bin', lanes: 1, dbl });
    for (const op of ['fcmeq', 'fcmge', 'fcmgt', 'facge', 'facgt']) f.push({ asm: `${op} ${p}0, ${p}1, ${p}2`, shape: 'bin', lanes: 1, dbl });
    for (const asm of [`fcmp ${p}1, ${p}2`, `fcmpe ${p}1, ${p}2`, `fccmp ${p}1, ${p}2, #5, ne`, `fccmpe ${p}1, ${p}2, #10, ge`, `fcsel ${p}0, ${p}1, ${p}2, vs`])
      f.push({ asm, shape: 'bin', lanes: 1, dbl });
    for (const op of ['fmov', 'fabs', 'fneg']) f.push({ asm: `${op} ${p}0, ${p}1`, shape: 'un', lanes: 1, dbl });
    for (const asm of [`fcmp ${p}1, #0.0`, `fcmpe ${p}1, #0.0`]) f.push({ asm, shape: 'un', lanes: 1, dbl });
    for (const op of ['fcmeq', 'fcmge', 'fcmgt', 'fcmle', 'fcmlt']) f.push({ asm: `${op} ${p}0, ${p}1, #0.0`, shape: 'un', lanes: 1, dbl });
    for (const op of ['fmaxp', 'fminp', 'fmaxnmp', 'fminnmp']) f.push({ asm: `${op} ${p}0, v1.2${p}`, shape: 'bin', lanes: 1, dbl });
  }
  for (const [t, lanes, dbl] of [['2s', 2, false], ['4s', 4, false], ['2d', 2, true]] as const) {
    for (const op of ['fmax', 'fmin', 'fmaxnm', 'fminnm', 'fcmeq', 'fcmge', 'fcmgt', 'facge', 'facgt'])
      f.push({ asm: `${op} v0.${t}, v1.${t}, v2.${t}`, shape: 'bin', lanes, dbl });
    for (const op of ['fmaxp', 'fminp', 'fmaxnmp', 'fminnmp']) f.push({ asm: `${op} v0.${t}, v1.${t}, v2.${t}`, shape: 'pair', lanes, dbl });
    for (const op of ['fabs', 'fneg']) f.push({ asm: `${op} v0.${t}, v1.${t}`, shape: 'un', lanes, dbl });
    for (const op of ['fcmeq', 'fcmge', 'fcmgt', 'fcmle', 'fcmlt']) f.push({ asm: `${op} v0.${t}, v1.${t}, #0.0`, shape: 'un', lanes, dbl });
  }
  for (const op of ['fmaxv', 'fminv', 'fmaxnmv', 'fminnmv']) f.push({ asm: `${op} s0, v1.4s`, shape: 'across', lanes: 4, dbl: false });
  return f;
}

/** The sweep's inputs for one form: v1 (and v2) under each FPCR, NZCV varying so conditions go both ways. */
function sweepStates(f: Form): VState[] {
  const vals = f.dbl ? dValues : sValues;
  const bits = f.dbl ? 64 : 32;
  const pairs: [bigint, bigint][] = [];
  for (const a of vals) for (const b of vals) pairs.push([a, b]);
  const ops: bigint[][] = []; // [v1, v2]
  if (f.shape === 'un') {
    for (let k = 0; k < vals.length; k += f.lanes) ops.push([pack(bits, Array.from({ length: f.lanes }, (_, j) => vals[(k + j) % vals.length])), 0n]);
  } else if (f.shape === 'bin') {
    // Scalar pairwise forms take their pair from v1's two lanes.
    const pw = /^f(max|min)(nm)?p [sd]0/.test(f.asm);
    for (let k = 0; k < pairs.length; k += f.lanes) {
      const chunk = Array.from({ length: f.lanes }, (_, j) => pairs[(k + j) % pairs.length]);
      if (pw) ops.push([pack(bits, chunk[0]), 0n]);
      else ops.push([pack(bits, chunk.map((p) => p[0])), pack(bits, chunk.map((p) => p[1]))]);
    }
  } else if (f.shape === 'pair') {
    for (let k = 0; k < pairs.length; k += f.lanes) {
      const flat = Array.from({ length: f.lanes }, (_, j) => pairs[(k + j) % pairs.length]).flat();
      ops.push([pack(bits, flat.slice(0, f.lanes)), pack(bits, flat.slice(f.lanes))]);
    }
  } else {
    for (let k = 0; k < pairs.length; k++) {
      const [a, b] = pairs[k];
      const [c, d] = pairs[(k * 7 + 3) % pairs.length];
      ops.push([pack(32, [a, b, c, d]), 0n]);
    }
  }
  const states: VState[] = [];
  let n = 0;
  for (const fpcr of FPCRS)
    for (const [v1, v2] of ops) {
      states.push(vstate({ v: [JUNK[0], v1, v2, JUNK[3]], fpcr, fpsr: n % 5 === 0 ? IDC : 0n, nzcv: BigInt(n % 16) }));
      n++;
    }
  return states;
}

describe.skipIf(!haveQemu)('sweep against qemu-aarch64', () => {
  it('every instruction on edge operands under every FZ/DN combination', () => {
    const all = forms();
    const words = assemble(all.map((f) => f.asm));
    const groups = all.map((f, k) => ({ asm: f.asm, word: words[k], states: sweepStates(f) }));
    expect(diffCore(groups, runQemu(groups)).slice(0, 20)).toEqual([]);
    expect(groups.reduce((n, g) => n + g.states.length, 0)).toBeGreaterThan(10000);
  }, 120_000);
});

// ---- random encodings against qemu-aarch64 ----------------------------------------------------------------

describe.skipIf(!haveQemu)('random encodings against qemu-aarch64', () => {
  // Every encoding this group claims, with random field values (registers V0-V3, so sources and the
  // destination alias often), on registers filled with edge values of either precision.
  it('every claimed pattern, 40 random words each', () => {
    const next = xorshift32(0x5eed_f00d);
    const entries = A64_TABLE.filter((e) => e.group === 'fp_simple' && !e.unalloc && !e.unimpl);
    expect(entries.length).toBe(48);
    const groups: { asm: string; word: number; states: VState[] }[] = [];
    for (const e of entries) {
      for (let k = 0; k < 40; ) {
        let w = (e.value | (next() & ~e.mask)) >>> 0;
        for (const f of e.fields) if (/^r[dnm]$/.test(f.name)) w = ((w & ~(31 << f.lsb)) | ((next() & 3) << f.lsb)) >>> 0;
        // Words an earlier line claims (the 1D arrangement, say) belong to that line.
        if (A64_TABLE.find((t) => ((w & t.mask) >>> 0) === t.value) !== e) continue;
        k++;
        const v = [0, 1, 2, 3].map(() =>
          next() & 1
            ? pack(64, [0, 1].map(() => dValues[next() % dValues.length]))
            : pack(32, [0, 1, 2, 3].map(() => sValues[next() % sValues.length])),
        );
        groups.push({ asm: `.inst 0x${w.toString(16)}`, word: w, states: [vstate({ v, fpcr: FPCRS[next() & 3], fpsr: next() & 1 ? IDC : 0n, nzcv: BigInt(next() & 15) })] });
      }
    }
    expect(diffCore(groups, runQemu(groups)).slice(0, 20)).toEqual([]);
  }, 120_000);
});

describe('SIMD&FP access trap', () => {
  it('CPACR_EL1.FPEN = 00 traps these instructions with EC 0x07', () => {
    expectFpTrap([0x1e224820 /* fmax s0, s1, s2 */, 0x1e222020 /* fcmp s1, s2 */, 0x4ea0f820 /* fabs v0.4s, v1.4s */]);
  });
});
