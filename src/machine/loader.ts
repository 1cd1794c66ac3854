// Boot images: what `-kernel`, `-initrd` and `-dtb` mean on the "virt" board, the QEMU way.
//
// Kernel formats, recognised by content (never by file name):
//   gzip     (1f 8b)          decompressed first, then recognised again (Image.gz)
//   ELF64    (7f 'E' 'L' 'F')  AArch64 little-endian executables: PT_LOAD segments at their physical
//                              addresses (p_paddr), .bss zeroed, entry at e_entry
//   arm64 Image ("ARM\x64" at 56, Documentation/arm64/booting.rst): loaded at a 2 MiB-aligned base
//                              plus text_offset. Like QEMU the base is RAM + 2 MiB, so text_offset 0
//                              gives 0x4020_0000. Images older than Linux 3.17 have image_size 0 and
//                              must sit text_offset (taken as 0x80000) above the start of RAM.
//   raw binary (anything else) loaded and entered at RAM + 0x8_0000 = 0x4008_0000, QEMU's address
//                              for a raw AArch64 -kernel file.
//
// Placement of the rest follows QEMU's conventions:
//   initrd at RAM + min(RAM/2, 128 MiB), or just above the kernel if the kernel reaches further;
//   DTB after the initrd, 2 MiB aligned (Linux maps it with 2 MiB blocks). For an ELF kernel the DTB
//   goes to the very start of RAM when it fits below the program, as QEMU does for bare-metal ELFs.
// A gzip initrd is decompressed here too: Linux accepts an uncompressed initramfs just the same,
// and the guest is spared tens of millions of instructions of inflating it.
//
// The device tree: the board's own, generated from its configuration (devicetree.ts) with /chosen
// filled in (bootargs = the command line, linux,initrd-start/end), or a DTB the user gives, which
// is parsed (a malformed one is refused) and gets the same /chosen properties patched in, as QEMU
// does with -dtb. Every kernel gets a DTB in X0 when the machine passes its board configuration.
import { concatBytes } from './bytes';
import { Gunzip } from 'fflate';
import { FdtError, readFdt, writeFdt, type FdtTree } from './fdt';
import { applyChosen, buildDtb, type BoardConfig, type ChosenConfig } from './devicetree';

/** A boot image is unusable; the message is one line that says why. */
export class ImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageError';
  }
}

export interface MachineImages {
  kernel: Uint8Array;
  initrd?: Uint8Array;
  dtb?: Uint8Array;
}

export interface RamRegion {
  base: number;
  size: number;
}

export type KernelKind = 'elf' | 'image' | 'raw';

/** Bytes to place at a physical address; `zero` more bytes follow them (an ELF .bss). */
export interface Placement {
  addr: number;
  bytes: Uint8Array;
  zero: number;
}

export interface KernelLayout {
  kind: KernelKind;
  /** Whether the file was gzip-compressed. */
  gzip: boolean;
  entry: number;
  segments: Placement[];
  /** The lowest address the kernel occupies and the first address above it. */
  low: number;
  high: number;
}

export interface InitrdPlacement {
  addr: number;
  /** The initrd as the guest sees it (decompressed if the file was gzip). */
  bytes: Uint8Array;
  gzip: boolean;
}

export interface DtbPlacement {
  addr: number;
  bytes: Uint8Array;
  /** 'generated': the board's own; 'given': the user's DTB (with `patched` set in /chosen). */
  source: 'generated' | 'given';
  /** /chosen properties written into a given DTB (empty for a generated one or if none were due). */
  patched: string[];
}

export interface BootPlan {
  kernel: KernelLayout;
  initrd?: InitrdPlacement;
  dtb?: DtbPlacement;
  /** The value for X0 at entry: the DTB's address, or 0 without one. */
  x0: number;
}

export interface BootOptions {
  /** The board the generated device tree describes. Without it and without images.dtb, no DTB. */
  board?: BoardConfig;
  /** The kernel command line, for /chosen/bootargs (an empty one sets nothing, as in QEMU). */
  cmdline?: string;
}

