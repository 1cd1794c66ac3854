// Guest memory accesses by virtual address. Stage 1/2 translation arrives with the system issue;
// until then a virtual address is its physical address (as with the MMU off), and `translate` is
// the one place that will change. RAM is a slice of linear memory; anything else goes to the host's
// devices through mmio_read/mmio_write.
import {
  STATE_BASE, RAM_OFFSET, OFF_MMIO_HI, OFF_MMIO_STATUS, OFF_STOP_REQUEST, OFF_EXIT_REASON, EXIT_HOST_STOP,
} from "./layout";
import { ramBase, ramSize, alignStrict, setStopRun, flush } from "./state";
import { dataAbort, instructionAbort, pcAlignmentFault, illegalStateException } from "./exceptions";
import { mmioRead, mmioWrite } from "./host";

/** Set when the last access raised an exception; the handler must then return without writeback. */
export let memFault: bool = false;

// Access flags.
export const ACC_ALIGNED: u32 = 1; // must be aligned whatever the memory type (exclusives, acquire/release)
export const ACC_UNPRIV: u32 = 2; // LDTR/STTR: checked as if at EL0

// Fault status codes (ESR_ELx.ISS.DFSC / IFSC).
export const FSC_ALIGNMENT: u32 = 0x21;
export const FSC_EXTERNAL: u32 = 0x10;
export const FSC_ADDRESS_SIZE_L0: u32 = 0x00;

const PA_LIMIT: u64 = 1 << 48;

@inline function misaligned(va: u64, size: u32, flags: u32): bool {
  return (va & <u64>(size - 1)) != 0 && ((flags & ACC_ALIGNED) != 0 || alignStrict);
}

/** Translates va for a data access; on a fault raises it, sets memFault and returns 0. */
@inline function translate(va: u64, size: u32, flags: u32, write: bool): u64 {
  if (misaligned(va, size, flags)) {
    dataAbort(va, FSC_ALIGNMENT, write);
    memFault = true;
    return 0;
  }
  if (va >= PA_LIMIT) {
    dataAbort(va, FSC_ADDRESS_SIZE_L0, write);
    memFault = true;
    return 0;
  }
  return va;
}

function hostStopCheck(): void {
  if (load<u32>(STATE_BASE + OFF_STOP_REQUEST) != 0) {
    store<u32>(STATE_BASE + OFF_EXIT_REASON, EXIT_HOST_STOP);
    setStopRun(true);
  }
}

function mmioLoad(va: u64, pa: u64, size: u32): u64 {
  store<u32>(STATE_BASE + OFF_MMIO_STATUS, 0);
  store<u32>(STATE_BASE + OFF_MMIO_HI, 0);
  flush();
  const lo = mmioRead(<u32>pa, <u32>(pa >> 32), size);
  if (load<u32>(STATE_BASE + OFF_MMIO_STATUS) != 0) {
    dataAbort(va, FSC_EXTERNAL, false);
    memFault = true;
    return 0;
  }
  hostStopCheck();
  return (<u64>load<u32>(STATE_BASE + OFF_MMIO_HI) << 32) | <u64>lo;
}

function mmioStore(va: u64, pa: u64, size: u32, v: u64): void {
  store<u32>(STATE_BASE + OFF_MMIO_STATUS, 0);
  flush();
  mmioWrite(<u32>pa, <u32>(pa >> 32), size, <u32>v, <u32>(v >> 32));
  if (load<u32>(STATE_BASE + OFF_MMIO_STATUS) != 0) {
    dataAbort(va, FSC_EXTERNAL, true);
    memFault = true;
    return;
  }
  hostStopCheck();
}

/** Reads size (1, 2, 4 or 8) bytes at va, zero-extended. Check memFault afterwards. */
export function readMem(va: u64, size: u32, flags: u32): u64 {
  memFault = false;
  const pa = translate(va, size, flags, false);
  if (memFault) return 0;
  const off = pa - ramBase;
  if (off <= ramSize - size) {
    const p = <usize>(RAM_OFFSET + off);
    if (size == 8) return load<u64>(p);
    if (size == 4) return <u64>load<u32>(p);
    if (size == 2) return <u64>load<u16>(p);
    return <u64>load<u8>(p);
  }
  return mmioLoad(va, pa, size);
}

/** Writes the low size bytes of v at va. Check memFault afterwards. */
export function writeMem(va: u64, size: u32, v: u64, flags: u32): void {
  memFault = false;
  const pa = translate(va, size, flags, true);
  if (memFault) return;
  const off = pa - ramBase;
  if (off <= ramSize - size) {
    const p = <usize>(RAM_OFFSET + off);
    if (size == 8) store<u64>(p, v);
    else if (size == 4) store<u32>(p, <u32>v);
    else if (size == 2) store<u16>(p, <u16>v);
    else store<u8>(p, <u8>v);
    return;
  }
  mmioStore(va, pa, size, v);
}

/** Physical address of va for a data access without performing it (DC ZVA, exclusives). */
export function translateData(va: u64, size: u32, flags: u32, write: bool): u64 {
  memFault = false;
  return translate(va, size, flags, write);
}

/** True when [pa, pa+size) is RAM. */
@inline export function isRam(pa: u64, size: u64): bool {
  return pa - ramBase <= ramSize - size;
}

/** Linear-memory address of RAM physical address pa (caller checked isRam). */
@inline export function ramPtr(pa: u64): usize {
  return <usize>(RAM_OFFSET + (pa - ramBase));
}

/**
 * Instruction fetch slow path: PSTATE.IL, PC alignment, and fetches from outside RAM. Returns the
 * instruction word; on an exception sets memFault (the exception has been taken).
 */
export function fetchSlow(va: u64, illegal: bool): u32 {
  memFault = true;
  if (illegal) {
    illegalStateException();
    return 0;
  }
  if ((va & 3) != 0) {
    pcAlignmentFault(va);
    return 0;
  }
  if (va < PA_LIMIT && isRam(va, 4)) {
    memFault = false;
    return load<u32>(ramPtr(va));
  }
  instructionAbort(va, FSC_EXTERNAL);
  return 0;
}
