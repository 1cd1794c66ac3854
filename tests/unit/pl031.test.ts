// The PL031 RTC (src/devices/pl031.ts) on a fake clock, and on the machine's bus.
import { describe, it, expect } from 'vitest';
import {
  Pl031, DEFAULT_RTC_EPOCH, RTCDR, RTCMR, RTCLR, RTCCR, RTCIMSC, RTCRIS, RTCMIS, RTCICR, RTCPeriphID0, RTCPCellID0,
  type GuestClock,
} from '../../src/devices/pl031';
import { Machine, RTC_BASE, RAM_BASE, CNTFRQ_HZ } from '../../src/machine/machine';
import { coreModuleSync } from '../../src/machine/wasm-node';
import * as L from '../../src/core/layout';
import { programElf, LOOP } from '../helpers/guest';

const HZ = 1000; // a slow counter keeps the numbers readable

class FakeClock implements GuestClock {
  ticks = 0n;
  alarm: bigint | null = null;
  readonly hz = HZ;
  now(): bigint {
    return this.ticks;
  }
  setAlarm(tick: bigint | null): void {
    this.alarm = tick;
  }
  /** Advances to `secs` seconds after power-on. */
  at(secs: number): void {
    this.ticks = BigInt(Math.round(secs * HZ));
  }
}

function rtc(epoch = 1000): { dev: Pl031; clock: FakeClock; levels: boolean[] } {
  const clock = new FakeClock();
  const dev = new Pl031(clock, epoch);
  const levels: boolean[] = [];
  dev.connectIrq((l) => levels.push(l));
  return { dev, clock, levels };
}
const rd = (d: Pl031, off: number): number => Number(d.read(off, 4));
const wr = (d: Pl031, off: number, v: number): void => d.write(off, 4, BigInt(v));

