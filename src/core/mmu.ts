// The MMU: stage 1 translation for the EL1&0 and EL2 regimes, stage 2 for EL1&0 under HCR_EL2.VM,
// and the software TLB that caches their results (Arm ARM D8, "The AArch64 Virtual Memory System
// Architecture"; the walk follows AArch64.TranslationTableWalk and the permission rules of
// AArch64.CheckPermission for an ARMv8.0 PE without PAN, VHE, HAFDBS or 52-bit addresses).
//
// Design (docs/mmu.md):
// - A translation result is cached per 4 KiB page in the TLB of the EL that asked (layout.ts TLB_*),
//   with one tag per access kind, so the load/store fast path in mem.ts is a tag compare and one
//   wasm memory access. Block mappings are cached as the 4 KiB pages actually touched.
// - The TLB is not tagged by ASID or VMID: every write to a register that affects translation (SCTLR,
//   TCR, TTBRx, MAIR, HCR_EL2, VTCR_EL2, VTTBR_EL2) and every TLBI flushes the TLBs concerned. A TLB
//   may always hold fewer entries than the architecture allows, so this is exact; it is also cheap,
//   because a flush is a memory.fill of 64 KiB per regime.
// - Memory attributes matter only where they are visible: Device memory (stage 1 off for data, a
//   Device MAIR attribute, or Device at stage 2) must be accessed aligned.
import {
  STATE_BASE, TLB_BASE, TLB_ENTRIES, TLB_ENTRY, TLB_REGIME_SIZE, TLB_REGIMES, RAM_OFFSET,
  SR_SCTLR_EL1, SR_SCTLR_EL2, SR_TCR_EL1, SR_TCR_EL2, SR_TTBR0_EL1, SR_TTBR1_EL1, SR_TTBR0_EL2,
  SR_MAIR_EL1, SR_MAIR_EL2, SR_HCR_EL2, SR_VTCR_EL2, SR_VTTBR_EL2,
} from "./layout";
import { sr, haveEl2, ramBase, ramSize, invalidateFetchPage, userMode } from "./state";

// ---- TLB entries ------------------------------------------------------------------------------------
export const T_READ: u32 = 0; // u64 tag: VA page | TAG_IO, or TLB_TAG_INVALID
export const T_WRITE: u32 = 8;
export const T_EXEC: u32 = 16;
export const T_ADDEND: u32 = 24; // u64: RAM offset = VA + addend (RAM pages only)
export const T_PA: u32 = 32; // u64: physical page
export const T_FLAGS: u32 = 40; // u32: TF_* bits
export const T_IPA: u32 = 48; // u64: intermediate physical page (for AT and stage-2 fault reports)

/** A tag that no page-aligned VA masked by (~0xfff | (size - 1)) can equal. */
export const TLB_TAG_INVALID: u64 = 0x800;
/** Set in a tag when the page is not RAM: the fast path misses, the slow path goes to MMIO. */
export const TAG_IO: u64 = 0x400;
export const PAGE_MASK: u64 = ~<u64>0xfff;

export const TF_DEVICE: u32 = 1; // Device memory: accesses must be aligned

// Access kinds, which are also the offsets of their tags.
export const ACC_READ: u32 = T_READ;
export const ACC_WRITE: u32 = T_WRITE;
export const ACC_EXEC: u32 = T_EXEC;

/** TLB of the regime as seen from EL el. */
@inline export function tlbFor(el: u32): usize {
  return TLB_BASE + el * TLB_REGIME_SIZE;
}
/** The entry that caches va in the TLB at base. */
@inline export function tlbEntry(base: usize, va: u64): usize {
  return base + ((<usize>(va >> 12) & (TLB_ENTRIES - 1)) * TLB_ENTRY);
}

function flushRegime(el: u32): void {
  const base = tlbFor(el);
  for (let e: usize = base; e < base + TLB_REGIME_SIZE; e += TLB_ENTRY) {
    store<u64>(e, TLB_TAG_INVALID, T_READ);
    store<u64>(e, TLB_TAG_INVALID, T_WRITE);
    store<u64>(e, TLB_TAG_INVALID, T_EXEC);
  }
}

