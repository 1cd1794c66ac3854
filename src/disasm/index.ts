// The A64 disassembler: GNU objdump's syntax (lower case, preferred aliases, absolute branch targets),
// decoding with the same first-match table the CPU core is generated from (scripts/gen-decoder.ts ->
// src/core/generated/disasm-table.ts), so what it shows is what the core will execute.
import { DISASM_FIELDS, DISASM_OPS, type OpFields, type OpName, disasmDecode } from '../core/generated/disasm-table';
import { INT_FORMATTERS } from './format-int';
import { LDST_FORMATTERS } from './format-ldst';
import { FP_FORMATTERS } from './format-fp';
import { SIMD_FORMATTERS } from './format-simd';
import { CRYPTO_FORMATTERS, type LooseFields } from './format-crypto';
import { type Disassembly, type DisasmContext, type Formatter, type FormatterTable } from './util';

export type { Disassembly } from './util';

const FORMATTERS: FormatterTable = { ...INT_FORMATTERS, ...LDST_FORMATTERS, ...FP_FORMATTERS, ...SIMD_FORMATTERS };

/** How a word the decode table does not allocate is shown (objdump's `.inst` form; UDF for 0x0000xxxx). */
function undefinedWord(word: number): string {
  if (word >>> 16 === 0) return `udf #${word & 0xffff}`;
  return `.inst 0x${word.toString(16).padStart(8, '0')} ; undefined`;
}

/** The op name the decode table gives `word` ('' when unallocated). */
export function opName(word: number): OpName | '' {
  return DISASM_OPS[disasmDecode(word >>> 0)] ?? '';
}

/** Whether the disassembler has a formatter for op `name` (a decoded op without one prints `.inst`). */
export function hasFormatter(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(FORMATTERS, name) || Object.prototype.hasOwnProperty.call(CRYPTO_FORMATTERS, name);
}

/** The assembly text of instruction `word` at address `pc`, plus the target of a PC-relative branch. */
export function disassemble(word: number, pc: bigint): Disassembly {
  const w = word >>> 0;
  const name = DISASM_OPS[disasmDecode(w)];
  if (!name) return { text: undefinedWord(w) };
  const ctx: DisasmContext = { pc, word: w };
  const fields = (DISASM_FIELDS[name] as (i: number) => OpFields[OpName])(w);
  const fmt = FORMATTERS[name] as Formatter<OpName> | undefined;
  const loose = Object.prototype.hasOwnProperty.call(CRYPTO_FORMATTERS, name) ? CRYPTO_FORMATTERS[name] : undefined;
  let out: string | Disassembly | null | undefined;
  try {
    out = fmt ? fmt(fields, ctx) : loose ? loose(fields as LooseFields, ctx) : undefined;
  } catch {
    // A formatter bug must never take the debugger down: show the word instead.
    out = undefined;
  }
  if (out === undefined) return { text: `.inst 0x${w.toString(16).padStart(8, '0')} // ${name.toLowerCase()}: no disassembly yet` };
  if (out === null) return { text: undefinedWord(w) };
  return typeof out === 'string' ? { text: out } : out;
}
