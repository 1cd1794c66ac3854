// What the generator needs to know about an encoding to keep it safe, read straight from the A64
// encoding (Arm ARM C4.1 "A64 instruction set encoding"), independently of ArmLab's decode table:
// the addressing form of an integer load/store, the offset field of a branch, and the immediate
// values that the architecture reserves inside an otherwise allocated encoding.
//
// The table decides *which* instructions exist (the generator only emits words that decode to the
// entry it picked); this file decides *where* they may point. A word this file does not recognise
// is not emitted, so the generator never guesses.

export type LdstKind =
  | 'single' // LDR/STR/LDUR/LDTR..., PRFM
  | 'pair' // LDP/STP/LDNP/LDPSW
  | 'literal' // LDR (literal), LDRSW (literal), PRFM (literal)
  | 'exclusive' // LDXR/STXR/LDAXR/STLXR and the pairs LDXP/STXP...
  | 'ordered' // LDAR/STLR
  | 'struct'; // SIMD LD1-4/ST1-4 (multiple structures), LDn/STn (single structure), LDnR

export interface LdstForm {
  kind: LdstKind;
  /** Rt (and Rt2) name SIMD&FP registers, not general-purpose ones. */
  vector: boolean;
  load: boolean;
  store: boolean;
  prefetch: boolean;
  /** Bytes per register (per element for the single-structure forms). */
  size: number;
  /** Registers (elements) transferred: 2 for pairs; size * regs is the bytes accessed. */
  regs: number;
  rt: number;
  rt2: number; // -1 unless a pair
  rn: number;
  /** Register offset (Rm), or -1. With writeback 'post', Rm is added to the base after the access. */
  rm: number;
  /** For register offsets: option<2:0> (UXTW 010, LSL 011, SXTW 110, SXTX 111) and the shift applied. */
  option: number;
  shift: number;
  /** Status register of a store-exclusive, or -1. */
  rs: number;
  /** Immediate offset in bytes (already scaled); 0 for register-offset forms. */
  imm: number;
  writeback: 'none' | 'pre' | 'post';
  /** Accesses must be aligned to size*regs whatever the memory type (exclusives, acquire/release). */
  aligned: boolean;
}

const bits = (w: number, hi: number, lo: number): number => (w >>> lo) & ((1 << (hi - lo + 1)) - 1);
const sext = (v: number, width: number): number => (v << (32 - width)) >> (32 - width);

/** The addressing form of an integer (V = 0) load/store of ARMv8.0, or null for anything else. */
export function ldstForm(w: number): LdstForm | null {
  w >>>= 0;
  const rt = bits(w, 4, 0);
  const rn = bits(w, 9, 5);
  const base = { vector: false, rt, rn, rt2: -1, rm: -1, option: 0, shift: 0, rs: -1, imm: 0, prefetch: false, aligned: false };
  if (bits(w, 26, 26) !== 0) return null; // SIMD&FP: simdLdstForm
  // Load/store exclusive and ordered: size 001000 o2 L o1 Rs o0 Rt2 Rn Rt
  if (bits(w, 29, 24) === 0b001000) {
    const size = 1 << bits(w, 31, 30);
    const o2 = bits(w, 23, 23);
    const l = bits(w, 22, 22) === 1;
    const o1 = bits(w, 21, 21);
    const o0 = bits(w, 15, 15);
    if (o2 === 0 && o1 === 0) {
      return { ...base, kind: 'exclusive', load: l, store: !l, size, regs: 1, rs: l ? -1 : bits(w, 20, 16), writeback: 'none', aligned: true };
    }
    if (o2 === 0 && o1 === 1) {
      if (bits(w, 31, 31) === 0) return null; // CASP (ARMv8.1)
      const sz = bits(w, 30, 30) ? 8 : 4;
      return { ...base, kind: 'exclusive', load: l, store: !l, size: sz, regs: 2, rt2: bits(w, 14, 10), rs: l ? -1 : bits(w, 20, 16), writeback: 'none', aligned: true };
    }
    if (o2 === 1 && o1 === 0 && o0 === 1) return { ...base, kind: 'ordered', load: l, store: !l, size, regs: 1, writeback: 'none', aligned: true };
    return null; // LDLAR/STLLR, CAS: not ARMv8.0
  }
  // Load register (literal): opc 011 V 00 imm19 Rt
  if (bits(w, 29, 27) === 0b011 && bits(w, 25, 24) === 0b00) {
    const opc = bits(w, 31, 30);
    const imm = sext(bits(w, 23, 5), 19) * 4;
    if (opc === 3) return { ...base, kind: 'literal', load: false, store: false, prefetch: true, size: 8, regs: 1, imm, writeback: 'none' };
    return { ...base, kind: 'literal', load: true, store: false, size: opc === 0 ? 4 : opc === 1 ? 8 : 4, regs: 1, imm, writeback: 'none' };
  }
  // Load/store pair: opc 101 V mode:3 L imm7 Rt2 Rn Rt
  if (bits(w, 29, 27) === 0b101) {
    const opc = bits(w, 31, 30);
    const mode = bits(w, 25, 23);
    const l = bits(w, 22, 22) === 1;
    if (opc === 3 || mode > 3) return null;
    if (opc === 1 && (!l || mode === 0)) return null; // STGP (ARMv8.5) and LDNP with opc 01
    const size = opc === 2 ? 8 : 4;
    const imm = sext(bits(w, 21, 15), 7) * size;
    const writeback = mode === 1 ? 'post' : mode === 3 ? 'pre' : 'none';
    return { ...base, kind: 'pair', load: l, store: !l, size, regs: 2, rt2: bits(w, 14, 10), imm, writeback };
  }
  // Load/store register: size 111 V 0x opc ...
  if (bits(w, 29, 27) === 0b111) {
    const sizeLog = bits(w, 31, 30);
    const size = 1 << sizeLog;
    const opc = bits(w, 23, 22);
    let load: boolean;
    let prefetch = false;
    if (opc === 0) load = false;
    else if (opc === 1) load = true;
    else if (sizeLog === 3) {
      if (opc === 3) return null;
      prefetch = true;
      load = false;
    } else if (sizeLog === 2 && opc === 3) return null;
    else load = true;
    const common = { ...base, kind: 'single' as const, load, store: !load && !prefetch, prefetch, size, regs: 1 };
    if (bits(w, 25, 24) === 0b01) return { ...common, imm: bits(w, 21, 10) * size, writeback: 'none' };
    if (bits(w, 25, 24) !== 0b00) return null;
    const imm9 = sext(bits(w, 20, 12), 9);
    if (bits(w, 21, 21) === 0) {
      const type = bits(w, 11, 10);
      if (prefetch && type !== 0) return null; // PRFM exists only unscaled (PRFUM)
      return { ...common, imm: imm9, writeback: type === 1 ? 'post' : type === 3 ? 'pre' : 'none' };
    }
    if (bits(w, 11, 10) !== 0b10) return null; // atomics (ARMv8.1) and LDRAA/LDRAB (ARMv8.3)
    const option = bits(w, 15, 13);
    if ((option & 2) === 0) return null; // option 0x0 is reserved
    const s = bits(w, 12, 12);
    return { ...common, rm: bits(w, 20, 16), option, shift: s ? sizeLog : 0, writeback: 'none' };
  }
  return null;
}

