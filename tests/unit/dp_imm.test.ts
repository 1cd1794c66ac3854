// A64 data processing -- immediate: ADR/ADRP, ADD/SUB(S) immediate, logical immediate, move wide,
// bitfield, EXTR. Each case is one instruction (encoded by aarch64-linux-gnu-as; the words are
// checked against it below when the cross toolchain is installed) run on registers preset to junk,
// plus the inputs given; every register not listed in `out` must keep its value, and NZCV must keep
// its value unless `out` gives one. When qemu-aarch64 is installed too, the same cases run under
// QEMU and the expectations written here must agree with it.
import { describe, it, expect } from 'vitest';
import { CODE } from '../helpers/core';
import { c, checkCases, expectUndefined, checkAgainstTools, useCaseCore, runCase, type Case } from '../helpers/insn-cases';

useCaseCore();

const MIN64 = 0x8000_0000_0000_0000n;
const MAX64 = 0x7fff_ffff_ffff_ffffn;
const code = BigInt(CODE);

const adr: Case[] = [
  c('adr x0, .+8', 0x10000040, {}, { x0: code + 8n }),
  c('adr x1, .-4', 0x10ffffe1, {}, { x1: code - 4n }),
  c('adr x3, .+0xfffff', 0x707fffe3, {}, { x3: code + 0xfffffn }),
  c('adr x4, .-0x100000', 0x10800004, {}, { x4: code - 0x100000n }),
  c('adr xzr, .+4', 0x1000003f, {}, {}),
  c('adrp x0, CODE+0x1000', 0xb0000000, {}, { x0: code + 0x1000n }),
  c('adrp x2, CODE-0x1000', 0xf0ffffe2, {}, { x2: code - 0x1000n }),
  c('adrp x5, CODE+0xfffff000', 0xf07fffe5, {}, { x5: code + 0xfffff000n }),
  c('adrp x6, CODE-0x100000000', 0x90800006, {}, { x6: code - 0x1_0000_0000n }),
];

const addsub: Case[] = [
  c('add x0, x1, #1', 0x91000420, { x1: 41n }, { x0: 42n }),
  c('add x0, x1, #0xfff, lsl #12', 0x917ffc20, { x1: 1n }, { x0: 0xfff001n }),
  c('add x0, x1, #4095', 0x913ffc20, { x1: -1n }, { x0: 4094n }),
  c('add w0, w1, #1', 0x11000420, { x1: -1n }, { x0: 0n }),
  c('add w0, w1, #0', 0x11000020, { x1: 0x1234_5678_9abc_def0n }, { x0: 0x9abc_def0n }),
  c('add sp, sp, #16', 0x910043ff, { sp: 0x4000_0ff0n }, { sp: 0x4000_1000n }),
  c('mov x0, sp', 0x910003e0, { sp: 0x4000_0ff0n }, { x0: 0x4000_0ff0n }),
  c('mov sp, x1', 0x9100003f, { x1: 0x4000_2000n }, { sp: 0x4000_2000n }),
  c('sub sp, x1, #8', 0xd100203f, { x1: 0n }, { sp: -8n }),
  c('add w0, wsp, #4', 0x110013e0, { sp: 0x1_ffff_fffcn }, { x0: 0n }),
  c('add wsp, w1, #1', 0x1100043f, { x1: 0xffff_ffff_0000_0001n }, { sp: 2n }),
  c('sub x0, x1, #1', 0xd1000420, { x1: 0n }, { x0: -1n }),
  c('sub w0, w1, #1, lsl #12', 0x51400420, { x1: 0n }, { x0: 0xffff_f000n }),
  c('adds x0, x1, #1', 0xb1000420, { x1: MAX64 }, { x0: MIN64, nzcv: 0b1001n }),
  c('adds x0, x1, #1', 0xb1000420, { x1: -1n }, { x0: 0n, nzcv: 0b0110n }),
  c('adds x0, x1, #0', 0xb1000020, { x1: 5n }, { x0: 5n, nzcv: 0b0000n }),
  c('adds w0, w1, #1', 0x31000420, { x1: 0x7fff_ffffn }, { x0: 0x8000_0000n, nzcv: 0b1001n }),
  c('adds w0, w1, #1', 0x31000420, { x1: 0x1_ffff_ffffn }, { x0: 0n, nzcv: 0b0110n }),
  c('adds w0, w1, #0xfff, lsl #12', 0x317ffc20, { x1: 0x7f00_1000n }, { x0: 0x8000_0000n, nzcv: 0b1001n }),
  c('subs x0, x1, #1', 0xf1000420, { x1: 0n }, { x0: -1n, nzcv: 0b1000n }),
  c('subs x0, x1, #1', 0xf1000420, { x1: MIN64 }, { x0: MAX64, nzcv: 0b0011n }),
  c('subs x0, x1, #1', 0xf1000420, { x1: 1n }, { x0: 0n, nzcv: 0b0110n }),
  c('subs w0, w1, #1', 0x71000420, { x1: 0x8000_0000n }, { x0: 0x7fff_ffffn, nzcv: 0b0011n }),
  c('subs w0, w1, #2', 0x71000820, { x1: 0xffff_ffff_0000_0001n }, { x0: 0xffff_ffffn, nzcv: 0b1000n }),
  c('cmp x1, #0', 0xf100003f, { x1: 0n }, { nzcv: 0b0110n }),
  c('cmp x1, #4095', 0xf13ffc3f, { x1: MAX64 }, { nzcv: 0b0010n }),
  c('cmn w1, #1', 0x3100043f, { x1: 0xffff_ffffn }, { nzcv: 0b0110n }),
  c('cmp sp, #16', 0xf10043ff, { sp: 16n }, { nzcv: 0b0110n }),
  c('subs x0, sp, #0x10', 0xf10043e0, { sp: 8n }, { x0: -8n, nzcv: 0b1000n }),
];

