import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { planBoot, parseKernel, checkDtb, gunzip, placeInitrd, ImageError, MiB, type RamRegion } from '../../src/machine/loader';
import { findNode, getProp, node, readCells, readFdt, readString, str, writeFdt } from '../../src/machine/fdt';
import type { BoardConfig } from '../../src/machine/devicetree';
import { Machine } from '../../src/machine/machine';
import { coreModuleSync } from '../../src/machine/wasm-node';
import { elf64, hiProgram, programElf, wordsToBytes, LOAD_ADDR } from '../helpers/guest';

const RAM: RamRegion = { base: 0x4000_0000, size: 128 * MiB };

function badImage(f: () => unknown, message: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ImageError);
  const msg = (err as Error).message;
  expect(msg).toMatch(message);
  expect(msg).not.toContain('\n'); // one line
}

/** An arm64 Image header (booting.rst) followed by `code`. */
function arm64Image(code: Uint8Array, textOffset = 0, imageSize = 0x10000, flags = 0b1010): Uint8Array {
  const b = new Uint8Array(64 + code.length);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x14000010, true); // code0: b +64, past the header
  dv.setBigUint64(8, BigInt(textOffset), true);
  dv.setBigUint64(16, BigInt(imageSize), true);
  dv.setBigUint64(24, BigInt(flags), true);
  dv.setUint32(56, 0x644d5241, true); // "ARM\x64"
  b.set(code, 64);
  return b;
}

/** A blob with an FDT magic and totalsize and nothing else (so it fails the full parse). */
function fakeDtb(size = 64): Uint8Array {
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0xd00dfeed, false);
  dv.setUint32(4, size, false);
  return b;
}

/** A small, well-formed DTB of the user's. */
function userDtb(): Uint8Array {
  return writeFdt(node('', { model: str('user') }));
}

function elfWith(patch: (dv: DataView, b: Uint8Array) => void, words = hiProgram()): Uint8Array {
  const b = programElf(words);
  patch(new DataView(b.buffer), b);
  return b;
}

