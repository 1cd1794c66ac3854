// A minimal writer of static AArch64 ELF64 executables (ET_EXEC, no sections): one PT_LOAD per
// segment at a fixed virtual address. qemu-aarch64 maps them where they say; ArmLab copies their
// bytes to the same physical addresses (user mode has no MMU, so virtual = physical).

export interface ElfSegment {
  vaddr: number;
  data: Uint8Array;
  /** Bytes in memory; the part beyond data is zero (like .bss). Defaults to data.length. */
  memsz?: number;
  flags: { r?: boolean; w?: boolean; x?: boolean };
}

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const PAGE = 0x1000;
const EM_AARCH64 = 183;
const ET_EXEC = 2;
const PT_LOAD = 1;

export function writeElf(entry: number, segments: readonly ElfSegment[]): Uint8Array {
  // Each segment's file offset is congruent to its address modulo the page size, as loaders need.
  let off = PAGE;
  const offsets: number[] = [];
  for (const s of segments) {
    if (s.vaddr % PAGE !== 0) throw new Error(`segment at 0x${s.vaddr.toString(16)} is not page aligned`);
    offsets.push(off);
    off += Math.ceil(s.data.length / PAGE) * PAGE || PAGE;
  }
  const file = new Uint8Array(off);
  const dv = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 2 /* ELFCLASS64 */, 1 /* little-endian */, 1 /* EV_CURRENT */, 0 /* SYSV ABI */]);
  dv.setUint16(16, ET_EXEC, true);
  dv.setUint16(18, EM_AARCH64, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(entry), true);
  dv.setBigUint64(32, BigInt(EHDR_SIZE), true); // e_phoff
  dv.setBigUint64(40, 0n, true); // e_shoff: no section headers
  dv.setUint32(48, 0, true); // e_flags
  dv.setUint16(52, EHDR_SIZE, true);
  dv.setUint16(54, PHDR_SIZE, true);
  dv.setUint16(56, segments.length, true);
  dv.setUint16(58, 64, true); // e_shentsize
  dv.setUint16(60, 0, true); // e_shnum
  dv.setUint16(62, 0, true); // e_shstrndx
  segments.forEach((s, k) => {
    const p = EHDR_SIZE + k * PHDR_SIZE;
    const flags = (s.flags.x ? 1 : 0) | (s.flags.w ? 2 : 0) | (s.flags.r ? 4 : 0);
    dv.setUint32(p, PT_LOAD, true);
    dv.setUint32(p + 4, flags, true);
    dv.setBigUint64(p + 8, BigInt(offsets[k]), true);
    dv.setBigUint64(p + 16, BigInt(s.vaddr), true);
    dv.setBigUint64(p + 24, BigInt(s.vaddr), true);
    dv.setBigUint64(p + 32, BigInt(s.data.length), true);
    dv.setBigUint64(p + 40, BigInt(s.memsz ?? s.data.length), true);
    dv.setBigUint64(p + 48, BigInt(PAGE), true);
    file.set(s.data, offsets[k]);
  });
  return file;
}