const logical: Case[] = [
  c('and x0, x1, #0xff', 0x92401c20, { x1: 0x1234n }, { x0: 0x34n }),
  c('mov x0, #0x5555555555555555', 0xb200f3e0, {}, { x0: 0x5555_5555_5555_5555n }),
  c('orr x0, xzr, #0xfffffffffffffffe', 0xb27ffbe0, {}, { x0: -2n }),
  c('orr x0, x1, #0x8000000000000000', 0xb2410020, { x1: 1n }, { x0: MIN64 | 1n }),
  c('eor w0, w1, #0x80000001', 0x52010420, { x1: 0xffff_ffff_0000_0001n }, { x0: 0x8000_0000n }),
  c('eor x0, x1, #0xaaaaaaaaaaaaaaaa', 0xd201f020, { x1: -1n }, { x0: 0x5555_5555_5555_5555n }),
  c('and x0, x1, #0x0f0f0f0f0f0f0f0f', 0x9200cc20, { x1: -1n }, { x0: 0x0f0f_0f0f_0f0f_0f0fn }),
  c('orr w0, w1, #0x00ff00ff', 0x32009c20, { x1: 0xffff_ffff_0000_0000n }, { x0: 0x00ff_00ffn }),
  c('and x0, x1, #0xff000000000000ff', 0x92483c20, { x1: -1n }, { x0: 0xff00_0000_0000_00ffn }),
  c('and w0, w1, #0xfffffffe', 0x121f7820, { x1: -1n }, { x0: 0xffff_fffen }),
  c('and x0, x1, #0x7ffffffffffffffe', 0x927ff420, { x1: -1n }, { x0: 0x7fff_ffff_ffff_fffen }),
  c('and x0, x1, #0x1', 0x92400020, { x1: 3n }, { x0: 1n }),
  c('and sp, x1, #0xfffffffffffffff0', 0x927cec3f, { x1: 0x4000_1234n }, { sp: 0x4000_1230n }),
  c('mov wsp, #0x10', 0x321c03ff, { sp: -1n }, { sp: 0x10n }),
  c('ands x0, x1, #0x8000000000000000', 0xf2410020, { x1: MIN64 | 1n }, { x0: MIN64, nzcv: 0b1000n }),
  c('ands w0, w1, #1', 0x72000020, { x1: 2n }, { x0: 0n, nzcv: 0b0100n }),
  c('ands w0, w1, #0x80000000', 0x72010020, { x1: -1n, nzcv: 0b0111n }, { x0: 0x8000_0000n, nzcv: 0b1000n }),
  c('tst x1, #0x3', 0xf240043f, { x1: 4n }, { nzcv: 0b0100n }),
];

