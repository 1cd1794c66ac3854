// A guest that programs the devices wrongly gets the devices' or the architecture's behaviour, never
// an emulator exception: random loads and stores of every size, aligned or not, to every device
// region of the board (GIC distributor and redistributor, PL011, PL031, unmapped holes), with a
// vector table that steps over whatever faults.
import { describe, it, expect } from 'vitest';
import { Machine } from '../../src/machine/machine';
import { coreModuleSync } from '../../src/machine/wasm-node';
import { assemble } from '../helpers/cross';
import { programElf, LOAD_ADDR } from '../helpers/guest';

const REGIONS: [number, number][] = [
  [0x0800_0000, 0x1_0000], // GICD
  [0x080a_0000, 0x2_0000], // GICR (RD_base + SGI_base)
  [0x0900_0000, 0x1000], // PL011
  [0x0901_0000, 0x1000], // PL031
  [0x0902_0000, 0x1000], // nothing: external abort
];

/** xorshift32, so each seed gives the same program. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** movz/movk sequence putting v (< 2^48) into Xd. */
function mov64(d: number, v: number): number[] {
  const lo = v & 0xffff;
  const mid = Math.floor(v / 0x1_0000) & 0xffff;
  const hi = Math.floor(v / 0x1_0000_0000) & 0xffff;
  return [(0xd2800000 | (lo << 5) | d) >>> 0, (0xf2a00000 | (mid << 5) | d) >>> 0, (0xf2c00000 | (hi << 5) | d) >>> 0];
}

// STR/LDR (immediate, unsigned offset 0) of each size with Rt = 2 or 3 and Rn = 1.
const STORES = [0x39000022, 0x79000022, 0xb9000022, 0xf9000022];
const LOADS = [0x39400023, 0x79400023, 0xb9400023, 0xf9400023];

function program(seed: number, accesses: number): number[] {
  const next = rng(seed);
  const words: number[] = [];
  for (let k = 0; k < accesses; k++) {
    const [base, size] = REGIONS[next() % REGIONS.length];
    const addr = base + (next() % size);
    words.push(...mov64(1, addr), ...mov64(2, next() * 0x1_0000 + (next() & 0xffff)));
    const op = next() % 4;
    words.push(next() % 3 === 0 ? LOADS[op] : STORES[op]);
  }
  return words;
}

describe('a guest that misprograms the devices', () => {
  it.each([1, 2, 3, 4])('random device accesses (seed %i) end in device behaviour or aborts, never an emulator error', async (seed) => {
    const m = await Machine.create(coreModuleSync(), { ramMiB: 16, el: 2 });
    const logs: string[] = [];
    m.onLog((l) => logs.push(l));
    // Vectors at LOAD_ADDR + 0x10000: every synchronous exception at EL2 (SPx) skips the instruction.
    const vbar = LOAD_ADDR + 0x1_0000;
    const body = program(seed, 300);
    const code = [...mov64(0, vbar), 0xd51cc000 /* msr vbar_el2, x0 */, 0xd5033fdf /* isb */, ...body, 0xd503207f /* wfi */];
    const vectors = new Array<number>(0x400 / 4).fill(0xd503201f);
    const skip = assemble(['mrs x9, elr_el2', 'add x9, x9, #4', 'msr elr_el2, x9', 'eret']);
    vectors.splice(0x200 / 4, skip.length, ...skip);
    const image = new Array<number>(0x1_0000 / 4).fill(0xd503201f);
    image.splice(0, code.length, ...code);
    m.load({ kernel: programElf([...image, ...vectors]) });
    const r = m.run(50_000);
    expect(r.reason).toBe('idle'); // it got through all of them to the final WFI
    expect(m.stopped).toBeNull();
    // Unaligned Device accesses and the hole give aborts; they were taken and stepped over.
    expect(m.stats().exceptions > 0n).toBe(true);
    expect(logs.filter((l) => l.includes('unexpected'))).toEqual([]);
  });
});
