// A64 data processing -- register: logical and ADD/SUB (shifted register), ADD/SUB (extended
// register), ADC/SBC, CCMN/CCMP, conditional select, and the 1-, 2- and 3-source groups. Each case
// is one instruction (encoded by aarch64-linux-gnu-as; the words are checked against it below when
// the cross toolchain is installed) run on registers preset to junk, plus the inputs given; every
// register not listed in `out` must keep its value, and NZCV must keep its value unless `out` gives
// one. When qemu-aarch64 is installed too, the same cases run under QEMU and the expectations
// written here must agree with it.
import { describe, it } from 'vitest';
import { c, checkCases, expectUndefined, checkAgainstTools, useCaseCore, type Case } from '../helpers/insn-cases';

useCaseCore();

const MIN64 = 0x8000_0000_0000_0000n;
const MAX64 = 0x7fff_ffff_ffff_ffffn;
const HI = 0xffff_ffff_0000_0000n; // junk for the upper half of a W operand

const logical: Case[] = [
  c('and x0, x1, x2', 0x8a020020, { x1: 0xff00_ff00_ff00_ff00n, x2: 0x0ff0_0ff0_0ff0_0ff0n }, { x0: 0x0f00_0f00_0f00_0f00n }),
  c('and x0, x1, x2, lsl #63', 0x8a02fc20, { x1: -1n, x2: 1n }, { x0: MIN64 }),
  c('and w0, w1, w2, lsl #31', 0x0a027c20, { x1: -1n, x2: 3n }, { x0: 0x8000_0000n }),
  c('mov x0, x2', 0xaa0203e0, { x2: MIN64 | 5n }, { x0: MIN64 | 5n }),
  c('mov w0, w2', 0x2a0203e0, { x2: HI | 0x1234_5678n }, { x0: 0x1234_5678n }),
  c('orr x0, x1, x2, lsr #63', 0xaa42fc20, { x1: 2n, x2: MIN64 }, { x0: 3n }),
  c('orr w0, w1, w2, lsr #31', 0x2a427c20, { x1: 2n, x2: 0x1_8000_0000n }, { x0: 3n }),
  c('eor x0, x1, x2, asr #63', 0xca82fc20, { x1: 0x0f0fn, x2: MIN64 }, { x0: ~0x0f0fn }),
  c('eor w0, w1, w2, asr #31', 0x4a827c20, { x1: 0x0f0fn, x2: 0x8000_0000n }, { x0: 0xffff_f0f0n }),
  c('eor w0, w1, w2, asr #1', 0x4a820420, { x1: 0n, x2: 0xffff_ffff_7fff_fffen }, { x0: 0x3fff_ffffn }),
  c('eor x0, x1, x2, ror #1', 0xcac20420, { x1: 0n, x2: 1n }, { x0: MIN64 }),
  c('eor x0, x1, x2, ror #63', 0xcac2fc20, { x1: 0n, x2: MIN64 }, { x0: 1n }),
  c('eor w0, w1, w2, ror #31', 0x4ac27c20, { x1: 0n, x2: HI | 1n }, { x0: 2n }),
  c('eor w0, w1, w2, ror #1', 0x4ac20420, { x1: 0n, x2: HI | 1n }, { x0: 0x8000_0000n }),
  c('bic x0, x1, x2', 0x8a220020, { x1: -1n, x2: 0xffn }, { x0: -0x100n }),
  c('bic w0, w1, w2, ror #16', 0x0ae24020, { x1: -1n, x2: 0xffffn }, { x0: 0xffffn }),
  c('orn x0, x1, x2, lsl #4', 0xaa221020, { x1: 0n, x2: -1n }, { x0: 0xfn }),
  c('mvn x0, x1', 0xaa2103e0, { x1: 0n }, { x0: -1n }),
  c('mvn w0, w1', 0x2a2103e0, { x1: 0n }, { x0: 0xffff_ffffn }),
  c('eon x0, x1, x2', 0xca220020, { x1: 0xf0n, x2: 0xffn }, { x0: ~0x0fn }),
  c('eon w0, w1, w2', 0x4a220020, { x1: 0xf0n, x2: 0xffn }, { x0: 0xffff_fff0n }),
  c('ands x0, x1, x2', 0xea020020, { x1: 0xf0n, x2: 0x0fn }, { x0: 0n, nzcv: 0b0100n }),
  c('ands x0, x1, x2', 0xea020020, { x1: -1n, x2: MIN64, nzcv: 0b0111n }, { x0: MIN64, nzcv: 0b1000n }),
  c('ands w0, w1, w2', 0x6a020020, { x1: HI | 0x8000_0000n, x2: HI | 0x8000_0001n }, { x0: 0x8000_0000n, nzcv: 0b1000n }),
  c('ands w0, w1, w2', 0x6a020020, { x1: HI, x2: HI }, { x0: 0n, nzcv: 0b0100n }),
  c('bics x0, x1, x2', 0xea220020, { x1: -1n, x2: -1n }, { x0: 0n, nzcv: 0b0100n }),
  c('bics w0, w1, w2', 0x6a220020, { x1: -1n, x2: 0n }, { x0: 0xffff_ffffn, nzcv: 0b1000n }),
  c('tst w1, w2, lsl #31', 0x6a027c3f, { x1: 0x8000_0000n, x2: 1n }, { nzcv: 0b1000n }),
  c('tst x1, x2, lsr #1', 0xea42043f, { x1: 1n, x2: 1n, nzcv: 0b0011n }, { nzcv: 0b0100n }),
];