describe('PL031', () => {
  it('identifies itself as a PrimeCell PL031', () => {
    const { dev } = rtc();
    const id = (base: number): number => [0, 1, 2, 3].reduce((a, k) => a | (rd(dev, base + 4 * k) << (8 * k)), 0) >>> 0;
    expect(id(RTCPeriphID0)).toBe(0x00041031);
    expect(id(RTCPCellID0)).toBe(0xb105f00d);
  });
  it('counts whole seconds of guest time from the epoch', () => {
    const { dev, clock } = rtc(5000);
    expect(rd(dev, RTCDR)).toBe(5000);
    clock.at(0.999);
    expect(rd(dev, RTCDR)).toBe(5000);
    clock.at(61.5);
    expect(rd(dev, RTCDR)).toBe(5061);
    expect(dev.seconds).toBe(5061);
    expect(new Pl031(new FakeClock()).seconds).toBe(DEFAULT_RTC_EPOCH);
  });
  it('RTCLR loads the counter and reads back what was written', () => {
    const { dev, clock } = rtc();
    clock.at(10.25);
    wr(dev, RTCLR, 0xffff_fffe);
    expect(rd(dev, RTCLR)).toBe(0xffff_fffe);
    expect(rd(dev, RTCDR)).toBe(0xffff_fffe);
    clock.at(12);
    expect(rd(dev, RTCDR)).toBe(0); // 32 bits wrap
    expect(rd(dev, RTCLR)).toBe(0xffff_fffe);
  });
  it('RTCCR.RTCStart sticks until reset', () => {
    const { dev } = rtc();
    expect(rd(dev, RTCCR)).toBe(0);
    wr(dev, RTCCR, 3);
    expect(rd(dev, RTCCR)).toBe(1);
    wr(dev, RTCCR, 0);
    expect(rd(dev, RTCCR)).toBe(1);
    dev.reset();
    expect(rd(dev, RTCCR)).toBe(0);
  });
  it('raises RTCINTR when the counter reaches RTCMR, cleared by RTCICR', () => {
    const { dev, clock, levels } = rtc(1000);
    wr(dev, RTCMR, 1003);
    expect(clock.alarm).toBeNull(); // masked: nobody needs to be woken
    wr(dev, RTCIMSC, 1);
    expect(clock.alarm).toBe(3n * BigInt(HZ));
    clock.at(2.999);
    dev.poll();
    expect(rd(dev, RTCRIS)).toBe(0);
    clock.at(3);
    dev.poll();
    expect(rd(dev, RTCRIS)).toBe(1);
    expect(rd(dev, RTCMIS)).toBe(1);
    expect(dev.interrupt).toBe(true);
    expect(levels).toEqual([false, true]);
    expect(clock.alarm).toBe((3n + 2n ** 32n) * BigInt(HZ)); // the next match is a wrap away
    wr(dev, RTCICR, 1);
    expect(rd(dev, RTCRIS)).toBe(0);
    expect(levels).toEqual([false, true, false]);
  });
  it('latches a match that happened while masked, seen at the next access', () => {
    const { dev, clock, levels } = rtc(1000);
    wr(dev, RTCMR, 1002);
    clock.at(5);
    expect(rd(dev, RTCRIS)).toBe(1);
    expect(rd(dev, RTCMIS)).toBe(0);
    expect(levels).toEqual([false]);
    wr(dev, RTCIMSC, 1);
    expect(levels).toEqual([false, true]);
  });
  it('writing RTCMR with the current value does not match until the counter comes round again', () => {
    const { dev, clock } = rtc(1000);
    clock.at(4);
    wr(dev, RTCIMSC, 1);
    wr(dev, RTCMR, 1004);
    clock.at(4.9);
    expect(rd(dev, RTCRIS)).toBe(0);
    expect(clock.alarm).toBe((4n + 2n ** 32n) * BigInt(HZ));
    // A load moves the match accordingly.
    wr(dev, RTCLR, 1000);
    expect(clock.alarm).toBe(8n * BigInt(HZ));
  });
  it('narrow reads see byte lanes; writes off lane 0 are ignored', () => {
    const { dev } = rtc(0x1234_5678);
    expect(dev.read(RTCDR + 1, 1)).toBe(0x56n);
    expect(dev.read(RTCDR, 2)).toBe(0x5678n);
    dev.write(RTCMR + 2, 2, 0xffffn);
    expect(rd(dev, RTCMR)).toBe(0);
  });
  it('save/load carries the state to another instance', () => {
    const a = rtc(1000);
    wr(a.dev, RTCLR, 50);
    wr(a.dev, RTCMR, 60);
    wr(a.dev, RTCIMSC, 1);
    wr(a.dev, RTCCR, 1);
    a.clock.at(3);
    const state = JSON.parse(JSON.stringify(a.dev.save())) as ReturnType<Pl031['save']>;
    const b = rtc(7);
    b.clock.at(3);
    b.dev.load(state);
    expect(rd(b.dev, RTCDR)).toBe(53);
    expect(rd(b.dev, RTCCR)).toBe(1);
    expect(b.clock.alarm).toBe(10n * BigInt(HZ));
    b.clock.at(10);
    b.dev.poll();
    expect(b.dev.interrupt).toBe(true);
    b.dev.reset();
    expect(rd(b.dev, RTCDR)).toBe(1000 + 10); // reset goes back to the saved machine's epoch
  });
});

