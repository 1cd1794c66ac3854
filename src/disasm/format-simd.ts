// Formatters for the AdvSIMD integer groups: three registers (simd_3), two registers, across lanes,
// copies, permutes, modified immediates and shifts by immediate (simd_2).
import { type FormatterTable, hex, rz } from './util';

/** The arrangement of size:q (8b 16b 4h 8h 2s 4s 1d 2d). */
const ARR = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'];
function arr(size: number, q: number): string {
  return ARR[(size << 1) | q];
}
/** The full-width arrangement of elements twice as wide (the long and wide forms): 8h 4s 2d. */
function wide(size: number): string {
  return ['8h', '4s', '2d', '1q'][size];
}
/** A scalar SIMD register of element size `size` (b h s d). */
function sreg(size: number, n: number): string {
  return 'bhsd'[size] + n;
}
function v(n: number, t: string): string {
  return `v${n}.${t}`;
}

type Same = { q: number; size: number; rm: number; rn: number; rd: number };
type Two = { q: number; size: number; rn: number; rd: number };

/** op vd.T, vn.T, vm.T. */
function same3(m: string) {
  return (f: Same): string | null => {
    if (f.size === 3 && !f.q) return null;
    const t = arr(f.size, f.q);
    return `${m} ${v(f.rd, t)}, ${v(f.rn, t)}, ${v(f.rm, t)}`;
  };
}
/** The bitwise ops: always bytes. */
function logic3(m: string) {
  return (f: { q: number; rm: number; rn: number; rd: number }): string => {
    const t = f.q ? '16b' : '8b';
    return `${m} ${v(f.rd, t)}, ${v(f.rn, t)}, ${v(f.rm, t)}`;
  };
}
function scalar3(m: string) {
  return (f: { size?: number; rm: number; rn: number; rd: number }): string => {
    const size = f.size ?? 3;
    return `${m} ${sreg(size, f.rd)}, ${sreg(size, f.rn)}, ${sreg(size, f.rm)}`;
  };
}
/** The three-different forms: kinds say which operands are wide (w) or narrow (n). */
function diff3(m: string, kinds: 'wnn' | 'wwn' | 'nww') {
  return (f: Same): string => {
    const n = arr(f.size, f.q);
    const w = wide(f.size);
    const t = [...kinds].map((k) => (k === 'w' ? w : n));
    return `${m}${f.q ? '2' : ''} ${v(f.rd, t[0])}, ${v(f.rn, t[1])}, ${v(f.rm, t[2])}`;
  };
}
function scalarLong3(m: string) {
  return (f: { size: number; rm: number; rn: number; rd: number }): string => `${m} ${sreg(f.size + 1, f.rd)}, ${sreg(f.size, f.rn)}, ${sreg(f.size, f.rm)}`;
}

type El = { q: number; size: number; l: number; m: number; rm4: number; h: number; rn: number; rd: number };
/** The by-element operand v<m>.<h|s>[index]: H:L:M and Rm<3:0> for halfwords, H:L and M:Rm for words. */
function elem(f: Omit<El, 'q'>): string {
  if (f.size === 1) return `v${f.rm4}.h[${(f.h << 2) | (f.l << 1) | f.m}]`;
  return `v${(f.m << 4) | f.rm4}.s[${(f.h << 1) | f.l}]`;
}
function byElem(m: string) {
  return (f: El): string => `${m} ${v(f.rd, arr(f.size, f.q))}, ${v(f.rn, arr(f.size, f.q))}, ${elem(f)}`;
}
function byElemLong(m: string) {
  return (f: El): string => `${m}${f.q ? '2' : ''} ${v(f.rd, wide(f.size))}, ${v(f.rn, arr(f.size, f.q))}, ${elem(f)}`;
}
function byElemScalar(m: string, long: boolean) {
  return (f: Omit<El, 'q'>): string => `${m} ${sreg(f.size + (long ? 1 : 0), f.rd)}, ${sreg(f.size, f.rn)}, ${elem(f)}`;
}

