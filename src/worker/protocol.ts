// The contract between the UI thread and the machine worker. Types only (plus one pure helper), so
// the UI can import it without pulling emulator code into the main bundle.
import type { CpuSnapshot } from '../machine/inspect';
import type { TrailBreak, TrailEvent } from '../machine/trail';

export type { CpuSnapshot, TrailBreak, TrailEvent };

/** One entry of public/images/manifest.json: a guest the lab ships. */
export interface ImageEntry {
  id: string;
  name: string;
  description: string;
  /** File names relative to the manifest's directory. */
  files: { kernel: string; initrd?: string; dtb?: string };
  cmdline: string;
  el: 1 | 2;
  ramMiB: number;
  kind: string;
  /** The image the lab preselects when the page opens (the first entry that says so wins). */
  default?: boolean;
}

/** Bytes of the boot images fetched so far, while a boot from the manifest downloads them. */
export interface DownloadProgress {
  /** The files being fetched, as the manifest names them. */
  files: string[];
  loaded: number;
  /** Their total size, or null while some server has not said (no Content-Length). */
  total: number | null;
  /** 'download': fetching; 'prepare': decompressing and placing the images in RAM. */
  stage: 'download' | 'prepare';
}

/** What to boot: an image from the manifest (its options, or these instead), or bytes the user supplied. */
export type BootSpec =
  | { imageId: string; el?: 1 | 2; ramMiB?: number; cmdline?: string }
  | { name: string; kernel: Uint8Array; initrd?: Uint8Array; dtb?: Uint8Array; el?: 1 | 2; ramMiB?: number; cmdline?: string };

/**
 * empty: nothing booted yet; booting: fetching images and creating the machine; running/paused: as
 * it says (a guest sleeping in WFI until its next timer tick is still running: its clock keeps pace
 * with the wall clock); idle: the guest waits (WFI) for something only input can bring; powered-off:
 * PSCI SYSTEM_OFF; error: boot failed or the core stopped with an exception (see `error`).
 */
export type RunState = 'empty' | 'booting' | 'running' | 'paused' | 'idle' | 'powered-off' | 'error';

/**
 * Why the machine is paused: the user asked (pause), a step finished, the PC reached the
 * breakpoint, or an exception or return matched the pause-on-match rule (setTrailBreak).
 */
export type PauseReason = 'user' | 'step' | 'breakpoint' | 'trap';

/** A summary of the machine, cheap to produce and to send; pushed with every update. */
export interface StateDigest {
  state: RunState;
  /**
   * Increments on every boot and every reset the user asks for (not on a reset the guest asks
   * for): the UI starts a fresh console when it changes, so no output of the old run can leak in.
   */
  bootId: number;
  /** Name of the booted image, if any. */
  image: string | null;
  /** Instructions retired since the machine was created. */
  instructions: number;
  exceptions: number;
  unimplemented: number;
  /**
   * Guest instructions per second over the last update interval, in millions (instructions run, not
   * the time the guest slept in WFI, which also advances `instructions`: it is the guest's clock).
   */
  mips: number;
  /** Fraction (0..1) of the last update interval the worker spent running the guest. */
  load: number;
  /** Guest time in seconds: the generic timer's count (CNTPCT_EL0) over CNTFRQ_EL0 (62.5 MHz). */
  guestSeconds: number;
  /** PSTATE.EL and PC when the last slice ended (null before boot). */
  el: number | null;
  pc: bigint | null;
  /** Bytes the UI has sent with sendInput since the worker started (lets tests see input arrive). */
  inputBytes: number;
  /** While the state is 'paused': why (null otherwise). */
  pauseReason: PauseReason | null;
  /** The PC breakpoints (the core compares PC with one address, so at most one for now). */
  breakpoints: bigint[];
  /** A step over or run to cursor is under way (state 'running' until it arrives). */
  runningTo: bigint | null;
  /** The pause-on-match rule (null: none). */
  trailBreak: TrailBreak | null;
  /** Updates the worker has sent since it started, this one included (tests check the rate). */
  updates: number;
  /** While the state is 'booting': how far the image download has got (null otherwise). */
  download: DownloadProgress | null;
  error: string | null;
}

/** One batched update from the worker: console output since the last one, and the state now. */
export interface Update {
  /** Bytes the guest wrote to its UART. */
  uart: Uint8Array;
  /** Lines the machine logged (unimplemented instructions, boot messages, ...). */
  log: string[];
  digest: StateDigest;
  /**
   * The CPU's registers and decoded state: with every update while the machine is stopped (paused,
   * powered off, error) and after any change a request made, and a few times a second while it
   * runs; null when this update carries none (the UI keeps the last one).
   */
  cpu: CpuSnapshot | null;
  /** Exception entries and returns since the last update, oldest first. */
  trail: TrailEvent[];
  /** Trail events lost since the last update (the core's ring wrapped before it was drained). */
  trailLost: number;
}

/** What step(n) did. */
export interface StepResult {
  executed: number;
  /** 'done': ran all n; 'breakpoint'/'trap': stopped early on a match; 'idle': waits for input; else the machine stopped. */
  reason: 'done' | 'breakpoint' | 'trap' | 'idle' | 'poweroff' | 'reset' | 'stuck' | 'not-paused';
}

/** One disassembled instruction. */
export interface DisasmLine {
  /** Its address as asked for (virtual if the request was virtual). */
  addr: bigint;
  /** The instruction word, or null if it could not be read (error says why). */
  word: number | null;
  text: string;
  error?: string;
}

