// Formatters for loads and stores: the integer forms (ldst) and the SIMD&FP ones (simd_ldst),
// including the multiple- and single-structure forms (LD1-LD4, ST1-ST4, LDnR).
import { type DisasmContext, type Disassembly, type FormatterTable, rsp, rz, target } from './util';

/** `[xn]`, `[xn, #imm]`, `[xn, #imm]!` or `[xn], #imm` (objdump prints offsets in decimal). */
function addr(rn: number, imm: number, mode: 'off' | 'pre' | 'post'): string {
  const base = rsp(rn, 1);
  if (mode === 'post') return `[${base}], #${imm}`;
  if (mode === 'pre') return `[${base}, #${imm}]!`;
  return imm === 0 ? `[${base}]` : `[${base}, #${imm}]`;
}

/** The register-offset address: `[xn, xm{, lsl #s}]` or `[xn, wm, uxtw|sxtw|sxtx {#s}]`. */
function regAddr(rn: number, rm: number, optsx: number, optx: number, s: number, scale: number): string {
  const option = (optsx << 2) | 2 | optx;
  const index = rz(rm, optx);
  if (option === 3) return s ? `[${rsp(rn, 1)}, ${index}, lsl #${scale}]` : `[${rsp(rn, 1)}, ${index}]`;
  const ext = ['', '', 'uxtw', 'lsl', '', '', 'sxtw', 'sxtx'][option];
  return `[${rsp(rn, 1)}, ${index}, ${ext}${s ? ` #${scale}` : ''}]`;
}

/** PRFM's <prfop>: PLD/PLI/PST, L1-L3, KEEP/STRM, or `#0x..` for the unnamed values. */
function prfop(rt: number): string {
  const type = rt >>> 3;
  const tgt = (rt >>> 1) & 3;
  if (type === 3 || tgt === 3) return '#0x' + rt.toString(16).padStart(2, '0');
  return `${['pld', 'pli', 'pst'][type]}l${tgt + 1}${rt & 1 ? 'strm' : 'keep'}`;
}

function literal(mnemonic: string, reg: string, ctx: DisasmContext, imm19: number): Disassembly {
  const t = target(ctx, BigInt(imm19 * 4));
  return { text: `${mnemonic} ${reg}, ${t.text}`, target: t.addr };
}

/** The size suffix of the byte/halfword integer forms (strb, ldrh, ...). */
const SZ = ['b', 'h', '', ''];

/** The signed loads: ldrs{b,h,w} with a W (opc0 = 1) or X destination. */
function signedLoad(prefix: string, size: number): string {
  return `${prefix}s${'bhw'[size]}`;
}

/** The SIMD&FP scalar register of an access: b/h/s/d/q by size and opc<1> (opq). */
function vreg(size: number, opq: number, n: number): string {
  return (opq ? 'q' : 'bhsd'[size]) + n;
}

/** The access size log2 of a SIMD&FP load/store (q: 4). */
function vscale(size: number, opq: number): number {
  return opq ? 4 : size;
}

const ARRANGEMENTS = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'];

/** `{v0.4s}`, `{v0.4s, v1.4s}` or `{v0.4s-v3.4s}` (objdump's range form for three or four). */
function vlist(rt: number, count: number, suffix: string): string {
  const regs: string[] = [];
  for (let k = 0; k < count; k++) regs.push(`v${(rt + k) % 32}${suffix}`);
  // The range form only when the numbers do not wrap past v31.
  if (count <= 2 || rt + count > 32) return `{${regs.join(', ')}}`;
  return `{${regs[0]}-${regs[count - 1]}}`;
}

/** The address of the structure forms: `[xn]`, post-indexed by the transfer size or by xm. */
function structAddr(p: number, rn: number, rm: number, bytes: number): string {
  if (!p) return `[${rsp(rn, 1)}]`;
  return rm === 31 ? `[${rsp(rn, 1)}], #${bytes}` : `[${rsp(rn, 1)}], ${rz(rm, 1)}`;
}

function multi(count: number, regs: number) {
  return (f: { q: number; p: number; l: number; rm: number; esz: number; rn: number; rt: number }): string | null => {
    if (f.esz === 3 && !f.q && count !== 1) return null;
    const arr = ARRANGEMENTS[(f.esz << 1) | f.q];
    return `${f.l ? 'ld' : 'st'}${count} ${vlist(f.rt, regs, '.' + arr)}, ${structAddr(f.p, f.rn, f.rm, regs * (f.q ? 16 : 8))}`;
  };
}

