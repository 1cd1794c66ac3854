// The contract between the UI thread and the machine worker. Types only (plus one pure helper), so
// the UI can import it without pulling emulator code into the main bundle.

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
}

/** What to boot: an image from the manifest, or bytes the user supplied. */
export type BootSpec =
  | { imageId: string }
  | { name: string; kernel: Uint8Array; initrd?: Uint8Array; dtb?: Uint8Array; el?: 1 | 2; ramMiB?: number; cmdline?: string };

/**
 * empty: nothing booted yet; booting: fetching images and creating the machine; running/paused: as
 * it says (a guest sleeping in WFI until its next timer tick is still running: its clock keeps pace
 * with the wall clock); idle: the guest waits (WFI) for something only input can bring; powered-off:
 * PSCI SYSTEM_OFF; error: boot failed or the core stopped with an exception (see `error`).
 */
export type RunState = 'empty' | 'booting' | 'running' | 'paused' | 'idle' | 'powered-off' | 'error';

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
  /** PSTATE.EL and PC when the last slice ended (null before boot). */
  el: number | null;
  pc: bigint | null;
  /** Bytes the UI has sent with sendInput since the worker started (lets tests see input arrive). */
  inputBytes: number;
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
}

export function emptyDigest(): StateDigest {
  return {
    state: 'empty', bootId: 0, image: null, instructions: 0, exceptions: 0, unimplemented: 0, mips: 0, load: 0,
    el: null, pc: null, inputBytes: 0, download: null, error: null,
  };
}
