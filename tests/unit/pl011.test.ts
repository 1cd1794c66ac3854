import { describe, it, expect } from 'vitest';
import {
  Pl011, UARTDR, UARTRSR, UARTFR, UARTILPR, UARTIBRD, UARTFBRD, UARTLCR_H, UARTCR, UARTIFLS, UARTIMSC, UARTRIS,
  UARTMIS, UARTICR, UARTDMACR, FR_RXFE, FR_RXFF, FR_TXFE, FR_TXFF, FR_BUSY, INT_RX, INT_TX, INT_RT, INT_OE, LCR_H_FEN,
  CR_LBE, FIFO_DEPTH,
} from '../../src/devices/pl011';

function uart(): { u: Pl011; out: number[]; irq: boolean[] } {
  const u = new Pl011();
  const out: number[] = [];
  const irq: boolean[] = [];
  u.onTransmit((b) => out.push(b));
  u.connectIrq((level) => irq.push(level));
  return { u, out, irq };
}
const r = (u: Pl011, off: number, size = 4): number => Number(u.read(off, size));
const w = (u: Pl011, off: number, v: number, size = 4): void => u.write(off, size, BigInt(v));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('PL011 reset values (TRM summary of registers)', () => {
  it('reads the documented reset values', () => {
    const { u } = uart();
    expect(r(u, UARTFR)).toBe(FR_TXFE | FR_RXFE);
    expect(r(u, UARTCR)).toBe(0x300);
    expect(r(u, UARTIFLS)).toBe(0x12);
    for (const off of [UARTRSR, UARTILPR, UARTIBRD, UARTFBRD, UARTLCR_H, UARTIMSC, UARTRIS, UARTMIS, UARTDMACR]) {
      expect(r(u, off), `offset 0x${off.toString(16)}`).toBe(0);
    }
  });
  it('has the PrimeCell identification registers Linux matches on', () => {
    const { u } = uart();
    const bytes = (base: number): number[] => [0, 4, 8, 12].map((k) => r(u, base + k));
    expect(bytes(0xfe0)).toEqual([0x11, 0x10, 0x04, 0x00]); // UARTPeriphID0..3 = 0x00041011
    expect(bytes(0xff0)).toEqual([0x0d, 0xf0, 0x05, 0xb1]); // UARTPCellID0..3 = 0xB105F00D
  });
  it('reads reserved space as zero and ignores writes there', () => {
    const { u } = uart();
    w(u, 0x50, 0xffff);
    expect(r(u, 0x50)).toBe(0);
    expect(r(u, 0xf00)).toBe(0);
  });
});

describe('PL011 data register', () => {
  it('transmits written bytes, whatever the access size', () => {
    const { u, out } = uart();
    w(u, UARTDR, 0x68, 1);
    w(u, UARTDR, 0x169, 4); // only bits 7:0 are data
    w(u, UARTDR, 0x0a, 2);
    expect(out).toEqual([0x68, 0x69, 0x0a]);
    expect(r(u, UARTFR) & (FR_TXFE | FR_TXFF | FR_BUSY)).toBe(FR_TXFE);
  });
  it('receives from the host in order, with FR.RXFE tracking the FIFO', () => {
    const { u } = uart();
    u.receive(text('ok'));
    expect(r(u, UARTFR) & FR_RXFE).toBe(0);
    expect(r(u, UARTDR)).toBe(0x6f);
    expect(r(u, UARTDR)).toBe(0x6b);
    expect(r(u, UARTFR) & FR_RXFE).toBe(FR_RXFE);
    expect(r(u, UARTDR)).toBe(0); // empty FIFO
  });
  it('without FEN the FIFO is one entry deep (RXFF) and the rest waits, losing nothing', () => {
    const { u } = uart();
    u.receive(text('abc'));
    expect(r(u, UARTFR) & FR_RXFF).toBe(FR_RXFF);
    expect(u.pendingInput).toBe(3);
    expect([r(u, UARTDR), r(u, UARTDR), r(u, UARTDR)]).toEqual([0x61, 0x62, 0x63]);
    expect(r(u, UARTRSR)).toBe(0); // no overrun
  });
  it('with FEN the FIFO holds FIFO_DEPTH entries', () => {
    const { u } = uart();
    w(u, UARTLCR_H, LCR_H_FEN | 0x60); // 8 bits, FIFOs on
    u.receive(new Uint8Array(FIFO_DEPTH + 5).fill(0x41));
    expect(r(u, UARTFR) & FR_RXFF).toBe(FR_RXFF);
    for (let i = 0; i < FIFO_DEPTH + 5; i++) expect(r(u, UARTDR)).toBe(0x41);
    expect(r(u, UARTFR) & FR_RXFE).toBe(FR_RXFE);
  });
  it('a byte read of the upper lanes of UARTDR does not consume data', () => {
    const { u } = uart();
    u.receive(text('z'));
    expect(r(u, UARTDR + 1, 1)).toBe(0);
    expect(r(u, UARTDR, 1)).toBe(0x7a);
  });
  it('loopback (CR.LBE) sends transmitted bytes to the receiver; a full FIFO overruns', () => {
    const { u, out } = uart();
    w(u, UARTCR, 0x301 | CR_LBE);
    w(u, UARTDR, 0x31);
    w(u, UARTDR, 0x32); // FIFO disabled: one entry, so this one is lost
    expect(out).toEqual([]);
    expect(r(u, UARTRIS) & INT_OE).toBe(INT_OE);
    const v = r(u, UARTDR);
    expect(v & 0xff).toBe(0x31);
    expect(v & (1 << 11)).toBe(1 << 11); // OE travels with the data
    expect(r(u, UARTRSR) & 8).toBe(8);
    w(u, UARTRSR, 0); // UARTECR clears
    expect(r(u, UARTRSR)).toBe(0);
  });
});

