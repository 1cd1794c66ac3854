import { describe, it, expect } from 'vitest';
import { exec, CODE } from '../helpers/core';

describe('branches', () => {
  it('B and BL go forward and set the link register', async () => {
    // b +8 ; (skipped) ; bl +8 ; (skipped) ; <end>
    const c = await exec([0x14000002, 0xd503201f, 0x94000002, 0xd503201f], undefined, 2);
    expect(c.pc).toBe(BigInt(CODE + 16));
    expect(c.x(30)).toBe(BigInt(CODE + 12));
  });
  it('B.cond follows NZCV', async () => {
    // b.eq +8 with Z set, then with Z clear
    const taken = await exec([0x54000040], (c) => (c.nzcv = 0x40000000), 1);
    expect(taken.pc).toBe(BigInt(CODE + 8));
    const not = await exec([0x54000040], (c) => (c.nzcv = 0), 1);
    expect(not.pc).toBe(BigInt(CODE + 4));
  });
  it('CBNZ W ignores the upper half; TBNZ tests one bit', async () => {
    // cbnz w1, +8
    const c = await exec([0x35000041], (c) => c.setX(1, 0x1_0000_0000n), 1);
    expect(c.pc).toBe(BigInt(CODE + 4));
    // tbnz x2, #33, +8
    const t = await exec([0xb7080042], (c) => c.setX(2, 1n << 33n), 1);
    expect(t.pc).toBe(BigInt(CODE + 8));
  });
  it('BLR x30 branches to the old x30', async () => {
    const c = await exec([0xd63f03c0], (c) => c.setX(30, BigInt(CODE + 0x100)), 1);
    expect(c.pc).toBe(BigInt(CODE + 0x100));
    expect(c.x(30)).toBe(BigInt(CODE + 4));
  });
});
