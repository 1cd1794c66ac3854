// The Arm PrimeCell UART (PL011), as the "virt" board has it at 0x0900_0000.
//
// Register map and reset values follow the PL011 Technical Reference Manual (Arm DDI 0183).
// What an emulator may simplify, and does here:
//  - Transmission is instantaneous: a write to UARTDR goes straight to the host, so the transmit
//    FIFO is always empty (FR.TXFE = 1, FR.TXFF = 0, FR.BUSY = 0).
//  - The receiver never overruns: bytes the host sends wait in a backlog (the "wire") and move into
//    the receive FIFO as the guest makes room. Pasting a long line into the console loses nothing.
//  - Like QEMU, neither UARTCR.UARTEN nor TXE/RXE gate the data path: bare-metal programs commonly
//    write UARTDR without programming the UART, trusting firmware to have done it.
//  - Time is not modelled yet, so the receive timeout (RTIS: "FIFO not empty and no data for 32 bit
//    periods") is taken to expire as soon as a character sits in the FIFO.
//  - No line errors, breaks or modem-status changes happen, so those RIS bits are never set.
import type { Device, DeviceState, IrqLine } from './device';

// Register offsets.
export const UARTDR = 0x000;
export const UARTRSR = 0x004; // read: receive status; write: UARTECR (clear errors)
export const UARTFR = 0x018;
export const UARTILPR = 0x020;
export const UARTIBRD = 0x024;
export const UARTFBRD = 0x028;
export const UARTLCR_H = 0x02c;
export const UARTCR = 0x030;
export const UARTIFLS = 0x034;
export const UARTIMSC = 0x038;
export const UARTRIS = 0x03c;
export const UARTMIS = 0x040;
export const UARTICR = 0x044;
export const UARTDMACR = 0x048;
export const UARTPeriphID0 = 0xfe0;
export const UARTPCellID0 = 0xff0;

// UARTFR bits.
export const FR_BUSY = 1 << 3;
export const FR_RXFE = 1 << 4;
export const FR_TXFF = 1 << 5;
export const FR_RXFF = 1 << 6;
export const FR_TXFE = 1 << 7;

// Interrupt bits, the same in UARTIMSC, UARTRIS, UARTMIS and UARTICR.
export const INT_RX = 1 << 4;
export const INT_TX = 1 << 5;
export const INT_RT = 1 << 6;
export const INT_OE = 1 << 10;
const INT_ALL = 0x7ff;

// UARTLCR_H.FEN enables the FIFOs; without it they are one-entry holding registers.
export const LCR_H_FEN = 1 << 4;
// UARTCR.LBE: loopback, transmitted characters arrive at the receiver instead of the line.
export const CR_LBE = 1 << 7;
// Only the defined UARTCR bits are stored (bits 6:3 are reserved).
const CR_MASK = 0xff87;

// Receive data bit 11 (OE) and UARTRSR.OE: a character arrived with the FIFO full.
const DR_OE = 1 << 11;
const RSR_OE = 1 << 3;

// Reset values (TRM, "Summary of registers").
const CR_RESET = 0x0300; // TXE and RXE set, UARTEN clear
const IFLS_RESET = 0x12; // both trigger levels at 1/2

/**
 * FIFO depth: 16, the PL011 before r1p5. Linux derives its FIFO size from the revision in
 * UARTPeriphID2 (16 entries below revision 3), so the ID registers below must agree with this.
 */
export const FIFO_DEPTH = 16;

// UARTPeriphID0..3 = 0x00041011 (part 0x011, designer 0x41 'A'rm, revision 0) and
// UARTPCellID0..3 = 0xB105F00D, one byte per register: what the AMBA bus code matches on.
const PERIPH_ID = [0x11, 0x10, 0x04, 0x00];
const PCELL_ID = [0x0d, 0xf0, 0x05, 0xb1];

export interface Pl011State extends DeviceState {
  rxFifo: number[]; // entries: data in bits 7:0, error flags in bits 11:8
  backlog: number[]; // bytes from the host waiting for room in the receive FIFO
  rsr: number;
  ilpr: number;
  ibrd: number;
  fbrd: number;
  lcrH: number;
  cr: number;
  ifls: number;
  imsc: number;
  ris: number;
  dmacr: number;
}

