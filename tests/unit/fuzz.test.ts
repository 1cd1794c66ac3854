// Robustness: random instruction words, executed at every EL with a vector table that skips the
// faulting instruction, must never crash the emulator (a wasm trap or a host exception). Whatever the
// guest does -- jump anywhere, rewrite VBAR or SCTLR, ERET to nonsense -- is architecture, not a crash.
import { describe, it, expect } from 'vitest';
import { testCore, load, RAM_BASE } from '../helpers/core';
import * as L from '../../src/core/layout';

/** xorshift32: a fixed, seeded stream of words. */
function words(seed: number, n: number): number[] {
  let x = seed >>> 0 || 1;
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.push(x);
  }
  return out;
}

// Each vector: mrs x0, elr_elN ; add x0, x0, #4 ; msr elr_elN, x0 ; eret
const SKIP_EL1 = [0xd5384020, 0x91001000, 0xd5184020, 0xd69f03e0];
const SKIP_EL2 = [0xd53c4020, 0x91001000, 0xd51c4020, 0xd69f03e0];

describe('random instruction words', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 0],
    [4, 1],
    [5, 2],
    [6, 0],
  ])('seed %i from EL%i: the core keeps running and stays consistent', async (seed, el) => {
    // Every MMIO address answers (reads as zero), so loads and stores outside RAM are exercised too.
    const c = await testCore({ ramSize: 4 << 20, el, host: { mmioRead: () => 0n, mmioWrite: () => true } });
    const vbar1 = RAM_BASE + 0x10000;
    const vbar2 = RAM_BASE + 0x20000;
    for (let v = 0; v < 16; v++) {
      load(c, SKIP_EL1, vbar1 + v * 0x80);
      load(c, SKIP_EL2, vbar2 + v * 0x80);
    }
    c.setSysreg(L.SR_VBAR_EL1, BigInt(vbar1));
    c.setSysreg(L.SR_VBAR_EL2, BigInt(vbar2));
    c.setSysreg(L.SR_CPACR_EL1, 3n << 20n);
    if (el === 0) c.setElSp(0, 0, BigInt(RAM_BASE + 0x3f0000));
    load(c, words(seed, 0x4000), RAM_BASE + 0x100000);
    c.pc = BigInt(RAM_BASE + 0x100000);
    let executed = 0n;
    for (let round = 0; round < 300; round++) {
      const before = c.insnCount;
      const exit = c.run(4000);
      executed += c.insnCount - before;
      expect(exit).toBeGreaterThanOrEqual(0);
      expect(exit).toBeLessThanOrEqual(L.EXIT_EXCEPTION_LOOP);
      expect(c.el).toBeLessThanOrEqual(2);
      c.drainLog();
      // Whatever happened, start the next round inside the random words again.
      c.setElSp(el, el === 0 ? 0 : 1, BigInt(RAM_BASE + 0x3f0000));
      c.pc = BigInt(RAM_BASE + 0x100000 + (round * 0x140 & 0xfffc));
      c.setSysreg(L.SR_VBAR_EL1, BigInt(vbar1));
      c.setSysreg(L.SR_VBAR_EL2, BigInt(vbar2));
    }
    expect(executed).toBeGreaterThan(100_000n);
  });
});