/** op vd.T, vn.T (with an optional tail such as ", #0"). */
function misc2(m: string, tail = '') {
  return (f: Two): string | null => {
    if (f.size === 3 && !f.q) return null;
    return `${m} ${v(f.rd, arr(f.size, f.q))}, ${v(f.rn, arr(f.size, f.q))}${tail}`;
  };
}
function misc2u(s: string, u: string, tail = '') {
  return (f: Two & { u: number }): string | null => misc2(f.u ? u : s, tail)(f);
}
function scalar2(m: string, tail = '') {
  return (f: { size?: number; rn: number; rd: number }): string => `${m} ${sreg(f.size ?? 3, f.rd)}, ${sreg(f.size ?? 3, f.rn)}${tail}`;
}
function scalar2u(s: string, u: string, tail = '') {
  return (f: { size?: number; u: number; rn: number; rd: number }): string => scalar2(f.u ? u : s, tail)(f);
}
/** The narrowing forms: op{2} vd.Tnarrow, vn.Twide. */
function narrow(m: string) {
  return (f: Two): string => `${m}${f.q ? '2' : ''} ${v(f.rd, arr(f.size, f.q))}, ${v(f.rn, wide(f.size))}`;
}
function narrowScalar(m: string) {
  return (f: { size: number; rn: number; rd: number }): string => `${m} ${sreg(f.size, f.rd)}, ${sreg(f.size + 1, f.rn)}`;
}

/** The element size (log2 bytes) of an imm5 (DUP, INS, SMOV, UMOV): its lowest set bit. */
function imm5Size(imm5: number): number {
  for (let s = 0; s < 4; s++) if ((imm5 >>> s) & 1) return s;
  return 4;
}

/** The element size (log2 bytes) of a shift-by-immediate immh: its highest set bit. */
function immhSize(immh: number): number {
  for (let s = 3; s >= 0; s--) if ((immh >>> s) & 1) return s;
  return -1;
}
type Sh = { q: number; immh: number; immb: number; rn: number; rd: number };
function rightShift(f: Sh): number {
  return (16 << immhSize(f.immh)) - ((f.immh << 3) | f.immb);
}
function leftShift(f: Sh): number {
  return ((f.immh << 3) | f.immb) - (8 << immhSize(f.immh));
}
function shiftV(m: string, right: boolean) {
  return (f: Sh): string | null => {
    const s = immhSize(f.immh);
    if (s === 3 && !f.q) return null;
    const t = arr(s, f.q);
    return `${m} ${v(f.rd, t)}, ${v(f.rn, t)}, #${right ? rightShift(f) : leftShift(f)}`;
  };
}
function shiftS(m: string, right: boolean) {
  return (f: Sh | Omit<Sh, 'q'>): string => {
    const s = immhSize(f.immh);
    const g = { ...f, q: 1 };
    return `${m} ${sreg(s, f.rd)}, ${sreg(s, f.rn)}, #${right ? rightShift(g) : leftShift(g)}`;
  };
}
function shrName(u: number, rnd: number, acc: number): string {
  return `${u ? 'u' : 's'}${rnd ? 'r' : ''}${acc ? 'sra' : 'shr'}`;
}
function shrnName(u: number, nsat: number, nrnd: number): string {
  const r = nrnd ? 'r' : '';
  if (!nsat) return u ? `sq${r}shrun` : `${r}shrn`;
  return `${u ? 'uq' : 'sq'}${r}shrn`;
}

/** AdvSIMDExpandImm for op = 1, cmode = 1110: each bit of abcdefgh is a byte of ones or zeros. */
function expandBytes(imm8: number): bigint {
  let out = 0n;
  for (let b = 0; b < 8; b++) if ((imm8 >>> b) & 1) out |= 0xffn << BigInt(8 * b);
  return out;
}

/** The FMOV (vector, immediate) value as %.18e (the same expansion as the scalar FMOV). */
function fpImm8(imm8: number): string {
  const sign = imm8 >>> 7 ? -1 : 1;
  const b = (imm8 >>> 6) & 1;
  const cd = (imm8 >>> 4) & 3;
  const n = b ? cd - 3 : cd + 1;
  const val = (sign * (16 + (imm8 & 15)) * 2 ** n) / 16;
  return '#' + val.toExponential(18).replace(/e([+-])(\d)$/, 'e$10$2');
}

