// What a run of a test program produces, on either side, and how two runs are compared.
import {
  RES_X, RES_SP, RES_PC, RES_PSTATE, RES_TPIDR, RES_FAULT_ADDR, RES_SIGNO, RES_MAGIC, RESULT_SIZE, MAGIC,
  RES_FPSIMD, RES_FPSR, RES_FPCR, RES_V, FPSIMD_MAGIC, FPSIMD_CONTEXT_SIZE, BUF_SIZE, BUF_BASE, SIGNAL_NAMES,
} from './image';

export interface Outcome {
  /** The signal that stopped the stream: SIGTRAP at the end marker when it ran to the end. */
  signal: number;
  /** Address of the instruction that stopped it. */
  pc: bigint;
  x: bigint[]; // X0..X30
  sp: bigint;
  nzcv: number;
  tpidr: bigint;
  v: bigint[]; // V0..V31, 128 bits each (lane 0 in the low bits)
  fpsr: number;
  fpcr: number;
  /** For SIGSEGV/SIGBUS: the faulting address (informational, not compared). */
  faultAddr: bigint;
  buffer: Uint8Array;
  /** Extra words about the stop, e.g. ArmLab's ESR (informational). */
  note?: string;
  /** Instructions executed (ArmLab only; informational). */
  executed?: number;
}

