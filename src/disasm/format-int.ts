// Formatters for the integer groups: data processing (immediate and register), branches and system
// instructions. One formatter per op of the decode table; each picks the preferred alias the way
// GNU objdump does (mov, cmp, tst, lsl, ubfx, cset, mul, ...).
import { SYSREGS } from '../core/generated/sysregs-table';
import {
  type Disassembly,
  type FormatterTable,
  bcondComment,
  condOperand,
  decodeBitMasks,
  hex,
  isWideConstant,
  rsp,
  rz,
  signed,
  target,
} from './util';

const SHIFT_NAMES = ['lsl', 'lsr', 'asr', 'ror'];
const EXTEND_NAMES = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

function branch(mnemonic: string, lead: string, ctx: Parameters<NonNullable<FormatterTable['B_imm']>>[1], offset: number, comment = ''): Disassembly {
  const t = target(ctx, BigInt(offset));
  return { text: `${mnemonic} ${lead}${t.text}${comment}`, target: t.addr };
}

/** ", lsl #n" for shifted-register operands; nothing for LSL #0. */
function shiftSuffix(shift: number, amount: number): string {
  if (shift === 0 && amount === 0) return '';
  return `, ${SHIFT_NAMES[shift]} #${amount}`;
}

/** The MOVZ/MOVN alias text: `mov xd, #0x..  // #decimal`. */
function movImm(rd: string, v: bigint, sf: number): string {
  const width = sf ? 64 : 32;
  const u = BigInt.asUintN(width, v);
  return `mov ${rd}, ${hex(u)} // #${signed(u, width)}`;
}

// ---- System registers: names from sysregs.table, the generic S<op0>_<op1>_C<n>_C<m>_<op2> form otherwise.
const SYSREG_NAMES = new Map<number, string>(SYSREGS.map((r) => [r.key, r.name.toLowerCase()]));

function sysregName(key: number): string {
  const name = SYSREG_NAMES.get(key);
  if (name) return name;
  const op0 = (key >>> 14) & 3;
  const op1 = (key >>> 11) & 7;
  const crn = (key >>> 7) & 15;
  const crm = (key >>> 3) & 15;
  const op2 = key & 7;
  return `s${op0}_${op1}_c${crn}_c${crm}_${op2}`;
}