function haveTool(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('ELF64 loader', () => {
  it('loads PT_LOAD segments at p_paddr with .bss and the entry point', () => {
    const code = wordsToBytes(hiProgram());
    const k = parseKernel(elf64([{ addr: LOAD_ADDR, bytes: code, bss: 0x100 }, { addr: 0x4010_0000, bytes: new Uint8Array([1, 2, 3]) }], LOAD_ADDR + 4), RAM);
    expect(k.kind).toBe('elf');
    expect(k.entry).toBe(LOAD_ADDR + 4);
    expect(k.segments.map((s) => [s.addr, s.bytes.length, s.zero])).toEqual([
      [LOAD_ADDR, code.length, 0x100],
      [0x4010_0000, 3, 0],
    ]);
    expect(k.low).toBe(LOAD_ADDR);
    expect(k.high).toBe(0x4010_0003);
  });
  it('rejects 32-bit, big-endian, foreign and non-executable files', () => {
    badImage(() => parseKernel(elfWith((_, b) => (b[4] = 1)), RAM), /32-bit ELF/);
    badImage(() => parseKernel(elfWith((_, b) => (b[5] = 2)), RAM), /big-endian ELF/);
    badImage(() => parseKernel(elfWith((dv) => dv.setUint16(18, 62, true)), RAM), /wrong machine: e_machine 62 \(x86-64\), expected 183/);
    badImage(() => parseKernel(elfWith((dv) => dv.setUint16(18, 40, true)), RAM), /e_machine 40 \(32-bit Arm\)/);
    badImage(() => parseKernel(elfWith((dv) => dv.setUint16(16, 3, true)), RAM), /position-independent.*ET_DYN/);
    badImage(() => parseKernel(elfWith((dv) => dv.setUint16(16, 1, true)), RAM), /relocatable object/);
  });
  it('rejects segments and entry points outside RAM', () => {
    badImage(() => parseKernel(elf64([{ addr: 0x1000, bytes: new Uint8Array(8) }]), RAM), /segment 0 at 0x1000-0x1007 is outside RAM 0x40000000-0x47ffffff \(128 MiB\)/);
    badImage(() => parseKernel(elf64([{ addr: 0x47ff_fff0, bytes: new Uint8Array(8), bss: 0x100 }]), RAM), /outside RAM/);
    badImage(() => parseKernel(elf64([{ addr: LOAD_ADDR, bytes: new Uint8Array(8) }], 0x8000), RAM), /entry point 0x8000 is outside RAM/);
  });
  it('rejects truncated files', () => {
    const good = programElf(hiProgram());
    badImage(() => parseKernel(good.subarray(0, 10), RAM), /truncated/);
    badImage(() => parseKernel(good.subarray(0, 40), RAM), /truncated: 40 bytes, the ELF header alone needs 64/);
    badImage(() => parseKernel(good.subarray(0, 100), RAM), /truncated: its program headers end past the end/);
    badImage(() => parseKernel(good.subarray(0, good.length - 4), RAM), /truncated: segment 0 needs bytes up to/);
  });
  it('rejects files with nothing to load', () => {
    badImage(() => parseKernel(elfWith((dv) => dv.setUint16(56, 0, true)), RAM), /no program headers/);
    badImage(() => parseKernel(elfWith((dv) => dv.setUint32(64, 4, true)), RAM), /no loadable \(PT_LOAD\) segments/);
    badImage(() => parseKernel(elfWith((dv) => dv.setBigUint64(64 + 32, 1000n, true)), RAM), /p_filesz 0x3e8 > p_memsz/);
  });
  it.skipIf(!haveTool('aarch64-linux-gnu-as'))('loads what the cross toolchain links (skipped without aarch64-linux-gnu-as)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'armlab-loader-'));
    writeFileSync(join(dir, 'hi.S'), '.global _start\n_start: mov x0, #1\n b .\n.bss\n.space 4096\n');
    execFileSync('aarch64-linux-gnu-as', ['-o', join(dir, 'hi.o'), join(dir, 'hi.S')]);
    execFileSync('aarch64-linux-gnu-ld', ['-Ttext=0x40080000', '-o', join(dir, 'hi.elf'), join(dir, 'hi.o')]);
    const k = parseKernel(readFileSync(join(dir, 'hi.elf')), RAM);
    expect(k.entry).toBe(0x4008_0000);
    expect(k.high).toBeGreaterThanOrEqual(0x4008_0000 + 8 + 4096);
  });
});

describe('arm64 Image loader', () => {
  it('loads at RAM + 2 MiB + text_offset, like QEMU', () => {
    const k = parseKernel(arm64Image(wordsToBytes(hiProgram())), RAM);
    expect(k.kind).toBe('image');
    expect(k.entry).toBe(0x4020_0000);
    expect(k.high).toBe(0x4020_0000 + 0x10000); // image_size, not just the file, is reserved
    expect(parseKernel(arm64Image(new Uint8Array(4), 0x80000), RAM).entry).toBe(0x4028_0000);
  });
  it('treats image_size 0 (before Linux 3.17) as text_offset 0x80000 from the start of RAM', () => {
    expect(parseKernel(arm64Image(new Uint8Array(4), 0x1234, 0), RAM).entry).toBe(0x4008_0000);
  });
  it('rejects big-endian kernels and kernels bigger than RAM', () => {
    badImage(() => parseKernel(arm64Image(new Uint8Array(4), 0, 0x1000, 1), RAM), /big-endian arm64 Image/);
    badImage(() => parseKernel(arm64Image(new Uint8Array(4), 0, 200 * MiB), RAM), /needs 0xc800000 bytes at 0x40200000/);
  });
  it('rejects Image headers that are not arm64 Image headers, and EFI zboot images', () => {
    badImage(() => parseKernel(arm64Image(new Uint8Array(4), 0, 0x1000, 0x10), RAM), /arm64 Image header is malformed: flags 0x10 has reserved bits/);
    badImage(() => parseKernel(arm64Image(new Uint8Array(4), 0x80010), RAM), /text_offset 0x80010 is not a 4 KiB-aligned offset below 2 MiB/);
    badImage(() => parseKernel(arm64Image(new Uint8Array(4), 2 * MiB), RAM), /text_offset 0x200000/);
    badImage(() => parseKernel(arm64Image(new Uint8Array(4), 0, 16), RAM), /image_size 0x10 is smaller than the header/);
    const zboot = new Uint8Array(128);
    zboot.set([0x4d, 0x5a, 0, 0, 0x7a, 0x69, 0x6d, 0x67]); // "MZ", "zimg"
    badImage(() => parseKernel(zboot, RAM), /EFI zboot image .* plain Image/);
  });
  it('decompresses Image.gz', () => {
    const img = arm64Image(wordsToBytes(hiProgram()));
    const k = parseKernel(gzipSync(img), RAM);
    expect(k.kind).toBe('image');
    expect(k.gzip).toBe(true);
    expect(k.segments[0].bytes).toEqual(img);
  });
});