const addsubShift: Case[] = [
  c('add x0, x1, x2', 0x8b020020, { x1: 40n, x2: 2n }, { x0: 42n }),
  c('add x0, x1, x2, lsl #63', 0x8b02fc20, { x1: 1n, x2: 1n }, { x0: MIN64 | 1n }),
  c('add w0, w1, w2, lsl #31', 0x0b027c20, { x1: 0x8000_0000n, x2: 1n }, { x0: 0n }),
  c('add w0, w1, w2, lsr #31', 0x0b427c20, { x1: HI, x2: 0x8000_0000n }, { x0: 1n }),
  c('add x0, x1, x2, asr #63', 0x8b82fc20, { x1: 5n, x2: MIN64 }, { x0: 4n }),
  c('add x0, xzr, x1', 0x8b0103e0, { x1: 7n }, { x0: 7n }),
  c('add x0, x1, xzr', 0x8b1f0020, { x1: 7n }, { x0: 7n }),
  c('sub x0, x1, x2, asr #1', 0xcb820420, { x1: 0n, x2: -4n }, { x0: 2n }),
  c('sub w0, w1, w2', 0x4b020020, { x1: 0n, x2: 1n }, { x0: 0xffff_ffffn }),
  c('neg x0, x2', 0xcb0203e0, { x2: MIN64 }, { x0: MIN64 }),
  c('neg w0, w2, lsl #1', 0x4b0207e0, { x2: 1n }, { x0: 0xffff_fffen }),
  c('negs x0, x2', 0xeb0203e0, { x2: MIN64 }, { x0: MIN64, nzcv: 0b1001n }),
  c('negs x0, x2', 0xeb0203e0, { x2: 0n }, { x0: 0n, nzcv: 0b0110n }),
  c('adds x0, x1, x2', 0xab020020, { x1: MAX64, x2: 1n }, { x0: MIN64, nzcv: 0b1001n }),
  c('adds x0, x1, x2', 0xab020020, { x1: -1n, x2: -1n }, { x0: -2n, nzcv: 0b1010n }),
  c('adds x0, x1, x2', 0xab020020, { x1: MIN64, x2: MIN64 }, { x0: 0n, nzcv: 0b0111n }),
  c('adds w0, w1, w2', 0x2b020020, { x1: 0x7fff_ffffn, x2: HI | 0x7fff_ffffn }, { x0: 0xffff_fffen, nzcv: 0b1001n }),
  c('adds w0, w1, w2', 0x2b020020, { x1: 0xffff_ffffn, x2: 1n }, { x0: 0n, nzcv: 0b0110n }),
  c('subs x0, x1, x2', 0xeb020020, { x1: 5n, x2: 5n }, { x0: 0n, nzcv: 0b0110n }),
  c('subs x0, x1, x2', 0xeb020020, { x1: 0n, x2: 1n }, { x0: -1n, nzcv: 0b1000n }),
  c('subs x0, x1, x2', 0xeb020020, { x1: MAX64, x2: -1n }, { x0: MIN64, nzcv: 0b1001n }),
  c('subs w0, w1, w2', 0x6b020020, { x1: 0x8000_0000n, x2: 1n }, { x0: 0x7fff_ffffn, nzcv: 0b0011n }),
  c('subs w0, w1, w2, asr #31', 0x6b827c20, { x1: 0n, x2: 0x8000_0000n }, { x0: 1n, nzcv: 0b0000n }),
  c('cmp x1, x2, lsl #1', 0xeb02043f, { x1: 4n, x2: 2n }, { nzcv: 0b0110n }),
  c('cmn w1, w2', 0x2b02003f, { x1: 0x8000_0000n, x2: 0x8000_0000n }, { nzcv: 0b0111n }),
];