/** The single-structure forms: n = (o0:r) + 1 registers of one element size, index from q:s:size. */
function lane(esize: number, f: { q: number; p: number; l: number; r: number; rm: number; o0: number; s?: number; esz?: number; rn: number; rt: number }): string {
  const s = f.s ?? 0;
  const esz = f.esz ?? 0;
  const n = ((f.o0 << 1) | f.r) + 1;
  let index: number;
  if (esize === 0) index = (f.q << 3) | (s << 2) | esz;
  else if (esize === 1) index = (f.q << 2) | (s << 1) | (esz >>> 1);
  else if (esize === 2) index = (f.q << 1) | s;
  else index = f.q;
  const t = 'bhsd'[esize];
  return `${f.l ? 'ld' : 'st'}${n} ${vlist(f.rt, n, '.' + t)}[${index}], ${structAddr(f.p, f.rn, f.rm, n << esize)}`;
}

/** The CONSTRAINED UNPREDICTABLE LDPSW forms objdump rejects: Rt = Rt2, or writeback into a loaded register. */
function ldpswUnpredictable(f: { rt: number; rt2: number; rn: number }, wb: boolean): boolean {
  return f.rt === f.rt2 || (wb && f.rn !== 31 && (f.rn === f.rt || f.rn === f.rt2));
}

