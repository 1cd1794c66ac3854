// The trap trail as the host sees it: the core records every exception entry and return in a ring
// (src/core/trail.ts, layout TRAIL_*); the machine drains it into these objects for the UI, the CLI
// and tests.
import * as L from '../core/layout';

export type TrailKind = 'sync' | 'irq' | 'fiq' | 'serror' | 'eret';
const KINDS: readonly TrailKind[] = ['sync', 'irq', 'fiq', 'serror', 'eret'];

export interface TrailEvent {
  /** Position in the trail since reset (0, 1, 2, ...). */
  seq: number;
  /** The machine's clock (instruction count) when it happened. */
  clock: bigint;
  kind: TrailKind;
  fromEl: number;
  toEl: number;
  /** A virtual interrupt (list register or HCR_EL2.VI/VF/VSE). */
  virtual: boolean;
  /** An illegal exception return (PSTATE.IL set, EL unchanged). */
  illegal: boolean;
  /** IRQ/FIQ: the INTID taken (virtual: the vINTID), or null if unknown. */
  intid: number | null;
  /** Virtual IRQ/FIQ: the list register that held it, or null. */
  listRegister: number | null;
  /** ESR_ELx written (synchronous and SError), else 0. */
  esr: bigint;
  /** ELR_ELx written (entry: the preferred return address), or the address returned to (eret). */
  elr: bigint;
  /** FAR_ELx, when the exception wrote it. */
  far: bigint | null;
  /** HPFAR_EL2 as it was on a synchronous exception to EL2 (meaningful for stage 2 aborts). */
  hpfar: bigint;
  /** Address of the instruction it happened at (for an interrupt: the next one to execute). */
  pc: bigint;
  /** X8 at the time: the system call number of an SVC under Linux. */
  x8: bigint;
}

/** Reads trail entry number `seq` (must still be in the ring). */
export function readTrailEntry(view: DataView, seq: number): TrailEvent {
  const e = L.TRAIL_BASE + (seq & (L.TRAIL_CAP - 1)) * L.TRAIL_ENTRY;
  const flags = view.getUint8(e + 11);
  const kind = KINDS[view.getUint8(e + 8)] ?? 'sync';
  const raw = view.getUint32(e + 12, true);
  const virtual = (flags & L.TRAIL_F_VIRTUAL) !== 0;
  let intid: number | null = null;
  let listRegister: number | null = null;
  if (raw !== 0xffffffff && (kind === 'irq' || kind === 'fiq')) {
    if (virtual) {
      intid = raw & 0xffffff;
      listRegister = raw >>> 24;
    } else {
      intid = raw;
    }
  }
  return {
    seq,
    clock: view.getBigUint64(e, true),
    kind,
    fromEl: view.getUint8(e + 9),
    toEl: view.getUint8(e + 10),
    virtual,
    illegal: (flags & L.TRAIL_F_ILLEGAL) !== 0,
    intid,
    listRegister,
    esr: view.getBigUint64(e + 16, true),
    elr: view.getBigUint64(e + 24, true),
    far: (flags & L.TRAIL_F_FAR) !== 0 ? view.getBigUint64(e + 32, true) : null,
    hpfar: view.getBigUint64(e + 40, true),
    pc: view.getBigUint64(e + 48, true),
    x8: view.getBigUint64(e + 56, true),
  };
}

/** Pause-on-match: which (kind, target EL) pairs stop the machine. */
export interface TrailBreak {
  kinds: readonly TrailKind[];
  /** Target ELs (0..2); for 'eret' the EL returned to. */
  els: readonly number[];
}

/** The OFF_TRAIL_BREAK mask for a pause-on-match rule (bit kind * 4 + EL). */
export function trailBreakMask(rule: TrailBreak | null): number {
  if (!rule) return 0;
  let mask = 0;
  for (const k of rule.kinds) for (const el of rule.els) mask |= 1 << (KINDS.indexOf(k) * 4 + el);
  return mask >>> 0;
}
