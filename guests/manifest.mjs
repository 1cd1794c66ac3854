// Writes public/images/manifest.json: the bare-metal guests built by build.sh, merged with any
// entries other build scripts put there (those are kept unchanged and in their order).
// Usage: node guests/manifest.mjs public/images/manifest.json
import { readFileSync, writeFileSync, existsSync } from 'node:fs';

const path = process.argv[2];
if (!path) throw new Error('usage: manifest.mjs <manifest.json>');

const ours = [
  {
    id: 'hello',
    name: 'Hello',
    description: 'Prints a greeting and the exception level it was started at, then powers off through PSCI.',
    files: { kernel: 'hello.elf' },
    cmdline: '',
    el: 2,
    ramMiB: 128,
    kind: 'baremetal',
  },
  {
    id: 'echo',
    name: 'Echo',
    description: 'Reads the console line by line and answers in upper case: keystrokes go through the PL011 into the guest and back. An empty line powers off.',
    files: { kernel: 'echo.elf' },
    cmdline: '',
    el: 2,
    ramMiB: 128,
    kind: 'baremetal',
  },
  {
    id: 'exceptions',
    name: 'Exceptions demo',
    description:
      'Drops from EL2 to EL1, installs VBAR_EL1 vectors, ERETs to EL0, takes an SVC and an UNDEFINED instruction and decodes ESR_EL1 for each.',
    files: { kernel: 'exceptions.elf' },
    cmdline: '',
    el: 2,
    ramMiB: 128,
    kind: 'baremetal',
  },
  {
    id: 'isa-selfcheck',
    name: 'ISA self-check',
    description:
      'Runs every integer instruction group over edge-case operands and prints one checksum per group (compare with QEMU).',
    files: { kernel: 'isa-selfcheck.elf' },
    cmdline: '',
    el: 2,
    ramMiB: 128,
    kind: 'baremetal',
  },
  {
    id: 'fp-selfcheck',
    name: 'FP self-check',
    description:
      'Floating point and Advanced SIMD as C compiles them (double/float arithmetic, fused multiply-add, conversions, rounding, -O2 vectorised loops) over NaNs, infinities and subnormals in every FPCR mode; prints hashes, bit patterns and decimals (compare with QEMU).',
    files: { kernel: 'fp-selfcheck.elf' },
    cmdline: '',
    el: 2,
    ramMiB: 128,
    kind: 'baremetal',
  },
  {
    id: 'bench-cpu',
    name: 'CPU benchmark',
    description: 'Integer workload (sieve, CRC, sort, bytecode interpreter, matrix multiply) of about 1.5 billion instructions.',
    files: { kernel: 'bench-cpu.elf' },
    cmdline: '',
    el: 2,
    ramMiB: 128,
    kind: 'baremetal',
  },
  {
    id: 'bench-fp',
    name: 'FP benchmark',
    description:
      'Floating-point workload (n-body and Mandelbrot in double, a vectorised float stencil) of about 1.2 billion instructions.',
    files: { kernel: 'bench-fp.elf' },
    cmdline: '',
    el: 2,
    ramMiB: 128,
    kind: 'baremetal',
  },
];

// The Linux guest, built by guests/linux/build-kernel.sh and build-initramfs.sh (not by build.sh);
// listed here so that rewriting the manifest always keeps it. See guests/linux/README.md.
const linux = [
  {
    id: 'linux',
    name: 'Linux 6.1 + busybox',
    description:
      'Debian\'s Linux 6.1 kernel (tinyconfig + this board) started at EL2 with KVM, and a busybox shell on the console. Try `cat /proc/cpuinfo`, `dmesg` or `kvm-test` (a tiny VM through /dev/kvm); `poweroff -f` ends it.',
    files: { kernel: 'linux-Image.gz', initrd: 'linux-initramfs.cpio.gz' },
    cmdline: 'console=ttyAMA0',
    el: 2,
    ramMiB: 256,
    kind: 'linux',
    // The browser lab preselects this entry (src/ui/manifest.ts: pickDefault).
    default: true,
  },
];
ours.push(...linux);

const existing = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : [];
if (!Array.isArray(existing)) throw new Error(`${path} is not a JSON array`);
const ourIds = new Set(ours.map((e) => e.id));
const merged = [...ours];
for (const e of existing) if (!ourIds.has(e.id)) merged.push(e);
writeFileSync(path, JSON.stringify(merged, null, 2) + '\n');
console.log(`wrote ${path} (${merged.length} images)`);
