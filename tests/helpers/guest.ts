// Tiny guest programs for machine, loader and CLI tests, built in TypeScript so the default test run
// needs no cross toolchain. The instruction words come from aarch64-linux-gnu-as + objdump.
import { A64_TABLE } from '../../src/core/generated/table';

export const LOAD_ADDR = 0x4008_0000;

/**
 * Writes "hi\n" to the PL011 and powers off through PSCI:
 *   movz x1, #0x0900, lsl #16   // UART base 0x0900_0000
 *   mov  w2, #'h' ; strb w2, [x1]
 *   mov  w2, #'i' ; strb w2, [x1]
 *   mov  w2, #'\n'; strb w2, [x1]
 *   movz x0, #0x8400, lsl #16 ; movk x0, #8   // PSCI SYSTEM_OFF = 0x8400_0008
 *   smc  #0        (hvc #0 for an EL1 machine)
 *   b    .
 */
export function hiProgram(conduit: 'smc' | 'hvc' = 'smc'): number[] {
  return [
    0xd2a12001, 0x52800d02, 0x39000022, 0x52800d22, 0x39000022, 0x52800142, 0x39000022, 0xd2b08000, 0xf2800100,
    conduit === 'smc' ? 0xd4000003 : 0xd4000002, 0x14000000,
  ];
}

/**
 * Waits for one byte on the UART, echoes it, then makes a PSCI call over SMC:
 *   movz x1, #0x0900, lsl #16
 * 1: ldr w2, [x1, #0x18] ; tbnz w2, #4, 1b    // wait while FR.RXFE
 *   ldr w2, [x1] ; strb w2, [x1]
 *   movz x0, #0x8400, lsl #16 ; movk x0, #8 (SYSTEM_OFF) or #9 (SYSTEM_RESET)
 *   smc #0 ; b .
 */
export function echoProgram(then: 'off' | 'reset'): number[] {
  return [0xd2a12001, 0xb9401822, 0x3727ffe2, 0xb9400022, 0x39000022, 0xd2b08000, then === 'off' ? 0xf2800100 : 0xf2800120, 0xd4000003, 0x14000000];
}

/** b . — a loop that never ends. */
export const LOOP = [0x14000000];

/** Little-endian bytes of instruction words. */
export function wordsToBytes(words: readonly number[]): Uint8Array {
  const b = new Uint8Array(words.length * 4);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => dv.setUint32(4 * i, w >>> 0, true));
  return b;
}

export interface ElfSegment {
  addr: number;
  bytes: Uint8Array;
  /** Bytes of .bss after the file contents. */
  bss?: number;
}

/** A minimal ELF64 little-endian AArch64 executable: the headers, then each segment's bytes. */
export function elf64(segments: ElfSegment[], entry = segments[0].addr): Uint8Array {
  const EHDR = 64;
  const PHDR = 56;
  let offset = EHDR + PHDR * segments.length;
  const offsets = segments.map((s) => {
    const o = offset;
    offset += s.bytes.length;
    return o;
  });
  const out = new Uint8Array(offset);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]); // ELFCLASS64, ELFDATA2LSB, EV_CURRENT
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, 183, true); // EM_AARCH64
  dv.setUint32(20, 1, true); // e_version
  dv.setBigUint64(24, BigInt(entry), true);
  dv.setBigUint64(32, BigInt(EHDR), true); // e_phoff
  dv.setUint16(52, EHDR, true); // e_ehsize
  dv.setUint16(54, PHDR, true);
  dv.setUint16(56, segments.length, true);
  segments.forEach((s, i) => {
    const ph = EHDR + PHDR * i;
    dv.setUint32(ph, 1, true); // PT_LOAD
    dv.setUint32(ph + 4, 7, true); // RWX
    dv.setBigUint64(ph + 8, BigInt(offsets[i]), true);
    dv.setBigUint64(ph + 16, BigInt(s.addr), true);
    dv.setBigUint64(ph + 24, BigInt(s.addr), true);
    dv.setBigUint64(ph + 32, BigInt(s.bytes.length), true);
    dv.setBigUint64(ph + 40, BigInt(s.bytes.length + (s.bss ?? 0)), true);
    dv.setBigUint64(ph + 48, 4n, true);
    out.set(s.bytes, offsets[i]);
  });
  return out;
}

/** An ELF that runs `words` at LOAD_ADDR. */
export function programElf(words: readonly number[]): Uint8Array {
  return elf64([{ addr: LOAD_ADDR, bytes: wordsToBytes(words) }]);
}

/** The first encoding the decode table marks `!unimpl`, if any. */
export function someUnimplementedWord(): number | undefined {
  const e = A64_TABLE.find((t) => t.unimpl);
  return e ? e.value >>> 0 : undefined;
}