export const MiB = 1 << 20;
/** Where raw kernels go and where Images older than 3.17 are placed: RAM + 512 KiB. */
export const RAW_LOAD_OFFSET = 0x8_0000;
/** The 2 MiB-aligned base of an arm64 Image, above the start of RAM. */
export const IMAGE_BASE_OFFSET = 2 * MiB;
/** booting.rst: the DTB must not exceed 2 MiB. */
export const DTB_MAX = 2 * MiB;

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

function describeRam(ram: RamRegion): string {
  return `RAM ${hex(ram.base)}-${hex(ram.base + ram.size - 1)} (${ram.size / MiB} MiB)`;
}

// ---- gzip ------------------------------------------------------------------------------------

export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function inflateAll(data: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  const g = new Gunzip((chunk) => {
    chunks.push(chunk);
  });
  g.push(data, true);
  return concatBytes(chunks);
}

/**
 * Decompresses a gzip file of one or more members. Files padded with zeros after the last member
 * (common for initrds) are accepted, as gzip -d and Linux accept them: the padding is trimmed and
 * as many zeros given back as the member's own trailer may end with.
 */
export function gunzip(data: Uint8Array, what: string): Uint8Array {
  try {
    return inflateAll(data);
  } catch (first) {
    let end = data.length;
    while (end > 0 && data[end - 1] === 0) end--;
    if (end < data.length) {
      // The 8-byte trailer (CRC32, ISIZE) and the end of the deflate data may hold zeros too.
      for (let k = 0; k <= 16 && end + k <= data.length; k++) {
        try {
          return inflateAll(data.subarray(0, end + k));
        } catch {
          // try one more byte
        }
      }
    }
    const why = first instanceof Error ? first.message : String(first);
    throw new ImageError(`${what}: corrupt gzip data (${why})`);
  }
}

// ---- ELF64 -----------------------------------------------------------------------------------

const EM_NAMES: Record<number, string> = { 3: 'x86', 8: 'MIPS', 20: 'PowerPC', 40: '32-bit Arm', 62: 'x86-64', 183: 'AArch64', 243: 'RISC-V' };
const EM_AARCH64 = 183;
const ET_REL = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const PT_LOAD = 1;
const ELF64_EHDR = 64;
const ELF64_PHDR = 56;

export function isElf(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
}

function inRam(ram: RamRegion, addr: bigint, len: bigint): boolean {
  return addr >= BigInt(ram.base) && addr + len <= BigInt(ram.base + ram.size);
}

