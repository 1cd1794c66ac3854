// Shared pieces of the disassembler's formatters: register names, immediates, conditions and the
// bitmask immediates, all spelled the way GNU objdump prints them.
import type { OpFields, OpName } from '../core/generated/disasm-table';

/** What a formatter returns: the text, and for PC-relative branches and literals the target. */
export interface Disassembly {
  text: string;
  target?: bigint;
}

/** Where the instruction sits (for PC-relative operands) and its raw word. */
export interface DisasmContext {
  readonly pc: bigint;
  readonly word: number;
}

/** A formatter returns null for a word its op reserves (objdump prints those as undefined). */
export type Formatter<K extends OpName> = (f: OpFields[K], ctx: DisasmContext) => string | Disassembly | null;
export type FormatterTable = { readonly [K in OpName]?: Formatter<K> };

export const MASK64 = (1n << 64n) - 1n;

/** General-purpose register n where 31 is the zero register (xzr / wzr). */
export function rz(n: number, sf: number): string {
  if (n === 31) return sf ? 'xzr' : 'wzr';
  return (sf ? 'x' : 'w') + n;
}

/** General-purpose register n where 31 is the stack pointer (sp / wsp). */
export function rsp(n: number, sf: number): string {
  if (n === 31) return sf ? 'sp' : 'wsp';
  return (sf ? 'x' : 'w') + n;
}

/** `#0x..` as objdump prints unsigned immediates. */
export function hex(v: number | bigint): string {
  return '#0x' + v.toString(16);
}

/** A branch or literal target: pc + offset, wrapped to 64 bits, printed as a bare hex address. */
export function target(ctx: DisasmContext, offset: bigint): { addr: bigint; text: string } {
  const addr = (ctx.pc + offset) & MASK64;
  return { addr, text: '0x' + addr.toString(16) };
}

export const COND_NAMES = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];

/** The other names binutils knows for a condition (the SVE-era aliases), printed as a comment. */
const COND_ALIASES: readonly string[][] = [
  ['none'], ['any'], ['hs', 'nlast'], ['lo', 'ul', 'last'], ['first'], ['nfrst'], [], [], ['pmore'], ['plast'],
  ['tcont'], ['tstop'], [], [], [], [],
];

/** `, cond` plus objdump's `// cond = alias` comment (for CSEL, CCMP and friends). */
export function condOperand(cond: number): { text: string; comment: string } {
  const al = COND_ALIASES[cond];
  return { text: COND_NAMES[cond], comment: al.length ? ` // ${COND_NAMES[cond]} = ${al.join(', ')}` : '' };
}

/** The `// b.alias` comment objdump adds after B.cond. */
export function bcondComment(cond: number): string {
  const al = COND_ALIASES[cond];
  return al.length ? ' // ' + al.map((a) => 'b.' + a).join(', ') : '';
}

/** DecodeBitMasks (Arm ARM J1): the wmask of a logical immediate, or null when reserved. */
export function decodeBitMasks(n: number, imms: number, immr: number, datasize: number): bigint | null {
  const combined = (n << 6) | (~imms & 0x3f);
  let len = -1;
  for (let b = 6; b >= 0; b--) {
    if ((combined >>> b) & 1) {
      len = b;
      break;
    }
  }
  if (len < 1) return null;
  const esize = 1 << len;
  const levels = esize - 1;
  const s = imms & levels;
  const r = immr & levels;
  if (s === levels) return null;
  if (esize > datasize) return null;
  const emask = (1n << BigInt(esize)) - 1n;
  const welem = (1n << BigInt(s + 1)) - 1n;
  // Rotate right by r within the element.
  const rot = r === 0 ? welem : ((welem >> BigInt(r)) | (welem << BigInt(esize - r))) & emask;
  let out = 0n;
  for (let k = 0; k < datasize; k += esize) out |= rot << BigInt(k);
  return out;
}

/** Whether a value can be made by one MOVZ or MOVN of that width (binutils' "wide constant"). */
export function isWideConstant(v: bigint, sf: number): boolean {
  const width = sf ? 64 : 32;
  const m = (1n << BigInt(width)) - 1n;
  const fits = (x: bigint): boolean => {
    for (let s = 0; s < width; s += 16) if ((x & ~(0xffffn << BigInt(s)) & m) === 0n) return true;
    return false;
  };
  return fits(v & m) || fits(~v & m);
}

/** The signed value of x taken as a width-bit two's complement number. */
export function signed(x: bigint, width: number): bigint {
  return BigInt.asIntN(width, x);
}
