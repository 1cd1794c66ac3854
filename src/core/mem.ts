// Guest memory accesses by virtual address. Every access goes through the software TLB of the
// current EL (mmu.ts): a hit on a RAM page is a tag compare and one wasm memory access; a miss walks
// the translation tables (or maps flat when translation is off), fills the entry, and may fault.
// Pages that are not RAM carry TAG_IO, so their accesses take the slow path to the GIC or the host's
// devices (mmio_read/mmio_write).
import {
  STATE_BASE, RAM_OFFSET, OFF_MMIO_HI, OFF_MMIO_STATUS, OFF_STOP_REQUEST, OFF_EXIT_REASON, EXIT_HOST_STOP,
  SR_HPFAR_EL2, OFF_DIRTY_TRACK, DIRTY_BASE,
} from "./layout";
import { ramBase, ramSize, alignStrict, setStopRun, flush, tlbBase, setSr, currentInsnWord, setFetchPage } from "./state";
import { dataAbort, instructionAbort, pcAlignmentFault, illegalStateException } from "./exceptions";
import { mmioRead, mmioWrite } from "./host";
import { gicOwns, gicRead, gicWrite } from "./gic";
import { OFF_EXCL_ADDR, OFF_EXCL_SIZE, OFF_EXCL_VALID, SR_SCTLR_EL1, SR_SCTLR_EL2 } from "./layout";
import { XSP, currentEl, sr, insnPc } from "./state";
import {
  takeException, syncTargetEl, EC_SP_ALIGN, VEC_SYNC, EC_DABORT_LOWER, EC_DABORT_SAME, EC_IABORT_LOWER,
  EC_IABORT_SAME,
} from "./exceptions";
import {
  tlbFor, tlbEntry, translate, permissionFault, outPa, outIpa, outPerm, outFlags, faultFsc, faultStage2,
  faultS1ptw, faultIpa, PERM_R, PERM_W, PERM_X, TF_DEVICE, TAG_IO, TLB_TAG_INVALID, PAGE_MASK, ACC_READ,
  ACC_WRITE, ACC_EXEC, T_READ, T_WRITE, T_EXEC, T_ADDEND, T_PA, T_FLAGS, T_IPA,
} from "./mmu";

/** Set when the last access raised an exception; the handler must then return without writeback. */
export let memFault: bool = false;

// Access flags.
export const ACC_ALIGNED: u32 = 1; // must be aligned whatever the memory type (exclusives, acquire/release)
export const ACC_UNPRIV: u32 = 2; // LDTR/STTR: checked as if at EL0

// Fault status codes (ESR_ELx.ISS.DFSC / IFSC) raised here; translation faults come from mmu.ts.
export const FSC_ALIGNMENT: u32 = 0x21;
export const FSC_EXTERNAL: u32 = 0x10;

@inline function misaligned(va: u64, size: u32, flags: u32): bool {
  return (va & <u64>(size - 1)) != 0 && ((flags & ACC_ALIGNED) != 0 || alignStrict);
}

// ---- Translation through the TLB ----------------------------------------------------------------------

/** Whether the page resolved by the last lookup() is MMIO (not RAM), and its TF_* flags. */
let lookupIo: bool = false;
let lookupFlags: u32 = 0;

/**
 * The physical address of va for access kind acc (ACC_READ/WRITE/EXEC), from the TLB or by a walk
 * that then fills the entry. On a fault takes the abort, sets memFault and returns 0.
 */
function lookup(va: u64, acc: u32, flags: u32): u64 {
  const el = (flags & ACC_UNPRIV) != 0 ? 0 : currentEl();
  const e = tlbEntry(tlbFor(el), va);
  const vpage = va & PAGE_MASK;
  const tag = load<u64>(e + acc);
  if ((tag & ~TAG_IO) == vpage) {
    lookupIo = (tag & TAG_IO) != 0;
    lookupFlags = load<u32>(e, T_FLAGS);
    return load<u64>(e, T_PA) | (va & 0xfff);
  }
  if (!translate(va, el, acc != ACC_EXEC) || permissionFault(acc)) {
    translationAbort(va, acc);
    memFault = true;
    return 0;
  }
  const ppage = outPa & PAGE_MASK;
  const io: u64 = ppage - ramBase <= ramSize - 0x1000 ? 0 : TAG_IO;
  let writeTag: u64 = (outPerm & PERM_W) != 0 ? vpage | io : TLB_TAG_INVALID;
  if (io == 0 && writeTag != TLB_TAG_INVALID && load<u32>(STATE_BASE + OFF_DIRTY_TRACK) != 0) {
    // Dirty-page logging: a write marks its page; a read fill leaves the write tag off until then.
    const bit = <usize>((ppage - ramBase) >> 12);
    const byte = <usize>DIRTY_BASE + (bit >> 3);
    const mask = <u8>(1 << <u8>(bit & 7));
    if (acc == ACC_WRITE) store<u8>(byte, load<u8>(byte) | mask);
    else if ((load<u8>(byte) & mask) == 0) writeTag = TLB_TAG_INVALID;
  }
  store<u64>(e, (outPerm & PERM_R) != 0 ? vpage | io : TLB_TAG_INVALID, T_READ);
  store<u64>(e, writeTag, T_WRITE);
  store<u64>(e, (outPerm & PERM_X) != 0 ? vpage | io : TLB_TAG_INVALID, T_EXEC);
  store<u64>(e, ppage - ramBase - vpage, T_ADDEND);
  store<u64>(e, ppage, T_PA);
  store<u32>(e, outFlags, T_FLAGS);
  store<u64>(e, outIpa & PAGE_MASK, T_IPA);
  lookupIo = io != 0;
  lookupFlags = outFlags;
  return outPa;
}

