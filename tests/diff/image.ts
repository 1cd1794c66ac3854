// A test program's memory image: the fixed layout shared by QEMU and ArmLab, the prologue that
// loads the initial state, the stream, the end marker, and the signal handler that reports the
// final state.
//
// How a program ends: the stream is followed by `BRK #END_MARK`. Under qemu-aarch64 that raises
// SIGTRAP; so does any instruction of the stream that faults (SIGILL, SIGSEGV, SIGBUS). The prologue
// installs one handler for all of them, running on an alternate signal stack (the stream may leave
// SP anywhere). The handler copies the interrupted context out of the signal frame (X0..X30, SP,
// PC, PSTATE, the fault address, and the fpsimd_context record: FPSR, FPCR, V0..V31) plus TPIDR_EL0
// and the signal number into the result block and
// writes the result block and the data buffer to stdout. So every register, SP included, is
// reported exactly as the stream left it, with no register reserved for the harness, and a fault
// is an outcome to compare (signal and PC) rather than a crashed run.
//
// Memory (all inside ArmLab's RAM at 0x4000_0000):
//   CODE_BASE      prologue (PROLOGUE_WORDS, fixed), stream, BRK #END_MARK, handler
//   DATA_BASE      init block | sigaction | stack_t | result block | data buffer
//   ALTSTACK_BASE  the alternate signal stack (QEMU only), at an odd page
import { writeElf } from './elf';
import * as A from './a64';
import { createHash } from 'node:crypto';

export const CODE_BASE = 0x4000_0000;
export const CODE_LIMIT = 0x8_0000; // 512 KiB of code: about 128k instruction words
export const DATA_BASE = 0x4008_0000;
export const INIT_OFF = 0x000; // X0..X30, SP, NZCV, TPIDR_EL0, FPCR, FPSR (u64 each)
export const INIT_SP = 31 * 8;
export const INIT_NZCV = 32 * 8;
export const INIT_TPIDR = 33 * 8;
export const INIT_FPCR = 34 * 8;
export const INIT_FPSR = 35 * 8;
/** V0..V31 (16 bytes each), within reach of LDP Q's scaled offset from the init block's base. */
export const INIT_V = 0x200;
export const SIGACTION_OFF = 0x400; // struct sigaction: handler, flags, restorer, mask
export const STACK_T_OFF = 0x440; // stack_t: ss_sp, ss_flags, ss_size
export const RESULT_OFF = 0x800;
export const BUF_OFF = 0x1000;
export const BUF_SIZE = 0x1000;
export const DATA_FILESZ = 0x2000;
export const BUF_BASE = DATA_BASE + BUF_OFF;
/** RAM an ArmLab core needs to run any program (from CODE_BASE). */
export const RAM_NEEDED = DATA_BASE + DATA_FILESZ - CODE_BASE;
// The alternate signal stack, a segment of its own where a stream is very unlikely to point SP: if
// SP is inside it when a signal arrives, the kernel pushes the frame below SP instead of switching
// stacks. Next to the data buffer, post-indexed loads through SP put a signal frame over the buffer;
// at the round 0x4010_0000, ADRP + ADD SP found it (edge-biased immediates like round numbers).
// Hence an odd page. Only QEMU uses it.
export const ALTSTACK_BASE = 0x4537_6000;
export const ALTSTACK_SIZE = 0x4000;

// The result block the handler writes (u64 each).
export const RES_X = 0; // X0..X30
export const RES_SP = 31 * 8;
export const RES_PC = 32 * 8;
export const RES_PSTATE = 33 * 8;
export const RES_TPIDR = 34 * 8;
export const RES_FAULT_ADDR = 35 * 8;
export const RES_SIGNO = 36 * 8;
export const RES_MAGIC = 37 * 8;
/**
 * The signal frame's fpsimd_context record, copied as is: its header (magic, size), FPSR and FPCR
 * (u32 each), then V0..V31 (16 bytes each, 16-byte aligned).
 */
