// Formatters for floating point: scalar (fp_misc, fp_simple, fp_arith, fp_cvt) and the vector forms
// of the FP instructions (simd_fp and the vector rows of those groups).
import { type FormatterTable, condOperand, hex, rz } from './util';

/** A scalar FP register: s (sz = 0) or d (sz = 1). */
function fr(sz: number, n: number): string {
  return (sz ? 'd' : 's') + n;
}

/** A vector of FP elements: 2s/4s (sz = 0) or 2d (sz = 1). */
function fv(q: number, sz: number, n: number): string {
  return `v${n}.${sz ? (q ? '2d' : '1d') : q ? '4s' : '2s'}`;
}

/** VFPExpandImm's value printed as objdump does (C's %.18e). */
function fpImm(imm8: number): string {
  // imm8 = a:b:cd:efgh is (-1)^a * 1.efgh * 2^n, the exponent NOT(b):b..b:cd giving n = cd + 1 when
  // b = 0 and cd - 3 when b = 1.
  const sign = imm8 >>> 7 ? -1 : 1;
  const b = (imm8 >>> 6) & 1;
  const cd = (imm8 >>> 4) & 3;
  const n = b ? cd - 3 : cd + 1;
  const v = (sign * (16 + (imm8 & 15)) * 2 ** n) / 16;
  return '#' + cExp(v);
}