const addsubExt: Case[] = [
  c('add x0, sp, x1', 0x8b2163e0, { sp: 0x4000_0000n, x1: 0x10n }, { x0: 0x4000_0010n }),
  c('add sp, sp, x1, lsl #4', 0x8b2173ff, { sp: 0x4000_0000n, x1: 1n }, { sp: 0x4000_0010n }),
  c('sub sp, sp, x1', 0xcb2163ff, { sp: 0x4000_0000n, x1: 0x10n }, { sp: 0x3fff_fff0n }),
  c('add x0, x1, w2, uxtb', 0x8b220020, { x1: 1n, x2: 0x1ffn }, { x0: 0x100n }),
  c('add x0, x1, w2, uxth #1', 0x8b222420, { x1: 0n, x2: -1n }, { x0: 0x1_fffen }),
  c('add x0, x1, w2, uxtw #2', 0x8b224820, { x1: 0n, x2: -1n }, { x0: 0x3_ffff_fffcn }),
  c('add x0, x1, x2, uxtx #4', 0x8b227020, { x1: 0n, x2: -1n }, { x0: -16n }),
  c('add x0, x1, w2, sxtb', 0x8b228020, { x1: 0x100n, x2: 0x80n }, { x0: 0x80n }),
  c('add x0, x1, w2, sxth #4', 0x8b22b020, { x1: 0n, x2: 0x8000n }, { x0: -0x8_0000n }),
  c('sub x0, x1, w2, sxtw', 0xcb22c020, { x1: 0n, x2: 0x8000_0000n }, { x0: 0x8000_0000n }),
  c('add x0, x1, x2, sxtx #3', 0x8b22ec20, { x1: 0n, x2: MIN64 | 1n }, { x0: 8n }),
  c('add w0, w1, w2, uxtb', 0x0b220020, { x1: 0xffff_ff00n, x2: 0x1ffn }, { x0: 0xffff_ffffn }),
  c('add w0, w1, w2, sxtb #4', 0x0b229020, { x1: 0n, x2: 0x80n }, { x0: 0xffff_f800n }),
  c('add w0, wsp, w2, sxth', 0x0b22a3e0, { sp: 0x1_0000_0000n, x2: 0xffffn }, { x0: 0xffff_ffffn }),
  c('add wsp, w1, w2', 0x0b22403f, { x1: 0xffff_ffffn, x2: 2n }, { sp: 1n }),
  c('adds x0, sp, x1', 0xab2163e0, { sp: -1n, x1: 1n }, { x0: 0n, nzcv: 0b0110n }),
  c('cmp sp, x1', 0xeb2163ff, { sp: 0x4000_0000n, x1: 0x4000_0000n }, { nzcv: 0b0110n }),
  c('cmp x1, w2, uxtw', 0xeb22403f, { x1: 0xffff_ffffn, x2: -1n }, { nzcv: 0b0110n }),
  c('cmn x1, w2, sxtw', 0xab22c03f, { x1: 1n, x2: 0xffff_ffffn }, { nzcv: 0b0110n }),
  c('adds w0, w1, w2, sxtb #4', 0x2b229020, { x1: 0x800n, x2: 0x80n }, { x0: 0n, nzcv: 0b0110n }),
  c('subs x0, x1, w2, sxtw #4', 0xeb22d020, { x1: 0n, x2: 1n }, { x0: -16n, nzcv: 0b1000n }),
  c('subs w0, wsp, w1, uxth', 0x6b2123e0, { sp: 0x1_0000_0000n, x1: 1n }, { x0: 0xffff_ffffn, nzcv: 0b1000n }),
];

