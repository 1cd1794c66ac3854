// Command-line parsing for `armlab`. Kept apart from the run loop so it can be tested directly.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface RunCommand {
  command: 'run';
  /** The kernel to boot; absent when resuming a snapshot (--restore). */
  kernel?: string;
  /** --restore FILE: resume this snapshot instead of booting. */
  restore?: string;
  /** --snapshot-at N FILE: save the machine once N instructions have run, and exit. */
  snapshotAt?: { insns: number; file: string };
  initrd?: string;
  dtb?: string;
  append?: string;
  memMiB: number;
  el: 1 | 2;
  /** 0 = no limit. */
  maxInsns: number;
  expect?: string;
  /** Hold the input from stdin until this text appears in the guest's output. */
  inputAfter?: string;
  traceExceptions: boolean;
}

/**
 * `armlab run --dump-dtb FILE ...`: write the device tree the guest would get and exit. The kernel
 * is optional (it only moves the initrd if it reaches past RAM/2); run-only options are ignored.
 */
export interface DumpDtbCommand {
  command: 'dump-dtb';
  file: string;
  kernel?: string;
  initrd?: string;
  dtb?: string;
  append?: string;
  memMiB: number;
  el: 1 | 2;
}

export type Command = RunCommand | DumpDtbCommand | { command: 'help' } | { command: 'version' };

/** Exit codes, documented in the help text. */
export const EXIT = {
  ok: 0,
  fault: 1,
  usage: 2,
  limit: 3,
  reset: 4,
  stuck: 5,
  interrupted: 130,
} as const;

export const HELP = `Usage: armlab run --kernel FILE [options]
       armlab run --restore SNAPSHOT [options]
       armlab run --dump-dtb FILE [--mem N] [--el 1|2] [--append STR] [--initrd FILE] [--dtb FILE]

Runs an AArch64 guest on ArmLab's "virt" board (QEMU's memory map: RAM at 0x4000_0000, GICv3,
PL011 UART at 0x0900_0000, PL031 RTC, PSCI firmware) with the guest's UART on this terminal.

Options:
  --kernel FILE       the program to run (required, except with --dump-dtb). Recognised by content:
                        ELF64 AArch64 executable  segments at their physical addresses, entry e_entry
                        arm64 Linux Image         at 0x4020_0000 + text_offset (Image.gz too)
                        anything else             raw binary, loaded and entered at 0x4008_0000
                      gzip-compressed files are decompressed first.
  --initrd FILE       initial ramdisk, at RAM + min(RAM/2, 128 MiB) (above the kernel if it reaches
                      further); a gzip initrd is decompressed before the guest sees it. Its range
                      goes into /chosen (linux,initrd-start/end)
  --append STR        kernel command line: /chosen/bootargs of the device tree
  --dtb FILE          use this flattened device tree (.dtb) instead of the board's generated one;
                      it is checked (a malformed one is refused) and gets /chosen's bootargs and
                      initrd range patched in when --append or --initrd are given
  --dump-dtb FILE     write the device tree the guest would get (generated for --mem and --el, with
                      --append and --initrd in /chosen, or --dtb patched) to FILE and exit;
                      --kernel is optional here. Decompile it with: dtc -I dtb -O dts FILE
  --mem N             RAM size in MiB (default 128; "512M" and "1G" also work)
  --el 1|2            boot exception level (default 2). With 2 the CPU has EL2 and PSCI is reached
                      with SMC; with 1 the CPU has no EL2 and PSCI is reached with HVC
  --max-insns N       stop with an error after N instructions (default: no limit; 10M, 2G work)
  --expect TEXT       exit 0 as soon as TEXT appears in the guest's output; exit 1 if the guest
                      powers off first
  --input-after TEXT  hold what arrives on stdin until TEXT appears in the guest's output (e.g. a
                      shell prompt or "ARMLAB-INIT: ready"): a UART driver that starts up drains
                      its receive FIFO, so a script piped in before then would partly be lost
  --snapshot-at N FILE  save the whole machine to FILE once N instructions have run (the first
                      stop at or after N: a WFI that skips time may go past it), then exit 0
  --restore FILE      resume a snapshot instead of booting (no --kernel/--initrd/--dtb/--mem/--el/
                      --append: the snapshot has them); a corrupt or foreign file is refused (exit 2)
  --trace-exceptions  log every exception and exception return to stderr
  -h, --help          this text
  --version           the version

The guest boots like a Linux boot loader leaves it (Documentation/arm64/booting.rst): MMU off,
DAIF masked, EL2 (or EL1) on SP_ELx, X0 = the device tree's address, X1..X3 = 0, CNTFRQ_EL0 =
62.5 MHz. The device tree goes 2 MiB-aligned after the initrd (at the start of RAM for an ELF
kernel that leaves room there).

Terminal: the guest's UART output streams to stdout; stdin feeds the UART. On a terminal, input is
raw (Ctrl-C goes to the guest) and escapes start with Ctrl-A, as in QEMU:
  Ctrl-A x   quit          Ctrl-A Ctrl-A   send Ctrl-A to the guest          Ctrl-A h   help

Machine events (unimplemented instructions and system registers, PSCI calls) go to stderr, each
line starting with "armlab:"; the last line is the statistics:
  armlab: <N> instructions, <s> s, <M> M instr/s[, <U> unimplemented]

Exit status:
  0    the guest powered off (PSCI SYSTEM_OFF), or the --expect text appeared, or --dump-dtb wrote
  1    emulator fault, --expect text not seen, or other error
  2    usage error or bad image (unreadable, malformed, or does not fit in RAM)
  3    the --max-insns limit was reached
  4    the guest asked for a reset (PSCI SYSTEM_RESET)
  5    the CPU is stuck: an exception keeps re-entering the vector that raised it
  130  interrupted (SIGINT/SIGTERM)
`;