export function parseElf(b: Uint8Array, ram: RamRegion): Omit<KernelLayout, 'gzip'> {
  if (b.length < 16) throw new ImageError('ELF file is truncated: no complete ELF identification');
  if (b[4] === 1) throw new ImageError('32-bit ELF (ELFCLASS32): ArmLab runs 64-bit AArch64 programs only');
  if (b[4] !== 2) throw new ImageError(`ELF file has an invalid class (EI_CLASS ${b[4]})`);
  if (b[5] === 2) throw new ImageError('big-endian ELF (ELFDATA2MSB): ArmLab runs little-endian AArch64 programs only');
  if (b[5] !== 1) throw new ImageError(`ELF file has an invalid data encoding (EI_DATA ${b[5]})`);
  if (b.length < ELF64_EHDR) throw new ImageError(`ELF file is truncated: ${b.length} bytes, the ELF header alone needs 64`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_AARCH64) {
    const name = EM_NAMES[machine] ? ` (${EM_NAMES[machine]})` : '';
    throw new ImageError(`ELF file is for the wrong machine: e_machine ${machine}${name}, expected 183 (AArch64)`);
  }
  if (type === ET_REL) throw new ImageError('ELF file is a relocatable object (ET_REL), not an executable: link it first');
  if (type === ET_DYN) {
    throw new ImageError('position-independent ELF (ET_DYN) is not supported: link a static executable at a fixed address in RAM (-static -no-pie)');
  }
  if (type !== ET_EXEC) throw new ImageError(`ELF file is not an executable (e_type ${type})`);
  const entry = dv.getBigUint64(24, true);
  const phoff = dv.getBigUint64(32, true);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phnum === 0) throw new ImageError('ELF file has no program headers, so nothing to load');
  if (phentsize < ELF64_PHDR) throw new ImageError(`ELF file has malformed program headers (e_phentsize ${phentsize}, expected 56)`);
  if (phoff + BigInt(phnum * phentsize) > BigInt(b.length)) {
    throw new ImageError(`ELF file is truncated: its program headers end past the end of the file (${b.length} bytes)`);
  }
  const segments: Placement[] = [];
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < phnum; i++) {
    const ph = Number(phoff) + i * phentsize;
    if (dv.getUint32(ph, true) !== PT_LOAD) continue;
    const offset = dv.getBigUint64(ph + 8, true);
    const paddr = dv.getBigUint64(ph + 24, true);
    const filesz = dv.getBigUint64(ph + 32, true);
    const memsz = dv.getBigUint64(ph + 40, true);
    if (memsz === 0n) continue;
    if (filesz > memsz) throw new ImageError(`ELF segment ${i} is malformed: p_filesz ${hex(filesz)} > p_memsz ${hex(memsz)}`);
    if (offset + filesz > BigInt(b.length)) {
      throw new ImageError(`ELF file is truncated: segment ${i} needs bytes up to ${hex(offset + filesz)}, the file has ${hex(b.length)}`);
    }
    if (!inRam(ram, paddr, memsz)) {
      throw new ImageError(`ELF segment ${i} at ${hex(paddr)}-${hex(paddr + memsz - 1n)} is outside ${describeRam(ram)}`);
    }
    const addr = Number(paddr);
    segments.push({ addr, bytes: b.subarray(Number(offset), Number(offset + filesz)), zero: Number(memsz - filesz) });
    low = Math.min(low, addr);
    high = Math.max(high, addr + Number(memsz));
  }
  if (segments.length === 0) throw new ImageError('ELF file has no loadable (PT_LOAD) segments');
  if (!inRam(ram, entry, 4n)) throw new ImageError(`ELF entry point ${hex(entry)} is outside ${describeRam(ram)}`);
  return { kind: 'elf', entry: Number(entry), segments, low, high };
}

// ---- arm64 Image -------------------------------------------------------------------------------

const ARM64_MAGIC = 0x644d5241; // "ARM\x64", little-endian u32 at offset 56

export function isArm64Image(b: Uint8Array): boolean {
  return b.length >= 64 && new DataView(b.buffer, b.byteOffset, 64).getUint32(56, true) === ARM64_MAGIC;
}

export function parseArm64Image(b: Uint8Array, ram: RamRegion): Omit<KernelLayout, 'gzip'> {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let textOffset = dv.getBigUint64(8, true);
  const imageSize = dv.getBigUint64(16, true);
  const flags = dv.getBigUint64(24, true);
  // flags bit 0: kernel endianness (1 = big-endian); bits 1-2 page size; bit 3 placement; the rest
  // reserved (zero). Anything else means this is not really an Image header.
  if (flags & 1n) throw new ImageError('big-endian arm64 Image: ArmLab runs little-endian kernels only');
  if (flags >> 4n) throw new ImageError(`arm64 Image header is malformed: flags ${hex(flags)} has reserved bits (4-63) set`);
  if (imageSize !== 0n && (textOffset % 4096n !== 0n || textOffset >= BigInt(IMAGE_BASE_OFFSET))) {
    // Linux places text_offset 4 KiB-aligned within the 2 MiB block (0 since 5.8, 0x80000 before).
    throw new ImageError(`arm64 Image header is malformed: text_offset ${hex(textOffset)} is not a 4 KiB-aligned offset below 2 MiB`);
  }
  if (imageSize !== 0n && imageSize < 64n) throw new ImageError(`arm64 Image header is malformed: image_size ${hex(imageSize)} is smaller than the header`);
  let base = ram.base + IMAGE_BASE_OFFSET;
  if (imageSize === 0n) {
    // Before Linux 3.17: text_offset unreliable (booting.rst says assume 0x80000), and the kernel
    // expects its base to be the start of RAM.
    textOffset = BigInt(RAW_LOAD_OFFSET);
    base = ram.base;
  }
  const addr = BigInt(base) + textOffset;
  const span = imageSize > BigInt(b.length) ? imageSize : BigInt(b.length);
  if (!inRam(ram, addr, span)) {
    throw new ImageError(`arm64 Image needs ${hex(span)} bytes at ${hex(addr)} (text_offset ${hex(textOffset)}), beyond ${describeRam(ram)}`);
  }
  const a = Number(addr);
  return { kind: 'image', entry: a, segments: [{ addr: a, bytes: b, zero: Number(span) - b.length }], low: a, high: a + Number(span) };
}