export class Pl011 implements Device {
  readonly name = 'pl011';
  private s: Pl011State = Pl011.powerOn();
  private tx: (byte: number) => void = () => undefined;
  private irq: IrqLine = () => undefined;
  private irqLevel = false;

  private static powerOn(): Pl011State {
    return {
      rxFifo: [],
      backlog: [],
      rsr: 0,
      ilpr: 0,
      ibrd: 0,
      fbrd: 0,
      lcrH: 0,
      cr: CR_RESET,
      ifls: IFLS_RESET,
      imsc: 0,
      ris: 0,
      dmacr: 0,
    };
  }

  /** Where transmitted bytes go. */
  onTransmit(cb: (byte: number) => void): void {
    this.tx = cb;
  }

  /** Connects the interrupt output (UARTINTR, level-high); called at once with the current level. */
  connectIrq(line: IrqLine): void {
    this.irq = line;
    line(this.irqLevel);
  }

  /** UARTINTR: the OR of the masked interrupt status. */
  get interrupt(): boolean {
    return (this.s.ris & this.s.imsc) !== 0;
  }

  /** Bytes arriving on the receive line, from the host's keyboard or a test. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) this.s.backlog.push(b);
    this.refill();
    this.update();
  }

  /** Bytes the host has sent that the guest has not read yet (FIFO and backlog). */
  get pendingInput(): number {
    return this.s.rxFifo.length + this.s.backlog.length;
  }

  reset(): void {
    this.s = Pl011.powerOn();
    this.update();
  }

  save(): Pl011State {
    return { ...this.s, rxFifo: [...this.s.rxFifo], backlog: [...this.s.backlog] };
  }

  load(state: DeviceState): void {
    const st = state as Pl011State;
    this.s = { ...st, rxFifo: [...st.rxFifo], backlog: [...st.backlog] };
    this.update();
  }

  read(offset: number, size: number): bigint {
    const lane = offset & 3;
    const word = this.readReg(offset - lane, lane === 0);
    if (offset === UARTDR) this.update(); // reading data changes RXIS/RTIS
    const bits = Math.min(size, 4 - lane) * 8;
    let v = word >>> (8 * lane);
    if (bits < 32) v &= (1 << bits) - 1;
    return BigInt(v >>> 0);
  }

  write(offset: number, _size: number, value: bigint): void {
    // Registers are 32 bits wide and written whole; a narrower store must hit the low byte lane
    // (a byte store to UARTDR is the common case). Stores into other lanes are ignored.
    if ((offset & 3) !== 0) return;
    this.writeReg(offset, Number(value & 0xffffffffn));
    this.update();
  }

  // ---- Registers -----------------------------------------------------------------------------

  /** The 32-bit register at a word offset; `sideEffects` is false for reads of its upper lanes. */
  private readReg(off: number, sideEffects: boolean): number {
    const s = this.s;
    switch (off) {
      case UARTDR:
        return sideEffects ? this.popRx() : (s.rxFifo[0] ?? 0);
      case UARTRSR:
        return s.rsr;
      case UARTFR: {
        let fr = FR_TXFE;
        if (s.rxFifo.length === 0) fr |= FR_RXFE;
        if (s.rxFifo.length >= this.depth()) fr |= FR_RXFF;
        return fr;
      }
      case UARTILPR:
        return s.ilpr;
      case UARTIBRD:
        return s.ibrd;
      case UARTFBRD:
        return s.fbrd;
      case UARTLCR_H:
        return s.lcrH;
      case UARTCR:
        return s.cr;
      case UARTIFLS:
        return s.ifls;
      case UARTIMSC:
        return s.imsc;
      case UARTRIS:
        return s.ris;
      case UARTMIS:
        return s.ris & s.imsc;
      case UARTDMACR:
        return s.dmacr;
    }
    if (off >= UARTPeriphID0 && off < UARTPeriphID0 + 16) return PERIPH_ID[(off - UARTPeriphID0) >> 2];
    if (off >= UARTPCellID0 && off < UARTPCellID0 + 16) return PCELL_ID[(off - UARTPCellID0) >> 2];
    return 0; // reserved and test registers read as zero; UARTICR is write-only
  }

