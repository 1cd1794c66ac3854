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
import { OFF_EXCL_ADDR, OFF_EXCL_SIZE, OFF_EXCL_VALID, SR_SCTLR_EL1, SR_SCTLR_EL2 } from "./layout";
import { XSP, currentEl, sr, insnPc } from "./state";
import { takeException, syncTargetEl, EC_SP_ALIGN, VEC_SYNC } from "./exceptions";

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

/** After a host callback: if the host asked run() to stop, end it after this instruction. */
export function hostStopCheck(): void {
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

@inline function ramLoad(off: u64, size: u32): u64 {
  const p = <usize>(RAM_OFFSET + off);
  if (size == 8) return load<u64>(p);
  if (size == 4) return <u64>load<u32>(p);
  if (size == 2) return <u64>load<u16>(p);
  return <u64>load<u8>(p);
}

@inline function ramStore(off: u64, size: u32, v: u64): void {
  const p = <usize>(RAM_OFFSET + off);
  if (size == 8) store<u64>(p, v);
  else if (size == 4) store<u32>(p, <u32>v);
  else if (size == 2) store<u16>(p, <u16>v);
  else store<u8>(p, <u8>v);
}

/**
 * Reads size (1, 2, 4 or 8) bytes at va, zero-extended. Check memFault afterwards.
 * Inlined into every load handler: an aligned access that lands in RAM is a range check and one wasm
 * load; everything else (unaligned, MMIO, faults) goes through readMemSlow.
 */
@inline export function readMem(va: u64, size: u32, flags: u32): u64 {
  const off = va - ramBase;
  if ((va & <u64>(size - 1)) == 0 && off <= ramSize - size) {
    memFault = false;
    return ramLoad(off, size);
  }
  return readMemSlow(va, size, flags);
}

function readMemSlow(va: u64, size: u32, flags: u32): u64 {
  memFault = false;
  const pa = translate(va, size, flags, false);
  if (memFault) return 0;
  const off = pa - ramBase;
  if (off <= ramSize - size) {
    return ramLoad(off, size);
  }
  return mmioLoad(va, pa, size);
}

/** Writes the low size bytes of v at va. Check memFault afterwards. Inlined like readMem. */
@inline export function writeMem(va: u64, size: u32, v: u64, flags: u32): void {
  const off = va - ramBase;
  if ((va & <u64>(size - 1)) == 0 && off <= ramSize - size) {
    memFault = false;
    ramStore(off, size, v);
    return;
  }
  writeMemSlow(va, size, v, flags);
}

function writeMemSlow(va: u64, size: u32, v: u64, flags: u32): void {
  memFault = false;
  const pa = translate(va, size, flags, true);
  if (memFault) return;
  const off = pa - ramBase;
  if (off <= ramSize - size) {
    ramStore(off, size, v);
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

// ---- Stack pointer alignment (CheckSPAlignment) --------------------------------------------------

/** SP alignment fault (ESR_ELx.EC 0x26, ISS 0); FAR_ELx is UNKNOWN, so it is left alone. */
export function spAlignmentFault(): void {
  takeException(syncTargetEl(), VEC_SYNC, EC_SP_ALIGN, 0, insnPc, false, 0);
}

/**
 * CheckSPAlignment for a load or store whose base register is SP: when SP is not 16-byte aligned and
 * SCTLR_ELx.SA (SCTLR_EL1.SA0 at EL0) is set, takes an SP alignment fault and returns true. Callers
 * test SP's low bits first, so the aligned case costs one compare.
 */
export function checkSpAlignment(): bool {
  if ((XSP(31) & 15) == 0) return false;
  const el = currentEl();
  // No VHE here: EL0 is always in the EL1&0 regime, so its control is SCTLR_EL1.SA0 (bit 4).
  const check = el == 0 ? (sr(SR_SCTLR_EL1) & (1 << 4)) != 0 : (sr(el == 2 ? SR_SCTLR_EL2 : SR_SCTLR_EL1) & (1 << 3)) != 0;
  if (!check) return false;
  spAlignmentFault();
  return true;
}

// ---- The local exclusive monitor (LDXR/STXR, CLREX) ----------------------------------------------
// One PE, so only the local monitor: it tags the physical address and size of the last Load-Exclusive.
// A Store-Exclusive passes only for exactly that address and size (other addresses and sizes are
// CONSTRAINED UNPREDICTABLE; failing is always allowed), and clears the monitor either way. Exception
// entry and return clear it too (exceptions.ts). Ordinary stores do not clear it (IMPLEMENTATION
// DEFINED for stores by the same PE).

/** AArch64.SetExclusiveMonitors for the physical address pa and size bytes. */
export function setExclusiveMonitors(pa: u64, size: u32): void {
  store<u64>(STATE_BASE + OFF_EXCL_ADDR, pa);
  store<u32>(STATE_BASE + OFF_EXCL_SIZE, size);
  store<u32>(STATE_BASE + OFF_EXCL_VALID, 1);
}

/** The local-monitor part of AArch64.ExclusiveMonitorsPass: true if pa/size is marked; clears the monitor. */
export function exclusiveMonitorsPass(pa: u64, size: u32): bool {
  const pass = load<u32>(STATE_BASE + OFF_EXCL_VALID) != 0
    && load<u64>(STATE_BASE + OFF_EXCL_ADDR) == pa
    && load<u32>(STATE_BASE + OFF_EXCL_SIZE) == size;
  clearExclusiveLocal();
  return pass;
}

/** ClearExclusiveLocal (CLREX, exception entry and return). */
export function clearExclusiveLocal(): void {
  store<u32>(STATE_BASE + OFF_EXCL_VALID, 0);
}

// ---- 128-bit SIMD&FP accesses (LDR/STR Qt, LDP/STP Qt) -------------------------------------------
// The Arm ARM (Mem[] with AccType_VEC) treats a 16-byte access as two 8-byte single-copy-atomic
// halves, but its alignment check (Device memory, here alignStrict) is against the whole 16 bytes.

/** Bits 127:64 of the last readMem128. */
export let mem128Hi: u64 = 0;

/** The 16-byte alignment check of a 128-bit access; raises the Alignment fault and returns true. */
function misaligned128(va: u64, flags: u32, write: bool): bool {
  memFault = false;
  if (!misaligned(va, 16, flags)) return false;
  dataAbort(va, FSC_ALIGNMENT, write);
  memFault = true;
  return true;
}

/** Reads 16 bytes at va: returns bits 63:0, bits 127:64 go to mem128Hi. Check memFault afterwards. */
export function readMem128(va: u64, flags: u32): u64 {
  if (misaligned128(va, flags, false)) return 0;
  const lo = readMem(va, 8, flags);
  if (memFault) return 0;
  const hi = readMem(va + 8, 8, flags);
  if (memFault) return 0;
  mem128Hi = hi;
  return lo;
}

/**
 * Writes 16 bytes (lo at va, hi at va + 8). A fault leaves memory unwritten: when the halves lie in
 * different pages (the smallest granule) both are translated before either is written.
 */
export function writeMem128(va: u64, lo: u64, hi: u64, flags: u32): void {
  if (misaligned128(va, flags, true)) return;
  if ((<u32>va & 0xfff) > 0xff0) {
    translateData(va, 8, flags, true);
    if (memFault) return;
    translateData(va + 8, 8, flags, true);
    if (memFault) return;
  }
  writeMem(va, 8, lo, flags);
  if (memFault) return;
  writeMem(va + 8, 8, hi, flags);
}