/** Invalidates the cached translations of the EL1&0 regime (EL0 and EL1 views). */
export function tlbFlushEl10(): void {
  flushRegime(0);
  flushRegime(1);
  invalidateFetchPage();
}
/** Invalidates the cached translations of the EL2 regime. */
export function tlbFlushEl2(): void {
  flushRegime(2);
  invalidateFetchPage();
}
export function tlbFlushAll(): void {
  for (let el: u32 = 0; el < <u32>TLB_REGIMES; el++) flushRegime(el);
  invalidateFetchPage();
}

// ---- Translation results ------------------------------------------------------------------------------
// One walk at a time, so its results are module globals (no allocation on any path).

/** The physical address (on success). */
export let outPa: u64 = 0;
/** The intermediate physical address, i.e. the output of stage 1. */
export let outIpa: u64 = 0;
/** PERM_* bits: what the EL that asked may do with the page. */
export let outPerm: u32 = 0;
/** TF_* bits. */
export let outFlags: u32 = 0;
/** The MAIR attribute byte of the stage 1 mapping (for PAR_EL1); 0 (Device-nGnRnE) with stage 1 off. */
export let outAttr: u32 = 0;
/** Shareability of the stage 1 mapping (descriptor SH[1:0]) for PAR_EL1. */
export let outSh: u32 = 0;

// On a fault: the fault status code (ESR_ELx.ISS.xFSC) with its level, whether stage 2 faulted, and
// whether it did so on stage 1's own table walk (ISS.S1PTW).
export let faultFsc: u32 = 0;
export let faultStage2: bool = false;
export let faultS1ptw: bool = false;
/** The IPA that stage 2 could not translate (for HPFAR_EL2). */
export let faultIpa: u64 = 0;

export const PERM_R: u32 = 1;
export const PERM_W: u32 = 2;
export const PERM_X: u32 = 4;

// Fault status codes; the low two bits hold the level.
export const FSC_ADDRESS_SIZE: u32 = 0x00;
export const FSC_TRANSLATION: u32 = 0x04;
export const FSC_ACCESS_FLAG: u32 = 0x08;
export const FSC_PERMISSION: u32 = 0x0c;
export const FSC_EXTERNAL_WALK: u32 = 0x14;

/** Physical addresses are 48 bits (ID_AA64MMFR0_EL1.PARange = 5). */
const PA_BITS: u32 = 48;
const OA_MASK: u64 = (<u64>1 << PA_BITS) - 1;

/**
 * Output address size in bits for a TCR_ELx.{I}PS / VTCR_EL2.PS value, limited to the implemented 48.
 * Descriptor bits 51:48 are not part of the address with 48-bit PAs (Linux keeps software bits such
 * as DBM there); an output address above this size is an Address size fault.
 */
function psBits(ps: u32): u32 {
  return ps == 0 ? 32 : ps == 1 ? 36 : ps == 2 ? 40 : ps == 3 ? 42 : ps == 4 ? 44 : 48;
}

function fault(fsc: u32, level: i32, stage2: bool, s1ptw: bool, ipa: u64): bool {
  faultFsc = fsc | (<u32>level & 3);
  faultStage2 = stage2;
  faultS1ptw = s1ptw;
  faultIpa = ipa;
  return false;
}

/** Reads a descriptor at physical address pa; returns false (external abort on the walk) if it is not RAM. */
let descValue: u64 = 0;
function readDescriptor(pa: u64): bool {
  if (pa - ramBase > ramSize - 8) return false;
  descValue = load<u64>(<usize>(RAM_OFFSET + (pa - ramBase)));
  return true;
}

