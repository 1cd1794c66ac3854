// The trap trail: a ring of every exception entry and exception return with the registers that explain
// it (ESR, ELR, FAR, HPFAR), for the UI's trail view and for pausing when one matches. The host reads
// it through src/machine/trail.ts. Exceptions are rare next to instructions, so recording costs nothing
// measurable.
import {
  STATE_BASE, OFF_TRAIL_HEAD, OFF_TRAIL_BREAK, TRAIL_BASE, TRAIL_CAP, TRAIL_ENTRY, OFF_EXIT_REASON,
  EXIT_TRAIL_MATCH,
} from "./layout";
import { icount, X, setStopRun } from "./state";

/** Set by interrupts.ts just before it takes an IRQ/FIQ: the INTID and TRAIL_F_VIRTUAL if virtual. */
export let trailIntid: u32 = 0xffffffff;
export let trailFlags: u32 = 0;
export function setTrailInterrupt(intid: u32, flags: u32): void {
  trailIntid = intid;
  trailFlags = flags;
}

export function trailRecord(kind: u32, fromEl: u32, toEl: u32, esr: u64, elr: u64, far: u64, hpfar: u64, pc: u64, flags: u32): void {
  const head = load<u32>(STATE_BASE + OFF_TRAIL_HEAD);
  const e: usize = <usize>TRAIL_BASE + (<usize>head & <usize>(TRAIL_CAP - 1)) * TRAIL_ENTRY;
  store<u64>(e, icount);
  store<u8>(e, <u8>kind, 8);
  store<u8>(e, <u8>fromEl, 9);
  store<u8>(e, <u8>toEl, 10);
  store<u8>(e, <u8>(flags | trailFlags), 11);
  store<u32>(e, trailIntid, 12);
  store<u64>(e, esr, 16);
  store<u64>(e, elr, 24);
  store<u64>(e, far, 32);
  store<u64>(e, hpfar, 40);
  store<u64>(e, pc, 48);
  store<u64>(e, X(8), 56);
  store<u32>(STATE_BASE + OFF_TRAIL_HEAD, head + 1);
  trailIntid = 0xffffffff;
  trailFlags = 0;
  // Pause-on-match: the host asked to stop when this kind of event reaches this EL.
  if ((load<u32>(STATE_BASE + OFF_TRAIL_BREAK) & (1 << (kind * 4 + toEl))) != 0) {
    store<u32>(STATE_BASE + OFF_EXIT_REASON, EXIT_TRAIL_MATCH);
    setStopRun(true);
  }
}