  private writeReg(off: number, v: number): void {
    const s = this.s;
    switch (off) {
      case UARTDR:
        this.transmit(v & 0xff);
        return;
      case UARTRSR: // UARTECR: any write clears the error flags
        s.rsr = 0;
        return;
      case UARTILPR:
        s.ilpr = v & 0xff;
        return;
      case UARTIBRD:
        s.ibrd = v & 0xffff;
        return;
      case UARTFBRD:
        s.fbrd = v & 0x3f;
        return;
      case UARTLCR_H:
        s.lcrH = v & 0xff;
        this.fitFifo();
        return;
      case UARTCR:
        s.cr = v & CR_MASK;
        return;
      case UARTIFLS:
        s.ifls = v & 0x3f;
        this.rxLevelCheck();
        return;
      case UARTIMSC:
        s.imsc = v & INT_ALL;
        return;
      case UARTICR:
        s.ris &= ~v & INT_ALL;
        return;
      case UARTDMACR:
        s.dmacr = v & 0x7;
        return;
    }
    // UARTFR, UARTRIS, UARTMIS and the ID registers are read-only; reserved space ignores writes.
  }

  // ---- Data path ---------------------------------------------------------------------------------

  private depth(): number {
    return this.s.lcrH & LCR_H_FEN ? FIFO_DEPTH : 1;
  }

  /** The receive interrupt trigger level (UARTIFLS.RXIFLSEL: 1/8, 1/4, 1/2, 3/4, 7/8 full). */
  private rxTrigger(): number {
    if (!(this.s.lcrH & LCR_H_FEN)) return 1;
    const eighths = [1, 2, 4, 6, 7][(this.s.ifls >> 3) & 7] ?? 4; // reserved encodings: treat as 1/2
    return (FIFO_DEPTH * eighths) / 8;
  }

  private transmit(byte: number): void {
    if (this.s.cr & CR_LBE) {
      this.pushRx(byte);
    } else {
      this.tx(byte);
    }
    // The transmit FIFO drained at once, so it is at or below any trigger level: TXIS asserts
    // (it clears only through UARTICR, or by filling the FIFO past the level, which cannot happen).
    this.s.ris |= INT_TX;
  }

  /** A character arriving at the receiver; with the FIFO full it is lost and OE is flagged. */
  private pushRx(byte: number): void {
    const s = this.s;
    if (s.rxFifo.length >= this.depth()) {
      s.rsr |= RSR_OE;
      s.ris |= INT_OE;
      // The TRM: the FIFO contents stay valid; the overrun flag travels with the next character.
      s.rxFifo[s.rxFifo.length - 1] |= DR_OE;
      return;
    }
    s.rxFifo.push(byte);
    s.ris |= INT_RT;
    this.rxLevelCheck();
  }

  private popRx(): number {
    const s = this.s;
    const v = s.rxFifo.shift();
    if (v === undefined) return 0;
    // UARTRSR mirrors the error bits of the character just read (plus a pending overrun).
    s.rsr = (s.rsr & RSR_OE) | ((v >> 8) & 0x7);
    this.refill();
    if (s.rxFifo.length === 0) s.ris &= ~INT_RT;
    else s.ris |= INT_RT; // data still waiting: the timeout restarts and expires again
    if (s.rxFifo.length < this.rxTrigger()) s.ris &= ~INT_RX;
    return v;
  }

  /** Moves backlog bytes into the FIFO while it has room. */
  private refill(): void {
    const s = this.s;
    const depth = this.depth();
    let moved = false;
    while (s.rxFifo.length < depth && s.backlog.length > 0) {
      s.rxFifo.push(s.backlog.shift()!);
      moved = true;
    }
    if (moved) {
      s.ris |= INT_RT;
      this.rxLevelCheck();
    }
  }

  /** After LCR_H changes the FIFO depth: entries that no longer fit go back to the backlog. */
  private fitFifo(): void {
    const s = this.s;
    const depth = this.depth();
    if (s.rxFifo.length > depth) {
      const extra = s.rxFifo.splice(depth);
      s.backlog.unshift(...extra.map((e) => e & 0xff));
    }
    this.refill();
    this.rxLevelCheck();
  }

  /** RXIS follows the FIFO level against the trigger level. */
  private rxLevelCheck(): void {
    if (this.s.rxFifo.length >= this.rxTrigger()) this.s.ris |= INT_RX;
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