/** log2 of the granule size for a TCR_ELx.TG0 value (4 KiB when reserved, as the Arm ARM allows). */
@inline function granuleTg0(tg0: u32): u32 {
  return tg0 == 1 ? 16 : tg0 == 2 ? 14 : 12;
}
/** log2 of the granule size for a TCR_EL1.TG1 value. */
@inline function granuleTg1(tg1: u32): u32 {
  return tg1 == 3 ? 16 : tg1 == 1 ? 14 : 12;
}

/** TxSZ clamped to what ARMv8.0 with 48-bit VAs supports (the Arm ARM allows either clamping or a fault). */
@inline function clampTsz(tsz: u32): u32 {
  return tsz < 16 ? 16 : tsz > 39 ? 39 : tsz;
}

/** Whether a block descriptor is allowed at `level` for granule 2^g (no 52-bit output addresses). */
@inline function blockAllowed(g: u32, level: i32): bool {
  return g == 12 ? (level == 1 || level == 2) : level == 2;
}

// ---- Stage 2 ----------------------------------------------------------------------------------------------

/** Whether stage 2 translation applies to the EL1&0 regime. */
@inline export function stage2Enabled(): bool {
  return haveEl2 && (sr(SR_HCR_EL2) & 1) != 0;
}

let s2Pa: u64 = 0;
let s2Perm: u32 = 0;
let s2Device: bool = false;

/**
 * Stage 2 translation of ipa (AArch64.S2Translate): on success sets s2Pa, s2Perm and s2Device. `s1ptw`
 * says this translates a stage 1 descriptor address (a fault then reports ISS.S1PTW). `va` is only for
 * the fault report.
 */
function stage2(ipa: u64, s1ptw: bool): bool {
  const vtcr = sr(SR_VTCR_EL2);
  const tsz = clampTsz(<u32>vtcr & 0x3f);
  const sl0 = <u32>(vtcr >> 6) & 3;
  const g = granuleTg0(<u32>(vtcr >> 14) & 3);
  const stride = g - 3;
  const inputsize = 64 - tsz;
  if ((ipa >> inputsize) != 0) return fault(FSC_TRANSLATION, 0, true, s1ptw, ipa);
  // The start level comes from VTCR_EL2.SL0; the start table may be up to 16 concatenated tables.
  let level: i32 = g == 12 ? 2 - <i32>sl0 : 3 - <i32>sl0;
  if (sl0 == 3 || level < 0) return fault(FSC_TRANSLATION, 0, true, s1ptw, ipa);
  let bits: i32 = <i32>inputsize - <i32>(g + stride * <u32>(3 - level));
  if (bits < 1 || bits > <i32>stride + 4) return fault(FSC_TRANSLATION, level, true, s1ptw, ipa);
  const oaBits = psBits(<u32>(vtcr >> 16) & 7);
  let table = sr(SR_VTTBR_EL2) & 0x0000fffffffffffe & ~((<u64>8 << bits) - 1);
  if ((table >> oaBits) != 0) return fault(FSC_ADDRESS_SIZE, 0, true, s1ptw, ipa);
  let perm: u32 = 0;
  while (true) {
    const shift = g + stride * <u32>(3 - level);
    const idx = (ipa >> shift) & ((<u64>1 << bits) - 1);
    if (!readDescriptor(table + (idx << 3))) return fault(FSC_EXTERNAL_WALK, level, true, s1ptw, ipa);
    const d = descValue;
    if ((d & 1) == 0) return fault(FSC_TRANSLATION, level, true, s1ptw, ipa);
    if (level < 3 && (d & 2) != 0) {
      table = d & OA_MASK & ~((<u64>1 << g) - 1);
      if ((table >> oaBits) != 0) return fault(FSC_ADDRESS_SIZE, level, true, s1ptw, ipa);
      level++;
      bits = <i32>stride;
      continue;
    }
    if (level == 3 ? (d & 2) == 0 : !blockAllowed(g, level)) return fault(FSC_TRANSLATION, level, true, s1ptw, ipa);
    if (((d & OA_MASK) >> oaBits) != 0) return fault(FSC_ADDRESS_SIZE, level, true, s1ptw, ipa);
    if ((d & (1 << 10)) == 0) return fault(FSC_ACCESS_FLAG, level, true, s1ptw, ipa);
    // S2AP[0] (bit 6) allows reads, S2AP[1] (bit 7) writes; XN (bit 54) forbids execution.
    if ((d & (1 << 6)) != 0) perm |= PERM_R;
    if ((d & (1 << 7)) != 0) perm |= PERM_W;
    if ((d & (<u64>1 << 54)) == 0) perm |= PERM_X;
    // MemAttr[3:2] == 0b00 is Device memory.
    s2Device = (d & (3 << 4)) == 0;
    const blockMask = (<u64>1 << shift) - 1;
    s2Pa = (d & OA_MASK & ~blockMask) | (ipa & blockMask);
    s2Perm = perm;
    lastS2Level = level;
    // A stage 1 walk reads its descriptors through stage 2: no read permission is a permission fault.
    if (s1ptw && (perm & PERM_R) == 0) return fault(FSC_PERMISSION, level, true, true, ipa);
    return true;
  }
  return false;
}