describe('raw binaries and foreign formats', () => {
  it('loads anything else at RAM + 0x80000 and enters there', () => {
    const k = parseKernel(wordsToBytes(hiProgram()), RAM);
    expect(k.kind).toBe('raw');
    expect(k.entry).toBe(0x4008_0000);
  });
  it('rejects empty files, uImages, 32-bit zImages and corrupt gzip', () => {
    badImage(() => parseKernel(new Uint8Array(0), RAM), /kernel image is empty/);
    const uimage = new Uint8Array(128);
    new DataView(uimage.buffer).setUint32(0, 0x27051956, false);
    badImage(() => parseKernel(uimage, RAM), /U-Boot uImage/);
    const zimage = new Uint8Array(128);
    new DataView(zimage.buffer).setUint32(0x24, 0x016f2818, true);
    badImage(() => parseKernel(zimage, RAM), /32-bit Arm zImage/);
    const gz = gzipSync(new Uint8Array(1000).fill(7));
    badImage(() => parseKernel(gz.subarray(0, 12), RAM), /kernel: corrupt gzip data/);
    badImage(() => parseKernel(new Uint8Array(200 * MiB), RAM), /raw kernel of 209715200 bytes does not fit/);
  });
});

describe('gzip', () => {
  it('handles several members and zero padding after the last one', () => {
    const a = gzipSync(new TextEncoder().encode('hello '));
    const b = gzipSync(new TextEncoder().encode('world'));
    const joined = new Uint8Array([...a, ...b, ...new Uint8Array(300)]);
    expect(new TextDecoder().decode(gunzip(joined, 'initrd'))).toBe('hello world');
  });
});

