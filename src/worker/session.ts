// The worker's run loop: owns one Machine, runs it in short slices and yields to the event loop
// between them so that input, pause and reset messages get through, and batches the guest's UART
// output and a state digest into updates for the UI at most ~30 times a second.
//
// Nothing here touches worker globals: machine.worker.ts injects how to compile the core and fetch
// files, so this class can also run under Node.
import { concatBytes } from '../machine/bytes';
import { Machine, type MachineImages, type MachineOptions } from '../machine/machine';
import { emptyDigest, type BootSpec, type ImageEntry, type RunState, type StateDigest, type Update, type UpdateListener } from './protocol';

export interface SessionHost {
  /** The compiled core (build/core.wasm); called once per session and cached. */
  loadCore(): Promise<WebAssembly.Module>;
  /** GETs a URL and returns its body; throws with the URL and HTTP status on failure. */
  fetchBytes(url: string): Promise<Uint8Array>;
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
/** While the guest idles (WFI with nothing pending), how often to let it look again. */
const IDLE_RETRY_MS = 20;
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

  private uart: Uint8Array[] = [];
  private log: string[] = [];
  private logDropped = 0;
  private inputBytes = 0;
  private lastUpdateAt = 0;
  private lastUpdateInsns = 0;
  private mips = 0;
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
    this.clearIdleTimer();
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
      // An idling guest may be waiting for exactly this; let it look right away.
      if (this.state === 'idle') {
        this.clearIdleTimer();
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
    d.mips = this.mips;
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
      const options: MachineOptions = {};
      if (spec.el !== undefined) options.el = spec.el;
      if (spec.ramMiB !== undefined) options.ramMiB = spec.ramMiB;
      if (spec.cmdline !== undefined) options.cmdline = spec.cmdline;
      return { name: spec.name, images, options };
    }
    const manifest = await this.loadManifest();
    const entry = manifest.find((e) => e.id === spec.imageId);
    if (!entry) throw new Error(`no image "${spec.imageId}" in images/manifest.json (have: ${manifest.map((e) => e.id).join(', ') || 'none'})`);
    const file = (name: string): Promise<Uint8Array> => this.host.fetchBytes(new URL(`images/${name}`, this.baseUrl).href);
    const [kernel, initrd, dtb] = await Promise.all([
      file(entry.files.kernel),
      entry.files.initrd ? file(entry.files.initrd) : undefined,
      entry.files.dtb ? file(entry.files.dtb) : undefined,
    ]);
    const images: MachineImages = { kernel };
    if (initrd) images.initrd = initrd;
    if (dtb) images.dtb = dtb;
    return { name: entry.name, images, options: { el: entry.el, ramMiB: entry.ramMiB, cmdline: entry.cmdline } };
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
    this.machine = m;
    this.booted = booted;
    this.error = null;
    this.startRunning();
  }

  private startRunning(): void {
    this.state = 'running';
    this.mips = 0;
    this.lastUpdateInsns = this.machine ? Number(this.machine.stats().instructions) : 0;
    this.lastUpdateAt = this.host.now();
    this.scheduleSlice();
    this.pushUpdate();
  }

  private stopMachine(): void {
    this.generation++;
    this.clearIdleTimer();
    this.machine = null;
    this.mips = 0;
  }

  private fail(e: unknown): void {
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
    if (!m || this.state !== 'running') return;
    const t0 = this.host.now();
    let result: ReturnType<Machine['run']>;
    try {
      result = m.run(this.budget);
    } catch (e) {
      this.fail(e);
      return;
    }
    this.tuneBudget(result.executed, this.host.now() - t0);
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
        // Nothing can happen until input arrives (sendInput wakes it early); look again now and
        // then in case the machine has other wake-ups of its own.
        this.state = 'idle';
        this.clearIdleTimer();
        this.idleTimer = setTimeout(() => {
          this.idleTimer = null;
          if (this.state === 'idle' && this.machine === m) {
            this.state = 'running';
            this.slice();
          }
        }, IDLE_RETRY_MS);
        this.scheduleUpdate();
        return;
    }
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
      digest.mips = this.mips = (digest.instructions - this.lastUpdateInsns) / dt / 1000;
    } else if (this.state !== 'running') {
      digest.mips = this.mips = 0;
    }
    this.lastUpdateAt = now;
    this.lastUpdateInsns = digest.instructions;
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
