// The worker's run loop: owns one Machine, runs it in short slices and yields to the event loop
// between them so that input, pause and reset messages get through, and batches the guest's UART
// output and a state digest into updates for the UI at most ~30 times a second.
//
// The machine runs in real time (MachineOptions.realtime): when the guest waits in WFI for its next
// timer tick, run() returns 'idle' and the session sleeps on a host timer for as long as the guest
// wants to wait (input wakes it early), then lets that much guest time pass. An idle Linux thus costs
// almost no host CPU, and its clock keeps pace with the wall clock. A wait only input can end
// (no timer armed) has no timer at all: sendInput() is what wakes the machine.
//
// Nothing here touches worker globals: machine.worker.ts injects how to compile the core and fetch
// files, so this class can also run under Node.
import * as L from '../core/layout';
import { concatBytes } from '../machine/bytes';
import { inspectCpu, readMemory, type CpuSnapshot } from '../machine/inspect';
import { Machine, type MachineImages, type MachineOptions } from '../machine/machine';
import { MigrationSource, MigrationTarget } from '../machine/migration';
import type { TrailBreak, TrailEvent } from '../machine/trail';
import { disassembleWord } from '../ui/disasm-adapter';
import { stepOverReturn } from '../ui/debug-format';
import {
  emptyDigest, type BootSpec, type DisasmLine, type DownloadProgress, type ImageEntry, type MemoryResult, type PauseReason, type RunState,
  type MigrationProgress, type RestoreResult, type SavedSnapshot, type StateDigest, type StepResult, type Update, type UpdateListener,
} from './protocol';

export interface SessionHost {
  /** The compiled core (build/core.wasm); called once per session and cached. */
  loadCore(): Promise<WebAssembly.Module>;
  /**
   * GETs a URL and returns its body; throws with the URL and HTTP status on failure. Calls
   * onProgress (if given) as the body arrives, with the bytes so far and the size if the server said.
   */
  fetchBytes(url: string, onProgress?: (loaded: number, total: number | null) => void): Promise<Uint8Array>;
  /** Runs fn as a new macrotask, after any messages already queued (see yieldToEventLoop). */
  yieldThen(fn: () => void): void;
  now(): number;
}

/** Wall time one slice aims at: long enough to amortise the yield, short enough to stay responsive. */
const SLICE_MS = 10;
const MIN_BUDGET = 10_000;
const MAX_BUDGET = 20_000_000;
/** Minimum spacing of updates to the UI (about 30 per second). */
const UPDATE_MS = 33;
/** The longest single host sleep for a guest's WFI; a longer wait simply sleeps again. */
const MAX_SLEEP_MS = 1000;
/** Log lines kept per update when a guest floods the log; the rest are summarised. */
const MAX_LOG_LINES = 200;
/**
 * Trail events kept for one update (the newest; older ones count as lost). A Linux shell loop takes
 * tens of thousands of exceptions a second; more rows than this per update would only cost the page
 * time to clone and render what nobody can read at that speed.
 */
const MAX_TRAIL_PER_UPDATE = 200;
/** How often a running machine's CPU snapshot goes out (a stopped one's goes with every update). */
const CPU_RUNNING_MS = 250;
/** Instructions one step() call may ask for, and the chunk it runs them in. */
const MAX_STEP = 100_000_000;
const STEP_CHUNK = 1_000_000;
/** The largest readMemory / disassemble request (a debugger view, not a memory dump). */
const MAX_READ = 65_536;
const MAX_DISASM = 1024;

interface Booted {
  name: string;
  /** What was booted; absent for a machine restored from a snapshot (it carries its own images). */
  images?: MachineImages;
  options?: MachineOptions;
}

export class MachineSession {
  private module: Promise<WebAssembly.Module> | null = null;
  private listener: UpdateListener | null = null;
  private baseUrl = '';
  private manifest: ImageEntry[] | null = null;

  private machine: Machine | null = null;
  private booted: Booted | null = null;
  private state: RunState = 'empty';
  private error: string | null = null;
  /** Bumped whenever the machine is replaced, so callbacks of an old machine are ignored. */
  private generation = 0;
  private bootId = 0;
  private budget = 200_000;
  private sliceQueued = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the current timed WFI sleep began (host ms), or null when not sleeping on a timer. */
  private sleepingSince: number | null = null;
  private download: DownloadProgress | null = null;