export const RES_FPSIMD = 38 * 8;
export const RES_FPSR = RES_FPSIMD + 8;
export const RES_FPCR = RES_FPSIMD + 12;
export const RES_V = RES_FPSIMD + 16;
export const FPSIMD_CONTEXT_SIZE = 16 + 32 * 16;
export const RESULT_SIZE = RES_FPSIMD + FPSIMD_CONTEXT_SIZE;
export const MAGIC = 0x4652_4444_424c_4d41n; // "AMLBDDRF", says the handler ran to the end
/** _aarch64_ctx.magic of the fpsimd_context record, which comes first in uc_mcontext.__reserved. */
export const FPSIMD_MAGIC = 0x4650_8001;

/** The immediate of the BRK that ends the stream. */
export const END_MARK = 0xd1ff;

// Linux (and qemu-aarch64's emulation of it) on arm64.
const SYS_SIGALTSTACK = 132;
const SYS_RT_SIGACTION = 134;
const SYS_WRITE = 64;
const SYS_EXIT_GROUP = 94;
const SA_SIGINFO = 0x4;
const SA_ONSTACK = 0x0800_0000;
export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGBUS = 7;
export const SIGFPE = 8;
export const SIGSEGV = 11;
const CAUGHT = [SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV];
/** Offset of uc_mcontext (struct sigcontext) in the arm64 ucontext of a signal frame. */
const UC_MCONTEXT = 176;
/**
 * Offset of sigcontext.__reserved (after fault_address, regs[31], sp, pc, pstate, aligned to 16),
 * where the kernel (and qemu-aarch64) put the fpsimd_context record first.
 */
const SC_RESERVED = 288;

export const SIGNAL_NAMES: Record<number, string> = { 4: 'SIGILL', 5: 'SIGTRAP', 7: 'SIGBUS', 8: 'SIGFPE', 11: 'SIGSEGV' };

/** The prologue has a fixed length, so the stream's addresses are known before it is built. */
export const PROLOGUE_WORDS = 84;
export const STREAM_BASE = CODE_BASE + 4 * PROLOGUE_WORDS;

/** One step of a stream: helper words (address set-up) then the instruction under test, last. */
export interface Unit {
  words: number[];
  /** The decode-table entry of the instruction under test (the last word). */
  entry: string;
}

export interface InitState {
  x: bigint[]; // X0..X30
  sp: bigint;
  nzcv: number;
  tpidr: bigint;
  v: bigint[]; // V0..V31, 128 bits each (lane 0 in the low bits)
  fpcr: number;
  fpsr: number;
}

export interface TestProgram {
  group: string;
  /** Who this program is, e.g. "ldst/7/3" (group/campaign seed/index): the PRNG's seed. */
  label: string;
  units: Unit[];
  init: InitState;
  /** The data buffer's initial contents (BUF_SIZE bytes). */
  buffer: Uint8Array;
}

export interface Image {
  elf: Uint8Array;
  /** Every code word from CODE_BASE: prologue, stream, end marker, handler. */
  code: Uint8Array;
  data: Uint8Array;
  streamStart: number;
  /** Address of the BRK #END_MARK that ends the stream. */
  endPc: number;
  /** Address of each unit's first word and of its instruction under test. */
  unitStart: number[];
  unitMain: number[];
  /** sha256 of the ELF, first 16 hex digits: a fixture is valid for exactly this program. */
  hash: string;
}

function u32le(words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  words.forEach((w, k) => dv.setUint32(4 * k, w >>> 0, true));
  return out;
}

/** MOVZ + MOVK of a 32-bit address (always two words, so layouts do not depend on the value). */
function movAddr(rd: number, addr: number): number[] {
  return [A.movz(rd, addr & 0xffff, 0), A.movk(rd, (addr >>> 16) & 0xffff, 1)];
}