describe('PL031 on the virt board', () => {
  it('sits at 0x0901_0000 and reads the machine clock', async () => {
    const m = await Machine.create(coreModuleSync(), { ramMiB: 1, rtcEpoch: 1_000_000 });
    expect(Number(m.bus.read(RTC_BASE + RTCPeriphID0, 4))).toBe(0x31);
    // Linux-like guest code: ldr w1, [x0]; b .
    m.core.writePhys(RAM_BASE, new Uint8Array([0x01, 0x00, 0x40, 0xb9, 0x00, 0x00, 0x00, 0x14]));
    m.core.setElSp(1, 1, BigInt(RAM_BASE + 0x8000));
    m.core.pc = BigInt(RAM_BASE);
    m.core.setX(0, BigInt(RTC_BASE + RTCDR));
    m.core.view.setBigUint64(L.STATE_BASE + L.OFF_INSN_COUNT, BigInt(CNTFRQ_HZ) * 42n, true);
    m.run(2);
    expect(m.core.x(1)).toBe(1_000_042n);
  });
  it('wakes the machine at the match: run() goes on past the alarm, exactly on time', async () => {
    const m = await Machine.create(coreModuleSync(), { ramMiB: 1 });
    m.core.writePhys(RAM_BASE, new Uint8Array([0x00, 0x00, 0x00, 0x14])); // b .
    m.core.setElSp(1, 1, BigInt(RAM_BASE + 0x8000));
    m.core.pc = BigInt(RAM_BASE);
    m.core.view.setBigUint64(L.STATE_BASE + L.OFF_INSN_COUNT, BigInt(CNTFRQ_HZ - 5000), true); // just before 1 s
    m.rtc.write(RTCMR, 4, BigInt(DEFAULT_RTC_EPOCH + 1));
    m.rtc.write(RTCIMSC, 4, 1n);
    let raisedAt = -1n;
    m.rtc.connectIrq((level) => {
      if (level) raisedAt = m.core.insnCount;
    });
    const r = m.run(10_000);
    expect(r.reason).toBe('budget');
    expect(r.executed).toBe(10_000);
    expect(raisedAt).toBe(BigInt(CNTFRQ_HZ));
  });
  it('interrupts a sleeping guest through the GIC at the match (SPI 2 = INTID 34)', async () => {
    const m = await Machine.create(coreModuleSync(), { ramMiB: 1 });
    // GICD_CTLR.EnableGrp1; INTID 34 in Group 1 and enabled; wake the redistributor; open the CPU
    // interface; RTCMR = RTCDR + 2; RTCIMSC = 1; unmask IRQs; WFI.
    const prog = [
      0xd2a10000, 0x52800041, 0xb9000001, 0x52800081, 0xb9008401, 0xb9010401, 0xd2a10140, 0xb900141f,
      0xd2801fe1, 0xd5184601, 0xd2800021, 0xd518cce1, 0xd2a12020, 0xb9400001, 0x11000821, 0xb9000401,
      0x52800021, 0xb9001001, 0xd50342ff, 0xd503207f, 0x14000000,
    ];
    // IRQ vector: mrs x5, icc_iar1_el1; mrs x6, cntpct_el0; b .
    const handler = [0xd538cc05, 0xd53be026, 0x14000000];
    const bytes = (words: number[]): Uint8Array => new Uint8Array(new Uint32Array(words).buffer);
    const vbar = RAM_BASE + 0x8000;
    m.core.writePhys(RAM_BASE, bytes(prog));
    m.core.writePhys(vbar + 0x280, bytes(handler));
    m.core.setSysreg(L.SR_VBAR_EL1, BigInt(vbar));
    m.core.setSysreg(L.SR_CNTHCTL_EL2, 3n);
    m.core.setElSp(1, 1, BigInt(RAM_BASE + 0x8000));
    m.core.pc = BigInt(RAM_BASE);
    const r = m.run(2 * CNTFRQ_HZ + 100);
    expect(r.reason).toBe('budget');
    expect(m.core.x(5)).toBe(34n);
    // The match is at 2 s of guest time: the WFI slept until then, and the IRQ came at once.
    expect(m.core.x(6)).toBe(BigInt(2 * CNTFRQ_HZ) + 2n);
    expect(m.core.sysreg(L.SR_ELR_EL1)).toBe(BigInt(RAM_BASE + 4 * 20));
  });
});

describe('the RTC across a machine reset', () => {
  it('keeps its epoch by default and takes a new one when the host gives it', async () => {
    const m = await Machine.create(coreModuleSync(), { rtcEpoch: 1_000_000 });
    m.load({ kernel: programElf(LOOP) });
    m.reset();
    expect(m.rtc.seconds).toBe(1_000_000);
    m.reset({ rtcEpoch: 2_000_000 });
    expect(m.rtc.seconds).toBe(2_000_000);
  });
});