// ---- Kernel, initrd, DTB -------------------------------------------------------------------------

function rejectForeign(b: Uint8Array): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length >= 64 && b[0] === 0x4d && b[1] === 0x5a && dv.getUint32(4, false) === 0x7a696d67) {
    // "MZ" + "zimg": Linux's EFI zboot image (vmlinuz.efi), a compressed EFI application.
    throw new ImageError('EFI zboot image (a compressed vmlinuz.efi): it needs UEFI firmware; pass the kernel\'s plain Image (arch/arm64/boot/Image)');
  }
  if (b.length >= 64 && dv.getUint32(0, false) === 0x27051956) {
    throw new ImageError('U-Boot uImage is not supported: pass the kernel Image inside it');
  }
  if (b.length >= 0x30 && dv.getUint32(0x24, true) === 0x016f2818) {
    throw new ImageError('32-bit Arm zImage: ArmLab runs AArch64 kernels (an arm64 Image or an ELF)');
  }
}

export function parseKernel(data: Uint8Array, ram: RamRegion): KernelLayout {
  if (data.length === 0) throw new ImageError('kernel image is empty');
  const gzip = isGzip(data);
  const b = gzip ? gunzip(data, 'kernel') : data;
  if (b.length === 0) throw new ImageError('kernel image is empty after gzip decompression');
  if (isElf(b)) return { ...parseElf(b, ram), gzip };
  if (isArm64Image(b)) return { ...parseArm64Image(b, ram), gzip };
  rejectForeign(b);
  const addr = ram.base + RAW_LOAD_OFFSET;
  if (addr + b.length > ram.base + ram.size) {
    throw new ImageError(`raw kernel of ${b.length} bytes does not fit at ${hex(addr)} in ${describeRam(ram)}`);
  }
  return { kind: 'raw', gzip, entry: addr, segments: [{ addr, bytes: b, zero: 0 }], low: addr, high: addr + b.length };
}

const FDT_MAGIC = 0xd00dfeed;

/** Checks a flattened device tree's header; returns the blob trimmed to its totalsize. */
export function checkDtb(b: Uint8Array): Uint8Array {
  if (b.length < 40) throw new ImageError(`DTB is truncated: ${b.length} bytes, its header alone needs 40`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(0, false) !== FDT_MAGIC) throw new ImageError('DTB is not a flattened device tree (no 0xd00dfeed magic): compile .dts files with dtc');
  const total = dv.getUint32(4, false);
  if (total > b.length) throw new ImageError(`DTB is truncated: its header says ${total} bytes, the file has ${b.length}`);
  if (total > DTB_MAX) throw new ImageError(`DTB is ${total} bytes; Linux accepts at most 2 MiB`);
  return b.subarray(0, total);
}

/**
 * Where the initrd goes: RAM + min(RAM/2, 128 MiB), or the first 4 KiB boundary above the kernel
 * if that reaches further. Returns the placement (undefined without an initrd) and the first
 * address above it, from which the DTB is placed.
 */
