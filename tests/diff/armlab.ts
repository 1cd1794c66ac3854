// Runs a test program on ArmLab's core in user mode (EL0, like qemu-aarch64) and reports the same
// Outcome that QEMU's signal handler reports.
//
// Two ways to start:
//  - "direct" (the default): the initial state is written straight into the registers and the core
//    starts at the stream, so only the stream's instructions are under test;
//  - "full": the core runs the ELF from its entry point, prologue included (MOVZ/MOVK, LDR/LDP,
//    MSR NZCV/TPIDR_EL0/FPCR/FPSR, LDP of Q registers, and SVCs for sigaltstack/rt_sigaction that this file answers with 0).
// Either way the stream ends in a synchronous exception (the BRK at its end, or a fault), which in
// user mode stops run() with ESR_EL1/ELR_EL1/FAR_EL1 set; this file turns that into the signal Linux
// would deliver and reads the registers directly instead of running the handler.
import { Core, type CoreHost } from '../../src/machine/core';
import { coreModuleSync } from '../../src/machine/wasm-node';
import * as L from '../../src/core/layout';
import { CODE_BASE, DATA_BASE, RAM_NEEDED, BUF_BASE, BUF_SIZE, SIGILL, SIGTRAP, SIGBUS, SIGSEGV, type Image, type TestProgram } from './image';
import type { Outcome } from './outcome';

const RAM_SIZE = Math.ceil(RAM_NEEDED / L.WASM_PAGE) * L.WASM_PAGE;

const host: CoreHost = {
  mmioRead: () => null,
  mmioWrite: () => false,
  psciCall: () => undefined,
};

export type StartMode = 'direct' | 'full';

/** The signal Linux sends for a synchronous exception from EL0 with this ESR_EL1. */
export function signalForEsr(esr: bigint): { signal: number; why: string } {
  const ec = Number((esr >> 26n) & 0x3fn);
  const iss = Number(esr & 0x1ff_ffffn);
  switch (ec) {
    case 0x00:
      return { signal: SIGILL, why: 'UNDEFINED' };
    case 0x0e:
      return { signal: SIGILL, why: 'illegal execution state' };
    case 0x18:
      return { signal: SIGILL, why: 'trapped MSR/MRS/system instruction' };
    case 0x3c:
      return { signal: SIGTRAP, why: `BRK #0x${(iss & 0xffff).toString(16)}` };
    case 0x22:
      return { signal: SIGBUS, why: 'PC alignment fault' };
    case 0x26:
      return { signal: SIGBUS, why: 'SP alignment fault' };
    case 0x24:
    case 0x25:
      return (iss & 0x3f) === 0x21 ? { signal: SIGBUS, why: 'alignment fault' } : { signal: SIGSEGV, why: `data abort, DFSC 0x${(iss & 0x3f).toString(16)}` };
    case 0x20:
    case 0x21:
      return { signal: SIGSEGV, why: 'instruction abort' };
    default:
      return { signal: -1, why: `exception class 0x${ec.toString(16)}` };
  }
}

export async function newUserCore(): Promise<Core> {
  return Core.create(coreModuleSync(), { ramBase: CODE_BASE, ramSize: RAM_SIZE, haveEl2: true, psci: 'none', userMode: true }, host);
}

/** Loads the image's segments (the part of the data segment beyond the file is zero already). */
function loadImage(core: Core, img: Image): void {
  core.writePhys(CODE_BASE, img.code);
  core.writePhys(DATA_BASE, img.data);
}

function outcomeOf(core: Core, exit: number): Outcome {
  let signal = -1;
  let pc = core.pc;
  let note: string;
  let faultAddr = 0n;
  if (exit === L.EXIT_USER_FAULT) {
    const esr = core.sysreg(L.SR_ESR_EL1);
    const s = signalForEsr(esr);
    signal = s.signal;
    pc = core.sysreg(L.SR_ELR_EL1);
    faultAddr = core.sysreg(L.SR_FAR_EL1);
    note = `${s.why}; ESR_EL1 0x${esr.toString(16)}`;
  } else if (exit === L.EXIT_USER_SVC) {
    note = 'unexpected SVC';
  } else if (exit === L.EXIT_BUDGET) {
    note = 'still running when the instruction budget ran out';
  } else {
    note = `run() returned exit reason ${exit}`;
  }
  return {
    signal,
    pc,
    x: Array.from({ length: 31 }, (_, r) => core.x(r)),
    sp: core.spEl(0),
    nzcv: core.nzcv,
    tpidr: core.sysreg(L.SR_TPIDR_EL0),
    v: Array.from({ length: 32 }, (_, r) => core.v(r)),
    fpsr: core.fpsr >>> 0,
    fpcr: core.fpcr >>> 0,
    faultAddr,
    buffer: core.readPhys(BUF_BASE, BUF_SIZE),
    executed: Number(core.insnCount),
    note: signal === SIGTRAP && note.startsWith('BRK') ? undefined : note,
  };
}

const SYS_SIGALTSTACK = 132;
const SYS_RT_SIGACTION = 134;

// One core serves every program: before each run its state block goes back to the copy taken right
// after creation (the CPU state is all in the state block, which is what snapshots rely on too) and
// RAM is cleared. A fresh 17 MiB wasm memory per program made long campaigns slow down with GC.
let shared: Promise<{ core: Core; pristine: Uint8Array }> | undefined;

function sharedCore(): Promise<{ core: Core; pristine: Uint8Array }> {
  shared ??= newUserCore().then((core) => ({ core, pristine: core.stateBlock() }));
  return shared;
}

/** Runs one program on ArmLab (a reset core) and returns its outcome. */
export async function runArmLab(p: TestProgram, img: Image, mode: StartMode = 'direct'): Promise<Outcome> {
  const { core: c, pristine } = await sharedCore();
  // Nothing below awaits, so concurrent callers never interleave on the shared core.
  new Uint8Array(c.memory.buffer, L.STATE_BASE, L.STATE_SIZE).set(pristine);
  c.ram.fill(0);
  loadImage(c, img);
  // Every path through a stream is forward-only, so it ends within this many instructions.
  const budget = (img.endPc - CODE_BASE) / 4 + 16;
  if (mode === 'direct') {
    p.init.x.forEach((v, r) => c.setX(r, v));
    c.setElSp(0, 0, BigInt.asUintN(64, p.init.sp));
    c.nzcv = p.init.nzcv;
    c.setSysreg(L.SR_TPIDR_EL0, BigInt.asUintN(64, p.init.tpidr));
    p.init.v.forEach((v, r) => c.setV(r, v));
    // Straight into the state block, as the prologue's MSR would leave them: the generator draws
    // only bits that both QEMU and ArmLab keep (generator.ts, FPCR_BITS/FPSR_BITS).
    c.fpcr = p.init.fpcr;
    c.fpsr = p.init.fpsr;
    c.pc = BigInt(img.streamStart);
    return outcomeOf(c, c.run(budget));
  }
  c.setElSp(0, 0, 0n);
  c.pc = BigInt(CODE_BASE);
  let left = budget;
  for (;;) {
    const before = c.insnCount;
    const exit = c.run(left);
    left -= Number(c.insnCount - before);
    if (exit !== L.EXIT_USER_SVC) return outcomeOf(c, exit);
    const nr = Number(c.x(8));
    if (nr !== SYS_SIGALTSTACK && nr !== SYS_RT_SIGACTION) return outcomeOf(c, exit);
    c.setX(0, 0n); // success; PC already points after the SVC
  }
}