  private uart: Uint8Array[] = [];
  private log: string[] = [];
  private logDropped = 0;
  private inputBytes = 0;
  private lastUpdateAt = 0;
  /**
   * Instructions executed by run() and host ms spent in it, since the worker started. The guest's
   * instruction count (its clock) also grows while it sleeps in WFI; these do not, so they give the
   * real speed and how busy the host is.
   */
  private executed = 0;
  private busyMs = 0;
  private lastUpdateExecuted = 0;
  private lastUpdateBusyMs = 0;
  private mips = 0;
  private load = 0;
  private updateInFlight = false;
  private updatePending = false;
  private updateTimer: ReturnType<typeof setTimeout> | null = null;
  private updates = 0;

  private pauseReason: PauseReason | null = null;
  /** The user's PC breakpoints (at most BREAK_MAX - 1: a step over needs one more for its target). */
  private breakpoints: bigint[] = [];
  /**
   * A step over or run to cursor under way: the address it runs to (armed in the core's breakpoint
   * comparator instead of the user's), and for a step over the EL and SP the call must return to.
   */
  private runningTo: { pc: bigint; frame: { el: number; sp: bigint } | null } | null = null;
  private trailBreak: TrailBreak | null = null;
  private trail: TrailEvent[] = [];
  private trailLost = 0;
  /** Host ms when the last CPU snapshot went out, and whether one is due regardless (state changed). */
  private lastCpuAt = -Infinity;
  private cpuDue = true;

  /** A live migration this session is the source of (tied to the machine it started on). */
  private migrationOut: { source: MigrationSource; machine: Machine } | null = null;
  /** A migration this session receives: the machine being built, not running until finish. */
  private migrationIn: MigrationTarget | null = null;

  constructor(private readonly host: SessionHost) {}

  connect(baseUrl: string, listener: UpdateListener): void {
    this.baseUrl = baseUrl;
    this.listener = listener;
    this.manifest = null;
    this.pushUpdate();
  }

  async boot(spec: BootSpec): Promise<void> {
    this.stopMachine();
    this.booted = null;
    const gen = this.generation;
    this.bootId++;
    this.state = 'booting';
    this.error = null;
    this.uart = [];
    this.log = [];
    this.trail = [];
    this.trailLost = 0;
    this.pushUpdate();
    try {
      const booted = await this.resolve(spec);
      if (gen !== this.generation) return; // a newer boot or reset overtook this one
      await this.start(booted, gen);
    } catch (e) {
      if (gen !== this.generation) return;
      this.fail(e);
    }
  }

  pause(): void {
    if (this.state !== 'running' && this.state !== 'idle') return;
    this.endSleep();
    this.pauseAt('user');
  }

  private pauseAt(reason: PauseReason): void {
    this.endRunTo();
    this.state = 'paused';
    this.pauseReason = reason;
    this.cpuDue = true;
    this.pushUpdate();
  }

  resume(): void {
    if (this.state !== 'paused' || !this.machine) return;
    this.state = 'running';
    this.pauseReason = null;
    this.lastUpdateAt = this.host.now();
    this.scheduleSlice();
    this.pushUpdate();
  }

  /** Power-cycles the machine (same images) and runs it from the start, even after a power-off. */
  reset(): Promise<void> {
    return this.restart(true);
  }

  /**
   * A reset the user asked for starts a fresh console (new bootId, pending output dropped); one the
   * guest asked for (PSCI SYSTEM_RESET) keeps what it printed on the way down.
   */
  private async restart(byUser: boolean): Promise<void> {
    const m = this.machine;
    const booted = this.booted;
    if (!m || !booted) return; // nothing booted, or the last boot failed: Boot again instead
    this.clearIdleTimer();
    this.sleepingSince = null;
    if (byUser) {
      this.bootId++;
      this.uart = [];
      this.log = [];
      this.trail = [];
      this.trailLost = 0;
    }
    this.error = null;
    this.endRunTo();
    m.reset({ rtcEpoch: this.wallClockEpoch() }); // the RTC shows today's date after a reset too
    this.applyDebugState(m);
    this.pushLog(`[armlab] reset: restarting ${booted.name}${byUser ? '' : ' (the guest asked for it)'}`);
    this.startRunning();
  }

  sendInput(bytes: Uint8Array): void {
    this.inputBytes += bytes.length;
    const m = this.machine;
    if (m && this.state !== 'powered-off' && this.state !== 'error') {
      m.sendInput(bytes);
      // An idle or sleeping guest may be waiting for exactly this; let it look right away.
      if (this.state === 'idle' || this.sleepingSince !== null) {
        this.endSleep();
        this.state = 'running';
        this.scheduleSlice();
      }
    }
    this.scheduleUpdate();
  }

  /** Powers the machine off as PSCI SYSTEM_OFF would; reset() starts it again. */
  powerOff(): void {
    const m = this.machine;
    if (!m || this.state === 'powered-off' || this.state === 'booting') return;
    this.endSleep();
    this.drainTrail(m);
    this.endRunTo();
    this.state = 'powered-off';
    this.pauseReason = null;
    this.cpuDue = true;
    this.pushLog('[armlab] powered off by the user');
    this.pushUpdate();
  }