const carry: Case[] = [
  c('adc x0, x1, x2', 0x9a020020, { x1: 1n, x2: 2n, nzcv: 0b0000n }, { x0: 3n }),
  c('adc x0, x1, x2', 0x9a020020, { x1: 1n, x2: 2n, nzcv: 0b0010n }, { x0: 4n }),
  c('adc x0, x1, x2', 0x9a020020, { x1: -1n, x2: 0n, nzcv: 0b0010n }, { x0: 0n }),
  c('adc w0, w1, w2', 0x1a020020, { x1: 0xffff_ffffn, x2: HI, nzcv: 0b0010n }, { x0: 0n }),
  c('adcs x0, x1, x2', 0xba020020, { x1: MAX64, x2: 0n, nzcv: 0b0010n }, { x0: MIN64, nzcv: 0b1001n }),
  c('adcs x0, x1, x2', 0xba020020, { x1: -1n, x2: 0n, nzcv: 0b0010n }, { x0: 0n, nzcv: 0b0110n }),
  c('adcs x0, x1, x2', 0xba020020, { x1: -1n, x2: -1n, nzcv: 0b0010n }, { x0: -1n, nzcv: 0b1010n }),
  c('adcs x0, x1, x2', 0xba020020, { x1: -1n, x2: -1n, nzcv: 0b0000n }, { x0: -2n, nzcv: 0b1010n }),
  c('adcs w0, w1, w2', 0x3a020020, { x1: HI | 0xffff_ffffn, x2: 0n, nzcv: 0b0010n }, { x0: 0n, nzcv: 0b0110n }),
  c('adcs w0, w1, w2', 0x3a020020, { x1: 0x7fff_ffffn, x2: 0n, nzcv: 0b0010n }, { x0: 0x8000_0000n, nzcv: 0b1001n }),
  c('sbc x0, x1, x2', 0xda020020, { x1: 5n, x2: 3n, nzcv: 0b0010n }, { x0: 2n }),
  c('sbc x0, x1, x2', 0xda020020, { x1: 5n, x2: 3n, nzcv: 0b0000n }, { x0: 1n }),
  c('sbc w0, w1, w2', 0x5a020020, { x1: 0n, x2: 0n, nzcv: 0b0000n }, { x0: 0xffff_ffffn }),
  c('sbcs x0, x1, x2', 0xfa020020, { x1: 0n, x2: 0n, nzcv: 0b0000n }, { x0: -1n, nzcv: 0b1000n }),
  c('sbcs x0, x1, x2', 0xfa020020, { x1: 0n, x2: 0n, nzcv: 0b0010n }, { x0: 0n, nzcv: 0b0110n }),
  c('sbcs x0, x1, x2', 0xfa020020, { x1: MIN64, x2: 0n, nzcv: 0b0000n }, { x0: MAX64, nzcv: 0b0011n }),
  c('sbcs w0, w1, w2', 0x7a020020, { x1: 0x8000_0000n, x2: 1n, nzcv: 0b0010n }, { x0: 0x7fff_ffffn, nzcv: 0b0011n }),
  c('ngc x0, x2', 0xda0203e0, { x2: 5n, nzcv: 0b0010n }, { x0: -5n }),
  c('ngcs w0, w2', 0x7a0203e0, { x2: 0n, nzcv: 0b0000n }, { x0: 0xffff_ffffn, nzcv: 0b1000n }),
];

const condCompare: Case[] = [
  c('ccmp x1, x2, #0, eq', 0xfa420020, { x1: 5n, x2: 5n, nzcv: 0b0100n }, { nzcv: 0b0110n }),
  c('ccmp x1, x2, #11, ne', 0xfa42102b, { x1: 5n, x2: 5n, nzcv: 0b0100n }, { nzcv: 0b1011n }),
  c('ccmp x1, #31, #4, al', 0xfa5fe824, { x1: 31n, nzcv: 0b1001n }, { nzcv: 0b0110n }),
  c('ccmp w1, #0, #2, nv', 0x7a40f822, { x1: HI | 0x8000_0000n, nzcv: 0b0000n }, { nzcv: 0b1010n }),
  c('ccmp x1, x2, #15, hi', 0xfa42802f, { x1: 0n, x2: 1n, nzcv: 0b0010n }, { nzcv: 0b1000n }),
  c('ccmp x1, x2, #15, hi', 0xfa42802f, { x1: 0n, x2: 1n, nzcv: 0b0110n }, { nzcv: 0b1111n }),
  c('ccmp w1, w2, #0, ge', 0x7a42a020, { x1: 0x8000_0000n, x2: 1n, nzcv: 0b1001n }, { nzcv: 0b0011n }),
  c('ccmp x1, #0, #15, lt', 0xfa40b82f, { x1: 0n, nzcv: 0b0000n }, { nzcv: 0b1111n }),
  c('ccmn x1, x2, #0, mi', 0xba424020, { x1: MAX64, x2: 1n, nzcv: 0b1000n }, { nzcv: 0b1001n }),
  c('ccmn w1, #1, #2, ge', 0x3a41a822, { x1: 0xffff_ffffn, nzcv: 0b1000n }, { nzcv: 0b0010n }),
  c('ccmn w1, #1, #2, lt', 0x3a41b822, { x1: 0xffff_ffffn, nzcv: 0b1000n }, { nzcv: 0b0110n }),
  c('ccmn x1, #31, #0, vs', 0xba5f6820, { x1: -31n, nzcv: 0b0001n }, { nzcv: 0b0110n }),
];