const movewide: Case[] = [
  c('movz x0, #0xffff, lsl #48', 0xd2ffffe0, {}, { x0: 0xffff_0000_0000_0000n }),
  c('movz x0, #0', 0xd2800000, {}, { x0: 0n }),
  c('movz w0, #0x1234, lsl #16', 0x52a24680, {}, { x0: 0x1234_0000n }),
  c('movz xzr, #1', 0xd280003f, {}, {}),
  c('movn x0, #0', 0x92800000, {}, { x0: -1n }),
  c('movn w0, #0', 0x12800000, {}, { x0: 0xffff_ffffn }),
  c('movn x0, #0x1234, lsl #32', 0x92c24680, {}, { x0: 0xffff_edcb_ffff_ffffn }),
  c('movn w0, #0xffff, lsl #16', 0x12bfffe0, {}, { x0: 0xffffn }),
  c('movk x0, #0xbeef, lsl #16', 0xf2b7dde0, { x0: 0x1111_2222_3333_4444n }, { x0: 0x1111_2222_beef_4444n }),
  c('movk x0, #0xabcd, lsl #48', 0xf2f579a0, { x0: 0n }, { x0: 0xabcd_0000_0000_0000n }),
  c('movk w0, #0x1', 0x72800020, { x0: -1n }, { x0: 0xffff_0001n }),
  c('movk w0, #0x8000, lsl #16', 0x72b00000, { x0: 0x1234_5678_0000_ffffn }, { x0: 0x8000_ffffn }),
];