type Mod = { q: number; u: number; abc: number; defgh: number; rd: number };
function modImm(f: Mod, cmode: number): string | null {
  const imm8 = (f.abc << 5) | f.defgh;
  const t32 = f.q ? '4s' : '2s';
  const t16 = f.q ? '8h' : '4h';
  if (cmode < 8) {
    const name = cmode & 1 ? (f.u ? 'bic' : 'orr') : f.u ? 'mvni' : 'movi';
    const sh = 8 * (cmode >>> 1);
    return `${name} ${v(f.rd, t32)}, ${hex(imm8)}${sh ? `, lsl #${sh}` : ''}`;
  }
  if (cmode < 12) {
    const name = cmode & 1 ? (f.u ? 'bic' : 'orr') : f.u ? 'mvni' : 'movi';
    const sh = 8 * ((cmode >>> 1) & 1);
    return `${name} ${v(f.rd, t16)}, ${hex(imm8)}${sh ? `, lsl #${sh}` : ''}`;
  }
  if (cmode < 14) return `${f.u ? 'mvni' : 'movi'} ${v(f.rd, t32)}, ${hex(imm8)}, msl #${cmode & 1 ? 16 : 8}`;
  if (cmode === 14) {
    if (!f.u) return `movi ${v(f.rd, f.q ? '16b' : '8b')}, ${hex(imm8)}`;
    const val = expandBytes(imm8);
    return f.q ? `movi ${v(f.rd, '2d')}, ${hex(val)}` : `movi d${f.rd}, ${hex(val)}`;
  }
  if (!f.u) return `fmov ${v(f.rd, t32)}, ${fpImm8(imm8)}`;
  if (!f.q) return null;
  return `fmov ${v(f.rd, '2d')}, ${fpImm8(imm8)}`;
}