  /**
   * Runs n instructions of a paused machine, which stays paused (unless it powers off or fails). A
   * WFI with a timer armed lets the guest's time pass to the deadline, as running would; one that
   * only input can end stops the step.
   */
  step(n: number): StepResult {
    const m = this.machine;
    if (!m || this.state !== 'paused') return { executed: 0, reason: 'not-paused' };
    let remaining = Math.min(MAX_STEP, Math.max(0, Math.floor(n)));
    let executed = 0;
    let reason: StepResult['reason'] = 'done';
    while (remaining > 0) {
      let r: ReturnType<Machine['run']>;
      try {
        r = m.run(Math.min(remaining, STEP_CHUNK));
      } catch (e) {
        this.fail(e);
        return { executed, reason: 'stuck' };
      }
      executed += r.executed;
      remaining -= r.executed;
      this.drainTrail(m);
      if (r.reason === 'budget') {
        if (r.executed === 0) break; // nothing more will happen
        continue;
      }
      if (r.reason === 'idle') {
        const ticks = m.idleTicks();
        if (ticks === null) {
          reason = 'idle';
          break;
        }
        m.skipIdle(ticks);
        continue;
      }
      reason = r.reason;
      break;
    }
    this.executed += executed;
    this.cpuDue = true;
    if (reason === 'poweroff') {
      this.state = 'powered-off';
      this.pauseReason = null;
      this.pushLog('[armlab] the guest powered the machine off');
    } else if (reason === 'stuck') {
      this.state = 'error';
      this.error = 'the CPU is stuck in an exception loop (see the machine log)';
    } else if (reason === 'reset') {
      // PSCI SYSTEM_RESET while stepping: power-cycle, but stay paused at the first instruction.
      m.reset({ rtcEpoch: this.wallClockEpoch() });
      this.applyDebugState(m);
      this.pushLog('[armlab] reset: the guest asked for it');
      this.pauseReason = 'step';
    } else {
      this.pauseReason = reason === 'breakpoint' || reason === 'trap' ? reason : 'step';
    }
    this.pushUpdate();
    return { executed, reason };
  }

  setBreakpoints(pcs: readonly bigint[]): void {
    const unique = [...new Set(pcs.map((pc) => BigInt.asUintN(64, pc)))];
    if (unique.length > L.BREAK_MAX - 1) {
      throw new Error(`at most ${L.BREAK_MAX - 1} breakpoints at once; ${unique.length} were asked for`);
    }
    this.breakpoints = unique;
    this.armBreakpoints();
    this.scheduleUpdate();
  }

  /** See MachineWorkerApi.stepOver. */
  stepOver(): void {
    const m = this.machine;
    if (!m || this.state !== 'paused') return;
    const pc = m.core.pc;
    const el = m.core.el;
    const r = readMemory(m.core, pc, 4, { el });
    const ret = 'bytes' in r ? stepOverReturn((r.bytes[0]! | (r.bytes[1]! << 8) | (r.bytes[2]! << 16) | (r.bytes[3]! << 24)) >>> 0, pc) : null;
    if (ret === null) {
      this.step(1);
      return;
    }
    const sp = m.core.spsel === 0 ? m.core.spEl(0) : m.core.spEl(el);
    this.startRunTo(ret, { el, sp });
  }

  /** See MachineWorkerApi.runTo. */
  runTo(pc: bigint): void {
    const m = this.machine;
    if (!m || this.state !== 'paused') return;
    this.startRunTo(BigInt.asUintN(64, pc), null);
  }

  private startRunTo(pc: bigint, frame: { el: number; sp: bigint } | null): void {
    this.runningTo = { pc, frame };
    this.armBreakpoints();
    this.state = 'running';
    this.pauseReason = null;
    this.lastUpdateAt = this.host.now();
    this.scheduleSlice();
    this.pushUpdate();
  }

  /** Ends a step over / run to cursor (arrived or interrupted): the user's breakpoint is armed again. */
  private endRunTo(): void {
    if (!this.runningTo) return;
    this.runningTo = null;
    this.armBreakpoints();
  }

  /** The core's breakpoint table: the user's, plus a step over's / run to cursor's target. */
  private armBreakpoints(): void {
    const pcs = this.runningTo ? [...this.breakpoints, this.runningTo.pc] : this.breakpoints;
    this.machine?.core.setBreakpoints(pcs);
  }