function prologue(): number[] {
  const w: number[] = [];
  // sigaltstack(&stack_t, NULL)
  w.push(...movAddr(0, DATA_BASE + STACK_T_OFF), A.movz(1, 0), A.movz(8, SYS_SIGALTSTACK), A.svc());
  // rt_sigaction(sig, &sigaction, NULL, sizeof(sigset_t)) for each signal a stream can raise
  for (const sig of CAUGHT) {
    w.push(A.movz(0, sig), ...movAddr(1, DATA_BASE + SIGACTION_OFF), A.movz(2, 0), A.movz(3, 8), A.movz(8, SYS_RT_SIGACTION), A.svc());
  }
  // The initial state, X0 (the base) last.
  w.push(...movAddr(0, DATA_BASE + INIT_OFF));
  w.push(A.ldrX(1, 0, INIT_SP), A.addImm(31, 1, 0)); // MOV SP, X1
  w.push(A.ldrX(1, 0, INIT_NZCV), A.msr(A.SYSREG_NZCV, 1));
  w.push(A.ldrX(1, 0, INIT_TPIDR), A.msr(A.SYSREG_TPIDR_EL0, 1));
  w.push(A.ldrX(1, 0, INIT_FPCR), A.msr(A.SYSREG_FPCR, 1));
  w.push(A.ldrX(1, 0, INIT_FPSR), A.msr(A.SYSREG_FPSR, 1));
  for (let r = 0; r < 32; r += 2) w.push(A.ldpQ(r, r + 1, 0, INIT_V + 16 * r));
  for (let r = 1; r < 31; r += 2) w.push(A.ldpX(r, r + 1, 0, 8 * r));
  w.push(A.ldrX(0, 0, 0));
  if (w.length !== PROLOGUE_WORDS) throw new Error(`prologue is ${w.length} words, expected ${PROLOGUE_WORDS}`);
  return w;
}

/** The signal handler: x0 = signal number, x1 = siginfo, x2 = ucontext. */
function handler(): number[] {
  const w: number[] = [];
  const result = DATA_BASE + RESULT_OFF;
  w.push(...movAddr(3, result));
  // sigcontext = { fault_address, regs[31], sp, pc, pstate }: copy regs..pstate (34 words) in pairs.
  w.push(A.addImm(4, 2, UC_MCONTEXT + 8));
  for (let k = 0; k < 17; k++) w.push(A.ldpX(5, 6, 4, 16 * k), A.stpX(5, 6, 3, 16 * k));
  w.push(A.ldrX(5, 2, UC_MCONTEXT), A.strX(5, 3, RES_FAULT_ADDR));
  // The fpsimd_context record (header, FPSR, FPCR, V0..V31): 33 pairs of X words, in two runs
  // because LDP/STP reach 504 bytes.
  w.push(A.addImm(4, 2, UC_MCONTEXT + SC_RESERVED), A.addImm(7, 3, RES_FPSIMD));
  for (let k = 0; k < 32; k++) w.push(A.ldpX(5, 6, 4, 16 * k), A.stpX(5, 6, 7, 16 * k));
  w.push(A.addImm(4, 4, 512), A.addImm(7, 7, 512), A.ldpX(5, 6, 4, 0), A.stpX(5, 6, 7, 0));
  w.push(A.mrs(5, A.SYSREG_TPIDR_EL0), A.strX(5, 3, RES_TPIDR));
  w.push(A.strX(0, 3, RES_SIGNO));
  w.push(...A.movImm64(5, MAGIC), A.strX(5, 3, RES_MAGIC));
  w.push(A.movz(0, 1), A.addImm(1, 3, 0), A.movz(2, RESULT_SIZE), A.movz(8, SYS_WRITE), A.svc());
  w.push(A.movz(0, 1), ...movAddr(1, BUF_BASE), A.movz(2, BUF_SIZE), A.movz(8, SYS_WRITE), A.svc());
  w.push(A.movz(0, 0), A.movz(8, SYS_EXIT_GROUP), A.svc());
  return w;
}