const condSelect: Case[] = [
  c('csel x0, x1, x2, eq', 0x9a820020, { x1: 1n, x2: 2n, nzcv: 0b0100n }, { x0: 1n }),
  c('csel x0, x1, x2, eq', 0x9a820020, { x1: 1n, x2: 2n, nzcv: 0b0000n }, { x0: 2n }),
  c('csel w0, w1, w2, ne', 0x1a821020, { x1: HI | 1n, x2: 2n, nzcv: 0b0000n }, { x0: 1n }),
  c('csel x0, x1, x2, al', 0x9a82e020, { x1: 1n, x2: 2n }, { x0: 1n }),
  c('csel x0, x1, x2, nv', 0x9a82f020, { x1: 1n, x2: 2n }, { x0: 1n }),
  c('csinc x0, x1, x2, eq', 0x9a820420, { x1: 1n, x2: -1n, nzcv: 0b0000n }, { x0: 0n }),
  c('csinc x0, x1, x2, eq', 0x9a820420, { x1: 1n, x2: -1n, nzcv: 0b0100n }, { x0: 1n }),
  c('csinc w0, w1, w2, eq', 0x1a820420, { x1: 1n, x2: 0xffff_ffffn, nzcv: 0b0000n }, { x0: 0n }),
  c('cset x0, eq', 0x9a9f17e0, { nzcv: 0b0100n }, { x0: 1n }),
  c('cset w0, cs', 0x1a9f37e0, { nzcv: 0b0000n }, { x0: 0n }),
  c('csetm w0, lt', 0x5a9fa3e0, { nzcv: 0b1000n }, { x0: 0xffff_ffffn }),
  c('csetm x0, gt', 0xda9fd3e0, { nzcv: 0b0000n }, { x0: -1n }),
  c('csinv x0, x1, x2, le', 0xda82d020, { x1: 1n, x2: 0n, nzcv: 0b0000n }, { x0: -1n }),
  c('csinv w0, w1, w2, le', 0x5a82d020, { x1: 1n, x2: 0n, nzcv: 0b0000n }, { x0: 0xffff_ffffn }),
  c('csneg x0, x1, x2, ls', 0xda829420, { x1: 1n, x2: MIN64, nzcv: 0b0010n }, { x0: MIN64 }),
  c('csneg x0, x1, x2, ls', 0xda829420, { x1: 1n, x2: 5n, nzcv: 0b0010n }, { x0: -5n }),
  c('csneg w0, w1, w2, ls', 0x5a829420, { x1: 1n, x2: 0x8000_0000n, nzcv: 0b0010n }, { x0: 0x8000_0000n }),
  c('cneg x0, x1, mi', 0xda815420, { x1: 3n, nzcv: 0b1000n }, { x0: -3n }),
  c('cinc w0, w1, cs', 0x1a813420, { x1: 0xffff_ffffn, nzcv: 0b0010n }, { x0: 0n }),
  c('cinv x0, x1, vc', 0xda816020, { x1: 0n, nzcv: 0b0000n }, { x0: -1n }),
];

const oneSource: Case[] = [
  c('rbit x0, x1', 0xdac00020, { x1: 1n }, { x0: MIN64 }),
  c('rbit x0, x1', 0xdac00020, { x1: 0x1234_5678_9abc_def0n }, { x0: 0x0f7b_3d59_1e6a_2c48n }),
  c('rbit w0, w1', 0x5ac00020, { x1: HI | 1n }, { x0: 0x8000_0000n }),
  c('rbit w0, w1', 0x5ac00020, { x1: 0x1234_5678n }, { x0: 0x1e6a_2c48n }),
  c('rev16 x0, x1', 0xdac00420, { x1: 0x0011_2233_4455_6677n }, { x0: 0x1100_3322_5544_7766n }),
  c('rev16 w0, w1', 0x5ac00420, { x1: 0xaabb_ccdd_1122_3344n }, { x0: 0x2211_4433n }),
  c('rev32 x0, x1', 0xdac00820, { x1: 0x0011_2233_4455_6677n }, { x0: 0x3322_1100_7766_5544n }),
  c('rev w0, w1', 0x5ac00820, { x1: 0xaabb_ccdd_1122_3344n }, { x0: 0x4433_2211n }),
  c('rev x0, x1', 0xdac00c20, { x1: 0x0011_2233_4455_6677n }, { x0: 0x7766_5544_3322_1100n }),
  c('clz x0, x1', 0xdac01020, { x1: 0n }, { x0: 64n }),
  c('clz x0, x1', 0xdac01020, { x1: 1n }, { x0: 63n }),
  c('clz x0, x1', 0xdac01020, { x1: MIN64 }, { x0: 0n }),
  c('clz w0, w1', 0x5ac01020, { x1: HI }, { x0: 32n }),
  c('clz w0, w1', 0x5ac01020, { x1: 1n }, { x0: 31n }),
  c('clz w0, w1', 0x5ac01020, { x1: 0x8000_0000n }, { x0: 0n }),
  c('cls x0, x1', 0xdac01420, { x1: 0n }, { x0: 63n }),
  c('cls x0, x1', 0xdac01420, { x1: -1n }, { x0: 63n }),
  c('cls x0, x1', 0xdac01420, { x1: 1n }, { x0: 62n }),
  c('cls x0, x1', 0xdac01420, { x1: MIN64 }, { x0: 0n }),
  c('cls x0, x1', 0xdac01420, { x1: 0x4000_0000_0000_0000n }, { x0: 0n }),
  c('cls x0, x1', 0xdac01420, { x1: -2n }, { x0: 62n }),
  c('cls w0, w1', 0x5ac01420, { x1: HI }, { x0: 31n }),
  c('cls w0, w1', 0x5ac01420, { x1: 0xffff_ffffn }, { x0: 31n }),
  c('cls w0, w1', 0x5ac01420, { x1: 0x4000_0000n }, { x0: 0n }),
  c('cls w0, w1', 0x5ac01420, { x1: 0xc000_0000n }, { x0: 1n }),
];