const bitfield: Case[] = [
  c('lsl x0, x1, #1', 0xd37ff820, { x1: MIN64 | 1n }, { x0: 2n }),
  c('lsl x0, x1, #63', 0xd3410020, { x1: 3n }, { x0: MIN64 }),
  c('lsl w0, w1, #31', 0x53010020, { x1: 0xffff_ffff_0000_0003n }, { x0: 0x8000_0000n }),
  c('lsl w0, w1, #1', 0x531f7820, { x1: 0xffff_ffffn }, { x0: 0xffff_fffen }),
  c('lsr x0, x1, #63', 0xd37ffc20, { x1: MIN64 }, { x0: 1n }),
  c('lsr x0, x1, #1', 0xd341fc20, { x1: -1n }, { x0: MAX64 }),
  c('lsr w0, w1, #31', 0x531f7c20, { x1: 0x1_8000_0000n }, { x0: 1n }),
  c('asr x0, x1, #63', 0x937ffc20, { x1: MIN64 }, { x0: -1n }),
  c('asr x0, x1, #0', 0x9340fc20, { x1: MIN64 }, { x0: MIN64 }),
  c('asr x0, x1, #4', 0x9344fc20, { x1: 0x7000_0000_0000_0000n }, { x0: 0x0700_0000_0000_0000n }),
  c('asr w0, w1, #31', 0x131f7c20, { x1: 0x8000_0000n }, { x0: 0xffff_ffffn }),
  c('asr w0, w1, #1', 0x13017c20, { x1: 0x1_4000_0000n }, { x0: 0x2000_0000n }),
  c('sxtb x0, w1', 0x93401c20, { x1: 0x80n }, { x0: -0x80n }),
  c('sxtb w0, w1', 0x13001c20, { x1: 0x17fn }, { x0: 0x7fn }),
  c('sxth w0, w1', 0x13003c20, { x1: 0x8000n }, { x0: 0xffff_8000n }),
  c('sxtw x0, w1', 0x93407c20, { x1: 0x1_8000_0000n }, { x0: 0xffff_ffff_8000_0000n }),
  c('uxtb w0, w1', 0x53001c20, { x1: 0x1ffn }, { x0: 0xffn }),
  c('uxth w0, w1', 0x53003c20, { x1: -1n }, { x0: 0xffffn }),
  c('ubfx x0, x1, #8, #8', 0xd3483c20, { x1: 0x1234_5678n }, { x0: 0x56n }),
  c('ubfx x0, x1, #0, #64', 0xd340fc20, { x1: -1n }, { x0: -1n }),
  c('ubfx w0, w1, #31, #1', 0x531f7c20, { x1: 0x8000_0000n }, { x0: 1n }),
  c('ubfiz x0, x1, #4, #8', 0xd37c1c20, { x1: 0xfffn }, { x0: 0xff0n }),
  c('ubfiz w0, w1, #31, #1', 0x53010020, { x1: 3n }, { x0: 0x8000_0000n }),
  c('sbfx x0, x1, #4, #4', 0x93441c20, { x1: 0x80n }, { x0: -8n }),
  c('sbfx x0, x1, #4, #4', 0x93441c20, { x1: 0x70n }, { x0: 7n }),
  c('sbfx w0, w1, #0, #1', 0x13000020, { x1: 1n }, { x0: 0xffff_ffffn }),
  c('sbfiz x0, x1, #8, #4', 0x93780c20, { x1: 0x8n }, { x0: -0x800n }),
  c('sbfiz x0, x1, #60, #4', 0x93440c20, { x1: 0xfn }, { x0: 0xf000_0000_0000_0000n }),
  c('sbfiz w0, w1, #8, #4', 0x13180c20, { x1: 0x8n }, { x0: 0xffff_f800n }),
  c('bfi x0, x1, #8, #8', 0xb3781c20, { x0: -1n, x1: 0x12n }, { x0: 0xffff_ffff_ffff_12ffn }),
  c('bfi x0, x1, #63, #1', 0xb3410020, { x0: 0n, x1: 0xffn }, { x0: MIN64 }),
  c('bfxil x0, x1, #60, #4', 0xb37cfc20, { x0: 0n, x1: 0xa000_0000_0000_0000n }, { x0: 0xan }),
  c('bfxil x0, x1, #0, #64', 0xb340fc20, { x0: 0n, x1: 0x1234_5678_9abc_def0n }, { x0: 0x1234_5678_9abc_def0n }),
  c('bfi w0, w1, #28, #4', 0x33040c20, { x0: 0xffff_ffff_0000_0000n, x1: 0x5n }, { x0: 0x5000_0000n }),
  c('bfxil w0, w1, #0, #32', 0x33007c20, { x0: -1n, x1: 0x1234_5678_9abc_def0n }, { x0: 0x9abc_def0n }),
  c('bfxil w0, w1, #16, #16', 0x33107c20, { x0: 0x1111_2222_3333_4444n, x1: 0xabcd_0000n }, { x0: 0x3333_abcdn }),
];

const extract: Case[] = [
  c('extr x0, x1, x2, #0', 0x93c20020, { x1: 1n, x2: 2n }, { x0: 2n }),
  c('extr x0, x1, x2, #63', 0x93c2fc20, { x1: 1n, x2: MIN64 }, { x0: 3n }),
  c('extr x0, x1, x2, #32', 0x93c28020, { x1: 0x1111_2222_3333_4444n, x2: 0x5555_6666_7777_8888n }, { x0: 0x3333_4444_5555_6666n }),
  c('extr w0, w1, w2, #31', 0x13827c20, { x1: 1n, x2: 0x8000_0000n }, { x0: 3n }),
  c('extr w0, w1, w2, #0', 0x13820020, { x1: 1n, x2: 0xffff_ffff_1234_5678n }, { x0: 0x1234_5678n }),
  c('ror x0, x1, #1', 0x93c10420, { x1: 1n }, { x0: MIN64 }),
  c('ror w0, w1, #4', 0x13811020, { x1: 0xffff_ffff_0000_000fn }, { x0: 0xf000_0000n }),
];