/**
 * The addressing form of a SIMD&FP (V = 1) load/store of ARMv8.0, or null for anything else: LDR/STR
 * of B/H/S/D/Q registers in every addressing mode, LDR (literal), LDP/STP/LDNP/STNP, and the
 * AdvSIMD structure loads/stores (Arm ARM C4.1.66, C7.2). Rt..Rt+n-1 of a structure wrap at 31.
 */
export function simdLdstForm(w: number): LdstForm | null {
  w >>>= 0;
  if (bits(w, 26, 26) !== 1) return null;
  const rt = bits(w, 4, 0);
  const rn = bits(w, 9, 5);
  const base = { vector: true, rt, rn, rt2: -1, rm: -1, option: 0, shift: 0, rs: -1, imm: 0, prefetch: false, aligned: false };
  // AdvSIMD structures: 0 Q 00110 single post L R|0 Rm|00000 opcode (S size | size) Rn Rt
  if (bits(w, 31, 31) === 0 && bits(w, 29, 25) === 0b00110) {
    const q = bits(w, 30, 30);
    const single = bits(w, 24, 24) === 1;
    const post = bits(w, 23, 23) === 1;
    const load = bits(w, 22, 22) === 1;
    const m = bits(w, 20, 16);
    if (!post && m !== 0) return null;
    let size: number;
    let regs: number;
    if (!single) {
      if (bits(w, 21, 21) !== 0) return null;
      const opcode = bits(w, 15, 12);
      const n = ({ 0b0000: 4, 0b0010: 4, 0b0100: 3, 0b0110: 3, 0b0111: 1, 0b1000: 2, 0b1010: 2 } as Record<number, number>)[opcode];
      if (n === undefined) return null;
      const selem = opcode === 0b0000 ? 4 : opcode === 0b0100 ? 3 : opcode === 0b1000 ? 2 : 1;
      if (bits(w, 11, 10) === 3 && q === 0 && selem > 1) return null; // 1D arrangement of LD2-4/ST2-4
      size = q ? 16 : 8;
      regs = n;
    } else {
      const opcode = bits(w, 15, 13);
      const s = bits(w, 12, 12);
      const sz = bits(w, 11, 10);
      const selem = (((opcode & 1) << 1) | bits(w, 21, 21)) + 1;
      const scale = opcode >> 1;
      if (scale === 3) {
        if (!load || s !== 0) return null; // LDnR: loads only
        size = 1 << sz;
      } else if (scale === 0) size = 1;
      else if (scale === 1) {
        if (sz & 1) return null;
        size = 2;
      } else {
        if (sz & 2) return null;
        if (sz === 1 && s !== 0) return null;
        size = sz === 0 ? 4 : 8;
      }
      regs = selem;
    }
    const bytes = size * regs;
    const off = post ? (m === 31 ? { imm: bytes } : { rm: m, option: 0b011 }) : {};
    return { ...base, ...off, kind: 'struct', load, store: !load, size, regs, writeback: post ? 'post' : 'none' };
  }
  // LDR (literal, SIMD&FP): opc 011 1 00 imm19 Rt
  if (bits(w, 29, 27) === 0b011 && bits(w, 25, 24) === 0b00) {
    const opc = bits(w, 31, 30);
    if (opc === 3) return null;
    return { ...base, kind: 'literal', load: true, store: false, size: 4 << opc, regs: 1, imm: sext(bits(w, 23, 5), 19) * 4, writeback: 'none' };
  }
  // LDP/STP/LDNP/STNP (SIMD&FP): opc 101 1 mode:3 L imm7 Rt2 Rn Rt
  if (bits(w, 29, 27) === 0b101) {
    const opc = bits(w, 31, 30);
    const mode = bits(w, 25, 23);
    const l = bits(w, 22, 22) === 1;
    if (opc === 3 || mode > 3) return null;
    const size = 4 << opc;
    const imm = sext(bits(w, 21, 15), 7) * size;
    const writeback = mode === 1 ? 'post' : mode === 3 ? 'pre' : 'none';
    return { ...base, kind: 'pair', load: l, store: !l, size, regs: 2, rt2: bits(w, 14, 10), imm, writeback };
  }
  // LDR/STR (SIMD&FP): size 111 1 0x opc ...; opc<1> with size 00 is the 128-bit Q form.
  if (bits(w, 29, 27) === 0b111) {
    const sz = bits(w, 31, 30);
    const opc = bits(w, 23, 22);
    if (opc & 2 && sz !== 0) return null;
    const sizeLog = opc & 2 ? 4 : sz;
    const size = 1 << sizeLog;
    const load = (opc & 1) === 1;
    const common = { ...base, kind: 'single' as const, load, store: !load, size, regs: 1 };
    if (bits(w, 25, 24) === 0b01) return { ...common, imm: bits(w, 21, 10) * size, writeback: 'none' };
    if (bits(w, 25, 24) !== 0b00) return null;
    if (bits(w, 21, 21) === 0) {
      const type = bits(w, 11, 10);
      if (type === 2) return null; // no unprivileged SIMD&FP load/store
      return { ...common, imm: sext(bits(w, 20, 12), 9), writeback: type === 1 ? 'post' : type === 3 ? 'pre' : 'none' };
    }
    if (bits(w, 11, 10) !== 0b10) return null;
    const option = bits(w, 15, 13);
    if ((option & 2) === 0) return null;
    return { ...common, rm: bits(w, 20, 16), option, shift: bits(w, 12, 12) ? sizeLog : 0, writeback: 'none' };
  }
  return null;
}