/** Parses a count with an optional decimal suffix: 1500, 1_000_000, 10k, 25M, 2G. */
export function parseCount(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(text.replace(/_/g, ''));
  if (!m) throw new UsageError(`${what} must be a number (like 1000000, 10M or 2G), not "${text}"`);
  const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  const n = Math.round(Number(m[1]) * scale);
  if (!Number.isSafeInteger(n)) throw new UsageError(`${what} is too large: ${text}`);
  return n;
}

/** Parses a RAM size in MiB: 256, 256M, 1G. */
export function parseMem(text: string): number {
  const m = /^(\d+)([mMgG]?)$/.exec(text);
  if (!m) throw new UsageError(`--mem takes a size in MiB (like 256, 512M or 1G), not "${text}"`);
  const mib = Number(m[1]) * (m[2].toLowerCase() === 'g' ? 1024 : 1);
  if (mib < 1 || mib > 4080) throw new UsageError(`--mem must be between 1 MiB and 4080 MiB, not ${mib} MiB`);
  return mib;
}

const VALUE_OPTIONS = new Set(['--kernel', '--initrd', '--dtb', '--dump-dtb', '--append', '--mem', '--el', '--max-insns', '--expect', '--input-after', '--restore']);
const FLAG_OPTIONS = new Set(['--trace-exceptions']);

/** Parses argv (without the node and script names). */
export function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0) return { command: 'help' };
  if (argv.includes('-h') || argv.includes('--help') || argv[0] === 'help') return { command: 'help' };
  if (argv[0] === '--version' || argv[0] === 'version') return { command: 'version' };
  const [sub, ...rest] = argv;
  if (sub !== 'run') throw new UsageError(`unknown command "${sub}" (try: armlab run --kernel FILE, or armlab --help)`);

  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (arg === '--snapshot-at') {
      if (i + 2 >= rest.length) throw new UsageError('--snapshot-at needs an instruction count and a file name');
      if (values.has(arg)) throw new UsageError(`${arg} given twice`);
      values.set(arg, parseCount(rest[i + 1], '--snapshot-at') + '\0' + rest[i + 2]);
      i += 2;
      continue;
    }
    if (FLAG_OPTIONS.has(name)) {
      if (name !== arg) throw new UsageError(`${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!VALUE_OPTIONS.has(name)) {
      throw new UsageError(arg.startsWith('-') ? `unknown option ${name} (see armlab --help)` : `unexpected argument "${arg}" (see armlab --help)`);
    }
    let value: string;
    if (name !== arg) {
      value = arg.slice(eq + 1);
    } else {
      if (i + 1 >= rest.length) throw new UsageError(`${name} needs a value`);
      value = rest[++i];
    }
    if (values.has(name)) throw new UsageError(`${name} given twice`);
    values.set(name, value);
  }

  for (const name of ['--kernel', '--initrd', '--dtb', '--dump-dtb', '--restore']) {
    if (values.get(name) === '') throw new UsageError(`${name} needs a file name`);
  }
  const kernel = values.get('--kernel');
  const dumpDtb = values.get('--dump-dtb');
  const elText = values.get('--el') ?? '2';
  if (elText !== '1' && elText !== '2') throw new UsageError(`--el must be 1 or 2, not "${elText}"`);
  const el = elText === '1' ? 1 : 2;
  const memMiB = values.has('--mem') ? parseMem(values.get('--mem')!) : 128;
  const expect = values.get('--expect');
  if (expect === '') throw new UsageError('--expect needs a non-empty text');
  const inputAfter = values.get('--input-after');
  if (inputAfter === '') throw new UsageError('--input-after needs a non-empty text');
  const initrd = values.get('--initrd');
  const dtb = values.get('--dtb');
  const append = values.get('--append');

  if (dumpDtb !== undefined) {
    const dump: DumpDtbCommand = { command: 'dump-dtb', file: dumpDtb, memMiB, el };
    if (kernel !== undefined) dump.kernel = kernel;
    if (initrd !== undefined) dump.initrd = initrd;
    if (dtb !== undefined) dump.dtb = dtb;
    if (append !== undefined) dump.append = append;
    return dump;
  }

  const restore = values.get('--restore');
  if (restore !== undefined) {
    for (const name of ['--kernel', '--initrd', '--dtb', '--mem', '--el', '--append']) {
      if (values.has(name)) throw new UsageError(`${name} cannot be combined with --restore: the snapshot has the machine's configuration and images`);
    }
  } else if (kernel === undefined) {
    throw new UsageError('run needs --kernel FILE (or --restore SNAPSHOT)');
  }
  const cmd: RunCommand = {
    command: 'run',
    memMiB,
    el,
    maxInsns: values.has('--max-insns') ? parseCount(values.get('--max-insns')!, '--max-insns') : 0,
    traceExceptions: flags.has('--trace-exceptions'),
  };
  if (kernel !== undefined) cmd.kernel = kernel;
  if (restore !== undefined) cmd.restore = restore;
  const snap = values.get('--snapshot-at');
  if (snap !== undefined) {
    const [n, file] = snap.split('\0');
    if (!file) throw new UsageError('--snapshot-at needs a file name');
    cmd.snapshotAt = { insns: Number(n), file };
  }
  if (initrd !== undefined) cmd.initrd = initrd;
  if (dtb !== undefined) cmd.dtb = dtb;
  if (append !== undefined) cmd.append = append;
  if (expect !== undefined) cmd.expect = expect;
  if (inputAfter !== undefined) cmd.inputAfter = inputAfter;
  return cmd;
}