// ---- Stage 1 and the whole translation ------------------------------------------------------------------

/**
 * Translates va for an access from EL `el` (0, 1 or 2; an unprivileged LDTR/STTR at EL1 passes 0).
 * `data` distinguishes data accesses (top-byte-ignore applies, and with stage 1 off memory is
 * Device) from instruction fetches. On success returns true and sets outPa, outIpa, outPerm, outFlags,
 * outAttr; on a fault returns false with fault* set. Permissions are not checked here: outPerm says
 * what is allowed, so one walk can fill every tag of a TLB entry.
 */
export function translate(va: u64, el: u32, data: bool): bool {
  const hcr = haveEl2 ? sr(SR_HCR_EL2) : 0;
  const tge = (hcr & (1 << 27)) != 0;
  const s2 = el < 2 && (hcr & 1) != 0 && haveEl2 && !tge;
  const sctlr = sr(el == 2 ? SR_SCTLR_EL2 : SR_SCTLR_EL1);
  const s1 = (sctlr & 1) != 0 && !(el < 2 && tge);
  let perm: u32 = PERM_R | PERM_W | PERM_X;
  let device = false;
  let ipa: u64;
  outAttr = 0;
  outSh = 0;
  if (!s1) {
    // Stage 1 off: the VA is the IPA; data accesses are Device-nGnRnE, fetches Normal.
    if ((va >> PA_BITS) != 0) return fault(FSC_ADDRESS_SIZE, 0, false, false, 0);
    ipa = va;
    // Data accesses see Device-nGnRnE. (Fetches see Normal memory, but alignment is the only
    // attribute modelled and fetches are always aligned, so one flag serves the whole TLB entry.)
    device = !userMode; // user-mode emulation has no Device memory (like qemu-aarch64)
    outAttr = data ? 0 : 0x44; // Normal Non-cacheable for fetches (what PAR_EL1 would say)
  } else {
    if (!walkStage1(va, el, data, sctlr, s2)) return false;
    ipa = w1Oa;
    perm = w1Perm;
    device = w1Device;
    outAttr = w1Attr;
    outSh = w1Sh;
  }
  outIpa = ipa;
  outPerm1 = perm;
  if (s2) {
    if (!stage2(ipa, false)) return false;
    outPa = s2Pa;
    outPerm2 = s2Perm;
    device = device || s2Device;
  } else {
    outPa = ipa;
    outPerm2 = PERM_R | PERM_W | PERM_X;
  }
  outPerm = outPerm1 & outPerm2;
  outFlags = device ? TF_DEVICE : 0;
  return true;
}

/** Stage 1 and stage 2 permissions of the last successful translate(), kept apart for fault reports. */
export let outPerm1: u32 = 0;
export let outPerm2: u32 = 0;
/** The level of the stage 2 leaf of the last translate() (for stage 2 permission fault reports). */
export let lastS2Level: i32 = 3;

