// What every memory-mapped device on the board is to the machine.
//
// A device sees only offsets inside its own region (the bus subtracts the base), so the same class
// can sit at any address. Its whole state must be explicit and serialisable: a snapshot is the CPU
// state block, RAM, and every device's save(); load(save()) must give a device that behaves the same
// from then on, byte for byte. Host-side plumbing (output callbacks, interrupt wiring) is not state.

/** A value that survives JSON.stringify/JSON.parse unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A device's saved state: a plain object of JSON values. */
export type DeviceState = { [key: string]: JsonValue };

export interface Device {
  /** A short name for logs and snapshots ("pl011"). */
  readonly name: string;
  /** Reads `size` bytes (1, 2, 4 or 8) at `offset` in the device's region. */
  read(offset: number, size: number): bigint;
  /** Writes the low `size` bytes of `value` at `offset`. */
  write(offset: number, size: number, value: bigint): void;
  /** The state a snapshot keeps. */
  save(): DeviceState;
  /** Restores what save() returned (possibly from another instance). */
  load(state: DeviceState): void;
  /** Back to the power-on state. */
  reset(): void;
}

/** An interrupt output: called with the new level whenever it changes. */
export type IrqLine = (level: boolean) => void;
