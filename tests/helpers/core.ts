// A core with RAM at 0x4000_0000 and no devices, for unit tests of instruction groups.
import { Core, type CoreHost } from '../../src/machine/core';
import { coreModuleSync } from '../../src/machine/wasm-node';

export const RAM_BASE = 0x4000_0000;
export const CODE = 0x4000_0000;

export interface TestCoreOptions {
  ramSize?: number;
  el?: number;
  userMode?: boolean;
  haveEl2?: boolean;
  host?: Partial<CoreHost>;
}

export async function testCore(opts: TestCoreOptions = {}): Promise<Core> {
  const host: CoreHost = {
    mmioRead: opts.host?.mmioRead ?? ((): bigint | null => null),
    mmioWrite: opts.host?.mmioWrite ?? ((): boolean => false),
    psciCall: opts.host?.psciCall ?? ((): void => undefined),
  };
  const core = await Core.create(
    coreModuleSync(),
    { ramBase: RAM_BASE, ramSize: opts.ramSize ?? 1 << 20, haveEl2: opts.haveEl2 ?? true, psci: 'smc', userMode: opts.userMode ?? false },
    host,
  );
  core.setElSp(opts.el ?? 1, 1, BigInt(RAM_BASE + (opts.ramSize ?? 1 << 20) - 16));
  core.pc = BigInt(CODE);
  return core;
}

/** Writes instruction words at addr (default: CODE). */
export function load(core: Core, words: number[], addr = CODE): void {
  const b = new Uint8Array(words.length * 4);
  const dv = new DataView(b.buffer);
  words.forEach((w, k) => dv.setUint32(4 * k, w >>> 0, true));
  core.writePhys(addr, b);
}

/** Loads words at CODE and runs exactly that many instructions (or `steps`). */
export async function exec(words: number[], setup?: (c: Core) => void, steps = words.length, opts: TestCoreOptions = {}): Promise<Core> {
  const core = await testCore(opts);
  load(core, words);
  setup?.(core);
  core.run(steps);
  return core;
}