// Stage 1 walk outputs.
let w1Oa: u64 = 0;
let w1Perm: u32 = 0;
let w1Device: bool = false;
let w1Attr: u32 = 0;
let w1Sh: u32 = 0;
/** The level of the leaf descriptor of the last stage 1 walk (for permission fault reports). */
export let lastLeafLevel: i32 = 3;

function walkStage1(va: u64, el: u32, data: bool, sctlr: u64, s2: bool): bool {
  const regime2 = el == 2;
  const tcr = sr(regime2 ? SR_TCR_EL2 : SR_TCR_EL1);
  let tsz: u32;
  let g: u32;
  let ttbr: u64;
  let upper = false;
  if (regime2) {
    // One VA range, TTBR0_EL2; TCR_EL2.TBI (bit 20) ignores the top byte of data addresses.
    tsz = clampTsz(<u32>tcr & 0x3f);
    g = granuleTg0(<u32>(tcr >> 14) & 3);
    const top = data && (tcr & (1 << 20)) != 0 ? va & 0x00ffffffffffffff : va;
    if ((top >> (64 - tsz)) != 0) return fault(FSC_TRANSLATION, 0, false, false, 0);
    ttbr = sr(SR_TTBR0_EL2);
  } else {
    // Two ranges: bit 55 selects TTBR1 (upper) or TTBR0. TBI0/TBI1 (bits 37/38) for data addresses.
    upper = ((va >> 55) & 1) != 0;
    const tbi = data && (tcr & (<u64>1 << (upper ? 38 : 37))) != 0;
    if (upper) {
      tsz = clampTsz(<u32>(tcr >> 16) & 0x3f);
      g = granuleTg1(<u32>(tcr >> 30) & 3);
      if ((tcr & (1 << 23)) != 0) return fault(FSC_TRANSLATION, 0, false, false, 0); // EPD1
      ttbr = sr(SR_TTBR1_EL1);
    } else {
      tsz = clampTsz(<u32>tcr & 0x3f);
      g = granuleTg0(<u32>(tcr >> 14) & 3);
      if ((tcr & (1 << 7)) != 0) return fault(FSC_TRANSLATION, 0, false, false, 0); // EPD0
      ttbr = sr(SR_TTBR0_EL1);
    }
    // The bits above the VA size, up to bit 55 with TBI or bit 63 without, must all equal bit 55.
    const isz = 64 - tsz;
    const n = (tbi ? 56 : 64) - isz;
    const field = (va >> isz) & ((<u64>1 << n) - 1);
    if (field != (upper ? (<u64>1 << n) - 1 : 0)) return fault(FSC_TRANSLATION, 0, false, false, 0);
  }
  const inputsize = 64 - tsz;
  const stride = g - 3;
  const levels = (inputsize - g + stride - 1) / stride;
  let level: i32 = 4 - <i32>levels;
  let bits: i32 = <i32>inputsize - <i32>(g + stride * <u32>(3 - level));
  // TTBRx.ASID (bits 63:48) is not needed: the TLB is flushed whenever a TTBR changes.
  const oaBits = psBits(regime2 ? <u32>(tcr >> 16) & 7 : <u32>(tcr >> 32) & 7);
  let table = ttbr & 0x0000fffffffffffe & ~((<u64>8 << bits) - 1);
  if ((table >> oaBits) != 0) return fault(FSC_ADDRESS_SIZE, 0, false, false, 0);
  // Hierarchical controls accumulated from table descriptors.
  let apTable: u32 = 0; // bit 1: no writes at any EL; bit 0: no access from EL0
  let xnTable = false; // UXNTable (EL1&0) or XNTable (EL2)
  let pxnTable = false;
  while (true) {
    const shift = g + stride * <u32>(3 - level);
    const idx = (va >> shift) & ((<u64>1 << bits) - 1);
    let descPa = table + (idx << 3);
    if (s2) {
      if (!stage2(descPa, true)) return false;
      descPa = s2Pa;
    }
    if (!readDescriptor(descPa)) return fault(FSC_EXTERNAL_WALK, level, false, false, 0);
    const d = descValue;
    if ((d & 1) == 0) return fault(FSC_TRANSLATION, level, false, false, 0);
    if (level < 3 && (d & 2) != 0) {
      table = d & OA_MASK & ~((<u64>1 << g) - 1);
      if ((table >> oaBits) != 0) return fault(FSC_ADDRESS_SIZE, level, false, false, 0);
      apTable |= <u32>(d >> 61) & 3;
      if ((d & (<u64>1 << 60)) != 0) xnTable = true;
      if ((d & (<u64>1 << 59)) != 0) pxnTable = true;
      level++;
      bits = <i32>stride;
      continue;
    }
    if (level == 3 ? (d & 2) == 0 : !blockAllowed(g, level)) return fault(FSC_TRANSLATION, level, false, false, 0);
    if (((d & OA_MASK) >> oaBits) != 0) return fault(FSC_ADDRESS_SIZE, level, false, false, 0);
    if ((d & (1 << 10)) == 0) return fault(FSC_ACCESS_FLAG, level, false, false, 0);
    lastLeafLevel = level;
    const blockMask = (<u64>1 << shift) - 1;
    w1Oa = (d & OA_MASK & ~blockMask) | (va & blockMask);
    const ap = <u32>(d >> 6) & 3;
    const roAll = (ap & 2) != 0 || (apTable & 2) != 0; // AP[2] / APTable[1]: read-only
    const wxn = (sctlr & (1 << 19)) != 0;
    let perm: u32 = 0;
    if (el == 2) {
      const xn = (d & (<u64>1 << 54)) != 0 || xnTable;
      const w = !roAll;
      perm = PERM_R | (w ? PERM_W : 0) | (xn || (w && wxn) ? 0 : PERM_X);
    } else {
      const userR = (ap & 1) != 0 && (apTable & 1) == 0; // AP[1] / APTable[0]
      const userW = userR && !roAll;
      const privW = !roAll;
      const uxn = (d & (<u64>1 << 54)) != 0 || xnTable;
      const pxn = (d & (<u64>1 << 53)) != 0 || pxnTable;
      if (el == 0) {
        perm = (userR ? PERM_R : 0) | (userW ? PERM_W : 0) | (uxn || (userW && wxn) ? 0 : PERM_X);
      } else {
        // EL1 may not execute what EL0 may write (ARMv8.0 rule), nor PXN pages.
        perm = PERM_R | (privW ? PERM_W : 0) | (pxn || (privW && wxn) || userW ? 0 : PERM_X);
      }
    }
    w1Perm = perm;
    const mair = sr(el == 2 ? SR_MAIR_EL2 : SR_MAIR_EL1);
    const attr = <u32>(mair >> (((<u32>d >> 2) & 7) << 3)) & 0xff;
    w1Attr = attr;
    w1Sh = <u32>(d >> 8) & 3;
    // A MAIR attribute with the high nibble 0 is Device memory.
    w1Device = (attr & 0xf0) == 0;
    return true;
  }
  return false;
}

/** PERM_* bit an access kind needs. */
@inline export function permFor(acc: u32): u32 {
  return acc == ACC_READ ? PERM_R : acc == ACC_WRITE ? PERM_W : PERM_X;
}

/**
 * After a successful translate(): if access kind acc is not allowed, records the permission fault
 * (stage 1 is checked first, as in the Arm ARM) and returns true.
 */
export function permissionFault(acc: u32): bool {
  const need = permFor(acc);
  if ((outPerm1 & need) == 0) {
    fault(FSC_PERMISSION, lastLeafLevel, false, false, 0);
    return true;
  }
  if ((outPerm2 & need) == 0) {
    fault(FSC_PERMISSION, lastS2Level, true, false, outIpa);
    return true;
  }
  return false;
}