  /** At a breakpoint stop during a run-to: whether this is where it was going (else run on). */
  private arrived(m: Machine): boolean {
    const to = this.runningTo;
    if (!to || m.core.pc !== to.pc) return true; // not ours: a stop is a stop
    if (!to.frame) return true;
    const sp = m.core.spsel === 0 ? m.core.spEl(0) : m.core.spEl(m.core.el);
    // The same EL, and the callee's frame popped (a recursive call passes here deeper down first).
    return m.core.el === to.frame.el && sp >= to.frame.sp;
  }

  setTrailBreak(rule: TrailBreak | null): void {
    this.trailBreak = rule && rule.kinds.length > 0 && rule.els.length > 0 ? { kinds: [...rule.kinds], els: [...rule.els] } : null;
    if (this.machine) this.machine.setTrailBreak(this.trailBreak);
    this.scheduleUpdate();
  }

  inspect(): CpuSnapshot | null {
    return this.machine ? inspectCpu(this.machine.core) : null;
  }

  readMemory(addr: bigint, len: number, virtual: { el: number } | null): MemoryResult {
    const m = this.machine;
    if (!m) return { error: 'no machine' };
    const n = Math.floor(len);
    if (!(n >= 0 && n <= MAX_READ)) return { error: `can read 0..${MAX_READ} bytes at a time, not ${len}` };
    if (virtual && !(virtual.el >= 0 && virtual.el <= 2)) return { error: `no EL${virtual.el}` };
    return readMemory(m.core, BigInt.asUintN(64, addr), n, virtual);
  }

  disassemble(addr: bigint, count: number, virtual: { el: number } | null): DisasmLine[] {
    const lines: DisasmLine[] = [];
    const n = Math.min(MAX_DISASM, Math.max(0, Math.floor(count)));
    for (let i = 0; i < n; i++) {
      const a = BigInt.asUintN(64, addr + BigInt(i * 4));
      const r = this.readMemory(a, 4, virtual);
      if ('error' in r) {
        lines.push({ addr: a, word: null, text: '??', error: r.error });
        continue;
      }
      const word = (r.bytes[0]! | (r.bytes[1]! << 8) | (r.bytes[2]! << 16) | (r.bytes[3]! << 24)) >>> 0;
      lines.push({ addr: a, word, text: disassembleWord(word, a) });
    }
    return lines;
  }

  digest(): StateDigest {
    const d = emptyDigest();
    d.state = this.state;
    d.bootId = this.bootId;
    d.image = this.booted?.name ?? null;
    d.error = this.error;
    d.inputBytes = this.inputBytes;
    d.download = this.state === 'booting' ? this.download : null;
    d.mips = this.mips;
    d.load = this.load;
    d.pauseReason = this.state === 'paused' ? this.pauseReason : null;
    d.breakpoints = [...this.breakpoints];
    d.runningTo = this.runningTo?.pc ?? null;
    d.trailBreak = this.trailBreak;
    d.updates = this.updates;
    const m = this.machine;
    if (m) {
      const s = m.stats();
      d.instructions = Number(s.instructions);
      d.exceptions = Number(s.exceptions);
      d.unimplemented = Number(s.unimplemented);
      d.el = m.core.el;
      d.pc = m.core.pc;
      // The generic timer counts instructions >> CFG_CNT_SHIFT (the machine's fixed ratio).
      const shift = BigInt(m.core.view.getUint32(L.STATE_BASE + L.OFF_CFG_CNT_SHIFT, true) & 63);
      d.guestSeconds = Number(s.instructions >> shift) / m.counterHz;
    }
    return d;
  }

  // ---- Snapshots and migration (docs/snapshot-format.md) -----------------------------------------

  /**
   * The running machine as a snapshot file, and the guest's name. Comlink calls arrive between
   * slices, so the machine is never mid-run here; it keeps running afterwards.
   */
  save(): SavedSnapshot {
    const m = this.machine;
    if (!m || this.state === 'booting') throw new Error('there is no machine to save');
    const bytes = m.save();
    return { bytes, guest: this.booted?.name ?? 'machine', instructions: this.digest().instructions };
  }

