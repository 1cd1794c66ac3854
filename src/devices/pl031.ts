// The Arm PrimeCell real-time clock (PL031), as the "virt" board has it at 0x0901_0000.
//
// Register map from the PL031 Technical Reference Manual (Arm DDI 0224). The RTC is a 32-bit
// seconds counter, a match register that raises the interrupt when the counter reaches it, and a
// load register that sets the counter.
//
// Time is the machine's, never the host's (ARCHITECTURE.md "Time and determinism"): the counter reads
//   epoch + (generic timer count / counter frequency)   (whole seconds, modulo 2^32)
// where the epoch is chosen when the machine is created (a fixed date for tests, the wall clock in
// the UI). So the same run reads the same dates, and a snapshot restored elsewhere keeps its time.
//
// What is simplified:
//  - The counter runs from power-on, like a battery-backed RTC that firmware started long ago;
//    RTCCR.RTCStart is recorded (it reads 1 once set, and cannot be cleared but by reset) but gates
//    nothing. Linux sets it at probe anyway.
//  - A load (RTCLR) takes effect at once rather than at the next 1 Hz edge; the counter then steps at
//    whole seconds of guest time.
//  - The match interrupt fires when the counter steps onto RTCMR (not when RTCMR is written with the
//    current value). It is exact to the instruction: the device asks the machine for an alarm at the
//    counter tick of the next match, and also looks at the time on every register access.
import type { Device, DeviceState, IrqLine } from './device';

// Register offsets.
export const RTCDR = 0x000; // data: the counter (read-only)
export const RTCMR = 0x004; // match
export const RTCLR = 0x008; // load
export const RTCCR = 0x00c; // control: bit 0 RTCStart
export const RTCIMSC = 0x010; // interrupt mask set/clear: bit 0 enables the interrupt
export const RTCRIS = 0x014; // raw interrupt status
export const RTCMIS = 0x018; // masked interrupt status
export const RTCICR = 0x01c; // interrupt clear (write-only)
export const RTCPeriphID0 = 0xfe0;
export const RTCPCellID0 = 0xff0;

// RTCPeriphID0..3 = 0x00041031 (part 0x031, designer 0x41 'A'rm, revision 0) and
// RTCPCellID0..3 = 0xB105F00D, one byte per register: what the AMBA bus code matches on.
const PERIPH_ID = [0x31, 0x10, 0x04, 0x00];
const PCELL_ID = [0x0d, 0xf0, 0x05, 0xb1];

const TWO_32 = 2 ** 32;

/** 2024-01-01T00:00:00Z: the default epoch, so that tests and reproducible runs see a fixed date. */
export const DEFAULT_RTC_EPOCH = 1_704_067_200;

/** The machine's clock as the RTC sees it: the generic timer's physical count. */
export interface GuestClock {
  /** The physical count (CNTPCT) now. */
  now(): bigint;
  /** Counter ticks per second (CNTFRQ). */
  readonly hz: number;
  /**
   * Asks the machine to call poll() when the count reaches `tick` (null: nothing to wait for).
   * Each call replaces the previous request.
   */
  setAlarm(tick: bigint | null): void;
}

export interface Pl031State extends DeviceState {
  /** The epoch of power-on, seconds since 1970 (reset() starts from it again). */
  epoch: number;
  /** RTCDR = (offset + whole seconds of guest time) mod 2^32. */
  offset: number;
  lr: number;
  mr: number;
  cr: number;
  imsc: number;
  ris: number;
  /** Guest time, in whole seconds since power-on, of the next match of RTCMR. */
  matchAt: number;
}

export class Pl031 implements Device {
  readonly name = 'pl031';
  private s: Pl031State;
  private irq: IrqLine = () => undefined;
  private irqLevel = false;