export const SIMD_FORMATTERS: FormatterTable = {
  // ---- Three same
  AND: logic3('and'),
  BIC: logic3('bic'),
  ORR: (f) => (f.rn === f.rm ? `mov ${v(f.rd, f.q ? '16b' : '8b')}, ${v(f.rn, f.q ? '16b' : '8b')}` : logic3('orr')(f)),
  ORN: logic3('orn'),
  EOR: logic3('eor'),
  BSL: logic3('bsl'),
  BIT: logic3('bit'),
  BIF: logic3('bif'),
  SHADD: same3('shadd'),
  UHADD: same3('uhadd'),
  SQADD: same3('sqadd'),
  UQADD: same3('uqadd'),
  SRHADD: same3('srhadd'),
  URHADD: same3('urhadd'),
  SHSUB: same3('shsub'),
  UHSUB: same3('uhsub'),
  SQSUB: same3('sqsub'),
  UQSUB: same3('uqsub'),
  CMGT: same3('cmgt'),
  CMHI: same3('cmhi'),
  CMGE: same3('cmge'),
  CMHS: same3('cmhs'),
  SSHL: same3('sshl'),
  USHL: same3('ushl'),
  SQSHL: same3('sqshl'),
  UQSHL: same3('uqshl'),
  SRSHL: same3('srshl'),
  URSHL: same3('urshl'),
  SQRSHL: same3('sqrshl'),
  UQRSHL: same3('uqrshl'),
  SMAX: same3('smax'),
  UMAX: same3('umax'),
  SMIN: same3('smin'),
  UMIN: same3('umin'),
  SABD: same3('sabd'),
  UABD: same3('uabd'),
  SABA: same3('saba'),
  UABA: same3('uaba'),
  ADD: same3('add'),
  SUB: same3('sub'),
  CMTST: same3('cmtst'),
  CMEQ: same3('cmeq'),
  MLA: same3('mla'),
  MLS: same3('mls'),
  MUL: same3('mul'),
  PMUL: (f) => same3('pmul')({ ...f, size: 0 }),
  SMAXP: same3('smaxp'),
  UMAXP: same3('umaxp'),
  SMINP: same3('sminp'),
  UMINP: same3('uminp'),
  SQDMULH: same3('sqdmulh'),
  SQRDMULH: same3('sqrdmulh'),
  ADDP: same3('addp'),
  SQADD_s: scalar3('sqadd'),
  UQADD_s: scalar3('uqadd'),
  SQSUB_s: scalar3('sqsub'),
  UQSUB_s: scalar3('uqsub'),
  CMGT_s: scalar3('cmgt'),
  CMHI_s: scalar3('cmhi'),
  CMGE_s: scalar3('cmge'),
  CMHS_s: scalar3('cmhs'),
  SSHL_s: scalar3('sshl'),
  USHL_s: scalar3('ushl'),
  SQSHL_s: scalar3('sqshl'),
  UQSHL_s: scalar3('uqshl'),
  SRSHL_s: scalar3('srshl'),
  URSHL_s: scalar3('urshl'),
  SQRSHL_s: scalar3('sqrshl'),
  UQRSHL_s: scalar3('uqrshl'),
  ADD_s: scalar3('add'),
  SUB_s: scalar3('sub'),
  CMTST_s: scalar3('cmtst'),
  CMEQ_s: scalar3('cmeq'),
  SQDMULH_s: scalar3('sqdmulh'),
  SQRDMULH_s: scalar3('sqrdmulh'),
  ADDP_s: (f) => `addp d${f.rd}, v${f.rn}.2d`,

  // ---- Three different
  PMULL: (f) => diff3('pmull', 'wnn')(f),
  SADDL: diff3('saddl', 'wnn'),
  UADDL: diff3('uaddl', 'wnn'),
  SADDW: diff3('saddw', 'wwn'),
  UADDW: diff3('uaddw', 'wwn'),
  SSUBL: diff3('ssubl', 'wnn'),
  USUBL: diff3('usubl', 'wnn'),
  SSUBW: diff3('ssubw', 'wwn'),
  USUBW: diff3('usubw', 'wwn'),
  ADDHN: diff3('addhn', 'nww'),
  RADDHN: diff3('raddhn', 'nww'),
  SABAL: diff3('sabal', 'wnn'),
  UABAL: diff3('uabal', 'wnn'),
  SUBHN: diff3('subhn', 'nww'),
  RSUBHN: diff3('rsubhn', 'nww'),
  SABDL: diff3('sabdl', 'wnn'),
  UABDL: diff3('uabdl', 'wnn'),
  SMLAL: diff3('smlal', 'wnn'),
  UMLAL: diff3('umlal', 'wnn'),
  SQDMLAL: diff3('sqdmlal', 'wnn'),
  SMLSL: diff3('smlsl', 'wnn'),
  UMLSL: diff3('umlsl', 'wnn'),
  SQDMLSL: diff3('sqdmlsl', 'wnn'),
  SMULL: diff3('smull', 'wnn'),
  UMULL: diff3('umull', 'wnn'),
  SQDMULL: diff3('sqdmull', 'wnn'),
  SQDMLAL_s: scalarLong3('sqdmlal'),
  SQDMLSL_s: scalarLong3('sqdmlsl'),
  SQDMULL_s: scalarLong3('sqdmull'),

  // ---- By element
  MLA_el: byElem('mla'),
  MLS_el: byElem('mls'),
  MUL_el: byElem('mul'),
  SMLAL_el: byElemLong('smlal'),
  UMLAL_el: byElemLong('umlal'),
  SQDMLAL_el: byElemLong('sqdmlal'),
  SMLSL_el: byElemLong('smlsl'),
  UMLSL_el: byElemLong('umlsl'),
  SQDMLSL_el: byElemLong('sqdmlsl'),
  SMULL_el: byElemLong('smull'),
  UMULL_el: byElemLong('umull'),
  SQDMULL_el: byElemLong('sqdmull'),
  SQDMULH_el: byElem('sqdmulh'),
  SQRDMULH_el: byElem('sqrdmulh'),
  SQDMLAL_sel: byElemScalar('sqdmlal', true),
  SQDMLSL_sel: byElemScalar('sqdmlsl', true),
  SQDMULL_sel: byElemScalar('sqdmull', true),
  SQDMULH_sel: byElemScalar('sqdmulh', false),
  SQRDMULH_sel: byElemScalar('sqrdmulh', false),

  // ---- Two-register misc
  REV64: misc2('rev64'),
  REV32: misc2('rev32'),
  REV16: (f) => misc2('rev16')({ ...f, size: 0 }),
  ADDLP: (f) => `${f.u ? 'u' : 's'}addlp ${v(f.rd, arr(f.size + 1, f.q))}, ${v(f.rn, arr(f.size, f.q))}`,
  ADALP: (f) => `${f.u ? 'u' : 's'}adalp ${v(f.rd, arr(f.size + 1, f.q))}, ${v(f.rn, arr(f.size, f.q))}`,
  SUQADD_vec: misc2('suqadd'),
  USQADD_vec: misc2('usqadd'),
  CLS_CLZ: misc2u('cls', 'clz'),
  CNT: (f) => misc2('cnt')({ ...f, size: 0 }),
  NOT: (f) => misc2('mvn')({ ...f, size: 0 }),
  RBIT_vec: (f) => misc2('rbit')({ ...f, size: 0 }),
  SQABS_SQNEG_vec: misc2u('sqabs', 'sqneg'),
  CMGT_CMGE_zero: misc2u('cmgt', 'cmge', ', #0'),
  CMEQ_CMLE_zero: misc2u('cmeq', 'cmle', ', #0'),
  CMLT_zero: misc2('cmlt', ', #0'),
  ABS_NEG_vec: misc2u('abs', 'neg'),
  XTN: narrow('xtn'),
  SQXTUN_vec: narrow('sqxtun'),
  SHLL: (f) => `shll${f.q ? '2' : ''} ${v(f.rd, wide(f.size))}, ${v(f.rn, arr(f.size, f.q))}, #${8 << f.size}`,
  SQXTN_UQXTN_vec: (f) => narrow(f.u ? 'uqxtn' : 'sqxtn')(f),
  SUQADD_sc: scalar2('suqadd'),
  USQADD_sc: scalar2('usqadd'),
  SQABS_SQNEG_sc: scalar2u('sqabs', 'sqneg'),
  CMGT_CMGE_zero_sc: scalar2u('cmgt', 'cmge', ', #0'),
  CMEQ_CMLE_zero_sc: scalar2u('cmeq', 'cmle', ', #0'),
  CMLT_zero_sc: scalar2('cmlt', ', #0'),
  ABS_NEG_sc: scalar2u('abs', 'neg'),
  SQXTUN_sc: narrowScalar('sqxtun'),
  SQXTN_UQXTN_sc: (f) => narrowScalar(f.u ? 'uqxtn' : 'sqxtn')(f),

  // ---- Across lanes
  ADDLV: (f) => `${f.u ? 'u' : 's'}addlv ${sreg(f.size + 1, f.rd)}, ${v(f.rn, arr(f.size, f.q))}`,
  MAXV: (f) => `${f.u ? 'u' : 's'}maxv ${sreg(f.size, f.rd)}, ${v(f.rn, arr(f.size, f.q))}`,
  MINV: (f) => `${f.u ? 'u' : 's'}minv ${sreg(f.size, f.rd)}, ${v(f.rn, arr(f.size, f.q))}`,
  ADDV: (f) => `addv ${sreg(f.size, f.rd)}, ${v(f.rn, arr(f.size, f.q))}`,

  // ---- Copy
  DUP_elem: (f) => {
    const s = imm5Size(f.imm5);
    return `dup ${v(f.rd, arr(s, f.q))}, v${f.rn}.${'bhsd'[s]}[${f.imm5 >>> (s + 1)}]`;
  },
  DUP_gen: (f) => {
    const s = imm5Size(f.imm5);
    return `dup ${v(f.rd, arr(s, f.q))}, ${rz(f.rn, s === 3 ? 1 : 0)}`;
  },
  INS_gen: (f) => {
    const s = imm5Size(f.imm5);
    return `mov v${f.rd}.${'bhsd'[s]}[${f.imm5 >>> (s + 1)}], ${rz(f.rn, s === 3 ? 1 : 0)}`;
  },
  SMOV: (f) => {
    const s = imm5Size(f.imm5);
    return `smov ${rz(f.rd, f.q)}, v${f.rn}.${'bhsd'[s]}[${f.imm5 >>> (s + 1)}]`;
  },
  UMOV_x: (f, ctx) => `mov ${rz(f.rd, 1)}, v${f.rn}.d[${(ctx.word >>> 20) & 1}]`,
  UMOV: (f) => {
    const s = imm5Size(f.imm5);
    return `${s === 2 ? 'mov' : 'umov'} ${rz(f.rd, 0)}, v${f.rn}.${'bhsd'[s]}[${f.imm5 >>> (s + 1)}]`;
  },
  INS_elem: (f) => {
    const s = imm5Size(f.imm5);
    const t = 'bhsd'[s];
    return `mov v${f.rd}.${t}[${f.imm5 >>> (s + 1)}], v${f.rn}.${t}[${f.imm4 >>> s}]`;
  },
  DUP_sc: (f) => {
    const s = imm5Size(f.imm5);
    return `mov ${sreg(s, f.rd)}, v${f.rn}.${'bhsd'[s]}[${f.imm5 >>> (s + 1)}]`;
  },

  // ---- Permute, extract, table
  UZP: (f) => same3(`uzp${f.part + 1}`)(f),
  TRN: (f) => same3(`trn${f.part + 1}`)(f),
  ZIP: (f) => same3(`zip${f.part + 1}`)(f),
  EXT: (f) => {
    const t = f.q ? '16b' : '8b';
    return `ext ${v(f.rd, t)}, ${v(f.rn, t)}, ${v(f.rm, t)}, #${f.imm4}`;
  },
  TBL_TBX: (f) => {
    const t = f.q ? '16b' : '8b';
    const regs: string[] = [];
    for (let k = 0; k <= f.len; k++) regs.push(`v${(f.rn + k) % 32}.16b`);
    const list = f.len >= 2 && f.rn + f.len < 32 ? `${regs[0]}-${regs[f.len]}` : regs.join(', ');
    return `${f.tbx ? 'tbx' : 'tbl'} ${v(f.rd, t)}, {${list}}, ${v(f.rm, t)}`;
  },

  // ---- Modified immediate
  ORR_BIC_imm32: (f, ctx) => modImm(f, (ctx.word >>> 12) & 15),
  ORR_BIC_imm16: (f, ctx) => modImm(f, (ctx.word >>> 12) & 15),
  MOVI_imm: (f) => modImm(f, f.cmode),

  // ---- Shift by immediate
  SHR_vec: (f) => shiftV(shrName(f.u, f.rnd, f.acc), true)(f),
  SRI_vec: shiftV('sri', true),
  SHL_SLI_vec: (f) => shiftV(f.u ? 'sli' : 'shl', false)(f),
  SQSHLU_vec: shiftV('sqshlu', false),
  QSHL_imm_vec: (f) => shiftV(f.u ? 'uqshl' : 'sqshl', false)(f),
  SHRN_vec: (f) => {
    const s = immhSize(f.immh);
    return `${shrnName(f.u, f.nsat, f.nrnd)}${f.q ? '2' : ''} ${v(f.rd, arr(s, f.q))}, ${v(f.rn, wide(s))}, #${rightShift(f)}`;
  },
  SHLL_imm_vec: (f) => {
    const s = immhSize(f.immh);
    const sh = leftShift(f);
    const ops = `${v(f.rd, wide(s))}, ${v(f.rn, arr(s, f.q))}`;
    if (sh === 0) return `${f.u ? 'u' : 's'}xtl${f.q ? '2' : ''} ${ops}`;
    return `${f.u ? 'u' : 's'}shll${f.q ? '2' : ''} ${ops}, #${sh}`;
  },
  SHR_sc: (f) => shiftS(shrName(f.u, f.rnd, f.acc), true)(f),
  SRI_sc: shiftS('sri', true),
  SHL_SLI_sc: (f) => shiftS(f.u ? 'sli' : 'shl', false)(f),
  SQSHLU_sc: shiftS('sqshlu', false),
  QSHL_imm_sc: (f) => shiftS(f.u ? 'uqshl' : 'sqshl', false)(f),
  SHRN_sc: (f) => {
    const s = immhSize(f.immh);
    return `${shrnName(f.u, f.nsat, f.nrnd)} ${sreg(s, f.rd)}, ${sreg(s + 1, f.rn)}, #${rightShift({ ...f, q: 1 })}`;
  },

  // ---- FMOV (general)
  FMOV_ws: (f) => (f.fromgen ? `fmov s${f.rd}, ${rz(f.rn, 0)}` : `fmov ${rz(f.rd, 0)}, s${f.rn}`),
  FMOV_xd: (f) => (f.fromgen ? `fmov d${f.rd}, ${rz(f.rn, 1)}` : `fmov ${rz(f.rd, 1)}, d${f.rn}`),
  FMOV_xd1: (f) => (f.fromgen ? `fmov v${f.rd}.d[1], ${rz(f.rn, 1)}` : `fmov ${rz(f.rd, 1)}, v${f.rn}.d[1]`),
};
