// `armlab`: runs a guest on the virt board with its UART on this terminal, like
// `qemu-system-aarch64 -M virt -nographic -kernel ...`. bin/armlab.js starts this file through tsx.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { EXIT, HELP, parseArgs, UsageError, type DumpDtbCommand, type RunCommand } from './args';
import { ExpectMatcher } from './expect';
import { ImageError, Machine, SnapshotError, type MachineImages, type MachineOptions, type StopReason } from '../machine/machine';
import { coreModuleSync } from '../machine/wasm-node';
import { bootDtb, MiB, planBoot, placeInitrd, type BootOptions, type RamRegion } from '../machine/loader';
import { virtBoard } from '../machine/devicetree';

/** Instructions per Machine.run() call; between calls the event loop reads stdin. */
const SLICE = 1 << 21;
/** Longest pause while the guest idles in WFI on an interactive terminal. */
const IDLE_MAX_MS = 50;
/** Longest time the loop keeps the event loop (stdin, signals) waiting. */
const YIELD_MS = 20;
const CTRL_A = 0x01;

function say(line: string): void {
  process.stderr.write(`armlab: ${line}\n`);
}

function readImage(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : e instanceof Error ? e.message : String(e);
    throw new ImageError(`cannot read ${what} ${path}: ${why}`);
  }
}

/**
 * The host terminal: raw input with QEMU's Ctrl-A escapes when stdin is a terminal, plain bytes
 * otherwise. restore() puts the terminal back however the program ends.
 */
class Terminal {
  private escape = false;
  private raw = false;

  constructor(
    private readonly onInput: (bytes: Uint8Array) => void,
    private readonly onQuit: () => void,
  ) {}

  get interactive(): boolean {
    return process.stdin.isTTY === true;
  }

  start(): void {
    const stdin = process.stdin;
    if (this.interactive) {
      stdin.setRawMode(true);
      this.raw = true;
    }
    stdin.on('data', (chunk: Buffer) => this.data(chunk));
    stdin.on('error', () => undefined); // a closed or unreadable stdin just means no input
    stdin.resume();
  }

  restore(): void {
    if (this.raw) {
      process.stdin.setRawMode(false);
      this.raw = false;
    }
    process.stdin.pause();
  }

  private data(chunk: Buffer): void {
    if (!this.raw) {
      this.onInput(new Uint8Array(chunk));
      return;
    }
    const out: number[] = [];
    for (const b of chunk) {
      if (this.escape) {
        this.escape = false;
        const c = String.fromCharCode(b).toLowerCase();
        if (c === 'x') {
          this.onQuit();
          return;
        }
        if (b === CTRL_A) out.push(CTRL_A);
        else if (c === 'h' || c === '?') process.stderr.write('\r\nC-a x    exit armlab\r\nC-a C-a  send C-a\r\nC-a h    this help\r\n');
        continue;
      }
      if (b === CTRL_A) this.escape = true;
      else out.push(b);
    }
    if (out.length) this.onInput(Uint8Array.from(out));
  }
}