export function placeInitrd(data: Uint8Array | undefined, ram: RamRegion, kernelHigh: number): { initrd?: InitrdPlacement; end: number } {
  const start = Math.max(ram.base + Math.min(ram.size / 2, 128 * MiB), alignUp(kernelHigh, 4096));
  if (!data) return { end: start };
  if (data.length === 0) throw new ImageError('initrd is empty');
  const gzip = isGzip(data);
  const bytes = gzip ? gunzip(data, 'initrd') : data;
  const end = start + bytes.length;
  if (end > ram.base + ram.size) {
    const mib = (bytes.length / MiB).toFixed(1);
    throw new ImageError(`initrd (${mib} MiB${gzip ? ' decompressed' : ''}) does not fit in RAM above ${hex(start)}: give the machine more memory`);
  }
  return { initrd: { addr: start, bytes, gzip }, end };
}

/**
 * The DTB the guest gets: the user's (checked, parsed, /chosen patched) or the board's generated
 * one. Undefined if there is neither a given DTB nor a board to describe.
 */
export function bootDtb(given: Uint8Array | undefined, opts: BootOptions, initrd?: InitrdPlacement): Omit<DtbPlacement, 'addr'> | undefined {
  const chosen: ChosenConfig = {};
  if (opts.cmdline) chosen.bootargs = opts.cmdline;
  if (initrd) chosen.initrd = { start: initrd.addr, end: initrd.addr + initrd.bytes.length };
  if (!given) return opts.board ? { bytes: buildDtb(opts.board, chosen), source: 'generated', patched: [] } : undefined;
  const blob = checkDtb(given);
  let tree: FdtTree;
  try {
    tree = readFdt(blob);
  } catch (e) {
    if (e instanceof FdtError) throw new ImageError(`DTB is malformed: ${e.message}`);
    throw e;
  }
  const patched = applyChosen(tree.root, chosen);
  if (patched.length === 0) return { bytes: blob, source: 'given', patched };
  const bytes = writeFdt(tree);
  if (bytes.length > DTB_MAX) throw new ImageError(`DTB is ${bytes.length} bytes with /chosen filled in; Linux accepts at most 2 MiB`);
  return { bytes, source: 'given', patched };
}

/** Decides where everything goes; throws ImageError if an image is malformed or does not fit. */
export function planBoot(images: MachineImages, ram: RamRegion, opts: BootOptions = {}): BootPlan {
  const kernel = parseKernel(images.kernel, ram);
  const plan: BootPlan = { kernel, x0: 0 };
  const { initrd, end } = placeInitrd(images.initrd, ram, kernel.high);
  if (initrd) plan.initrd = initrd;
  const dtb = bootDtb(images.dtb, opts, initrd);
  if (dtb) {
    let addr = alignUp(end, 2 * MiB);
    if (kernel.kind === 'elf' && ram.base + dtb.bytes.length <= kernel.low) addr = ram.base;
    if (addr + dtb.bytes.length > ram.base + ram.size) throw new ImageError(`DTB does not fit in RAM at ${hex(addr)}: give the machine more memory`);
    plan.dtb = { addr, ...dtb };
    plan.x0 = addr;
  }
  return plan;
}

/** Something that physical RAM can be written through (a Core). */
export interface PhysWriter {
  writePhys(pa: number, bytes: Uint8Array): void;
  readonly ram: Uint8Array;
}

/** Copies the planned images into guest RAM (which must be RAM at ram.base). */
export function writeBoot(mem: PhysWriter, plan: BootPlan, ram: RamRegion): void {
  for (const s of plan.kernel.segments) {
    mem.writePhys(s.addr, s.bytes);
    if (s.zero > 0) {
      const from = s.addr + s.bytes.length - ram.base;
      mem.ram.fill(0, from, from + s.zero);
    }
  }
  if (plan.initrd) mem.writePhys(plan.initrd.addr, plan.initrd.bytes);
  if (plan.dtb) mem.writePhys(plan.dtb.addr, plan.dtb.bytes);
}