  constructor(private readonly clock: GuestClock, epoch: number = DEFAULT_RTC_EPOCH) {
    if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`the RTC epoch must be a whole number of seconds >= 0, not ${epoch}`);
    this.s = Pl031.powerOn(epoch);
    this.rearm();
  }

  private static powerOn(epoch: number): Pl031State {
    return { epoch, offset: epoch % TWO_32, lr: 0, mr: 0, cr: 0, imsc: 0, ris: 0, matchAt: 0 };
  }

  /** Connects the interrupt output (RTCINTR, level-high); called at once with the current level. */
  connectIrq(line: IrqLine): void {
    this.irq = line;
    line(this.irqLevel);
  }

  /** RTCINTR: the masked interrupt status. */
  get interrupt(): boolean {
    return (this.s.ris & this.s.imsc) !== 0;
  }

  /** The counter value now (RTCDR): seconds since 1970 unless the guest loaded something else. */
  get seconds(): number {
    return this.counterAt(this.elapsed());
  }

  /** Called by the machine when the alarm it was asked for is due (and harmless at any other time). */
  poll(): void {
    this.sync();
    this.update();
  }

  /**
   * The epoch the next reset() starts from (seconds since 1970): a host that keeps wall-clock time
   * (the UI) sets today's before a reset, as a real RTC's battery-backed clock would have moved on.
   */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`the RTC epoch must be a whole number of seconds >= 0, not ${epoch}`);
    this.s.epoch = epoch;
  }

  reset(): void {
    this.s = Pl031.powerOn(this.s.epoch);
    this.rearm();
    this.update();
  }

  save(): Pl031State {
    return { ...this.s };
  }

  load(state: DeviceState): void {
    this.s = { ...(state as Pl031State) };
    this.rearm(this.s.matchAt);
    this.update();
  }

  read(offset: number, size: number): bigint {
    this.sync();
    const lane = offset & 3;
    const word = this.readReg(offset - lane);
    const bits = Math.min(size, 4 - lane) * 8;
    let v = word >>> (8 * lane);
    if (bits < 32) v &= (1 << bits) - 1;
    this.update();
    return BigInt(v >>> 0);
  }

  write(offset: number, _size: number, value: bigint): void {
    // 32-bit registers written whole; a narrower store must hit the low lane, others are ignored.
    if ((offset & 3) !== 0) return;
    this.sync();
    this.writeReg(offset, Number(value & 0xffffffffn));
    this.update();
  }

  // ---- Registers -----------------------------------------------------------------------------

  private readReg(off: number): number {
    const s = this.s;
    switch (off) {
      case RTCDR:
        return this.counterAt(this.elapsed());
      case RTCMR:
        return s.mr;
      case RTCLR:
        return s.lr;
      case RTCCR:
        return s.cr;
      case RTCIMSC:
        return s.imsc;
      case RTCRIS:
        return s.ris;
      case RTCMIS:
        return s.ris & s.imsc;
    }
    if (off >= RTCPeriphID0 && off < RTCPeriphID0 + 16) return PERIPH_ID[(off - RTCPeriphID0) >> 2];
    if (off >= RTCPCellID0 && off < RTCPCellID0 + 16) return PCELL_ID[(off - RTCPCellID0) >> 2];
    return 0; // reserved and test registers read as zero; RTCICR is write-only
  }

  private writeReg(off: number, v: number): void {
    const s = this.s;
    switch (off) {
      case RTCMR:
        s.mr = v >>> 0;
        this.rearm();
        return;
      case RTCLR: {
        // The counter continues from the loaded value: offset + elapsed == v now.
        s.lr = v >>> 0;
        s.offset = (((v - this.elapsed()) % TWO_32) + TWO_32) % TWO_32;
        this.rearm();
        return;
      }
      case RTCCR:
        s.cr |= v & 1; // RTCStart cannot be cleared once set
        return;
      case RTCIMSC:
        s.imsc = v & 1;
        this.rearm();
        return;
      case RTCICR:
        s.ris &= ~v & 1;
        return;
    }
    // RTCDR, RTCRIS, RTCMIS and the ID registers are read-only; reserved space ignores writes.
  }

  // ---- Time ----------------------------------------------------------------------------------------

  /** Whole seconds of guest time since power-on. */
  private elapsed(): number {
    return Number(this.clock.now() / BigInt(this.clock.hz));
  }

  private counterAt(elapsed: number): number {
    return (this.s.offset + elapsed) % TWO_32;
  }

  /** Latches a match that happened since the last look, and finds the next one. */
  private sync(): void {
    const now = this.elapsed();
    if (now >= this.s.matchAt) {
      this.s.ris = 1;
      this.rearm();
    } else if (this.s.matchAt - now > TWO_32) {
      this.rearm(); // the clock went back (a machine reset): the next match is nearer than we thought
    }
  }

  /**
   * The next time the counter steps onto RTCMR: the first whole second after now whose counter value
   * is RTCMR (2^32 seconds away if it holds RTCMR now). `at` restores a saved one instead. Then the
   * machine's alarm: only needed while the interrupt is enabled (RIS alone is latched on access).
   */
  private rearm(at?: number): void {
    const now = this.elapsed();
    if (at === undefined) {
      const ahead = (((this.s.mr - this.counterAt(now)) % TWO_32) + TWO_32) % TWO_32;
      at = now + (ahead === 0 ? TWO_32 : ahead);
    }
    this.s.matchAt = at;
    this.clock.setAlarm(this.s.imsc ? BigInt(at) * BigInt(this.clock.hz) : null);
  }

  /** Drives the interrupt line if the masked status changed. */
  private update(): void {
    const level = this.interrupt;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq(level);
    }
  }
}