/** Lays out a program's code and data and wraps them in an ELF. */
export function buildImage(p: TestProgram): Image {
  const words = prologue();
  const unitStart: number[] = [];
  const unitMain: number[] = [];
  for (const u of p.units) {
    unitStart.push(CODE_BASE + 4 * words.length);
    words.push(...u.words);
    unitMain.push(CODE_BASE + 4 * (words.length - 1));
  }
  const endPc = CODE_BASE + 4 * words.length;
  words.push(A.brk(END_MARK));
  const handlerAddr = CODE_BASE + 4 * words.length;
  words.push(...handler());
  if (words.length * 4 > CODE_LIMIT) throw new Error(`program of ${words.length} words does not fit in ${CODE_LIMIT} bytes`);
  const code = u32le(words);

  const data = new Uint8Array(DATA_FILESZ);
  const dv = new DataView(data.buffer);
  p.init.x.forEach((v, r) => dv.setBigUint64(INIT_OFF + 8 * r, BigInt.asUintN(64, v), true));
  dv.setBigUint64(INIT_OFF + INIT_SP, BigInt.asUintN(64, p.init.sp), true);
  dv.setBigUint64(INIT_OFF + INIT_NZCV, BigInt(p.init.nzcv >>> 0), true);
  dv.setBigUint64(INIT_OFF + INIT_TPIDR, BigInt.asUintN(64, p.init.tpidr), true);
  dv.setBigUint64(INIT_OFF + INIT_FPCR, BigInt(p.init.fpcr >>> 0), true);
  dv.setBigUint64(INIT_OFF + INIT_FPSR, BigInt(p.init.fpsr >>> 0), true);
  p.init.v.forEach((v, r) => {
    dv.setBigUint64(INIT_V + 16 * r, BigInt.asUintN(64, v), true);
    dv.setBigUint64(INIT_V + 16 * r + 8, BigInt.asUintN(64, v >> 64n), true);
  });
  dv.setBigUint64(SIGACTION_OFF, BigInt(handlerAddr), true);
  dv.setBigUint64(SIGACTION_OFF + 8, BigInt(SA_SIGINFO | SA_ONSTACK), true);
  // restorer (unused: the handler never returns) and sa_mask stay 0.
  dv.setBigUint64(STACK_T_OFF, BigInt(ALTSTACK_BASE), true);
  dv.setBigUint64(STACK_T_OFF + 16, BigInt(ALTSTACK_SIZE), true);
  if (p.buffer.length !== BUF_SIZE) throw new Error('buffer size');
  data.set(p.buffer, BUF_OFF);

  const elf = writeElf(CODE_BASE, [
    { vaddr: CODE_BASE, data: code, flags: { r: true, x: true } },
    { vaddr: DATA_BASE, data, flags: { r: true, w: true } },
    { vaddr: ALTSTACK_BASE, data: new Uint8Array(0), memsz: ALTSTACK_SIZE, flags: { r: true, w: true } },
  ]);
  const hash = createHash('sha256').update(elf).digest('hex').slice(0, 16);
  return { elf, code, data, streamStart: STREAM_BASE, endPc, unitStart, unitMain, hash };
}

/**
 * A copy of p whose units from `keep` on are replaced by BRK #END_MARK (same layout and addresses).
 * With `helpers`, unit `keep` keeps its helper words and only its instruction under test becomes
 * the BRK: the program then stops exactly where that instruction would start.
 */
export function truncateProgram(p: TestProgram, keep: number, helpers = false): TestProgram {
  const stop = A.brk(END_MARK);
  const units = p.units.map((u, k) => {
    if (k < keep) return u;
    if (k === keep && helpers) return { words: [...u.words.slice(0, -1), stop], entry: '(cut)' };
    return { words: u.words.map(() => stop), entry: '(cut)' };
  });
  return { ...p, units };
}