/** Read memory as a debugger: the bytes, or why they cannot be read. */
export type MemoryResult = { bytes: Uint8Array } | { error: string };

/** A snapshot file the worker made, with what the Snapshots list shows about it. */
export interface SavedSnapshot {
  bytes: Uint8Array;
  /** The guest's name (the booted image's, or the one the snapshot was restored under). */
  guest: string;
  /** Instructions the machine had retired (its age). */
  instructions: number;
}

/** What restore() and the migration calls did: ok, or the SnapshotError's sentence (nothing changed). */
export type RestoreResult = { ok: true } | { ok: false; error: string };

/** A live migration's figures so far, on the source. */
export interface MigrationProgress {
  /** Pre-copy rounds after the initial full copy. */
  rounds: number;
  /** Bytes of every message so far (compressed, as sent). */
  bytesSent: number;
  /** Pages the rounds and the stop-and-copy sent again. */
  pagesResent: number;
  /** Pages the last round sent. */
  lastRoundPages: number;
}

/** Returns a promise when called across the worker boundary; the worker waits for it (backpressure). */
export type UpdateListener = (u: Update) => void | Promise<void>;

/** The API the worker exposes through comlink. Every method resolves once the worker has acted. */
export interface MachineWorkerApi {
  /** Registers the UI's update callback (wrap it in Comlink.proxy) and the base URL for images/. */
  connect(baseUrl: string, listener: UpdateListener): Promise<void>;
  /** Stops any running machine, creates a new one from spec and starts running it. */
  boot(spec: BootSpec): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Power-cycles the machine (same images) and runs it from the start, also after a power-off. */
  reset(): Promise<void>;
  sendInput(bytes: Uint8Array): Promise<void>;
  /** Powers the machine off, as the guest's PSCI SYSTEM_OFF would (Reset starts it again). */
  powerOff(): Promise<void>;
  /** Runs n instructions of a paused machine (it stays paused). */
  step(n: number): Promise<StepResult>;
  /**
   * Replaces the PC breakpoints: running stops (paused, reason 'breakpoint') before executing an
   * instruction at one (not on the first instruction of a run, so resuming from one works). The
   * core compares PC with a single address: more than one is refused with an error.
   */
  setBreakpoints(pcs: bigint[]): Promise<void>;
  /**
   * Steps over a call (BL, BLR, BLRA*, SVC, HVC, SMC): runs until it returns to the next
   * instruction at the same EL with SP back at or above its value now; otherwise step(1). Resolves
   * once the run has started. While it runs, the user's breakpoint is not armed (one comparator).
   */
  stepOver(): Promise<void>;
  /** Runs until PC reaches pc (at any EL), then pauses; resolves once the run has started. */
  runTo(pc: bigint): Promise<void>;
  /** Pause-on-match: stop right after an exception entry or return that matches (null: never). */
  setTrailBreak(rule: TrailBreak | null): Promise<void>;
  /** The CPU state now (null before boot). */
  inspect(): Promise<CpuSnapshot | null>;
  /**
   * len bytes at addr: physical, or virtual as EL `el` sees it through the current translation
   * (virtual = { el }). RAM only.
   */
  readMemory(addr: bigint, len: number, virtual: { el: number } | null): Promise<MemoryResult>;
  /** count instructions from addr (physical, or virtual as EL el sees it), disassembled. */
  disassemble(addr: bigint, count: number, virtual: { el: number } | null): Promise<DisasmLine[]>;

  // Snapshots and migration (docs/snapshot-format.md, docs/browser.md).
  /** The machine as a snapshot file (taken between two slices; the machine keeps running). */
  save(): Promise<SavedSnapshot>;
  /**
   * Replaces the machine with the snapshot's and runs it (a fresh console); a file that is refused
   * leaves the current machine as it was and the result says why.
   */
  restore(bytes: Uint8Array, guest: string): Promise<RestoreResult>;
  /** Live migration, source: the whole machine, and dirty-page logging from now on (it keeps running). */
  migrateBegin(): Promise<SavedSnapshot>;
  /** A pre-copy round: pages written since the last message; stop: another round would not help. */
  migrateRound(): Promise<{ bytes: Uint8Array; stop: boolean; progress: MigrationProgress }>;
  /** Stop-and-copy: pauses the machine and returns the last pages and the CPU, GIC and devices. */
  migrateFinish(): Promise<{ bytes: Uint8Array; progress: MigrationProgress }>;
  /** Ends a migration without handing over (no taker, or it failed): the source goes on. */
  migrateAbort(): Promise<void>;
  /** The machine now runs elsewhere: drop it here (the state becomes 'empty'; the log says where). */
  migratedAway(where: string): Promise<void>;
  /** Migration, destination: builds the machine from the first message (not running yet). */
  receiveBegin(bytes: Uint8Array): Promise<RestoreResult>;
  /** Applies a pre-copy round to the machine being received. */
  receivePages(bytes: Uint8Array): Promise<RestoreResult>;
  /** Applies the stop-and-copy message and runs the received machine in place of this tab's. */
  receiveFinish(bytes: Uint8Array, guest: string): Promise<RestoreResult>;
}

export function emptyDigest(): StateDigest {
  return {
    state: 'empty', bootId: 0, image: null, instructions: 0, exceptions: 0, unimplemented: 0, mips: 0, load: 0,
    guestSeconds: 0, el: null, pc: null, inputBytes: 0, pauseReason: null, breakpoints: [], runningTo: null, trailBreak: null, updates: 0,
    download: null, error: null,
  };
}