const twoSource: Case[] = [
  c('udiv x0, x1, x2', 0x9ac20820, { x1: 7n, x2: 2n }, { x0: 3n }),
  c('udiv x0, x1, x2', 0x9ac20820, { x1: -1n, x2: 1n }, { x0: -1n }),
  c('udiv x0, x1, x2', 0x9ac20820, { x1: 5n, x2: 0n }, { x0: 0n }),
  c('udiv x0, x1, x2', 0x9ac20820, { x1: MIN64, x2: -1n }, { x0: 0n }),
  c('udiv x0, x1, x2', 0x9ac20820, { x1: -1n, x2: 0x1_0000_0000n }, { x0: 0xffff_ffffn }),
  c('udiv w0, w1, w2', 0x1ac20820, { x1: HI | 0xffff_ffffn, x2: HI | 2n }, { x0: 0x7fff_ffffn }),
  c('udiv w0, w1, w2', 0x1ac20820, { x1: 5n, x2: HI }, { x0: 0n }),
  c('sdiv x0, x1, x2', 0x9ac20c20, { x1: -7n, x2: 2n }, { x0: -3n }),
  c('sdiv x0, x1, x2', 0x9ac20c20, { x1: 7n, x2: -2n }, { x0: -3n }),
  c('sdiv x0, x1, x2', 0x9ac20c20, { x1: -7n, x2: -2n }, { x0: 3n }),
  c('sdiv x0, x1, x2', 0x9ac20c20, { x1: MIN64, x2: -1n }, { x0: MIN64 }),
  c('sdiv x0, x1, x2', 0x9ac20c20, { x1: MIN64, x2: 0n }, { x0: 0n }),
  c('sdiv x0, x1, x2', 0x9ac20c20, { x1: MAX64, x2: MIN64 }, { x0: 0n }),
  c('sdiv w0, w1, w2', 0x1ac20c20, { x1: 0x8000_0000n, x2: 0xffff_ffffn }, { x0: 0x8000_0000n }),
  c('sdiv w0, w1, w2', 0x1ac20c20, { x1: HI | 0xffff_fff9n, x2: 2n }, { x0: 0xffff_fffdn }),
  c('sdiv w0, w1, w2', 0x1ac20c20, { x1: 7n, x2: HI }, { x0: 0n }),
  c('lsl x0, x1, x2', 0x9ac22020, { x1: 3n, x2: 63n }, { x0: MIN64 }),
  c('lsl x0, x1, x2', 0x9ac22020, { x1: 3n, x2: 64n }, { x0: 3n }),
  c('lsl x0, x1, x2', 0x9ac22020, { x1: 3n, x2: -1n }, { x0: MIN64 }),
  c('lsl w0, w1, w2', 0x1ac22020, { x1: 3n, x2: 31n }, { x0: 0x8000_0000n }),
  c('lsl w0, w1, w2', 0x1ac22020, { x1: HI | 3n, x2: 32n }, { x0: 3n }),
  c('lsr x0, x1, x2', 0x9ac22420, { x1: MIN64, x2: 65n }, { x0: 0x4000_0000_0000_0000n }),
  c('lsr x0, x1, x2', 0x9ac22420, { x1: MIN64, x2: 0n }, { x0: MIN64 }),
  c('lsr w0, w1, w2', 0x1ac22420, { x1: HI | 0x8000_0000n, x2: 31n }, { x0: 1n }),
  c('asr x0, x1, x2', 0x9ac22820, { x1: MIN64, x2: 63n }, { x0: -1n }),
  c('asr x0, x1, x2', 0x9ac22820, { x1: MIN64, x2: 0x40n }, { x0: MIN64 }),
  c('asr w0, w1, w2', 0x1ac22820, { x1: 0x8000_0000n, x2: 31n }, { x0: 0xffff_ffffn }),
  c('asr w0, w1, w2', 0x1ac22820, { x1: HI | 0x4000_0000n, x2: 30n }, { x0: 1n }),
  c('ror x0, x1, x2', 0x9ac22c20, { x1: 1n, x2: 1n }, { x0: MIN64 }),
  c('ror x0, x1, x2', 0x9ac22c20, { x1: 1n, x2: 64n }, { x0: 1n }),
  c('ror w0, w1, w2', 0x1ac22c20, { x1: HI | 1n, x2: 33n }, { x0: 0x8000_0000n }),
  c('crc32b w0, w1, w2', 0x1ac24020, { x1: 0xffff_ffffn, x2: 0x31n }, { x0: 0x7c23_1048n }),
  c('crc32h w0, w1, w2', 0x1ac24420, { x1: 0n, x2: 0xffff_0000_0000_1234n }, { x0: 0x4893_82bfn }),
  c('crc32w w0, w1, w2', 0x1ac24820, { x1: HI | 0x1234_5678n, x2: 0xdead_beefn }, { x0: 0xb537_e7cdn }),
  // "12345678" little-endian from ~0: the complement of the usual CRC-32 of that string.
  c('crc32x w0, w1, x2', 0x9ac24c20, { x1: 0xffff_ffffn, x2: 0x3837_3635_3433_3231n }, { x0: 0x651f_2550n }),
  c('crc32cb w0, w1, w2', 0x1ac25020, { x1: 0xffff_ffffn, x2: 0x31n }, { x0: 0x6f0a_661cn }),
  c('crc32ch w0, w1, w2', 0x1ac25420, { x1: 0n, x2: 0xffffn }, { x0: 0x0e9e_77d2n }),
  c('crc32cw w0, w1, w2', 0x1ac25820, { x1: 0xffff_ffffn, x2: 0n }, { x0: 0xb798_b438n }),
  c('crc32cx w0, w1, x2', 0x9ac25c20, { x1: 0xffff_ffffn, x2: 0x3837_3635_3433_3231n }, { x0: 0x9f78_7f65n }),
];

