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
import { concatBytes } from '../machine/bytes';
import { Machine, type MachineImages, type MachineOptions } from '../machine/machine';
import { emptyDigest, type BootSpec, type DownloadProgress, type ImageEntry, type RunState, type StateDigest, type Update, type UpdateListener } from './protocol';

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

interface Booted {
  name: string;
  images: MachineImages;
  options: MachineOptions;
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
    this.state = 'paused';
    this.pushUpdate();
  }

  resume(): void {
    if (this.state !== 'paused' || !this.machine) return;
    this.state = 'running';
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
    }
    this.error = null;
    m.reset();
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
    const m = this.machine;
    if (m) {
      const s = m.stats();
      d.instructions = Number(s.instructions);
      d.exceptions = Number(s.exceptions);
      d.unimplemented = Number(s.unimplemented);
      d.el = m.core.el;
      d.pc = m.core.pc;
    }
    return d;
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

  private async resolve(spec: BootSpec): Promise<Booted> {
    if (!('imageId' in spec)) {
      const images: MachineImages = { kernel: spec.kernel };
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
      this.download = { files: names, loaded: sum(loaded), total };
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
    options.el = entry.el;
    options.ramMiB = entry.ramMiB;
    options.cmdline = entry.cmdline;
    return { name: entry.name, images, options };
  }

  /**
   * What every machine of the lab gets: real-time idling (see the header comment) and an RTC that
   * reads the wall clock, so `date` in the guest shows today.
   */
  private baseOptions(): MachineOptions {
    return { realtime: true, rtcEpoch: Math.floor(Date.now() / 1000) };
  }

  private async start(booted: Booted, gen: number): Promise<void> {
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
    this.download = null;
    this.machine = m;
    this.booted = booted;
    this.error = null;
    this.startRunning();
  }

  private startRunning(): void {
    this.state = 'running';
    this.mips = 0;
    this.load = 0;
    this.lastUpdateExecuted = this.executed;
    this.lastUpdateBusyMs = this.busyMs;
    this.lastUpdateAt = this.host.now();
    this.scheduleSlice();
    this.pushUpdate();
  }

  private stopMachine(): void {
    this.generation++;
    this.clearIdleTimer();
    this.sleepingSince = null;
    this.download = null;
    this.machine = null;
    this.mips = 0;
    this.load = 0;
  }

  private fail(e: unknown): void {
    this.clearIdleTimer();
    this.sleepingSince = null;
    this.state = 'error';
    this.error = e instanceof Error ? e.message : String(e);
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
        this.state = 'powered-off';
        this.pushLog('[armlab] the guest powered the machine off');
        this.pushUpdate();
        return;
      case 'reset':
        // PSCI SYSTEM_RESET: the guest asked for a reboot.
        void this.restart(false);
        return;
      case 'stuck':
        // The machine logged why (an exception re-entering its own vector); only a reset helps.
        this.state = 'error';
        this.error = 'the CPU is stuck in an exception loop (see the machine log)';
        this.pushUpdate();
        return;
      case 'breakpoint':
        this.state = 'paused';
        this.pushUpdate();
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
    const update: Update = { uart: concatBytes(this.uart), log: this.log, digest };
    this.uart = [];
    this.log = [];
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
