// One door to the disassembler (src/disasm, built on the same decode table as the core) for the
// worker and the debugger panel, so both show instructions the same way and a disassembler bug
// never takes a view down: anything it throws shows as the raw word.
import { disassemble } from '../disasm';

function hexWord(word: number): string {
  return '.inst 0x' + (word >>> 0).toString(16).padStart(8, '0');
}

/**
 * The instruction `word` at address `pc`: its assembly text (objdump's syntax) and, for a
 * PC-relative branch, where it goes.
 */
export function disassembleInsn(word: number, pc: bigint): { text: string; target?: bigint } {
  try {
    return disassemble(word >>> 0, pc);
  } catch {
    return { text: hexWord(word) };
  }
}

/** The instruction `word` at address `pc` as assembly text. */
export function disassembleWord(word: number, pc: bigint): string {
  return disassembleInsn(word, pc).text;
}