/**
 * The instruction-specific syndrome (ESR_ELx.ISS[24:14]: ISV, SAS, SSE, SRT, SF, AR) of a data abort
 * taken to EL2 for a stage 2 fault, so that a hypervisor can emulate the access (KVM's MMIO). Valid
 * only for single general-purpose register loads and stores without writeback, like QEMU and real
 * cores report it; 0 (ISV = 0) for everything else.
 */
function instructionSyndrome(word: u32): u32 {
  let ar: u32 = 0;
  let size = word >>> 30;
  let opc = (word >>> 22) & 3;
  if ((word & 0x3f000000) == 0x39000000 // LDR/STR (immediate, unsigned offset)
    || (word & 0x3f200c00) == 0x38200800 // LDR/STR (register offset)
    || (word & 0x3f200400) == 0x38000000) { // LDUR/STUR, LDTR/STTR (no writeback)
    // opc: 00 store, 01 load, 10 load signed to X, 11 load signed to W.
    if (size == 3 && opc >= 2) return 0; // PRFM and unallocated
  } else if ((word & 0x3fa08000) == 0x08808000) { // LDAR/STLR
    ar = 1;
    opc = (word >>> 22) & 1;
  } else if ((word & 0x3f000000) == 0x18000000) { // LDR (literal)
    const lopc = word >>> 30;
    if (lopc == 3) return 0; // PRFM
    size = lopc == 0 ? 2 : lopc == 1 ? 3 : 2;
    opc = lopc == 2 ? 2 : 1;
  } else {
    return 0;
  }
  const signed = opc >= 2;
  const sf: u32 = signed ? (opc == 2 ? 1 : 0) : (size == 3 ? 1 : 0);
  return (1 << 24) | (size << 22) | ((signed ? 1 : 0) << 21) | ((word & 31) << 16) | (sf << 15) | (ar << 14);
}

/** Takes the abort for the fault that translate() or permissionFault() recorded. */
function translationAbort(va: u64, acc: u32): void {
  const write = acc == ACC_WRITE;
  if (faultStage2) {
    // Stage 2 faults go to EL2 with the faulting IPA in HPFAR_EL2 (IPA[47:12] in bits 39:4).
    setSr(SR_HPFAR_EL2, (faultIpa >> 12) << 4);
    let iss = faultFsc | (faultS1ptw ? 1 << 7 : 0);
    if (acc == ACC_EXEC) {
      takeException(2, VEC_SYNC, EC_IABORT_LOWER, iss, insnPc, true, va);
      return;
    }
    if (write) iss |= 1 << 6;
    if (!faultS1ptw) iss |= instructionSyndrome(currentInsnWord());
    takeException(2, VEC_SYNC, EC_DABORT_LOWER, iss, insnPc, true, va);
    return;
  }
  const target = syncTargetEl();
  const lower = target > currentEl();
  if (acc == ACC_EXEC) {
    takeException(target, VEC_SYNC, lower ? EC_IABORT_LOWER : EC_IABORT_SAME, faultFsc, insnPc, true, va);
  } else {
    takeException(target, VEC_SYNC, lower ? EC_DABORT_LOWER : EC_DABORT_SAME, faultFsc | (write ? 1 << 6 : 0), insnPc, true, va);
  }
}

/** After a host callback: if the host asked run() to stop, end it after this instruction. */
export function hostStopCheck(): void {
  if (load<u32>(STATE_BASE + OFF_STOP_REQUEST) != 0) {
    store<u32>(STATE_BASE + OFF_EXIT_REASON, EXIT_HOST_STOP);
    setStopRun(true);
  }
}