async function run(cmd: RunCommand): Promise<number> {
  const images: MachineImages | undefined = cmd.kernel !== undefined ? { kernel: readImage(cmd.kernel, 'kernel') } : undefined;
  if (images && cmd.initrd !== undefined) images.initrd = readImage(cmd.initrd, 'initrd');
  if (images && cmd.dtb !== undefined) images.dtb = readImage(cmd.dtb, 'DTB');

  const opts: MachineOptions = { ramMiB: cmd.memMiB, el: cmd.el, traceExceptions: cmd.traceExceptions };
  // On a terminal the machine runs in real time while idle (and the RTC shows today's date); with
  // piped input it runs as fast as it can and deterministically.
  if (process.stdin.isTTY === true) {
    opts.realtime = true;
    opts.rtcEpoch = Math.floor(Date.now() / 1000);
  }
  if (cmd.append !== undefined) opts.cmdline = cmd.append;
  let machine: Machine;
  if (cmd.restore !== undefined) {
    const bytes = readImage(cmd.restore, 'snapshot');
    try {
      machine = await Machine.restore(coreModuleSync(), bytes, { realtime: opts.realtime ?? false, traceExceptions: cmd.traceExceptions });
    } catch (e) {
      if (e instanceof SnapshotError) {
        say(`bad snapshot ${cmd.restore}: ${e.message}`);
        return EXIT.usage;
      }
      throw e;
    }
  } else {
    machine = await Machine.create(coreModuleSync(), opts);
  }

  const expect = cmd.expect !== undefined ? new ExpectMatcher(cmd.expect) : null;
  // --input-after: stdin is buffered here until the guest has printed the text.
  const inputGate = cmd.inputAfter !== undefined ? new ExpectMatcher(cmd.inputAfter) : null;
  let heldInput: Uint8Array[] = [];
  const sendInput = (bytes: Uint8Array): void => {
    if (inputGate && !inputGate.seen) heldInput.push(bytes);
    else machine.sendInput(bytes);
  };
  let lastByte = 0x0a;
  machine.onOutput((bytes) => {
    process.stdout.write(bytes);
    lastByte = bytes[bytes.length - 1];
    if (expect?.feed(bytes)) machine.stop();
    if (inputGate && !inputGate.seen && inputGate.feed(bytes)) {
      for (const b of heldInput) machine.sendInput(b);
      heldInput = [];
    }
  });
  machine.onLog((line) => {
    // On a terminal, start machine lines on a line of their own.
    if (process.stdout.isTTY && lastByte !== 0x0a) {
      process.stderr.write('\n');
      lastByte = 0x0a;
    }
    say(line);
  });
  if (images) machine.load(images);

  let quit = false;
  let finished = false;
  const term = new Terminal(
    sendInput,
    () => {
      quit = true;
    },
  );
  const t0 = performance.now();

  /** Prints the reason (if any) and the statistics, restores the terminal, returns the code. */
  const startInsns = Number(machine.stats().instructions); // non-zero for a restored snapshot
  const finish = (code: number, reason?: string): number => {
    finished = true;
    term.restore();
    // Keep our lines off the end of an unterminated guest line on a terminal.
    if (process.stdout.isTTY && lastByte !== 0x0a) process.stderr.write('\n');
    if (reason) say(reason);
    const s = machine.stats();
    const secs = (performance.now() - t0) / 1000;
    const ran = Number(s.instructions) - startInsns;
    const mips = secs > 0 ? ran / secs / 1e6 : 0;
    const unimpl = s.unimplemented > 0n ? `, ${s.unimplemented} unimplemented` : '';
    const from = startInsns > 0 ? ` (from ${startInsns} in the snapshot)` : '';
    say(`${ran} instructions${from}, ${secs.toFixed(2)} s, ${mips.toFixed(1)} M instr/s${unimpl}`);
    return code;
  };

  const onSignal = (): void => {
    if (finished) return;
    process.exit(finish(EXIT.interrupted, 'interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', () => process.exit(finish(EXIT.fault, 'cannot write to stdout')));
  term.start();

  const pcText = (): string => `0x${machine.core.pc.toString(16)}`;
  let idleMs = 0;
  let lastYield = performance.now();
  for (;;) {
    let budget = SLICE;
    if (cmd.snapshotAt) {
      const done = Number(machine.stats().instructions);
      if (done >= cmd.snapshotAt.insns) {
        const bytes = machine.save();
        try {
          writeFileSync(cmd.snapshotAt.file, bytes);
        } catch (e) {
          return finish(EXIT.fault, `cannot write ${cmd.snapshotAt.file}: ${e instanceof Error ? e.message : String(e)}`);
        }
        return finish(EXIT.ok, `snapshot at ${done} instructions written to ${cmd.snapshotAt.file} (${bytes.length} bytes)`);
      }
      budget = Math.min(budget, cmd.snapshotAt.insns - done);
    }
    if (cmd.maxInsns > 0) {
      // Counted from where this run started (a restored snapshot has a clock of its own).
      const left = cmd.maxInsns - (Number(machine.stats().instructions) - startInsns);
      if (left <= 0) return finish(EXIT.limit, `instruction limit reached: ${cmd.maxInsns} instructions, pc ${pcText()}`);
      budget = Math.min(budget, left);
    }
    let reason: StopReason;
    try {
      reason = machine.run(budget).reason;
    } catch (e) {
      if (process.env.ARMLAB_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      return finish(EXIT.fault, `emulator fault: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (expect?.seen) return finish(EXIT.ok);
    if (quit) return finish(expect ? EXIT.fault : EXIT.ok, expect ? 'quit (Ctrl-A x) before the --expect text appeared' : 'quit (Ctrl-A x)');
    switch (reason) {
      case 'poweroff':
        return expect ? finish(EXIT.fault, `the guest powered off before ${JSON.stringify(cmd.expect)} appeared`) : finish(EXIT.ok);
      case 'reset':
        return finish(EXIT.reset, 'the guest asked for a reset (PSCI SYSTEM_RESET)');
      case 'stuck':
        return finish(EXIT.stuck, `the CPU is stuck in an exception loop at pc ${pcText()} (see the line above)`);
      case 'idle':
        // WFI with nothing that could wake it yet (interrupts come with the GIC). On a terminal,
        // wait a little for the user; otherwise carry on at once: WFI may always complete early,
        // and --max-insns still bounds the run.
        if (term.interactive) {
          // Real time: sleep through the guest's wait (its next timer tick), a little at a time so
          // keystrokes get through, and let that much guest time pass.
          const ticks = machine.idleTicks();
          const waitMs = ticks === null ? IDLE_MAX_MS : Math.min(IDLE_MAX_MS, (Number(ticks) * 1000) / machine.counterHz);
          idleMs = Math.min(waitMs, Math.max(1, idleMs * 2));
          const t = performance.now();
          await sleep(idleMs);
          machine.skipIdle(BigInt(Math.round(((performance.now() - t) / 1000) * machine.counterHz)));
          lastYield = performance.now();
        } else if (performance.now() - lastYield > YIELD_MS) {
          await nextTurn();
          lastYield = performance.now();
        }
        break;
      default:
        idleMs = 0;
        await nextTurn();
        lastYield = performance.now();
    }
  }
}

/**
 * --dump-dtb: the device tree the guest would be given, written to a file, without running it (like
 * QEMU's -machine dumpdtb=FILE). With a kernel the whole boot is planned, so the initrd range in
 * /chosen is exactly where run would put it.
 */
function dumpDtb(cmd: DumpDtbCommand): number {
  const board = virtBoard(cmd.memMiB * MiB, cmd.el === 2);
  const ram: RamRegion = { base: board.ramBase, size: board.ramSize };
  const opts: BootOptions = { board };
  if (cmd.append !== undefined) opts.cmdline = cmd.append;
  const initrd = cmd.initrd !== undefined ? readImage(cmd.initrd, 'initrd') : undefined;
  const given = cmd.dtb !== undefined ? readImage(cmd.dtb, 'DTB') : undefined;
  let bytes: Uint8Array;
  if (cmd.kernel !== undefined) {
    const images: MachineImages = { kernel: readImage(cmd.kernel, 'kernel') };
    if (initrd) images.initrd = initrd;
    if (given) images.dtb = given;
    bytes = planBoot(images, ram, opts).dtb!.bytes;
  } else {
    bytes = bootDtb(given, opts, placeInitrd(initrd, ram, ram.base).initrd)!.bytes;
  }
  try {
    writeFileSync(cmd.file, bytes);
  } catch (e) {
    say(`cannot write ${cmd.file}: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.fault;
  }
  say(`device tree written to ${cmd.file} (${bytes.length} bytes)`);
  return EXIT.ok;
}

function version(): string {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    const pkg = JSON.parse(readFileSync(join(here, '../../package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function main(argv: string[]): Promise<number> {
  try {
    const cmd = parseArgs(argv);
    if (cmd.command === 'help') {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    if (cmd.command === 'version') {
      process.stdout.write(`armlab ${version()}\n`);
      return EXIT.ok;
    }
    if (cmd.command === 'dump-dtb') return dumpDtb(cmd);
    return await run(cmd);
  } catch (e) {
    if (e instanceof UsageError) {
      say(e.message);
      return EXIT.usage;
    }
    if (e instanceof ImageError) {
      say(`bad image: ${e.message}`);
      return EXIT.usage;
    }
    if (process.env.ARMLAB_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    say(e instanceof Error ? e.message : String(e));
    return EXIT.fault;
  }
}

process.exit(await main(process.argv.slice(2)));