// ---- SYS aliases (AT, DC, IC, TLBI): key = op1<<11 | CRn<<7 | CRm<<3 | op2; reg = takes Xt.
interface SysAlias {
  readonly mnemonic: string;
  readonly op: string;
  readonly reg: boolean;
}
const SYS_ALIASES = new Map<number, SysAlias>();
function sysKey(op1: number, crn: number, crm: number, op2: number): number {
  return (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}
function addSys(mnemonic: string, reg: boolean, list: readonly [string, number, number, number, number][]): void {
  for (const [op, op1, crn, crm, op2] of list) SYS_ALIASES.set(sysKey(op1, crn, crm, op2), { mnemonic, op, reg });
}
addSys('ic', false, [['ialluis', 0, 7, 1, 0], ['iallu', 0, 7, 5, 0]]);
addSys('ic', true, [['ivau', 3, 7, 5, 1]]);
addSys('dc', true, [
  ['zva', 3, 7, 4, 1], ['ivac', 0, 7, 6, 1], ['isw', 0, 7, 6, 2], ['cvac', 3, 7, 10, 1], ['csw', 0, 7, 10, 2],
  ['cvau', 3, 7, 11, 1], ['cvap', 3, 7, 12, 1], ['cvadp', 3, 7, 13, 1], ['civac', 3, 7, 14, 1], ['cisw', 0, 7, 14, 2],
  ['igvac', 0, 7, 6, 3], ['igsw', 0, 7, 6, 4], ['igdvac', 0, 7, 6, 5], ['igdsw', 0, 7, 6, 6], ['cgsw', 0, 7, 10, 4],
  ['cgdsw', 0, 7, 10, 6], ['cigsw', 0, 7, 14, 4], ['cigdsw', 0, 7, 14, 6], ['gva', 3, 7, 4, 3], ['gzva', 3, 7, 4, 4],
  ['cgvac', 3, 7, 10, 3], ['cgdvac', 3, 7, 10, 5], ['cgvap', 3, 7, 12, 3], ['cgdvap', 3, 7, 12, 5],
  ['cgvadp', 3, 7, 13, 3], ['cgdvadp', 3, 7, 13, 5], ['cigvac', 3, 7, 14, 3], ['cigdvac', 3, 7, 14, 5],
]);
addSys('at', true, [
  ['s1e1r', 0, 7, 8, 0], ['s1e1w', 0, 7, 8, 1], ['s1e0r', 0, 7, 8, 2], ['s1e0w', 0, 7, 8, 3], ['s1e1rp', 0, 7, 9, 0],
  ['s1e1wp', 0, 7, 9, 1], ['s1e2r', 4, 7, 8, 0], ['s1e2w', 4, 7, 8, 1], ['s12e1r', 4, 7, 8, 4], ['s12e1w', 4, 7, 8, 5],
  ['s12e0r', 4, 7, 8, 6], ['s12e0w', 4, 7, 8, 7], ['s1e3r', 6, 7, 8, 0], ['s1e3w', 6, 7, 8, 1],
]);
// TLBI: the plain (CRm 7), inner-shareable (3) and outer-shareable (1) forms of each operation, and
// the range forms (ARMv8.4-TLBI) binutils also knows.
{
  const el1: [string, number, boolean][] = [['vmalle1', 0, false], ['vae1', 1, true], ['aside1', 2, true], ['vaae1', 3, true], ['vale1', 5, true], ['vaale1', 7, true]];
  const el2: [string, number, boolean][] = [['alle2', 0, false], ['vae2', 1, true], ['alle1', 4, false], ['vale2', 5, true], ['vmalls12e1', 6, false]];
  const el3: [string, number, boolean][] = [['alle3', 0, false], ['vae3', 1, true], ['vale3', 5, true]];
  for (const [op1, ops] of [[0, el1], [4, el2], [6, el3]] as const) {
    for (const [crm, suffix] of [[7, ''], [3, 'is'], [1, 'os']] as const) {
      for (const [name, op2, reg] of ops) SYS_ALIASES.set(sysKey(op1, 8, crm, op2), { mnemonic: 'tlbi', op: name + suffix, reg });
    }
  }
  const ranges: [string, number, number, number, number][] = [
    ['rvae1is', 0, 8, 2, 1], ['rvaae1is', 0, 8, 2, 3], ['rvale1is', 0, 8, 2, 5], ['rvaale1is', 0, 8, 2, 7],
    ['rvae1os', 0, 8, 5, 1], ['rvaae1os', 0, 8, 5, 3], ['rvale1os', 0, 8, 5, 5], ['rvaale1os', 0, 8, 5, 7],
    ['rvae1', 0, 8, 6, 1], ['rvaae1', 0, 8, 6, 3], ['rvale1', 0, 8, 6, 5], ['rvaale1', 0, 8, 6, 7],
    ['ipas2e1is', 4, 8, 0, 1], ['ripas2e1is', 4, 8, 0, 2], ['ipas2le1is', 4, 8, 0, 5], ['ripas2le1is', 4, 8, 0, 6],
    ['ipas2e1os', 4, 8, 4, 0], ['ipas2e1', 4, 8, 4, 1], ['ripas2e1', 4, 8, 4, 2], ['ripas2e1os', 4, 8, 4, 3],
    ['ipas2le1os', 4, 8, 4, 4], ['ipas2le1', 4, 8, 4, 5], ['ripas2le1', 4, 8, 4, 6], ['ripas2le1os', 4, 8, 4, 7],
    ['rvae2is', 4, 8, 2, 1], ['rvale2is', 4, 8, 2, 5], ['rvae2os', 4, 8, 5, 1], ['rvale2os', 4, 8, 5, 5],
    ['rvae2', 4, 8, 6, 1], ['rvale2', 4, 8, 6, 5], ['rvae3is', 6, 8, 2, 1], ['rvale3is', 6, 8, 2, 5],
    ['rvae3os', 6, 8, 5, 1], ['rvale3os', 6, 8, 5, 5], ['rvae3', 6, 8, 6, 1], ['rvale3', 6, 8, 6, 5],
  ];
  addSys('tlbi', true, ranges);
}

const HINT_NAMES = new Map<number, string>([
  [0, 'nop'], [1, 'yield'], [2, 'wfe'], [3, 'wfi'], [4, 'sev'], [5, 'sevl'], [7, 'xpaclri'],
  [8, 'pacia1716'], [10, 'pacib1716'], [12, 'autia1716'], [14, 'autib1716'], [16, 'esb'], [17, 'psb csync'],
  [18, 'tsb csync'], [20, 'csdb'], [22, 'clearbhb'], [24, 'paciaz'], [25, 'paciasp'], [26, 'pacibz'], [27, 'pacibsp'],
  [28, 'autiaz'], [29, 'autiasp'], [30, 'autibz'], [31, 'autibsp'], [32, 'bti'], [34, 'bti c'], [36, 'bti j'], [38, 'bti jc'],
]);

// objdump prints the unnamed options with two hex digits.
const BARRIER_OPTIONS = ['#0x00', 'oshld', 'oshst', 'osh', '#0x04', 'nshld', 'nshst', 'nsh', '#0x08', 'ishld', 'ishst', 'ish', '#0x0c', 'ld', 'st', 'sy'];

/** MSR (immediate) PSTATE fields, key op1<<3 | op2. The one-bit fields take #0 or #1 only. */
const PSTATE_FIELDS = new Map<number, string>([
  [(0 << 3) | 3, 'uao'], [(0 << 3) | 4, 'pan'], [(0 << 3) | 5, 'spsel'], [(1 << 3) | 0, 'allint'], [(3 << 3) | 1, 'ssbs'],
  [(3 << 3) | 2, 'dit'], [(3 << 3) | 4, 'tco'], [(3 << 3) | 6, 'daifset'], [(3 << 3) | 7, 'daifclr'],
]);
/** Instructions that live in the MSR (immediate) space with op1 = 0, CRm = 0 (ARMv8.4/8.5 flag manipulation). */
const PSTATE_INSNS = ['cfinv', 'xaflag', 'axflag'];
/** SMSTART/SMSTOP (SME's MSR SVCR*, op1 = 3, op2 = 3) by CRm. */
const SME_MODES = new Map<number, string>([[2, 'smstop sm'], [3, 'smstart sm'], [4, 'smstop za'], [5, 'smstart za'], [6, 'smstop'], [7, 'smstart']]);

export const INT_FORMATTERS: FormatterTable = {
  // ---- Data processing (immediate)
  ADR: (f, ctx) => {
    const imm = (f.immhi * 4) | f.immlo;
    if (f.page) {
      const base = { pc: ctx.pc & ~0xfffn, word: ctx.word };
      const t = target(base, BigInt(imm) << 12n);
      return { text: `adrp ${rz(f.rd, 1)}, ${t.text}`, target: t.addr };
    }
    const t = target(ctx, BigInt(imm));
    return { text: `adr ${rz(f.rd, 1)}, ${t.text}`, target: t.addr };
  },
  ADDSUB_imm: (f) => {
    const imm = hex(f.imm12) + (f.sh ? ', lsl #12' : '');
    const rn = rsp(f.rn, f.sf);
    if (!f.op && !f.s && !f.sh && f.imm12 === 0 && (f.rd === 31 || f.rn === 31)) return `mov ${rsp(f.rd, f.sf)}, ${rn}`;
    if (f.s && f.rd === 31) return `${f.op ? 'cmp' : 'cmn'} ${rn}, ${imm}`;
    const rd = f.s ? rz(f.rd, f.sf) : rsp(f.rd, f.sf);
    return `${f.op ? 'sub' : 'add'}${f.s ? 's' : ''} ${rd}, ${rn}, ${imm}`;
  },
  LOGIC_imm: (f) => {
    const width = f.sf ? 64 : 32;
    const v = decodeBitMasks(f.n, f.imms, f.immr, width);
    if (v === null) return null;
    const imm = hex(v);
    const rn = rz(f.rn, f.sf);
    if (f.opc === 3) {
      if (f.rd === 31) return `tst ${rn}, ${imm}`;
      return `ands ${rz(f.rd, f.sf)}, ${rn}, ${imm}`;
    }
    // MOVZ/MOVN cannot write SP, so the MOV alias also covers wide constants when Rd is SP.
    if (f.opc === 1 && f.rn === 31 && (f.rd === 31 || !isWideConstant(v, f.sf))) return movImm(rsp(f.rd, f.sf), v, f.sf);
    return `${['and', 'orr', 'eor'][f.opc]} ${rsp(f.rd, f.sf)}, ${rn}, ${imm}`;
  },
  MOVN: (f) => {
    const rd = rz(f.rd, f.sf);
    if (!(f.imm16 === 0 && f.hw !== 0) && !(f.sf === 0 && f.imm16 === 0xffff)) return movImm(rd, ~(BigInt(f.imm16) << BigInt(16 * f.hw)), f.sf);
    return `movn ${rd}, ${hex(f.imm16)}${f.hw ? `, lsl #${16 * f.hw}` : ''}`;
  },
  MOVZ: (f) => {
    const rd = rz(f.rd, f.sf);
    if (!(f.imm16 === 0 && f.hw !== 0)) return movImm(rd, BigInt(f.imm16) << BigInt(16 * f.hw), f.sf);
    return `movz ${rd}, ${hex(f.imm16)}, lsl #${16 * f.hw}`;
  },
  MOVK: (f) => `movk ${rz(f.rd, f.sf)}, ${hex(f.imm16)}${f.hw ? `, lsl #${16 * f.hw}` : ''}`,
  SBFM: (f) => {
    const rd = rz(f.rd, f.sf);
    const rn = rz(f.rn, f.sf);
    const top = f.sf ? 63 : 31;
    if (f.imms === top) return `asr ${rd}, ${rn}, #${f.immr}`;
    if (f.imms < f.immr) return `sbfiz ${rd}, ${rn}, #${top + 1 - f.immr}, #${f.imms + 1}`;
    if (f.immr === 0 && (f.imms === 7 || f.imms === 15 || f.imms === 31)) {
      return `sxt${f.imms === 7 ? 'b' : f.imms === 15 ? 'h' : 'w'} ${rd}, ${rz(f.rn, 0)}`;
    }
    return `sbfx ${rd}, ${rn}, #${f.immr}, #${f.imms + 1 - f.immr}`;
  },
  BFM: (f) => {
    const rd = rz(f.rd, f.sf);
    const top = f.sf ? 63 : 31;
    if (f.imms < f.immr) {
      if (f.rn === 31) return `bfc ${rd}, #${top + 1 - f.immr}, #${f.imms + 1}`;
      return `bfi ${rd}, ${rz(f.rn, f.sf)}, #${top + 1 - f.immr}, #${f.imms + 1}`;
    }
    return `bfxil ${rd}, ${rz(f.rn, f.sf)}, #${f.immr}, #${f.imms + 1 - f.immr}`;
  },
  UBFM: (f) => {
    const rd = rz(f.rd, f.sf);
    const rn = rz(f.rn, f.sf);
    const top = f.sf ? 63 : 31;
    if (f.imms !== top && f.imms + 1 === f.immr) return `lsl ${rd}, ${rn}, #${top - f.imms}`;
    if (f.imms === top) return `lsr ${rd}, ${rn}, #${f.immr}`;
    if (f.imms < f.immr) return `ubfiz ${rd}, ${rn}, #${top + 1 - f.immr}, #${f.imms + 1}`;
    if (!f.sf && f.immr === 0 && (f.imms === 7 || f.imms === 15)) return `uxt${f.imms === 7 ? 'b' : 'h'} ${rd}, ${rn}`;
    return `ubfx ${rd}, ${rn}, #${f.immr}, #${f.imms + 1 - f.immr}`;
  },
  EXTR: (f) => {
    if (f.rn === f.rm) return `ror ${rz(f.rd, f.sf)}, ${rz(f.rn, f.sf)}, #${f.imms}`;
    return `extr ${rz(f.rd, f.sf)}, ${rz(f.rn, f.sf)}, ${rz(f.rm, f.sf)}, #${f.imms}`;
  },

  // ---- Branches
  B_imm: (f, ctx) => branch(f.link ? 'bl' : 'b', '', ctx, f.imm26 * 4),
  B_cond: (f, ctx) => branch(`b.${condOperand(f.cond).text}`, '', ctx, f.imm19 * 4, bcondComment(f.cond)),
  CBZ: (f, ctx) => branch(f.nz ? 'cbnz' : 'cbz', `${rz(f.rt, f.sf)}, `, ctx, f.imm19 * 4),
  TBZ: (f, ctx) => branch(f.nz ? 'tbnz' : 'tbz', `${rz(f.rt, f.b5)}, #${(f.b5 << 5) | f.b40}, `, ctx, f.imm14 * 4),
  BR: (f) => `br ${rz(f.rn, 1)}`,
  BLR: (f) => `blr ${rz(f.rn, 1)}`,
  RET: (f) => (f.rn === 30 ? 'ret' : `ret ${rz(f.rn, 1)}`),

  // ---- Exception generation and system
  SVC: (f) => `svc ${hex(f.imm16)}`,
  HVC: (f) => `hvc ${hex(f.imm16)}`,
  SMC: (f) => `smc ${hex(f.imm16)}`,
  BRK: (f) => `brk ${hex(f.imm16)}`,
  HLT: (f) => `hlt ${hex(f.imm16)}`,
  MSR_imm: (f) => {
    const field = PSTATE_FIELDS.get((f.op1 << 3) | f.op2);
    if (field && (f.crm <= 1 || field.startsWith('daif'))) return `msr ${field}, ${hex(f.crm)}`;
    if (f.op1 === 0 && f.crm === 0 && f.op2 < 3) return PSTATE_INSNS[f.op2];
    const sme = f.op1 === 3 && f.op2 === 3 ? SME_MODES.get(f.crm) : undefined;
    if (sme) return sme;
    return `msr ${sysregName((f.op1 << 11) | (4 << 7) | (f.crm << 3) | f.op2)}, xzr`;
  },
  HINT: (f) => {
    const n = (f.crm << 3) | f.op2;
    return HINT_NAMES.get(n) ?? `hint ${hex(n)}`;
  },
  CLREX: (f) => (f.crm === 15 ? 'clrex' : `clrex ${hex(f.crm)}`),
  DSB: (f) => (f.crm === 0 ? 'ssbb' : f.crm === 4 ? 'pssbb' : `dsb ${BARRIER_OPTIONS[f.crm]}`),
  DMB: (f) => `dmb ${BARRIER_OPTIONS[f.crm]}`,
  ISB: (f) => (f.crm === 15 ? 'isb' : `isb ${hex(f.crm)}`),
  SYS: (f) => {
    const alias = SYS_ALIASES.get(sysKey(f.op1, f.crn, f.crm, f.op2));
    if (alias && alias.reg) return `${alias.mnemonic} ${alias.op}, ${rz(f.rt, 1)}`;
    if (alias && f.rt === 31) return `${alias.mnemonic} ${alias.op}`;
    return `sys #${f.op1}, C${f.crn}, C${f.crm}, #${f.op2}${f.rt === 31 ? '' : ', ' + rz(f.rt, 1)}`;
  },
  MSR_reg: (f) => `msr ${sysregName(0x8000 | f.sreg)}, ${rz(f.rt, 1)}`,
  MRS: (f) => `mrs ${rz(f.rt, 1)}, ${sysregName(0x8000 | f.sreg)}`,
  ERET: () => 'eret',

  // ---- Data processing (register)
  LOGIC_shift: (f) => {
    const rd = rz(f.rd, f.sf);
    const rn = rz(f.rn, f.sf);
    const rm = rz(f.rm, f.sf) + shiftSuffix(f.shift, f.imm6);
    if (f.opc === 1 && f.rn === 31 && f.shift === 0 && f.imm6 === 0) return `${f.n ? 'mvn' : 'mov'} ${rd}, ${rm}`;
    if (f.opc === 1 && f.rn === 31 && f.n) return `mvn ${rd}, ${rm}`;
    if (f.opc === 3 && f.rd === 31 && !f.n) return `tst ${rn}, ${rm}`;
    const names = f.n ? ['bic', 'orn', 'eon', 'bics'] : ['and', 'orr', 'eor', 'ands'];
    return `${names[f.opc]} ${rd}, ${rn}, ${rm}`;
  },
  ADDSUB_shift: (f) => {
    const rm = rz(f.rm, f.sf) + shiftSuffix(f.shift, f.imm6);
    if (f.s && f.rd === 31) return `${f.op ? 'cmp' : 'cmn'} ${rz(f.rn, f.sf)}, ${rm}`;
    if (f.op && f.rn === 31) return `neg${f.s ? 's' : ''} ${rz(f.rd, f.sf)}, ${rm}`;
    return `${f.op ? 'sub' : 'add'}${f.s ? 's' : ''} ${rz(f.rd, f.sf)}, ${rz(f.rn, f.sf)}, ${rm}`;
  },
  ADDSUB_ext: (f) => {
    const rd = f.s ? rz(f.rd, f.sf) : rsp(f.rd, f.sf);
    const rn = rsp(f.rn, f.sf);
    const rm = rz(f.rm, f.sf && (f.option & 3) === 3 ? 1 : 0);
    let ext: string;
    if ((f.rn === 31 || (f.rd === 31 && !f.s)) && f.option === (f.sf ? 3 : 2)) ext = f.imm3 ? `, lsl #${f.imm3}` : '';
    else ext = `, ${EXTEND_NAMES[f.option]}${f.imm3 ? ` #${f.imm3}` : ''}`;
    if (f.s && f.rd === 31) return `${f.op ? 'cmp' : 'cmn'} ${rn}, ${rm}${ext}`;
    return `${f.op ? 'sub' : 'add'}${f.s ? 's' : ''} ${rd}, ${rn}, ${rm}${ext}`;
  },
  ADC: (f) => {
    if (f.op && f.rn === 31) return `ngc${f.s ? 's' : ''} ${rz(f.rd, f.sf)}, ${rz(f.rm, f.sf)}`;
    return `${f.op ? 'sbc' : 'adc'}${f.s ? 's' : ''} ${rz(f.rd, f.sf)}, ${rz(f.rn, f.sf)}, ${rz(f.rm, f.sf)}`;
  },
  CCMP_reg: (f) => {
    const c = condOperand(f.cond);
    return `${f.op ? 'ccmp' : 'ccmn'} ${rz(f.rn, f.sf)}, ${rz(f.rm, f.sf)}, ${hex(f.nzcv)}, ${c.text}${c.comment}`;
  },
  CCMP_imm: (f) => {
    const c = condOperand(f.cond);
    return `${f.op ? 'ccmp' : 'ccmn'} ${rz(f.rn, f.sf)}, ${hex(f.imm5)}, ${hex(f.nzcv)}, ${c.text}${c.comment}`;
  },
  CSEL: (f) => {
    const rd = rz(f.rd, f.sf);
    const kind = (f.op << 1) | f.inc;
    if (kind !== 0 && f.cond < 14 && f.rn === f.rm) {
      const c = condOperand(f.cond ^ 1);
      if (f.rn === 31 && kind !== 3) return `${kind === 1 ? 'cset' : 'csetm'} ${rd}, ${c.text}${c.comment}`;
      return `${['', 'cinc', 'cinv', 'cneg'][kind]} ${rd}, ${rz(f.rn, f.sf)}, ${c.text}${c.comment}`;
    }
    const c = condOperand(f.cond);
    return `${['csel', 'csinc', 'csinv', 'csneg'][kind]} ${rd}, ${rz(f.rn, f.sf)}, ${rz(f.rm, f.sf)}, ${c.text}${c.comment}`;
  },
  DIV: (f) => `${f.sgn ? 'sdiv' : 'udiv'} ${rz(f.rd, f.sf)}, ${rz(f.rn, f.sf)}, ${rz(f.rm, f.sf)}`,
  SHIFTV: (f) => `${SHIFT_NAMES[f.op2]} ${rz(f.rd, f.sf)}, ${rz(f.rn, f.sf)}, ${rz(f.rm, f.sf)}`,
  CRC32: (f) => `crc32${f.c ? 'c' : ''}${'bhwx'[f.sz]} ${rz(f.rd, 0)}, ${rz(f.rn, 0)}, ${rz(f.rm, f.sz === 3 ? 1 : 0)}`,
  RBIT: (f) => `rbit ${rz(f.rd, f.sf)}, ${rz(f.rn, f.sf)}`,
  REV: (f) => {
    const name = f.sz === 1 ? 'rev16' : f.sz === 2 && f.sf ? 'rev32' : 'rev';
    return `${name} ${rz(f.rd, f.sf)}, ${rz(f.rn, f.sf)}`;
  },
  CLZ: (f) => `${f.sgn ? 'cls' : 'clz'} ${rz(f.rd, f.sf)}, ${rz(f.rn, f.sf)}`,
  MADD: (f) => {
    const ops = `${rz(f.rd, f.sf)}, ${rz(f.rn, f.sf)}, ${rz(f.rm, f.sf)}`;
    if (f.ra === 31) return `${f.o0 ? 'mneg' : 'mul'} ${ops}`;
    return `${f.o0 ? 'msub' : 'madd'} ${ops}, ${rz(f.ra, f.sf)}`;
  },
  MADDL: (f) => {
    const s = f.u ? 'u' : 's';
    const ops = `${rz(f.rd, 1)}, ${rz(f.rn, 0)}, ${rz(f.rm, 0)}`;
    if (f.ra === 31) return `${s}${f.o0 ? 'mnegl' : 'mull'} ${ops}`;
    return `${s}${f.o0 ? 'msubl' : 'maddl'} ${ops}, ${rz(f.ra, 1)}`;
  },
  MULH: (f) => `${f.u ? 'umulh' : 'smulh'} ${rz(f.rd, 1)}, ${rz(f.rn, 1)}, ${rz(f.rm, 1)}`,
};