function mmioLoad(va: u64, pa: u64, size: u32): u64 {
  if (gicOwns(pa)) return gicRead(pa, size); // the GIC lives in the core: no host crossing
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
  if (gicOwns(pa)) { gicWrite(pa, size, v); return; }
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
 * Inlined into every load handler: an aligned access that hits a RAM page in the TLB is a tag compare
 * and one wasm load (the tag includes the alignment bits, so a misaligned access misses); everything
 * else (misses, unaligned, MMIO, faults, LDTR) goes through readMemSlow.
 */
@inline export function readMem(va: u64, size: u32, flags: u32): u64 {
  if ((flags & ACC_UNPRIV) == 0) {
    const e = tlbEntry(tlbBase, va);
    if (load<u64>(e, T_READ) == (va & (PAGE_MASK | <u64>(size - 1)))) {
      memFault = false;
      return ramLoad(va + load<u64>(e, T_ADDEND), size);
    }
  }
  return readMemSlow(va, size, flags);
}

/** Raises the alignment fault for va. */
function alignmentFault(va: u64, write: bool): void {
  dataAbort(va, FSC_ALIGNMENT, write);
  memFault = true;
}

function readMemSlow(va: u64, size: u32, flags: u32): u64 {
  memFault = false;
  if (misaligned(va, size, flags)) { alignmentFault(va, false); return 0; }
  if ((<u32>va & 0xfff) + size > 0x1000) {
    // Crosses a page: byte by byte, little-endian (each byte translated on its own).
    let v: u64 = 0;
    for (let i: u32 = 0; i < size; i++) {
      const b = readMemSlow(va + i, 1, flags);
      if (memFault) return 0;
      v |= b << (i << 3);
    }
    return v;
  }
  const pa = lookup(va, ACC_READ, flags);
  if (memFault) return 0;
  if ((va & <u64>(size - 1)) != 0 && (lookupFlags & TF_DEVICE) != 0) { alignmentFault(va, false); return 0; }
  if (!lookupIo) return ramLoad(pa - ramBase, size);
  return mmioLoad(va, pa, size);
}

/** Writes the low size bytes of v at va. Check memFault afterwards. Inlined like readMem. */
@inline export function writeMem(va: u64, size: u32, v: u64, flags: u32): void {
  if ((flags & ACC_UNPRIV) == 0) {
    const e = tlbEntry(tlbBase, va);
    if (load<u64>(e, T_WRITE) == (va & (PAGE_MASK | <u64>(size - 1)))) {
      memFault = false;
      ramStore(va + load<u64>(e, T_ADDEND), size, v);
      return;
    }
  }
  writeMemSlow(va, size, v, flags);
}

function writeMemSlow(va: u64, size: u32, v: u64, flags: u32): void {
  memFault = false;
  if (misaligned(va, size, flags)) { alignmentFault(va, true); return; }
  if ((<u32>va & 0xfff) + size > 0x1000) {
    // Crosses a page: both pages must be writable before any byte is written.
    lookup(va, ACC_WRITE, flags);
    if (memFault) return;
    lookup((va + size - 1) & PAGE_MASK, ACC_WRITE, flags); // a fault reports the second page's first byte
    if (memFault) return;
    for (let i: u32 = 0; i < size; i++) {
      writeMemSlow(va + i, 1, v >> (i << 3), flags);
      if (memFault) return;
    }
    return;
  }
  const pa = lookup(va, ACC_WRITE, flags);
  if (memFault) return;
  if ((va & <u64>(size - 1)) != 0 && (lookupFlags & TF_DEVICE) != 0) { alignmentFault(va, true); return; }
  if (!lookupIo) { ramStore(pa - ramBase, size, v); return; }
  mmioStore(va, pa, size, v);
}

/**
 * Physical address of va for a data access without performing it (DC ZVA, exclusives, and the
 * all-or-nothing checks of multi-part stores). Takes alignment and translation faults like the access.
 */
export function translateData(va: u64, size: u32, flags: u32, write: bool): u64 {
  memFault = false;
  if (misaligned(va, size, flags)) { alignmentFault(va, write); return 0; }
  const pa = lookup(va, write ? ACC_WRITE : ACC_READ, flags);
  if (memFault) return 0;
  if ((va & <u64>(size - 1)) != 0 && (lookupFlags & TF_DEVICE) != 0) { alignmentFault(va, write); return 0; }
  return pa;
}

/** Whether the page of the last translateData/lookup is Device memory. */
export function lastWasDevice(): bool {
  return (lookupFlags & TF_DEVICE) != 0;
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
 * Instruction fetch slow path: PSTATE.IL, PC alignment, TLB misses and fetches from outside RAM.
 * Returns the instruction word; on an exception sets memFault (the exception has been taken). A fetch
 * from a RAM page makes that page the run loop's current code page (setFetchPage), so the following
 * fetches from it need no lookup at all.
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
  memFault = false;
  const pa = lookup(va, ACC_EXEC, 0);
  if (memFault) return 0;
  if (lookupIo) {
    // No instructions outside RAM (there is no flash on this board's map yet).
    memFault = true;
    instructionAbort(va, FSC_EXTERNAL);
    return 0;
  }
  setFetchPage(va & PAGE_MASK, (pa & PAGE_MASK) - ramBase - (va & PAGE_MASK));
  return load<u32>(ramPtr(pa));
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