export const LDST_FORMATTERS: FormatterTable = {
  // ---- Exclusives and acquire/release (bit 15 = o0 picks the acquire/release form)
  STXR: (f, ctx) => `st${(ctx.word >>> 15) & 1 ? 'l' : ''}xr${SZ[f.size]} ${rz(f.rs, 0)}, ${rz(f.rt, f.size === 3 ? 1 : 0)}, [${rsp(f.rn, 1)}]`,
  LDXR: (f, ctx) => `ld${(ctx.word >>> 15) & 1 ? 'a' : ''}xr${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, [${rsp(f.rn, 1)}]`,
  STXP: (f, ctx) => `st${(ctx.word >>> 15) & 1 ? 'l' : ''}xp ${rz(f.rs, 0)}, ${rz(f.rt, f.sz)}, ${rz(f.rt2, f.sz)}, [${rsp(f.rn, 1)}]`,
  LDXP: (f, ctx) => `ld${(ctx.word >>> 15) & 1 ? 'a' : ''}xp ${rz(f.rt, f.sz)}, ${rz(f.rt2, f.sz)}, [${rsp(f.rn, 1)}]`,
  STLR: (f) => `stlr${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, [${rsp(f.rn, 1)}]`,
  // objdump treats LDAR with Rt2 or Rs<3:0> (should-be-one fields) not all ones as undefined.
  LDAR: (f, ctx) => ((ctx.word >>> 10) & 0x1f) !== 0x1f || ((ctx.word >>> 16) & 0xf) !== 0xf ? null : `ldar${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, [${rsp(f.rn, 1)}]`,

  // ---- Literal
  LDR_lit: (f, ctx) => literal('ldr', rz(f.rt, f.sz), ctx, f.imm19),
  LDRSW_lit: (f, ctx) => literal('ldrsw', rz(f.rt, 1), ctx, f.imm19),
  PRFM_lit: (f, ctx) => literal('prfm', prfop(f.rt), ctx, f.imm19),

  // ---- Pairs
  STNP: (f) => `stnp ${rz(f.rt, f.sf)}, ${rz(f.rt2, f.sf)}, ${addr(f.rn, f.imm7 << (2 + f.sf), 'off')}`,
  LDNP: (f) => `ldnp ${rz(f.rt, f.sf)}, ${rz(f.rt2, f.sf)}, ${addr(f.rn, f.imm7 << (2 + f.sf), 'off')}`,
  STP_post: (f) => `stp ${rz(f.rt, f.sf)}, ${rz(f.rt2, f.sf)}, ${addr(f.rn, f.imm7 << (2 + f.sf), 'post')}`,
  LDP_post: (f) => `ldp ${rz(f.rt, f.sf)}, ${rz(f.rt2, f.sf)}, ${addr(f.rn, f.imm7 << (2 + f.sf), 'post')}`,
  LDPSW_post: (f) => ldpswUnpredictable(f, true) ? null : `ldpsw ${rz(f.rt, 1)}, ${rz(f.rt2, 1)}, ${addr(f.rn, f.imm7 << 2, 'post')}`,
  STP_off: (f) => `stp ${rz(f.rt, f.sf)}, ${rz(f.rt2, f.sf)}, ${addr(f.rn, f.imm7 << (2 + f.sf), 'off')}`,
  LDP_off: (f) => `ldp ${rz(f.rt, f.sf)}, ${rz(f.rt2, f.sf)}, ${addr(f.rn, f.imm7 << (2 + f.sf), 'off')}`,
  LDPSW_off: (f) => ldpswUnpredictable(f, false) ? null : `ldpsw ${rz(f.rt, 1)}, ${rz(f.rt2, 1)}, ${addr(f.rn, f.imm7 << 2, 'off')}`,
  STP_pre: (f) => `stp ${rz(f.rt, f.sf)}, ${rz(f.rt2, f.sf)}, ${addr(f.rn, f.imm7 << (2 + f.sf), 'pre')}`,
  LDP_pre: (f) => `ldp ${rz(f.rt, f.sf)}, ${rz(f.rt2, f.sf)}, ${addr(f.rn, f.imm7 << (2 + f.sf), 'pre')}`,
  LDPSW_pre: (f) => ldpswUnpredictable(f, true) ? null : `ldpsw ${rz(f.rt, 1)}, ${rz(f.rt2, 1)}, ${addr(f.rn, f.imm7 << 2, 'pre')}`,

  // ---- Single register, unsigned scaled offset
  STR_uimm: (f) => `str${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, ${addr(f.rn, f.imm12 << f.size, 'off')}`,
  LDR_uimm: (f) => `ldr${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, ${addr(f.rn, f.imm12 << f.size, 'off')}`,
  PRFM_uimm: (f) => `prfm ${prfop(f.rt)}, ${addr(f.rn, f.imm12 << 3, 'off')}`,
  LDRS_uimm: (f) => `${signedLoad('ldr', f.size)} ${rz(f.rt, f.opc0 ? 0 : 1)}, ${addr(f.rn, f.imm12 << f.size, 'off')}`,

  // ---- 9-bit signed offset: unscaled, post-index, unprivileged, pre-index
  STUR: (f) => `stur${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, ${addr(f.rn, f.imm9, 'off')}`,
  LDUR: (f) => `ldur${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, ${addr(f.rn, f.imm9, 'off')}`,
  PRFUM: (f) => `prfum ${prfop(f.rt)}, ${addr(f.rn, f.imm9, 'off')}`,
  LDURS: (f) => `${signedLoad('ldur', f.size)} ${rz(f.rt, f.opc0 ? 0 : 1)}, ${addr(f.rn, f.imm9, 'off')}`,
  STR_post: (f) => `str${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, ${addr(f.rn, f.imm9, 'post')}`,
  LDR_post: (f) => `ldr${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, ${addr(f.rn, f.imm9, 'post')}`,
  LDRS_post: (f) => `${signedLoad('ldr', f.size)} ${rz(f.rt, f.opc0 ? 0 : 1)}, ${addr(f.rn, f.imm9, 'post')}`,
  STTR: (f) => `sttr${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, ${addr(f.rn, f.imm9, 'off')}`,
  LDTR: (f) => `ldtr${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, ${addr(f.rn, f.imm9, 'off')}`,
  LDTRS: (f) => `${signedLoad('ldtr', f.size)} ${rz(f.rt, f.opc0 ? 0 : 1)}, ${addr(f.rn, f.imm9, 'off')}`,
  STR_pre: (f) => `str${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, ${addr(f.rn, f.imm9, 'pre')}`,
  LDR_pre: (f) => `ldr${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, ${addr(f.rn, f.imm9, 'pre')}`,
  LDRS_pre: (f) => `${signedLoad('ldr', f.size)} ${rz(f.rt, f.opc0 ? 0 : 1)}, ${addr(f.rn, f.imm9, 'pre')}`,

  // ---- Register offset
  STR_reg: (f) => `str${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, ${regAddr(f.rn, f.rm, f.optsx, f.optx, f.s, f.size)}`,
  LDR_reg: (f) => `ldr${SZ[f.size]} ${rz(f.rt, f.size === 3 ? 1 : 0)}, ${regAddr(f.rn, f.rm, f.optsx, f.optx, f.s, f.size)}`,
  PRFM_reg: (f) => `prfm ${prfop(f.rt)}, ${regAddr(f.rn, f.rm, f.optsx, f.optx, f.s, 3)}`,
  LDRS_reg: (f) => `${signedLoad('ldr', f.size)} ${rz(f.rt, f.opc0 ? 0 : 1)}, ${regAddr(f.rn, f.rm, f.optsx, f.optx, f.s, f.size)}`,

  // ---- SIMD&FP registers
  STR_v_uimm: (f) => `str ${vreg(f.size, f.opq, f.rt)}, ${addr(f.rn, f.imm12 << vscale(f.size, f.opq), 'off')}`,
  LDR_v_uimm: (f) => `ldr ${vreg(f.size, f.opq, f.rt)}, ${addr(f.rn, f.imm12 << vscale(f.size, f.opq), 'off')}`,
  STUR_v: (f) => `stur ${vreg(f.size, f.opq, f.rt)}, ${addr(f.rn, f.imm9, 'off')}`,
  LDUR_v: (f) => `ldur ${vreg(f.size, f.opq, f.rt)}, ${addr(f.rn, f.imm9, 'off')}`,
  STR_v_post: (f) => `str ${vreg(f.size, f.opq, f.rt)}, ${addr(f.rn, f.imm9, 'post')}`,
  LDR_v_post: (f) => `ldr ${vreg(f.size, f.opq, f.rt)}, ${addr(f.rn, f.imm9, 'post')}`,
  STR_v_pre: (f) => `str ${vreg(f.size, f.opq, f.rt)}, ${addr(f.rn, f.imm9, 'pre')}`,
  LDR_v_pre: (f) => `ldr ${vreg(f.size, f.opq, f.rt)}, ${addr(f.rn, f.imm9, 'pre')}`,
  STR_v_reg: (f) => `str ${vreg(f.size, f.opq, f.rt)}, ${regAddr(f.rn, f.rm, f.optsx, f.optx, f.s, vscale(f.size, f.opq))}`,
  LDR_v_reg: (f) => `ldr ${vreg(f.size, f.opq, f.rt)}, ${regAddr(f.rn, f.rm, f.optsx, f.optx, f.s, vscale(f.size, f.opq))}`,
  LDR_v_lit: (f, ctx) => literal('ldr', 'sdq'[f.opc] + f.rt, ctx, f.imm19),
  STNP_v: (f) => `stnp ${'sdq'[f.opc]}${f.rt}, ${'sdq'[f.opc]}${f.rt2}, ${addr(f.rn, f.imm7 << (2 + f.opc), 'off')}`,
  LDNP_v: (f) => `ldnp ${'sdq'[f.opc]}${f.rt}, ${'sdq'[f.opc]}${f.rt2}, ${addr(f.rn, f.imm7 << (2 + f.opc), 'off')}`,
  STP_v_post: (f) => `stp ${'sdq'[f.opc]}${f.rt}, ${'sdq'[f.opc]}${f.rt2}, ${addr(f.rn, f.imm7 << (2 + f.opc), 'post')}`,
  LDP_v_post: (f) => `ldp ${'sdq'[f.opc]}${f.rt}, ${'sdq'[f.opc]}${f.rt2}, ${addr(f.rn, f.imm7 << (2 + f.opc), 'post')}`,
  STP_v_off: (f) => `stp ${'sdq'[f.opc]}${f.rt}, ${'sdq'[f.opc]}${f.rt2}, ${addr(f.rn, f.imm7 << (2 + f.opc), 'off')}`,
  LDP_v_off: (f) => `ldp ${'sdq'[f.opc]}${f.rt}, ${'sdq'[f.opc]}${f.rt2}, ${addr(f.rn, f.imm7 << (2 + f.opc), 'off')}`,
  STP_v_pre: (f) => `stp ${'sdq'[f.opc]}${f.rt}, ${'sdq'[f.opc]}${f.rt2}, ${addr(f.rn, f.imm7 << (2 + f.opc), 'pre')}`,
  LDP_v_pre: (f) => `ldp ${'sdq'[f.opc]}${f.rt}, ${'sdq'[f.opc]}${f.rt2}, ${addr(f.rn, f.imm7 << (2 + f.opc), 'pre')}`,

  // ---- Structures
  LDST4_multi: multi(4, 4),
  LDST1_multi4: multi(1, 4),
  LDST3_multi: multi(3, 3),
  LDST1_multi3: multi(1, 3),
  LDST1_multi1: multi(1, 1),
  LDST2_multi: multi(2, 2),
  LDST1_multi2: multi(1, 2),
  LDST_lane_b: (f) => lane(0, f),
  LDST_lane_h: (f) => lane(1, f),
  LDST_lane_s: (f) => lane(2, f),
  LDST_lane_d: (f) => lane(3, f),
  LDnR: (f) => {
    const n = ((f.o0 << 1) | f.r) + 1;
    return `ld${n}r ${vlist(f.rt, n, '.' + ARRANGEMENTS[(f.esz << 1) | f.q])}, ${structAddr(f.p, f.rn, f.rm, n << f.esz)}`;
  },
};