describe('boot placement', () => {
  const elf = programElf(hiProgram());
  it('puts the initrd at RAM + min(RAM/2, 128 MiB) and the DTB after it, 2 MiB aligned', () => {
    const initrd = new Uint8Array(3 * MiB + 5).fill(1);
    const image = arm64Image(new Uint8Array(16));
    const p = planBoot({ kernel: image, initrd, dtb: userDtb() }, RAM);
    expect(p.initrd?.addr).toBe(0x4000_0000 + 64 * MiB);
    expect(p.dtb?.addr).toBe(0x4000_0000 + 64 * MiB + 4 * MiB);
    expect(p.x0).toBe(p.dtb?.addr);
    const big = planBoot({ kernel: image, initrd }, { base: RAM.base, size: 1024 * MiB });
    expect(big.initrd?.addr).toBe(0x4000_0000 + 128 * MiB);
  });
  it('without an initrd the DTB goes where the initrd would have', () => {
    const p = planBoot({ kernel: arm64Image(new Uint8Array(16)), dtb: userDtb() }, RAM);
    expect(p.dtb?.addr).toBe(0x4000_0000 + 64 * MiB);
  });
  it('an ELF that leaves room gets its DTB at the start of RAM, like QEMU', () => {
    const p = planBoot({ kernel: elf, dtb: userDtb() }, RAM);
    expect(p.dtb?.addr).toBe(0x4000_0000);
    expect(p.x0).toBe(0x4000_0000);
    expect(planBoot({ kernel: elf }, RAM).x0).toBe(0);
  });
  it('moves the initrd above a kernel that reaches past RAM/2', () => {
    const k = elf64([{ addr: LOAD_ADDR, bytes: new Uint8Array(16), bss: 70 * MiB }]);
    const p = planBoot({ kernel: k, initrd: new Uint8Array(100) }, RAM);
    expect(p.initrd?.addr).toBe(LOAD_ADDR + 70 * MiB + 4096); // 4 KiB aligned above the kernel's end
  });
  it('decompresses a gzip initrd', () => {
    const cpio = new TextEncoder().encode('070701 pretend cpio');
    const p = planBoot({ kernel: elf, initrd: gzipSync(cpio) }, RAM);
    expect(p.initrd?.bytes).toEqual(cpio);
    expect(p.initrd?.gzip).toBe(true);
  });
  it('rejects initrds and DTBs that do not fit or are malformed', () => {
    badImage(() => planBoot({ kernel: elf, initrd: new Uint8Array(65 * MiB) }, RAM), /initrd \(65.0 MiB\) does not fit in RAM above 0x44000000/);
    badImage(() => planBoot({ kernel: elf, initrd: new Uint8Array(0) }, RAM), /initrd is empty/);
    badImage(() => planBoot({ kernel: elf, dtb: new Uint8Array(64) }, RAM), /no 0xd00dfeed magic/);
    badImage(() => planBoot({ kernel: elf, dtb: fakeDtb(64).subarray(0, 20) }, RAM), /DTB is truncated: 20 bytes/);
    const lying = fakeDtb(64);
    new DataView(lying.buffer).setUint32(4, 4096, false);
    badImage(() => checkDtb(lying), /header says 4096 bytes, the file has 64/);
    badImage(() => checkDtb(fakeDtb(3 * MiB)), /at most 2 MiB/);
  });
  it('refuses a DTB with a good header but a malformed body', () => {
    badImage(() => planBoot({ kernel: elf, dtb: fakeDtb(64) }, RAM), /^DTB is malformed: version 0 is too old/);
  });
  it.skipIf(!haveTool('dtc'))('accepts a DTB compiled by dtc (skipped without dtc)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'armlab-dtb-'));
    writeFileSync(join(dir, 't.dts'), '/dts-v1/;\n/ { compatible = "linux,dummy-virt"; chosen { bootargs = "console=ttyAMA0"; }; };\n');
    execFileSync('dtc', ['-I', 'dts', '-O', 'dtb', '-o', join(dir, 't.dtb'), join(dir, 't.dts')], { stdio: 'ignore' });
    const dtb = readFileSync(join(dir, 't.dtb'));
    expect(checkDtb(dtb).length).toBe(dtb.length);
  });
});