const threeSource: Case[] = [
  c('madd x0, x1, x2, x3', 0x9b020c20, { x1: 3n, x2: 4n, x3: 5n }, { x0: 17n }),
  c('mul x0, x1, x2', 0x9b027c20, { x1: MIN64, x2: -1n }, { x0: MIN64 }),
  c('mul x0, x1, x2', 0x9b027c20, { x1: 0xffff_ffffn, x2: 0xffff_ffffn }, { x0: 0xffff_fffe_0000_0001n }),
  c('mul w0, w1, w2', 0x1b027c20, { x1: HI | 0xffff_ffffn, x2: 0xffff_ffffn }, { x0: 1n }),
  c('madd w0, w1, w2, w3', 0x1b020c20, { x1: 2n, x2: 3n, x3: HI | 0xffff_ffffn }, { x0: 5n }),
  c('msub x0, x1, x2, x3', 0x9b028c20, { x1: 3n, x2: 4n, x3: 5n }, { x0: -7n }),
  c('mneg w0, w1, w2', 0x1b02fc20, { x1: 3n, x2: 4n }, { x0: 0xffff_fff4n }),
  c('smaddl x0, w1, w2, x3', 0x9b220c20, { x1: HI | 0xffff_ffffn, x2: 0x8000_0000n, x3: 1n }, { x0: 0x8000_0001n }),
  c('smull x0, w1, w2', 0x9b227c20, { x1: 0x8000_0000n, x2: 0x8000_0000n }, { x0: 0x4000_0000_0000_0000n }),
  c('smull x0, w1, w2', 0x9b227c20, { x1: 0x7fff_ffffn, x2: 0x8000_0000n }, { x0: -(0x7fff_ffffn * 0x8000_0000n) }),
  c('smsubl x0, w1, w2, x3', 0x9b228c20, { x1: 0xffff_ffffn, x2: 5n, x3: 0n }, { x0: 5n }),
  c('smnegl x0, w1, w2', 0x9b22fc20, { x1: 2n, x2: 3n }, { x0: -6n }),
  c('umaddl x0, w1, w2, x3', 0x9ba20c20, { x1: 0xffff_ffffn, x2: 0xffff_ffffn, x3: 0x1_ffff_fffen }, { x0: -1n }),
  c('umull x0, w1, w2', 0x9ba27c20, { x1: HI | 2n, x2: HI | 3n }, { x0: 6n }),
  c('umsubl x0, w1, w2, x3', 0x9ba28c20, { x1: 0xffff_ffffn, x2: 2n, x3: 0n }, { x0: -(0xffff_ffffn * 2n) }),
  c('smulh x0, x1, x2', 0x9b427c20, { x1: -1n, x2: -1n }, { x0: 0n }),
  c('smulh x0, x1, x2', 0x9b427c20, { x1: MIN64, x2: MIN64 }, { x0: 0x4000_0000_0000_0000n }),
  c('smulh x0, x1, x2', 0x9b427c20, { x1: MIN64, x2: MAX64 }, { x0: 0xc000_0000_0000_0000n }),
  c('smulh x0, x1, x2', 0x9b427c20, { x1: -1n, x2: 1n }, { x0: -1n }),
  c('smulh x0, x1, x2', 0x9b427c20, { x1: 0x1234_5678_9abc_def0n, x2: 0xfedc_ba98_7654_3210n }, { x0: 0xffeb_4992_3cc0_9532n }),
  c('umulh x0, x1, x2', 0x9bc27c20, { x1: -1n, x2: -1n }, { x0: -2n }),
  c('umulh x0, x1, x2', 0x9bc27c20, { x1: 0x1_0000_0000n, x2: 0x1_0000_0000n }, { x0: 1n }),
  c('umulh x0, x1, x2', 0x9bc27c20, { x1: MIN64, x2: MAX64 }, { x0: 0x3fff_ffff_ffff_ffffn }),
  c('umulh x0, x1, x2', 0x9bc27c20, { x1: 0x1234_5678_9abc_def0n, x2: 0xfedc_ba98_7654_3210n }, { x0: 0x121f_a00a_d77d_7422n }),
];