export type BranchKind = 'imm26' | 'cond' | 'cbz' | 'tbz' | 'reg';

/** The target field of a branch: where it is and how wide (signed, in words); reg = BR/BLR/RET. */
export function branchForm(w: number): { kind: BranchKind; lsb: number; width: number; rn: number } | null {
  w >>>= 0;
  if ((w & 0x7c000000) === 0x14000000) return { kind: 'imm26', lsb: 0, width: 26, rn: -1 };
  if ((w & 0xff000010) >>> 0 === 0x54000000) return { kind: 'cond', lsb: 5, width: 19, rn: -1 };
  if ((w & 0x7e000000) === 0x34000000) return { kind: 'cbz', lsb: 5, width: 19, rn: -1 };
  if ((w & 0x7e000000) === 0x36000000) return { kind: 'tbz', lsb: 5, width: 14, rn: -1 };
  const opc = (w >>> 21) & 0xf;
  if ((w & 0xfe1ffc1f) >>> 0 === 0xd61f0000 && opc <= 2) return { kind: 'reg', lsb: 0, width: 0, rn: bits(w, 9, 5) };
  return null;
}

/**
 * True for immediates the architecture reserves inside an allocated encoding, which a decode table
 * cannot express and which both QEMU and ArmLab reject at execution (DecodeBitMasks of the logical
 * immediates). The generator skips them so programs are not cut short.
 */
export function reservedImmediate(w: number): boolean {
  w >>>= 0;
  // Logical (immediate): sf opc 100100 N immr imms Rn Rd
  if (bits(w, 28, 23) === 0b100100) {
    const n = bits(w, 22, 22);
    const imms = bits(w, 15, 10);
    const combined = (n << 6) | (~imms & 0x3f);
    if (combined === 0) return true; // len < 1
    const len = 31 - Math.clz32(combined);
    if (len < 1) return true;
    const levels = (1 << len) - 1;
    if ((imms & levels) === levels) return true; // an all-ones element
    if (bits(w, 31, 31) === 0 && n === 1) return true;
  }
  return false;
}