/** C's printf("%.18e"): JS toExponential with the exponent padded to two digits. */
function cExp(v: number): string {
  const s = v.toExponential(18);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** op vd.T, vn.T, vm.T for the three-same FP vector forms. */
function same3(m: string) {
  return (f: { q: number; sz: number; rn: number; rm: number; rd: number }): string => `${m} ${fv(f.q, f.sz, f.rd)}, ${fv(f.q, f.sz, f.rn)}, ${fv(f.q, f.sz, f.rm)}`;
}
/** op sd, sn, sm for the scalar three-same forms. */
function scalar3(m: string) {
  return (f: { sz: number; rn: number; rm: number; rd: number }): string => `${m} ${fr(f.sz, f.rd)}, ${fr(f.sz, f.rn)}, ${fr(f.sz, f.rm)}`;
}
/** op vd.T, vn.T for the two-register vector forms (with an optional trailing operand). */
function misc2(m: string, tail = '') {
  return (f: { q: number; sz: number; rn: number; rd: number }): string => `${m} ${fv(f.q, f.sz, f.rd)}, ${fv(f.q, f.sz, f.rn)}${tail}`;
}
function scalar2(m: string, tail = '') {
  return (f: { sz: number; rn: number; rd: number }): string => `${m} ${fr(f.sz, f.rd)}, ${fr(f.sz, f.rn)}${tail}`;
}
/** The across-lanes and pairwise-scalar forms: op sd, vn.4s / op dd, vn.2d. */
function acrossS(m: string) {
  return (f: { rn: number; rd: number }): string => `${m} s${f.rd}, v${f.rn}.4s`;
}
function pairS(m: string) {
  return (f: { sz: number; rn: number; rd: number }): string => `${m} ${fr(f.sz, f.rd)}, v${f.rn}.${f.sz ? '2d' : '2s'}`;
}
/** By element: index H:L for single, H for double; Rm includes M. */
function elemIndex(f: { sz: number; l: number; h: number }): number {
  return f.sz ? f.h : (f.h << 1) | f.l;
}
function byElemV(m: string) {
  return (f: { q: number; sz: number; l: number; h: number; rm: number; rn: number; rd: number }): string | null => {
    if (f.sz && f.l) return null;
    return `${m} ${fv(f.q, f.sz, f.rd)}, ${fv(f.q, f.sz, f.rn)}, v${f.rm}.${f.sz ? 'd' : 's'}[${elemIndex(f)}]`;
  };
}
function byElemS(m: string) {
  return (f: { sz: number; l: number; h: number; rm: number; rn: number; rd: number }): string | null => {
    if (f.sz && f.l) return null;
    return `${m} ${fr(f.sz, f.rd)}, ${fr(f.sz, f.rn)}, v${f.rm}.${f.sz ? 'd' : 's'}[${elemIndex(f)}]`;
  };
}

const RINT_SCALAR = ['n', 'p', 'm', 'z', 'a', '', 'x', 'i'];
/** FRINT<x> (vector), key u:o2:o0. */
const RINT_VECTOR = ['n', 'm', 'p', 'z', 'a', 'x', '', 'i'];
/** FCVT<x>{S,U} rounding, key o2:o0 (vector/scalar) */
const CVT_VECTOR = ['n', 'm', 'p', 'z'];
const HSD = ['s', 'd', '', 'h'];

export const FP_FORMATTERS: FormatterTable = {
  // ---- fp_misc
  FMOV_imm: (f) => `fmov ${fr(f.sz, f.rd)}, ${fpImm(f.imm8)}`,
  FSQRT_v: misc2('fsqrt'),
  FRECPE_v: misc2('frecpe'),
  FRSQRTE_v: misc2('frsqrte'),
  URECPE: (f) => `urecpe v${f.rd}.${f.q ? '4s' : '2s'}, v${f.rn}.${f.q ? '4s' : '2s'}`,
  URSQRTE: (f) => `ursqrte v${f.rd}.${f.q ? '4s' : '2s'}, v${f.rn}.${f.q ? '4s' : '2s'}`,
  FRECPE_s: scalar2('frecpe'),
  FRSQRTE_s: scalar2('frsqrte'),
  FRECPX: scalar2('frecpx'),

  // ---- fp_simple
  FMOV_r: scalar2('fmov'),
  FABS_s: scalar2('fabs'),
  FNEG_s: scalar2('fneg'),
  FCMP: (f) => `fcmp${f.e ? 'e' : ''} ${fr(f.sz, f.rn)}, ${f.z ? '#0.0' : fr(f.sz, f.rm)}`,
  FCCMP: (f) => {
    const c = condOperand(f.cond);
    return `fccmp${f.e ? 'e' : ''} ${fr(f.sz, f.rn)}, ${fr(f.sz, f.rm)}, ${hex(f.nzcv)}, ${c.text}${c.comment}`;
  },
  FMAX_s: scalar3('fmax'),
  FMIN_s: scalar3('fmin'),
  FMAXNM_s: scalar3('fmaxnm'),
  FMINNM_s: scalar3('fminnm'),
  FCSEL: (f) => {
    const c = condOperand(f.cond);
    return `fcsel ${fr(f.sz, f.rd)}, ${fr(f.sz, f.rn)}, ${fr(f.sz, f.rm)}, ${c.text}${c.comment}`;
  },
  FMAXNM_v: same3('fmaxnm'),
  FMINNM_v: same3('fminnm'),
  FCMEQ_v: same3('fcmeq'),
  FMAX_v: same3('fmax'),
  FMIN_v: same3('fmin'),
  FMAXNMP_v: same3('fmaxnmp'),
  FMINNMP_v: same3('fminnmp'),
  FCMGE_v: same3('fcmge'),
  FCMGT_v: same3('fcmgt'),
  FACGE_v: same3('facge'),
  FACGT_v: same3('facgt'),
  FMAXP_v: same3('fmaxp'),
  FMINP_v: same3('fminp'),
  FCMGT_zv: misc2('fcmgt', ', #0.0'),
  FCMEQ_zv: misc2('fcmeq', ', #0.0'),
  FCMLT_zv: misc2('fcmlt', ', #0.0'),
  FABS_v: misc2('fabs'),
  FCMGE_zv: misc2('fcmge', ', #0.0'),
  FCMLE_zv: misc2('fcmle', ', #0.0'),
  FNEG_v: misc2('fneg'),
  FMAXNMV: acrossS('fmaxnmv'),
  FMAXV: acrossS('fmaxv'),
  FMINNMV: acrossS('fminnmv'),
  FMINV: acrossS('fminv'),
  FMAXNMP_s: pairS('fmaxnmp'),
  FMAXP_s: pairS('fmaxp'),
  FMINNMP_s: pairS('fminnmp'),
  FMINP_s: pairS('fminp'),
  FCMEQ_s: scalar3('fcmeq'),
  FCMGE_s: scalar3('fcmge'),
  FCMGT_s: scalar3('fcmgt'),
  FACGE_s: scalar3('facge'),
  FACGT_s: scalar3('facgt'),
  FCMGT_zs: scalar2('fcmgt', ', #0.0'),
  FCMEQ_zs: scalar2('fcmeq', ', #0.0'),
  FCMLT_zs: scalar2('fcmlt', ', #0.0'),
  FCMGE_zs: scalar2('fcmge', ', #0.0'),
  FCMLE_zs: scalar2('fcmle', ', #0.0'),

  // ---- fp_arith
  FMUL_s: scalar3('fmul'),
  FDIV_s: scalar3('fdiv'),
  FADD_s: scalar3('fadd'),
  FSUB_s: scalar3('fsub'),
  FNMUL_s: scalar3('fnmul'),
  FSQRT_s: scalar2('fsqrt'),
  FMADD: (f) => `fmadd ${fr(f.sz, f.rd)}, ${fr(f.sz, f.rn)}, ${fr(f.sz, f.rm)}, ${fr(f.sz, f.ra)}`,
  FMSUB: (f) => `fmsub ${fr(f.sz, f.rd)}, ${fr(f.sz, f.rn)}, ${fr(f.sz, f.rm)}, ${fr(f.sz, f.ra)}`,
  FNMADD: (f) => `fnmadd ${fr(f.sz, f.rd)}, ${fr(f.sz, f.rn)}, ${fr(f.sz, f.rm)}, ${fr(f.sz, f.ra)}`,
  FNMSUB: (f) => `fnmsub ${fr(f.sz, f.rd)}, ${fr(f.sz, f.rn)}, ${fr(f.sz, f.rm)}, ${fr(f.sz, f.ra)}`,

  // ---- simd_fp
  FMLA_v: same3('fmla'),
  FADD_v: same3('fadd'),
  FMULX_v: same3('fmulx'),
  FRECPS_v: same3('frecps'),
  FMLS_v: same3('fmls'),
  FSUB_v: same3('fsub'),
  FRSQRTS_v: same3('frsqrts'),
  FADDP_v: same3('faddp'),
  FMUL_v: same3('fmul'),
  FDIV_v: same3('fdiv'),
  FABD_v: same3('fabd'),
  FMULX_sc: scalar3('fmulx'),
  FRECPS_sc: scalar3('frecps'),
  FRSQRTS_sc: scalar3('frsqrts'),
  FABD_sc: scalar3('fabd'),
  FADDP_sc: pairS('faddp'),
  FMLA_ve: byElemV('fmla'),
  FMLS_ve: byElemV('fmls'),
  FMUL_ve: byElemV('fmul'),
  FMULX_ve: byElemV('fmulx'),
  FMLA_se: byElemS('fmla'),
  FMLS_se: byElemS('fmls'),
  FMUL_se: byElemS('fmul'),
  FMULX_se: byElemS('fmulx'),

  // ---- fp_cvt
  FCVT: (f) => `fcvt ${HSD[f.opc]}${f.rd}, ${HSD[f.ftype]}${f.rn}`,
  FRINT: (f) => `frint${RINT_SCALAR[f.rm3]} ${fr(f.sz, f.rd)}, ${fr(f.sz, f.rn)}`,
  FCVT_int: (f) => `fcvt${'npmz'[f.rmode]}${f.us ? 'u' : 's'} ${rz(f.rd, f.sf)}, ${fr(f.sz, f.rn)}`,
  CVTF_int: (f) => `${f.us ? 'u' : 's'}cvtf ${fr(f.sz, f.rd)}, ${rz(f.rn, f.sf)}`,
  FCVTA_int: (f) => `fcvta${f.us ? 'u' : 's'} ${rz(f.rd, f.sf)}, ${fr(f.sz, f.rn)}`,
  CVTF_fix: (f) => `${f.us ? 'u' : 's'}cvtf ${fr(f.sz, f.rd)}, ${rz(f.rn, f.sf)}, #${64 - f.scale}`,
  FCVTZ_fix: (f) => `fcvtz${f.us ? 'u' : 's'} ${rz(f.rd, f.sf)}, ${fr(f.sz, f.rn)}, #${64 - f.scale}`,
  FRINT_v: (f) => `frint${RINT_VECTOR[(f.u << 2) | (f.o2 << 1) | f.o0]} ${fv(f.q, f.sz, f.rd)}, ${fv(f.q, f.sz, f.rn)}`,
  FCVT_v: (f) => `fcvt${CVT_VECTOR[(f.o2 << 1) | f.o0]}${f.u ? 'u' : 's'} ${fv(f.q, f.sz, f.rd)}, ${fv(f.q, f.sz, f.rn)}`,
  FCVTA_v: (f) => `fcvta${f.u ? 'u' : 's'} ${fv(f.q, f.sz, f.rd)}, ${fv(f.q, f.sz, f.rn)}`,
  CVTF_v: (f) => `${f.u ? 'u' : 's'}cvtf ${fv(f.q, f.sz, f.rd)}, ${fv(f.q, f.sz, f.rn)}`,
  FCVTN_v: (f) => `fcvtn${f.q ? '2' : ''} v${f.rd}.${f.sz ? (f.q ? '4s' : '2s') : f.q ? '8h' : '4h'}, v${f.rn}.${f.sz ? '2d' : '4s'}`,
  FCVTL_v: (f) => `fcvtl${f.q ? '2' : ''} v${f.rd}.${f.sz ? '2d' : '4s'}, v${f.rn}.${f.sz ? (f.q ? '4s' : '2s') : f.q ? '8h' : '4h'}`,
  FCVTXN_v: (f) => `fcvtxn${f.q ? '2' : ''} v${f.rd}.${f.q ? '4s' : '2s'}, v${f.rn}.2d`,
  FCVT_sc: (f) => `fcvt${CVT_VECTOR[(f.o2 << 1) | f.o0]}${f.u ? 'u' : 's'} ${fr(f.sz, f.rd)}, ${fr(f.sz, f.rn)}`,
  FCVTA_sc: (f) => `fcvta${f.u ? 'u' : 's'} ${fr(f.sz, f.rd)}, ${fr(f.sz, f.rn)}`,
  CVTF_sc: (f) => `${f.u ? 'u' : 's'}cvtf ${fr(f.sz, f.rd)}, ${fr(f.sz, f.rn)}`,
  FCVTXN_sc: (f) => `fcvtxn s${f.rd}, d${f.rn}`,
  CVTF_fixv_s: (f) => `${f.u ? 'u' : 's'}cvtf ${fv(f.q, 0, f.rd)}, ${fv(f.q, 0, f.rn)}, #${32 - f.s5}`,
  CVTF_fixv_d: (f) => `${f.u ? 'u' : 's'}cvtf ${fv(f.q, 1, f.rd)}, ${fv(f.q, 1, f.rn)}, #${64 - f.s6}`,
  FCVTZ_fixv_s: (f) => `fcvtz${f.u ? 'u' : 's'} ${fv(f.q, 0, f.rd)}, ${fv(f.q, 0, f.rn)}, #${32 - f.s5}`,
  FCVTZ_fixv_d: (f) => `fcvtz${f.u ? 'u' : 's'} ${fv(f.q, 1, f.rd)}, ${fv(f.q, 1, f.rn)}, #${64 - f.s6}`,
  CVTF_fixs_s: (f) => `${f.u ? 'u' : 's'}cvtf s${f.rd}, s${f.rn}, #${32 - f.s5}`,
  CVTF_fixs_d: (f) => `${f.u ? 'u' : 's'}cvtf d${f.rd}, d${f.rn}, #${64 - f.s6}`,
  FCVTZ_fixs_s: (f) => `fcvtz${f.u ? 'u' : 's'} s${f.rd}, s${f.rn}, #${32 - f.s5}`,
  FCVTZ_fixs_d: (f) => `fcvtz${f.u ? 'u' : 's'} d${f.rd}, d${f.rn}, #${64 - f.s6}`,
};