const all = [...adr, ...addsub, ...logical, ...movewide, ...bitfield, ...extract];

describe('data processing -- immediate', () => {
  describe('ADR, ADRP', () => {
    checkCases(adr);
    it('ADRP clears the low 12 bits of its own PC', () => {
      // adrp x0, CODE+0x1000 placed at CODE+0xffc: the page is CODE's, so the result is CODE+0x1000.
      const k = c('adrp x0, CODE+0x1000', 0xb0000000, {}, {});
      const got = runCase(k, code + 0xffcn);
      expect(got.regs[0]).toBe(code + 0x1000n);
      expect(got.pc).toBe(code + 0x1000n);
    });
  });
  describe('ADD/SUB (immediate)', () => checkCases(addsub));
  describe('logical (immediate)', () => checkCases(logical));
  describe('move wide', () => checkCases(movewide));
  describe('bitfield', () => checkCases(bitfield));
  describe('EXTR', () => checkCases(extract));
  describe('against the GNU toolchain and QEMU', () => checkAgainstTools(all));

  describe('unallocated and reserved encodings are UNDEFINED', () => {
    it.each([
      // add x0, x1, #1 (0x91000420) with shift = 10 and 11 (reserved in ARMv8.0)
      ['ADD imm, shift = 10', 0x91000420 | (1 << 23)],
      ['ADDS imm, shift = 11', 0xb1000420 | (3 << 22)],
      // and w0, w1, #1 (0x12000020) with N = 1
      ['AND imm, sf = 0 and N = 1', 0x12000020 | (1 << 22)],
      // and x0, x1, #imm with N = 1, imms = 111111: an all-ones element
      ['AND imm, N:imms = 1:111111', 0x9240fc20],
      // orr w0, w1, #imm with N = 0, imms = 111111 / 111110: no element size
      ['ORR imm, N:imms = 0:111111', 0x3200fc20],
      ['EOR imm, N:imms = 0:11111x', 0x5200f820],
      // ands w0, w1, #imm with imms = 0 11111: an all-ones 32-bit element
      ['ANDS imm, 32-bit all-ones element', 0x72007c20],
      // and w0, w1, #imm with imms = 1110 11: an all-ones 4-bit element
      ['AND imm, 4-bit all-ones element', 0x1200ec20],
      // movz x0, #0 (0xd2800000) with opc = 01
      ['move wide, opc = 01', 0xb2800000],
      // movz w0, #0 (0x52800000) with hw = 10, 11
      ['MOVZ w, hw = 2', 0x52800000 | (2 << 21)],
      ['MOVK w, hw = 3', 0x72800000 | (3 << 21)],
      // sbfm x0, x1, #0, #63 (0x9340fc20) with N = 0
      ['SBFM sf = 1, N = 0', 0x9300fc20],
      // ubfm w0, w1, #1, #0 (lsl w0, w1, #31: 0x53010020) with N = 1, immr = 33, imms = 32
      ['UBFM sf = 0, N = 1', 0x53410020],
      ['UBFM sf = 0, immr = 33', 0x53210020],
      ['BFM sf = 0, imms = 32', 0x33018020],
      // bitfield opc = 11
      ['bitfield opc = 11', 0x7300_0020],
      // extr x0, x1, x2, #0 (0x93c20020) with N = 0; extr w0, w1, w2, #32; op21 = 01; o0 = 1
      ['EXTR sf = 1, N = 0', 0x93820020],
      ['EXTR sf = 0, imms = 32', 0x13828020],
      ['EXTR op21 = 01', 0x93c20020 | (1 << 29)],
      ['EXTR o0 = 1', 0x93c20020 | (1 << 21)],
    ])('%s', (_, word) => expectUndefined(word));
  });
});