  /**
   * Replaces the machine with one restored from `bytes`, and runs it; a file Machine.restore refuses
   * leaves the current machine exactly as it was (still running, if it was) and says why.
   */
  async restore(bytes: Uint8Array, guest: string): Promise<RestoreResult> {
    let m: Machine;
    try {
      m = await Machine.restore(await this.coreModule(), bytes, { realtime: true });
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    this.install(m, guest, `[armlab] restored ${guest} from a snapshot (${bytes.length.toLocaleString('en-US')} bytes)`);
    return { ok: true };
  }

  /** Makes a restored or migrated machine the session's, with a fresh console, and runs it. */
  private install(m: Machine, guest: string, line: string): void {
    this.stopMachine();
    const gen = this.generation;
    this.bootId++;
    this.uart = [];
    this.log = [];
    this.trail = [];
    this.trailLost = 0;
    m.onOutput((bytes) => {
      if (gen === this.generation) this.uart.push(bytes.slice());
    });
    m.onLog((l) => {
      if (gen === this.generation) this.pushLog(l);
    });
    this.applyDebugState(m);
    this.machine = m;
    this.booted = { name: guest };
    this.error = null;
    this.pushLog(line);
    this.startRunning();
  }

  /**
   * Live migration, source side: the whole machine now, with the core's dirty-page log started at
   * the same instant. The machine keeps running; migrateRound() sends what it writes meanwhile.
   */
  migrateBegin(): SavedSnapshot {
    const m = this.machine;
    if (!m || (this.state !== 'running' && this.state !== 'idle' && this.state !== 'paused')) throw new Error('there is no running machine to migrate');
    const source = new MigrationSource(m);
    this.migrationOut = { source, machine: m };
    const bytes = source.begin();
    return { bytes, guest: this.booted?.name ?? 'machine', instructions: this.digest().instructions };
  }

  /** A pre-copy round: the pages written since the last message, and whether another round is pointless. */
  migrateRound(): { bytes: Uint8Array; stop: boolean; progress: MigrationProgress } {
    const out = this.currentMigration();
    const bytes = out.source.round();
    return { bytes, stop: out.source.shouldStop(), progress: this.progress(out.source, out.source.lastRoundPages) };
  }

  /**
   * Stop-and-copy: pauses the machine (the downtime starts here) and returns the last pages and the
   * CPU, GIC and device state. The machine stays paused until migratedAway() or migrateAbort().
   */
  migrateFinish(): { bytes: Uint8Array; progress: MigrationProgress } {
    const out = this.currentMigration();
    this.endSleep();
    this.pauseAt('user');
    const bytes = out.source.finish();
    this.migrationOut = null;
    return { bytes, progress: this.progress(out.source, 0) };
  }

  /** A migration that found no taker, or failed on the way: the source simply goes on. */
  migrateAbort(): void {
    const out = this.migrationOut;
    this.migrationOut = null;
    if (out && this.machine === out.machine) out.machine.core.stopDirtyLog();
  }

  /** The machine now runs in another tab: this one lets it go (no copy must go on running here). */
  migratedAway(where: string): void {
    this.migrateAbort();
    this.stopMachine();
    this.booted = null;
    this.state = 'empty';
    this.error = null;
    this.pushLog(`[armlab] the machine moved to ${where}`);
    this.pushUpdate();
  }

  private currentMigration(): { source: MigrationSource; machine: Machine } {
    const out = this.migrationOut;
    if (!out || this.machine !== out.machine) {
      this.migrationOut = null;
      throw new Error('the machine being migrated is gone (a new boot or restore replaced it)');
    }
    return out;
  }

  private progress(s: MigrationSource, pages: number): MigrationProgress {
    return { rounds: s.stats.rounds, bytesSent: s.stats.bytesSent, pagesResent: s.stats.pagesResent, lastRoundPages: pages };
  }

  /** Migration, destination side: builds the machine from the first message (it does not run yet). */
  async receiveBegin(bytes: Uint8Array): Promise<RestoreResult> {
    try {
      this.migrationIn = await MigrationTarget.begin(await this.coreModule(), bytes, { realtime: true });
      return { ok: true };
    } catch (e) {
      this.migrationIn = null;
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Applies a pre-copy round to the machine being received. */
  receivePages(bytes: Uint8Array): RestoreResult {
    if (!this.migrationIn) return { ok: false, error: 'no migration is being received' };
    try {
      this.migrationIn.applyPages(bytes);
      return { ok: true };
    } catch (e) {
      this.migrationIn = null;
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  /**
   * The stop-and-copy message: completes the received machine, replaces this session's with it and
   * runs it. (A warm migration is a plain restore() of the source's snapshot.)
   */
  receiveFinish(bytes: Uint8Array, guest: string): RestoreResult {
    const target = this.migrationIn;
    this.migrationIn = null;
    if (!target) return { ok: false, error: 'no migration is being received' };
    let m: Machine;
    try {
      m = target.finish(bytes);
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    this.install(m, guest, `[armlab] ${guest} arrived from another tab`);
    return { ok: true };
  }

  // ---- Booting --------------------------------------------------------------------------------

  private coreModule(): Promise<WebAssembly.Module> {
    if (!this.module) {
      this.module = this.host.loadCore();
      // A failed compile should be retried on the next boot, not cached forever.
      this.module.catch(() => (this.module = null));
    }
    return this.module;
  }

  private async loadManifest(): Promise<ImageEntry[]> {
    if (this.manifest) return this.manifest;
    const url = new URL('images/manifest.json', this.baseUrl).href;
    const text = new TextDecoder().decode(await this.host.fetchBytes(url));
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error(`${url} is not a JSON array of images`);
    this.manifest = parsed as ImageEntry[];
    return this.manifest;
  }

  private async resolve(spec: BootSpec): Promise<Required<Booted>> {
    if (!('imageId' in spec)) {
      const images: MachineImages = { kernel: spec.kernel };
      const size = spec.kernel.length + (spec.initrd?.length ?? 0) + (spec.dtb?.length ?? 0);
      this.download = { files: [spec.name], loaded: size, total: size, stage: 'prepare' };
      if (spec.initrd) images.initrd = spec.initrd;
      if (spec.dtb) images.dtb = spec.dtb;
      const options = this.baseOptions();
      if (spec.el !== undefined) options.el = spec.el;
      if (spec.ramMiB !== undefined) options.ramMiB = spec.ramMiB;
      if (spec.cmdline !== undefined) options.cmdline = spec.cmdline;
      return { name: spec.name, images, options };
    }
    const manifest = await this.loadManifest();
    const entry = manifest.find((e) => e.id === spec.imageId);
    if (!entry) throw new Error(`no image "${spec.imageId}" in images/manifest.json (have: ${manifest.map((e) => e.id).join(', ') || 'none'})`);
    const names = [entry.files.kernel, entry.files.initrd, entry.files.dtb].filter((n): n is string => n !== undefined);
    // The files download in parallel; the UI shows their sum (a Linux kernel and initramfs are a
    // few MB, which takes a noticeable while on a slow link).
    const loaded = names.map(() => 0);
    const totals: (number | null)[] = names.map(() => null);
    const progress = (): void => {
      const sum = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0);
      const total = totals.every((t) => t !== null) ? sum(totals as number[]) : null;
      this.download = { files: names, loaded: sum(loaded), total, stage: 'download' };
      this.scheduleUpdate();
    };
    progress();
    const file = (name: string | undefined): Promise<Uint8Array> | undefined => {
      if (name === undefined) return undefined;
      const i = names.indexOf(name);
      return this.host.fetchBytes(new URL(`images/${name}`, this.baseUrl).href, (n, total) => {
        loaded[i] = n;
        totals[i] = total;
        progress();
      });
    };
    const [kernel, initrd, dtb] = await Promise.all([file(entry.files.kernel)!, file(entry.files.initrd), file(entry.files.dtb)]);
    const images: MachineImages = { kernel };
    if (initrd) images.initrd = initrd;
    if (dtb) images.dtb = dtb;
    const options = this.baseOptions();
    options.el = spec.el ?? entry.el;
    options.ramMiB = spec.ramMiB ?? entry.ramMiB;
    options.cmdline = spec.cmdline ?? entry.cmdline;
    return { name: entry.name, images, options };
  }

  /**
   * What every machine of the lab gets: real-time idling (see the header comment) and an RTC that
   * reads the wall clock, so `date` in the guest shows today.
   */
  /** Seconds since 1970 now, for the RTC (the lab's guests see today's date). */
  private wallClockEpoch(): number {
    return Math.floor(Date.now() / 1000);
  }

  private baseOptions(): MachineOptions {
    return { realtime: true, rtcEpoch: this.wallClockEpoch() };
  }

  private async start(booted: Required<Booted>, gen: number): Promise<void> {
    if (this.download) {
      // Decompressing a kernel takes a moment: say so before the worker is busy with it.
      this.download = { ...this.download, stage: 'prepare' };
      this.pushUpdate();
    }
    const module = await this.coreModule();
    if (gen !== this.generation) return;
    const m = await Machine.create(module, booted.options);
    if (gen !== this.generation) return;
    m.onOutput((bytes) => {
      if (gen !== this.generation) return;
      // The machine may reuse its buffer; keep a copy.
      this.uart.push(bytes.slice());
    });
    m.onLog((line) => {
      if (gen === this.generation) this.pushLog(line);
    });
    m.load(booted.images);
    this.applyDebugState(m);
    this.download = null;
    this.machine = m;
    this.booted = booted;
    this.error = null;
    this.startRunning();
  }

  /** The breakpoint and pause-on-match rule outlive boots and resets: set them on the (new) machine. */
  private applyDebugState(m: Machine): void {
    m.core.setBreakpoints(this.runningTo ? [...this.breakpoints, this.runningTo.pc] : this.breakpoints);
    m.setTrailBreak(this.trailBreak);
  }

  /** Moves the machine's new trail events to the next update, keeping at most MAX_TRAIL_PER_UPDATE. */
  private drainTrail(m: Machine): void {
    const { events, lost } = m.drainTrail();
    this.trailLost += lost;
    if (events.length === 0) return;
    for (const e of events) this.trail.push(e);
    const over = this.trail.length - MAX_TRAIL_PER_UPDATE;
    if (over > 0) {
      this.trail.splice(0, over);
      this.trailLost += over;
    }
  }

  private startRunning(): void {
    this.state = 'running';
    this.pauseReason = null;
    this.cpuDue = true;
    this.mips = 0;
    this.load = 0;
    this.lastUpdateExecuted = this.executed;
    this.lastUpdateBusyMs = this.busyMs;
    this.lastUpdateAt = this.host.now();
    this.scheduleSlice();
    this.pushUpdate();
  }

  private stopMachine(): void {
    this.endRunTo();
    this.generation++;
    this.clearIdleTimer();
    this.sleepingSince = null;
    this.download = null;
    this.machine = null;
    this.migrationOut = null;
    this.pauseReason = null;
    this.cpuDue = true;
    this.mips = 0;
    this.load = 0;
  }

  private fail(e: unknown): void {
    this.clearIdleTimer();
    this.sleepingSince = null;
    this.endRunTo();
    this.state = 'error';
    this.cpuDue = true;
    // A bad image (ImageError) explains itself; anything else gets its class name for context.
    this.error = e instanceof Error ? (e.name === 'Error' || e.name === 'ImageError' ? e.message : `${e.name}: ${e.message}`) : String(e);
    this.pushLog(`[armlab] error: ${this.error}`);
    this.pushUpdate();
  }

  // ---- The run loop -----------------------------------------------------------------------------

  private scheduleSlice(): void {
    if (this.sliceQueued) return;
    this.sliceQueued = true;
    const gen = this.generation;
    this.host.yieldThen(() => {
      this.sliceQueued = false;
      if (gen === this.generation) this.slice();
      else if (this.state === 'running') this.scheduleSlice(); // a new machine was started meanwhile
    });
  }

  private slice(): void {
    const m = this.machine;
    if (!m || this.state !== 'running' || this.sleepingSince !== null) return;
    const t0 = this.host.now();
    let result: ReturnType<Machine['run']>;
    try {
      result = m.run(this.budget);
    } catch (e) {
      this.fail(e);
      return;
    }
    this.drainTrail(m);
    const ms = this.host.now() - t0;
    this.executed += result.executed;
    this.busyMs += ms;
    this.tuneBudget(result.executed, ms);
    switch (result.reason) {
      case 'budget':
        this.scheduleSlice();
        this.scheduleUpdate();
        return;
      case 'poweroff':
        this.endRunTo();
        this.state = 'powered-off';
        this.cpuDue = true;
        this.pushLog('[armlab] the guest powered the machine off');
        this.pushUpdate();
        return;
      case 'reset':
        // PSCI SYSTEM_RESET: the guest asked for a reboot.
        void this.restart(false);
        return;
      case 'stuck':
        // The machine logged why (an exception re-entering its own vector); only a reset helps.
        this.endRunTo();
        this.state = 'error';
        this.error = 'the CPU is stuck in an exception loop (see the machine log)';
        this.cpuDue = true;
        this.pushUpdate();
        return;
      case 'breakpoint':
        if (this.runningTo && !this.arrived(m)) {
          this.scheduleSlice(); // run() does not stop on the first instruction, so this goes on
          this.scheduleUpdate();
          return;
        }
        this.pauseAt(this.runningTo ? 'step' : 'breakpoint');
        return;
      case 'trap':
        this.pauseAt('trap');
        return;
      case 'idle':
        this.sleep(m);
        return;
    }
  }

  /**
   * The guest executed WFI and nothing is pending. With a timer armed, sleep until its deadline (at
   * most MAX_SLEEP_MS) and then let the time slept pass in the guest; without one, only input can
   * wake it, so stay 'idle' with no timer at all until sendInput() (or pause, reset, boot).
   */
  private sleep(m: Machine): void {
    this.clearIdleTimer();
    const ticks = m.idleTicks();
    if (ticks === null) {
      this.sleepingSince = null;
      this.state = 'idle';
      this.pushUpdate(); // a state change: the UI shows it at once
      return;
    }
    const ms = (Number(ticks) * 1000) / m.counterHz;
    this.sleepingSince = this.host.now();
    // Whole milliseconds, rounded up: browsers truncate a fractional delay (3.96 ms would fire after
    // 3), and a sub-millisecond remainder would then fire at once, over and over, while the coarse
    // clock a page gets (performance.now() is rounded to 0.1 ms) measured no time passing.
    const capped = ms > MAX_SLEEP_MS;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.machine !== m || this.state !== 'running') return;
      // On time, the whole wait has passed (skipIdle stops at its end); a capped sleep passes as long
      // as it took.
      this.endSleep(capped ? null : ticks);
      this.scheduleSlice();
    }, Math.max(1, Math.ceil(Math.min(ms, MAX_SLEEP_MS))));
    this.scheduleUpdate();
  }

  /**
   * Ends a timed WFI sleep: the guest's clock advances by `ticks` (the sleep ran its course) or, if
   * null (woken early: input, pause), by the host time slept.
   */
  private endSleep(ticks: bigint | null = null): void {
    this.clearIdleTimer();
    const since = this.sleepingSince;
    const m = this.machine;
    this.sleepingSince = null;
    if (since === null || !m) return;
    const slept = ticks ?? BigInt(Math.round((Math.max(0, this.host.now() - since) / 1000) * m.counterHz));
    m.skipIdle(slept);
  }

  /** Sizes the next slice so it takes about SLICE_MS at the speed the last one ran. */
  private tuneBudget(executed: number, ms: number): void {
    if (executed < this.budget || ms <= 0) return; // a short slice says nothing about speed
    const ideal = (executed * SLICE_MS) / ms;
    const next = Math.round(this.budget * 0.5 + ideal * 0.5);
    this.budget = Math.min(MAX_BUDGET, Math.max(MIN_BUDGET, next));
  }

  private clearIdleTimer(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  // ---- Updates to the UI --------------------------------------------------------------------------

  private pushLog(line: string): void {
    if (this.log.length < MAX_LOG_LINES) this.log.push(line);
    else this.logDropped++;
  }

  /** Sends an update soon, but no sooner than UPDATE_MS after the previous one. */
  private scheduleUpdate(): void {
    if (this.updateTimer !== null || this.updateInFlight) {
      this.updatePending = true;
      return;
    }
    const wait = this.lastUpdateAt + UPDATE_MS - this.host.now();
    if (wait <= 0) {
      this.pushUpdate();
      return;
    }
    this.updateTimer = setTimeout(() => {
      this.updateTimer = null;
      this.pushUpdate();
    }, wait);
  }

  /** Sends an update now (state changes go out at once), or as soon as the previous one is consumed. */
  private pushUpdate(): void {
    const listener = this.listener;
    if (!listener) return;
    if (this.updateInFlight) {
      this.updatePending = true;
      return;
    }
    if (this.updateTimer !== null) {
      clearTimeout(this.updateTimer);
      this.updateTimer = null;
    }
    this.updatePending = false;
    const now = this.host.now();
    const digest = this.digest();
    const dt = now - this.lastUpdateAt;
    if (this.state === 'running' && dt > 0) {
      digest.mips = this.mips = (this.executed - this.lastUpdateExecuted) / dt / 1000;
      digest.load = this.load = Math.min(1, (this.busyMs - this.lastUpdateBusyMs) / dt);
    } else if (this.state !== 'running') {
      digest.mips = this.mips = 0;
      digest.load = this.load = 0;
    }
    this.lastUpdateAt = now;
    this.lastUpdateExecuted = this.executed;
    this.lastUpdateBusyMs = this.busyMs;
    if (this.logDropped > 0) {
      this.log.push(`[armlab] ${this.logDropped} more log lines dropped`);
      this.logDropped = 0;
    }
    // The CPU snapshot: with every update of a stopped machine, a few times a second of a running one.
    let cpu: CpuSnapshot | null = null;
    const m = this.machine;
    const stopped = this.state !== 'running' && this.state !== 'idle';
    if (m && (stopped || this.cpuDue || now - this.lastCpuAt >= CPU_RUNNING_MS)) {
      cpu = inspectCpu(m.core);
      this.lastCpuAt = now;
      this.cpuDue = false;
    }
    this.updates++;
    digest.updates = this.updates;
    const update: Update = { uart: concatBytes(this.uart), log: this.log, digest, cpu, trail: this.trail, trailLost: this.trailLost };
    this.uart = [];
    this.log = [];
    this.trail = [];
    this.trailLost = 0;
    // Wait for the UI to take this update before sending the next: if the page falls behind (a
    // guest flooding the console), output accumulates here into fewer, larger updates.
    this.updateInFlight = true;
    Promise.resolve(listener(update))
      .catch(() => undefined)
      .finally(() => {
        this.updateInFlight = false;
        if (this.updatePending) this.scheduleUpdate();
      });
  }
}