describe('the Linux boot protocol with the generated device tree', () => {
  const board = (ram: RamRegion, el2 = true): BoardConfig => ({ ramBase: ram.base, ramSize: ram.size, cpus: 1, el2 });
  const chosen = (dtb: Uint8Array): Map<string, Uint8Array> => {
    const n = findNode(readFdt(dtb).root, '/chosen')!;
    return new Map(n.props.map((p) => [p.name, p.value]));
  };

  it('Image at 0x4020_0000, initrd at RAM + min(RAM/2, 128 MiB), DTB 2 MiB-aligned after it, X0 = DTB', () => {
    for (const [mib, initrdAt] of [[128, 0x4400_0000], [256, 0x4800_0000], [1024, 0x4800_0000]] as const) {
      const ram = { base: 0x4000_0000, size: mib * MiB };
      const initrd = new Uint8Array(5 * MiB + 1);
      const p = planBoot({ kernel: arm64Image(new Uint8Array(16)), initrd }, ram, { board: board(ram), cmdline: 'console=ttyAMA0' });
      expect(p.kernel.entry).toBe(0x4020_0000);
      expect(p.initrd?.addr).toBe(initrdAt);
      expect(p.dtb?.addr).toBe(initrdAt + 6 * MiB);
      expect(p.dtb?.source).toBe('generated');
      expect(p.x0).toBe(p.dtb?.addr);
      const c = chosen(p.dtb!.bytes);
      expect(readString(c.get('bootargs')!)).toBe('console=ttyAMA0');
      expect(readCells(c.get('linux,initrd-start')!)).toEqual([initrdAt]);
      expect(readCells(c.get('linux,initrd-end')!)).toEqual([initrdAt + 5 * MiB + 1]);
      const memory = findNode(readFdt(p.dtb!.bytes).root, '/memory@40000000')!;
      expect(readCells(getProp(memory, 'reg')!)).toEqual([0, 0x4000_0000, 0, mib * MiB]);
    }
  });
  it('gives the initrd range of the decompressed initrd; no initrd and no command line: neither in /chosen', () => {
    const cpio = new Uint8Array(10_000).fill(0x30);
    const p = planBoot({ kernel: arm64Image(new Uint8Array(16)), initrd: gzipSync(cpio) }, RAM, { board: board(RAM) });
    expect(readCells(chosen(p.dtb!.bytes).get('linux,initrd-end')!)).toEqual([0x4400_0000 + 10_000]);
    const bare = chosen(planBoot({ kernel: arm64Image(new Uint8Array(16)) }, RAM, { board: board(RAM), cmdline: '' }).dtb!.bytes);
    expect([...bare.keys()]).toEqual(['stdout-path']);
  });
  it('an ELF gets the generated DTB at the start of RAM, PSCI over HVC without EL2', () => {
    const p = planBoot({ kernel: programElf(hiProgram()) }, RAM, { board: board(RAM, false) });
    expect(p.x0).toBe(0x4000_0000);
    expect(readString(getProp(findNode(readFdt(p.dtb!.bytes).root, '/psci')!, 'method')!)).toBe('hvc');
  });
  it('a given DTB replaces the generated one, with /chosen patched', () => {
    const p = planBoot({ kernel: arm64Image(new Uint8Array(16)), dtb: userDtb() }, RAM, { board: board(RAM), cmdline: 'quiet' });
    expect(p.dtb?.source).toBe('given');
    expect(p.dtb?.patched).toEqual(['bootargs']);
    const root = readFdt(p.dtb!.bytes).root;
    expect(readString(getProp(root, 'model')!)).toBe('user');
    expect(findNode(root, '/psci')).toBeUndefined();
  });
  it('placeInitrd without a kernel puts the initrd at the default address', () => {
    expect(placeInitrd(new Uint8Array(8), RAM, RAM.base).initrd?.addr).toBe(0x4400_0000);
    expect(placeInitrd(undefined, RAM, RAM.base)).toEqual({ end: 0x4400_0000 });
  });
});

describe('Machine.load', () => {
  it('puts the generated DTB, with the command line and initrd in /chosen, at X0', async () => {
    const m = await Machine.create(coreModuleSync(), { ramMiB: 64, cmdline: 'console=ttyAMA0' });
    const logs: string[] = [];
    m.onLog((l) => logs.push(l));
    m.load({ kernel: arm64Image(wordsToBytes(hiProgram())), initrd: new Uint8Array(300).fill(1) });
    const x0 = Number(m.core.x(0));
    expect(x0).toBe(0x4000_0000 + 32 * MiB + 2 * MiB);
    expect(m.core.pc).toBe(0x4020_0000n);
    const plan = m.bootPlan!;
    const dtb = m.core.readPhys(x0, plan.dtb!.bytes.length);
    expect(dtb).toEqual(plan.dtb!.bytes);
    const chosen = findNode(readFdt(dtb).root, '/chosen')!;
    expect(readString(getProp(chosen, 'bootargs')!)).toBe('console=ttyAMA0');
    expect(readCells(getProp(chosen, 'linux,initrd-start')!)).toEqual([0x4000_0000 + 32 * MiB]);
    expect(m.core.readPhys(0x4000_0000 + 32 * MiB, 4)).toEqual(new Uint8Array([1, 1, 1, 1]));
    expect(logs).toEqual([]);
  });
});
