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
}

/** What to boot: an image from the manifest, or bytes the user supplied. */
export type BootSpec =
  | { imageId: string }
  | { name: string; kernel: Uint8Array; initrd?: Uint8Array; dtb?: Uint8Array; el?: 1 | 2; ramMiB?: number; cmdline?: string };

/**
 * empty: nothing booted yet; booting: fetching images and creating the machine; running/paused: as
 * it says; idle: the guest waits (WFI) for something only input can bring; powered-off: PSCI
 * SYSTEM_OFF; error: boot failed or the core stopped with an exception (see `error`).
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
  /** Guest instructions per second over the last update interval, in millions. */
  mips: number;
  /** PSTATE.EL and PC when the last slice ended (null before boot). */
  el: number | null;
  pc: bigint | null;
  /** Bytes the UI has sent with sendInput since the worker started (lets tests see input arrive). */
  inputBytes: number;
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
    state: 'empty', bootId: 0, image: null, instructions: 0, exceptions: 0, unimplemented: 0, mips: 0,
    el: null, pc: null, inputBytes: 0, error: null,
  };
}