/** The bytes QEMU's handler writes: the result block then the data buffer. */
export function parseResult(bytes: Uint8Array): Outcome {
  if (bytes.length !== RESULT_SIZE + BUF_SIZE) throw new Error(`expected ${RESULT_SIZE + BUF_SIZE} bytes of output, got ${bytes.length}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const q = (off: number): bigint => dv.getBigUint64(off, true);
  if (q(RES_MAGIC) !== MAGIC) throw new Error('result block has no magic word: the handler did not finish');
  if (dv.getUint32(RES_FPSIMD, true) !== FPSIMD_MAGIC || dv.getUint32(RES_FPSIMD + 4, true) !== FPSIMD_CONTEXT_SIZE) {
    throw new Error('the signal frame did not start uc_mcontext.__reserved with an fpsimd_context record');
  }
  return {
    signal: Number(q(RES_SIGNO)),
    pc: q(RES_PC),
    x: Array.from({ length: 31 }, (_, r) => q(RES_X + 8 * r)),
    sp: q(RES_SP),
    nzcv: Number(q(RES_PSTATE) & 0xf000_0000n),
    tpidr: q(RES_TPIDR),
    v: Array.from({ length: 32 }, (_, r) => (q(RES_V + 16 * r + 8) << 64n) | q(RES_V + 16 * r)),
    fpsr: dv.getUint32(RES_FPSR, true),
    fpcr: dv.getUint32(RES_FPCR, true),
    faultAddr: q(RES_FAULT_ADDR),
    buffer: bytes.slice(RESULT_SIZE),
  };
}

/** The same bytes from an Outcome (what a fixture stores). */
export function serializeOutcome(o: Outcome): Uint8Array {
  const out = new Uint8Array(RESULT_SIZE + BUF_SIZE);
  const dv = new DataView(out.buffer);
  o.x.forEach((v, r) => dv.setBigUint64(RES_X + 8 * r, v, true));
  dv.setBigUint64(RES_SP, o.sp, true);
  dv.setBigUint64(RES_PC, o.pc, true);
  dv.setBigUint64(RES_PSTATE, BigInt(o.nzcv >>> 0), true);
  dv.setBigUint64(RES_TPIDR, o.tpidr, true);
  dv.setBigUint64(RES_FAULT_ADDR, o.faultAddr, true);
  dv.setBigUint64(RES_SIGNO, BigInt(o.signal), true);
  dv.setBigUint64(RES_MAGIC, MAGIC, true);
  dv.setUint32(RES_FPSIMD, FPSIMD_MAGIC, true);
  dv.setUint32(RES_FPSIMD + 4, FPSIMD_CONTEXT_SIZE, true);
  dv.setUint32(RES_FPSR, o.fpsr >>> 0, true);
  dv.setUint32(RES_FPCR, o.fpcr >>> 0, true);
  o.v.forEach((v, r) => {
    dv.setBigUint64(RES_V + 16 * r, BigInt.asUintN(64, v), true);
    dv.setBigUint64(RES_V + 16 * r + 8, BigInt.asUintN(64, v >> 64n), true);
  });
  out.set(o.buffer, RESULT_SIZE);
  return out;
}

export interface Difference {
  what: string; // "x3", "sp", "nzcv", "tpidr_el0", "v7", "fpsr", "fpcr", "stop", "mem[0x40081010]"
  expected: string; // QEMU
  got: string; // ArmLab
}

export const hex64 = (v: bigint): string => '0x' + v.toString(16).padStart(16, '0');
/** A V register as two 64-bit halves, high first: 0x<bits 127:64>_<bits 63:0>. */
export const hex128 = (v: bigint): string => `0x${(v >> 64n).toString(16).padStart(16, '0')}_${(v & 0xffff_ffff_ffff_ffffn).toString(16).padStart(16, '0')}`;
export const hex32 = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');
const hex = (v: number | bigint): string => '0x' + v.toString(16);

export function nzcvText(v: number): string {
  return ['N', 'Z', 'C', 'V'].map((f, k) => ((v >>> (31 - k)) & 1 ? f : f.toLowerCase())).join('');
}

export function stopText(o: Outcome, endPc: number): string {
  if (o.signal === 5 && o.pc === BigInt(endPc)) return 'ran to the end';
  const name = SIGNAL_NAMES[o.signal] ?? `signal ${o.signal}`;
  const extra = o.signal === 11 || o.signal === 7 ? ` addr ${hex(o.faultAddr)}` : '';
  return `${name} at ${hex(o.pc)}${extra}${o.note ? ` (${o.note})` : ''}`;
}

/** Everything that differs between QEMU's outcome (expected) and ArmLab's (got). */
export function compareOutcomes(expected: Outcome, got: Outcome, endPc: number): Difference[] {
  const d: Difference[] = [];
  if (expected.signal !== got.signal || expected.pc !== got.pc) {
    d.push({ what: 'stop', expected: stopText(expected, endPc), got: stopText(got, endPc) });
  }
  for (let r = 0; r < 31; r++) {
    if (expected.x[r] !== got.x[r]) d.push({ what: `x${r}`, expected: hex64(expected.x[r]), got: hex64(got.x[r]) });
  }
  if (expected.sp !== got.sp) d.push({ what: 'sp', expected: hex64(expected.sp), got: hex64(got.sp) });
  if (expected.nzcv !== got.nzcv) d.push({ what: 'nzcv', expected: nzcvText(expected.nzcv), got: nzcvText(got.nzcv) });
  if (expected.tpidr !== got.tpidr) d.push({ what: 'tpidr_el0', expected: hex64(expected.tpidr), got: hex64(got.tpidr) });
  for (let r = 0; r < 32; r++) {
    if (expected.v[r] !== got.v[r]) d.push({ what: `v${r}`, expected: hex128(expected.v[r]), got: hex128(got.v[r]) });
  }
  if (expected.fpsr >>> 0 !== got.fpsr >>> 0) d.push({ what: 'fpsr', expected: hex32(expected.fpsr), got: hex32(got.fpsr) });
  if (expected.fpcr >>> 0 !== got.fpcr >>> 0) d.push({ what: 'fpcr', expected: hex32(expected.fpcr), got: hex32(got.fpcr) });
  // Memory: report differing 8-byte words of the buffer.
  for (let off = 0; off < BUF_SIZE; off += 8) {
    let same = true;
    for (let k = 0; k < 8; k++) if (expected.buffer[off + k] !== got.buffer[off + k]) same = false;
    if (same) continue;
    const word = (b: Uint8Array): bigint => new DataView(b.buffer, b.byteOffset + off, 8).getBigUint64(0, true);
    d.push({ what: `mem[${hex(BUF_BASE + off)}]`, expected: hex64(word(expected.buffer)), got: hex64(word(got.buffer)) });
  }
  return d;
}