describe('PL011 control registers', () => {
  it('stores each register to its width', () => {
    const { u } = uart();
    const cases: [number, number, number][] = [
      [UARTILPR, 0x1ff, 0xff],
      [UARTIBRD, 0x1ffff, 0xffff],
      [UARTFBRD, 0xff, 0x3f],
      [UARTLCR_H, 0x1ff, 0xff],
      [UARTCR, 0xffff, 0xff87],
      [UARTIFLS, 0xff, 0x3f],
      [UARTIMSC, 0xffff, 0x7ff],
      [UARTDMACR, 0xff, 0x7],
    ];
    for (const [off, v, stored] of cases) {
      w(u, off, v);
      expect(r(u, off), `offset 0x${off.toString(16)}`).toBe(stored);
    }
  });
  it('ignores writes to read-only registers', () => {
    const { u } = uart();
    w(u, UARTFR, 0);
    w(u, UARTRIS, 0x7ff);
    w(u, UARTMIS, 0x7ff);
    w(u, 0xfe0, 0);
    expect(r(u, UARTFR)).toBe(FR_TXFE | FR_RXFE);
    expect(r(u, UARTRIS)).toBe(0);
    expect(r(u, 0xfe0)).toBe(0x11);
  });
  it('reset restores power-on values and drops pending input', () => {
    const { u } = uart();
    w(u, UARTIBRD, 13);
    w(u, UARTIMSC, INT_RX);
    u.receive(text('x'));
    u.reset();
    expect(r(u, UARTIBRD)).toBe(0);
    expect(r(u, UARTIMSC)).toBe(0);
    expect(u.pendingInput).toBe(0);
  });
});

describe('PL011 interrupts', () => {
  it('TXIS asserts after a transmit and clears through UARTICR', () => {
    const { u } = uart();
    w(u, UARTDR, 0x21);
    expect(r(u, UARTRIS) & INT_TX).toBe(INT_TX);
    expect(r(u, UARTMIS)).toBe(0); // masked
    w(u, UARTICR, INT_TX);
    expect(r(u, UARTRIS) & INT_TX).toBe(0);
  });
  it('RXIS and RTIS follow received data; MIS = RIS & IMSC drives the line', () => {
    const { u, irq } = uart();
    w(u, UARTIMSC, INT_RX | INT_RT);
    expect(u.interrupt).toBe(false);
    u.receive(text('a'));
    expect(r(u, UARTRIS) & (INT_RX | INT_RT)).toBe(INT_RX | INT_RT);
    expect(r(u, UARTMIS)).toBe(INT_RX | INT_RT);
    expect(u.interrupt).toBe(true);
    r(u, UARTDR);
    expect(r(u, UARTRIS) & (INT_RX | INT_RT)).toBe(0);
    expect(u.interrupt).toBe(false);
    expect(irq).toEqual([false, true, false]);
  });
  it('with FIFOs on, RXIS waits for the IFLS trigger level; RTIS reports any data', () => {
    const { u } = uart();
    w(u, UARTLCR_H, LCR_H_FEN);
    w(u, UARTIFLS, 0 << 3); // receive at 1/8 full: 2 of 16
    u.receive(text('a'));
    expect(r(u, UARTRIS) & (INT_RX | INT_RT)).toBe(INT_RT);
    u.receive(text('b'));
    expect(r(u, UARTRIS) & INT_RX).toBe(INT_RX);
    r(u, UARTDR);
    expect(r(u, UARTRIS) & (INT_RX | INT_RT)).toBe(INT_RT); // below the level, data still waiting
    w(u, UARTICR, INT_RT);
    expect(r(u, UARTRIS) & INT_RT).toBe(0);
    r(u, UARTDR);
    expect(r(u, UARTRIS) & (INT_RX | INT_RT)).toBe(0);
  });
  it('the interrupt line follows IMSC changes', () => {
    const { u, irq } = uart();
    w(u, UARTDR, 0x20); // TXIS
    w(u, UARTIMSC, INT_TX);
    expect(u.interrupt).toBe(true);
    w(u, UARTIMSC, 0);
    expect(irq).toEqual([false, true, false]);
  });
});

describe('PL011 state', () => {
  it('save/load round-trips through JSON, including queued input', () => {
    const { u } = uart();
    w(u, UARTLCR_H, 0x70);
    w(u, UARTIMSC, INT_RT);
    u.receive(text('hello'));
    const saved = JSON.parse(JSON.stringify(u.save()));
    const { u: v } = uart();
    v.load(saved);
    expect(r(v, UARTLCR_H)).toBe(0x70);
    expect(v.interrupt).toBe(true);
    let s = '';
    while (!(r(v, UARTFR) & FR_RXFE)) s += String.fromCharCode(r(v, UARTDR));
    expect(s).toBe('hello');
    // The original is untouched by the copy's reads.
    expect(u.pendingInput).toBe(5);
  });
});