const all = [...logical, ...addsubShift, ...addsubExt, ...carry, ...condCompare, ...condSelect, ...oneSource, ...twoSource, ...threeSource];

describe('data processing -- register', () => {
  describe('logical (shifted register)', () => checkCases(logical));
  describe('ADD/SUB (shifted register)', () => checkCases(addsubShift));
  describe('ADD/SUB (extended register)', () => checkCases(addsubExt));
  describe('ADC/SBC', () => checkCases(carry));
  describe('CCMN/CCMP', () => checkCases(condCompare));
  describe('conditional select', () => checkCases(condSelect));
  describe('1 source', () => checkCases(oneSource));
  describe('2 source', () => checkCases(twoSource));
  describe('3 source', () => checkCases(threeSource));
  describe('against the GNU toolchain and QEMU', () => checkAgainstTools(all));

  describe('unallocated encodings are UNDEFINED', () => {
    it.each([
      // and w0, w1, w2, lsl #31 (0x0a027c20) with imm6 = 32
      ['logical shifted, sf = 0, imm6 = 32', 0x0a028020],
      // add x0, x1, x2 (0x8b020020) with shift = ROR; add w0, w1, w2 (0x0b020020) with imm6 = 32
      ['ADD shifted, ROR', 0x8bc20020],
      ['ADDS shifted, sf = 0, imm6 = 32', 0x2b028020],
      // add x0, x1, x2, uxtx (0x8b226020) with opt = 01, 10; imm3 = 5, 6, 7
      ['ADD extended, opt = 01', 0x8b626020],
      ['SUB extended, opt = 10', 0xcba26020],
      ['ADD extended, imm3 = 5', 0x8b227420],
      ['ADDS extended, imm3 = 7', 0xab227c20],
      // adc x0, x1, x2 (0x9a020020) with bits 15:10 = 000001 (ARMv8.4 RMIF space)
      ['ADC, bits 15:10 != 0', 0x9a020420],
      // ccmp x1, x2, #0, eq (0xfa420020) with S = 0, o2 = 1, o3 = 1
      ['CCMP, S = 0', 0xda420020],
      ['CCMP, o2 = 1', 0xfa420420],
      ['CCMP, o3 = 1', 0xfa420030],
      // csel x0, x1, x2, eq (0x9a820020) with S = 1, op2 = 10
      ['CSEL, S = 1', 0xba820020],
      ['CSEL, op2 = 10', 0x9a820820],
      // udiv x0, x1, x2 (0x9ac20820) with S = 1; 2-source opcodes 000000, 000100, 001100 (later PACGA)
      ['UDIV, S = 1', 0xbac20820],
      ['2-source opcode 000000', 0x9ac20020],
      ['2-source opcode 000100', 0x9ac21020],
      ['2-source opcode 001100', 0x9ac23020],
      // crc32x w0, w1, x2 (0x9ac24c20) with sf = 0; crc32b w0, w1, w2 (0x1ac24020) with sf = 1
      ['CRC32X, sf = 0', 0x1ac24c20],
      ['CRC32B, sf = 1', 0x9ac24020],
      ['CRC32CH, sf = 1', 0x9ac25420],
      // rev x0, x1 (0xdac00c20) with sf = 0; clz x0, x1 (0xdac01020) with opcode2 = 00001 (PAC)
      ['REV, sf = 0 opc = 11', 0x5ac00c20],
      ['1-source opcode2 = 00001', 0xdac11020],
      ['1-source opcode 000110', 0xdac01820],
      ['1-source S = 1', 0xfac01020],
      // smaddl x0, w1, w2, x3 (0x9b220c20) with sf = 0; smulh x0, x1, x2 (0x9b427c20) with o0 = 1;
      // madd x0, x1, x2, x3 (0x9b020c20) with op54 = 01; op31 = 011
      ['SMADDL, sf = 0', 0x1b220c20],
      ['SMULH, o0 = 1', 0x9b42fc20],
      ['3-source op54 = 01', 0xbb020c20],
      ['3-source op31 = 011', 0x9b620c20],
      ['UMULH, sf = 0', 0x1bc27c20],
    ])('%s', (_, word) => expectUndefined(word));
  });
});
