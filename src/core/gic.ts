// GICv3 (Arm IHI 0069): the distributor, one redistributor per CPU, and the interrupt signals the CPU
// interface presents to the PE. The CPU interface's system registers (ICC_*, the virtual ICV_* view
// and the ICH_* controls of the virtualization interface) are in gic-cpu.ts, the list registers' state
// machine in gic-virt.ts.
//
// What this GIC is: GICv3 without LPIs or ITS, a single Security state (GICD_CTLR.DS = 1), so
// there are two groups: Group 0 is signalled as FIQ and Group 1 as IRQ. Affinity routing is always
// on (GICD_CTLR.ARE reads as one), so SGIs and PPIs are programmed in each CPU's redistributor and
// SPIs are routed by GICD_IROUTER<n>. 288 INTIDs (256 SPIs) like QEMU's virt board, 5 priority bits.
//
// All state lives in linear memory at GIC_BASE (layout.ts), indexed by CPU number so that SMP can
// follow; only gicLines is cached in a global, and gicUpdate() rebuilds it from that memory.
import {
  GIC_BASE, GIC_SIZE, GIC_NCPU_MAX, GIC_NUM_INTIDS, GIC_D_CTLR, GIC_NCPU, GIC_D_GROUP, GIC_D_PRIO,
  GIC_D_ROUTE, GIC_R_BASE, GIC_R_STRIDE, GIC_R_WAKER, GIC_R_GROUP, GIC_R_EDGE, GIC_R_PRIO, GIC_C_BASE,
  GIC_C_STRIDE, GIC_C_PMR, GIC_C_BPR0, GIC_C_BPR1, GIC_C_CTLR, GIC_C_IGRPEN0, GIC_C_IGRPEN1,
  GIC_C_AP0R0, GIC_C_AP1R0, GIC_C_SRE_EL2, GIC_H_HCR, GIC_H_VMCR,
} from "./layout";
import { requestEventCheck } from "./state";
import { ICH_HCR_EN, maintenanceStatus, findVirtualHppi, virtualHppiCanPreempt, vHppiGroup } from "./gic-virt";

export { gicReadSysreg, gicWriteSysreg } from "./gic-cpu";

/** Bits of gicLines: the interrupt signals the GIC's CPU interface presents to the PE. */
export const LINE_IRQ: u32 = 1;
export const LINE_FIQ: u32 = 2;
export const LINE_VIRQ: u32 = 4;
export const LINE_VFIQ: u32 = 8;

/**
 * The PE's interrupt inputs from the GIC (LINE_* bits). Whenever it changes, call
 * requestEventCheck() (state.ts) so that run() re-evaluates delivery before the next instruction.
 */
export let gicLines: u32 = 0;

// ---- Configuration ---------------------------------------------------------------------------------

const GICD_FRAME: u64 = 0x08000000;
const GICD_FRAME_SIZE: u64 = 0x10000;
const GICR_FRAME: u64 = 0x080a0000;
/** Each redistributor has two 64 KiB frames: RD_base (control) and SGI_base (SGIs and PPIs). */
const GICR_FRAME_STRIDE: u64 = 0x20000;

/** INTIDs 0..287: SGIs, PPIs and 256 SPIs (GICD_TYPER.ITLinesNumber = 8). */
export const NUM_INTIDS: u32 = GIC_NUM_INTIDS;
const NWORDS: u32 = NUM_INTIDS / 32;
export const INTID_SPURIOUS: u32 = 1023;
/** The virtualization maintenance interrupt: PPI 9. */
export const INTID_MAINTENANCE: u32 = 25;
/** The CPU interface implements 5 bits of priority (32 levels), like Cortex-A57; the rest RAZ/WI. */
export const PRIO_MASK: u32 = 0xf8;
/** ICC_BPR0_EL1 cannot go below 7 - 5 priority bits: group priority is then all 5 bits. */
export const MIN_BPR0: u32 = 2;
export const MIN_BPR1: u32 = 3;

/** GICD_IIDR/GICR_IIDR: implementer Arm (0x43b), revision r0p0, product 0 (what QEMU reports). */
const IIDR: u32 = 0x43b;
const GICD_CTLR_ENABLE_GRP0: u32 = 1 << 0;
const GICD_CTLR_ENABLE_GRP1: u32 = 1 << 1;
const GICD_CTLR_ARE: u32 = 1 << 4;
const GICD_CTLR_DS: u32 = 1 << 6;
/**
 * GICD_TYPER: ITLinesNumber = 8 (INTIDs up to 32 * 9 - 1 = 287), IDbits = 15 (16-bit INTIDs, which
 * ICC_CTLR_EL1.IDbits = 0 reports too), A3V = 1, No1N = 1 (no 1-of-N SPI routing: IRM is RES0);
 * no LPIs, no message-based SPIs, no Security Extensions, CPUNumber = 0 as affinity routing is on.
 */
const GICD_TYPER: u32 = 8 | (15 << 19) | (1 << 24) | (1 << 25);
const WAKER_PROCESSOR_SLEEP: u32 = 1 << 1;
const WAKER_CHILDREN_ASLEEP: u32 = 1 << 2;
/** GICD_IROUTER<n> fields we keep: Aff3 [39:32], Aff2..Aff0 [23:0]. */
const IROUTER_MASK: u64 = 0xff_00ff_ffff;

// ---- Addresses of the state -------------------------------------------------------------------------

// Bitmap kinds, in the order of GIC_D_GROUP.. (0x40 apart) and GIC_R_GROUP.. (4 apart) in layout.ts.
export const K_GROUP: u32 = 0;
export const K_ENABLE: u32 = 1;
export const K_PEND: u32 = 2;
export const K_ACTIVE: u32 = 3;
export const K_LEVEL: u32 = 4;
export const K_EDGE: u32 = 5;

@inline function distAddr(off: u32): usize {
  return GIC_BASE + off;
}
@inline function redistAddr(cpu: u32): usize {
  return GIC_BASE + GIC_R_BASE + cpu * GIC_R_STRIDE;
}
/** Base of CPU `cpu`'s interface state (GIC_C_* and GIC_H_* offsets). */
@inline export function cpuIf(cpu: u32): usize {
  return GIC_BASE + GIC_C_BASE + cpu * GIC_C_STRIDE;
}
/** Address of bitmap word w (INTIDs 32w..32w+31) of kind k as CPU `cpu` sees it. */
@inline export function bitmap(cpu: u32, w: u32, k: u32): usize {
  return w == 0 ? redistAddr(cpu) + GIC_R_GROUP + (k << 2) : GIC_BASE + GIC_D_GROUP + k * 0x40 + (w << 2);
}
@inline function prioAddr(cpu: u32, intid: u32): usize {
  return intid < 32 ? redistAddr(cpu) + GIC_R_PRIO + intid : GIC_BASE + GIC_D_PRIO + intid;
}
@inline function routeAddr(intid: u32): usize {
  return GIC_BASE + GIC_D_ROUTE + (intid << 3);
}
export function gicNcpu(): u32 {
  return load<u32>(distAddr(GIC_NCPU));
}
/** The CPU the executing PE is (one CPU today). */
export const THIS_CPU: u32 = 0;

/** Pending = the latch (software, edges) OR the input level of level-sensitive interrupts. */
@inline function pendingWord(cpu: u32, w: u32): u32 {
  return load<u32>(bitmap(cpu, w, K_PEND)) | (load<u32>(bitmap(cpu, w, K_LEVEL)) & ~load<u32>(bitmap(cpu, w, K_EDGE)));
}
@inline function setBits(a: usize, bits: u32): void {
  store<u32>(a, load<u32>(a) | bits);
}
@inline function clearBits(a: usize, bits: u32): void {
  store<u32>(a, load<u32>(a) & ~bits);
}

/** The CPU an SPI is routed to (affinity 0.0.0.n is CPU n), or -1 if no implemented PE matches. */
function spiTarget(intid: u32): i32 {
  const r = load<u64>(routeAddr(intid));
  if ((r & 0xff_00ff_ff00) != 0) return -1;
  const aff0 = <u32>r & 0xff;
  return aff0 < gicNcpu() ? <i32>aff0 : -1;
}

// ---- Reset ---------------------------------------------------------------------------------------------

export function gicReset(): void {
  memory.fill(GIC_BASE, 0, GIC_SIZE);
  store<u32>(distAddr(GIC_NCPU), 1);
  store<u32>(distAddr(GIC_D_CTLR), GICD_CTLR_ARE | GICD_CTLR_DS);
  for (let cpu: u32 = 0; cpu < <u32>GIC_NCPU_MAX; cpu++) {
    const r = redistAddr(cpu);
    // Redistributors come out of reset asleep; software wakes them through GICR_WAKER.
    store<u32>(r + GIC_R_WAKER, WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP);
    store<u32>(r + GIC_R_EDGE, 0xffff); // SGIs are always edge-triggered; PPIs reset to level
    const c = cpuIf(cpu);
    store<u32>(c + GIC_C_BPR0, MIN_BPR0);
    store<u32>(c + GIC_C_BPR1, MIN_BPR1);
    store<u32>(c + GIC_C_SRE_EL2, 1); // ICC_SRE_EL2.Enable: EL1 may access ICC_SRE_EL1
    store<u32>(c + GIC_H_VMCR, (MIN_BPR0 << 21) | (MIN_BPR1 << 18));
  }
  gicUpdate();
}

// ---- Input lines -------------------------------------------------------------------------------------

/** Sets the input level of `intid` as CPU `cpu` sees it; true if the level changed. */
function setLine(cpu: u32, intid: u32, level: bool): bool {
  const w = intid >> 5;
  const bit: u32 = 1 << (intid & 31);
  const a = bitmap(cpu, w, K_LEVEL);
  const old = load<u32>(a);
  if (((old & bit) != 0) == level) return false;
  store<u32>(a, level ? old | bit : old & ~bit);
  // An edge-triggered interrupt latches its pending state on a rising edge.
  if (level && (load<u32>(bitmap(cpu, w, K_EDGE)) & bit) != 0) setBits(bitmap(cpu, w, K_PEND), bit);
  return true;
}

/** Drives interrupt input `intid` (a PPI from the timer, an SPI from a host device). */
export function gicSetLevel(intid: u32, level: bool): void {
  if (intid < 16 || intid >= NUM_INTIDS) return; // SGIs have no input line
  if (setLine(THIS_CPU, intid, level)) gicUpdate();
}

// ---- Highest priority pending interrupt and the CPU interface's outputs ---------------------------

/** Result of findHppi(): INTID (INTID_SPURIOUS if none), priority and group. */
export let hppiId: u32 = INTID_SPURIOUS;
export let hppiPrio: u32 = 0x100;
export let hppiGroup: u32 = 0;

/**
 * The highest priority pending interrupt for `cpu` among those that are enabled, not active, of a
 * group enabled both in GICD_CTLR and in the CPU interface (ICC_IGRPEN<n>_EL1), and routed to this
 * CPU. Equal priorities go to the lowest INTID (an IMPLEMENTATION DEFINED choice; QEMU's too).
 */
export function findHppi(cpu: u32): void {
  hppiId = INTID_SPURIOUS;
  hppiPrio = 0x100;
  const ctlr = load<u32>(distAddr(GIC_D_CTLR));
  const c = cpuIf(cpu);
  const en0 = (ctlr & GICD_CTLR_ENABLE_GRP0) != 0 && (load<u32>(c + GIC_C_IGRPEN0) & 1) != 0;
  const en1 = (ctlr & GICD_CTLR_ENABLE_GRP1) != 0 && (load<u32>(c + GIC_C_IGRPEN1) & 1) != 0;
  if (!en0 && !en1) return;
  for (let w: u32 = 0; w < NWORDS; w++) {
    let cand = pendingWord(cpu, w) & load<u32>(bitmap(cpu, w, K_ENABLE)) & ~load<u32>(bitmap(cpu, w, K_ACTIVE));
    if (cand == 0) continue;
    const grp = load<u32>(bitmap(cpu, w, K_GROUP));
    cand &= (en0 ? ~grp : 0) | (en1 ? grp : 0);
    while (cand != 0) {
      const b = ctz<u32>(cand);
      cand &= cand - 1;
      const id = (w << 5) | b;
      if (w != 0 && spiTarget(id) != <i32>cpu) continue;
      const p = <u32>load<u8>(prioAddr(cpu, id));
      if (p < hppiPrio) {
        hppiPrio = p;
        hppiId = id;
        hppiGroup = (grp >> b) & 1;
      }
    }
  }
}

/** The priority of the highest active group priority in a pair of active-priority registers. */
@inline export function activePriority(ap0: u32, ap1: u32): u32 {
  const a = ap0 | ap1;
  // With 5 bits of preemption, bit n of ICC_AP<g>R0_EL1 stands for group priority n << 3.
  return a == 0 ? 0xff : ctz<u32>(a) << 3;
}

/** ICC_RPR_EL1: the running priority of `cpu`'s physical CPU interface. */
export function runningPriority(cpu: u32): u32 {
  const c = cpuIf(cpu);
  return activePriority(load<u32>(c + GIC_C_AP0R0), load<u32>(c + GIC_C_AP1R0));
}

/**
 * The mask that extracts the group priority of a `group` interrupt: ICC_BPR0_EL1 = n splits the
 * priority at bit n (group priority in [7:n+1]); ICC_BPR1_EL1 = n at bit n - 1 (group priority in
 * [7:n]), unless ICC_CTLR_EL1.CBPR makes Group 1 use BPR0 too.
 */
export function groupPriorityMask(cpu: u32, group: u32): u32 {
  const c = cpuIf(cpu);
  const shift = group == 0 || (load<u32>(c + GIC_C_CTLR) & 1) != 0 ? load<u32>(c + GIC_C_BPR0) + 1 : load<u32>(c + GIC_C_BPR1);
  return (0xff << shift) & 0xff;
}

/** True if the interrupt findHppi() found can be signalled: above the priority mask, and preempts. */
export function hppiCanPreempt(cpu: u32): bool {
  if (hppiId == INTID_SPURIOUS) return false;
  if (hppiPrio >= load<u32>(cpuIf(cpu) + GIC_C_PMR)) return false;
  return (hppiPrio & groupPriorityMask(cpu, hppiGroup)) < runningPriority(cpu);
}

/**
 * Recomputes the CPU interface's outputs after any change of GIC state: the maintenance interrupt
 * (a level PPI driven by the virtual interface), then the physical and virtual IRQ/FIQ lines.
 */
export function gicUpdate(): void {
  const cpu = THIS_CPU;
  let lines: u32 = 0;
  const hcr = load<u32>(cpuIf(cpu) + GIC_H_HCR);
  const en = (hcr & ICH_HCR_EN) != 0;
  setLine(cpu, INTID_MAINTENANCE, en && maintenanceStatus(cpu) != 0);
  if (en) {
    findVirtualHppi(cpu);
    if (virtualHppiCanPreempt(cpu)) lines |= vHppiGroup == 1 ? LINE_VIRQ : LINE_VFIQ;
  }
  findHppi(cpu);
  if (hppiCanPreempt(cpu)) lines |= hppiGroup == 1 ? LINE_IRQ : LINE_FIQ;
  if (lines != gicLines) {
    gicLines = lines;
    requestEventCheck();
  }
}

// ---- Acknowledge, priority drop, deactivation (physical) ---------------------------------------

/** Makes `intid` active for `cpu` (ICC_IAR*_EL1): pending latch cleared, active priority recorded. */
export function activate(cpu: u32, intid: u32, group: u32, prio: u32): void {
  const w = intid >> 5;
  const bit: u32 = 1 << (intid & 31);
  clearBits(bitmap(cpu, w, K_PEND), bit); // a level input that is still high keeps it pending
  setBits(bitmap(cpu, w, K_ACTIVE), bit);
  const ap = cpuIf(cpu) + (group == 0 ? GIC_C_AP0R0 : GIC_C_AP1R0);
  setBits(ap, 1 << ((prio & groupPriorityMask(cpu, group)) >> 3));
}

/** Clears the active state of `intid` for `cpu` (EOI with EOImode 0, ICC_DIR_EL1, LR.HW = 1). */
export function deactivate(cpu: u32, intid: u32): void {
  if (intid >= NUM_INTIDS) return;
  clearBits(bitmap(cpu, intid >> 5, K_ACTIVE), 1 << (intid & 31));
}

/**
 * Priority drop: clears the highest active priority bit of a pair of active-priority registers at
 * `ap0`/`ap1`. Returns that group priority, or 0xff if nothing was active.
 */
export function dropPriority(ap0: usize, ap1: usize): u32 {
  const a0 = load<u32>(ap0);
  const a1 = load<u32>(ap1);
  const a = a0 | a1;
  if (a == 0) return 0xff;
  const low = a & (~a + 1);
  if ((a0 & low) != 0) store<u32>(ap0, a0 & ~low);
  else store<u32>(ap1, a1 & ~low);
  return ctz<u32>(low) << 3;
}

/**
 * Makes SGI `intid` pending on each CPU `targets` selects (bit n = CPU n) where it is configured in
 * `group`: an SGI is only forwarded to a PE where its group matches the register that generated it.
 */
export function sendSgi(targets: u32, intid: u32, group: u32): void {
  const n = gicNcpu();
  for (let cpu: u32 = 0; cpu < n; cpu++) {
    if ((targets & (1 << cpu)) == 0) continue;
    if (((load<u32>(bitmap(cpu, 0, K_GROUP)) >> intid) & 1) != group) continue;
    setBits(bitmap(cpu, 0, K_PEND), 1 << intid);
  }
  gicUpdate();
}

// ---- MMIO: distributor and redistributors ------------------------------------------------------------

/** True for physical addresses in the distributor or redistributor frames. */
export function gicOwns(pa: u64): bool {
  return pa - GICD_FRAME < GICD_FRAME_SIZE || pa - GICR_FRAME < <u64>gicNcpu() * GICR_FRAME_STRIDE;
}

export function gicRead(pa: u64, size: u32): u64 {
  if (pa - GICD_FRAME < GICD_FRAME_SIZE) return distRead(<u32>(pa - GICD_FRAME), size);
  const off = pa - GICR_FRAME;
  return redistRead(<u32>(off / GICR_FRAME_STRIDE), <u32>(off % GICR_FRAME_STRIDE), size);
}

export function gicWrite(pa: u64, size: u32, v: u64): void {
  if (pa - GICD_FRAME < GICD_FRAME_SIZE) distWrite(<u32>(pa - GICD_FRAME), size, v);
  else {
    const off = pa - GICR_FRAME;
    redistWrite(<u32>(off / GICR_FRAME_STRIDE), <u32>(off % GICR_FRAME_STRIDE), size, v);
  }
  gicUpdate();
}

/**
 * The CoreSight identification registers at 0xFFD0..0xFFFC of the distributor and of RD_base, with
 * the values QEMU reports for an Arm GICv3: PIDR2.ArchRev (bits [7:4]) = 3; PIDR0 tells the frame.
 */
function idRegister(off: u32, pidr0: u32): u32 {
  switch (off) {
    case 0xffd0: return 0x44; // PIDR4
    case 0xffe0: return pidr0; // PIDR0
    case 0xffe4: return 0xb4; // PIDR1
    case 0xffe8: return 0x3b; // PIDR2
    case 0xfff0: return 0x0d; // CIDR0
    case 0xfff4: return 0xf0; // CIDR1
    case 0xfff8: return 0x05; // CIDR2
    case 0xfffc: return 0xb1; // CIDR3
    default: return 0; // PIDR5..7, PIDR3
  }
}

/** GICD_ICFGR<i>/GICR_ICFGR<i>: two bits per INTID for 16 INTIDs, bit 1 of each = edge-triggered. */
function icfgrRead(edgeWord: u32, half: u32): u32 {
  const e = edgeWord >> (half << 4);
  let v: u32 = 0;
  for (let b: u32 = 0; b < 16; b++) if ((e & (1 << b)) != 0) v |= 2 << (b << 1);
  return v;
}
function icfgrWrite(edgeAddr: usize, half: u32, v: u32): void {
  let bits: u32 = 0;
  for (let b: u32 = 0; b < 16; b++) if ((v & (2 << (b << 1))) != 0) bits |= 1 << b;
  const shift = half << 4;
  store<u32>(edgeAddr, (load<u32>(edgeAddr) & ~(0xffff << shift)) | (bits << shift));
}

/** Reads of a set/clear register pair (GICx_IS*R/IC*R) of bitmap kind k, word w. */
function bitmapRead(cpu: u32, w: u32, k: u32): u32 {
  return k == K_PEND ? pendingWord(cpu, w) : load<u32>(bitmap(cpu, w, k));
}

/**
 * The 32-bit registers common to the distributor (SPIs) and the SGI_base frame (SGIs and PPIs):
 * IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER at 0x080..0x3FF. Word w of the registers; -1 if
 * `off` is none of them.
 */
function bitmapRegRead(cpu: u32, off: u32, w: u32): i64 {
  if (off >= 0x080 && off < 0x100) return <i64>bitmapRead(cpu, w, K_GROUP);
  if (off >= 0x100 && off < 0x200) return <i64>bitmapRead(cpu, w, K_ENABLE);
  if (off >= 0x200 && off < 0x300) return <i64>bitmapRead(cpu, w, K_PEND);
  if (off >= 0x300 && off < 0x400) return <i64>bitmapRead(cpu, w, K_ACTIVE);
  return -1;
}
function bitmapRegWrite(cpu: u32, off: u32, w: u32, v: u32): void {
  if (off >= 0x080 && off < 0x100) store<u32>(bitmap(cpu, w, K_GROUP), v);
  else if (off >= 0x100 && off < 0x180) setBits(bitmap(cpu, w, K_ENABLE), v);
  else if (off >= 0x180 && off < 0x200) clearBits(bitmap(cpu, w, K_ENABLE), v);
  else if (off >= 0x200 && off < 0x280) setBits(bitmap(cpu, w, K_PEND), v);
  else if (off >= 0x280 && off < 0x300) clearBits(bitmap(cpu, w, K_PEND), v);
  else if (off >= 0x300 && off < 0x380) setBits(bitmap(cpu, w, K_ACTIVE), v);
  else if (off >= 0x380 && off < 0x400) clearBits(bitmap(cpu, w, K_ACTIVE), v);
}

/** IPRIORITYR: byte-accessible; a word access covers four INTIDs. `first` is the first INTID. */
function prioRead(cpu: u32, first: u32, size: u32): u64 {
  if (size == 1) return <u64>load<u8>(prioAddr(cpu, first));
  let v: u32 = 0;
  for (let i: u32 = 0; i < 4; i++) v |= <u32>load<u8>(prioAddr(cpu, first + i)) << (i << 3);
  return <u64>v;
}
function prioWrite(cpu: u32, first: u32, size: u32, v: u64): void {
  const n: u32 = size == 1 ? 1 : 4;
  for (let i: u32 = 0; i < n; i++) store<u8>(prioAddr(cpu, first + i), <u8>((<u32>(v >> (i << 3))) & PRIO_MASK));
}

// Accesses of a size or alignment a register does not support are RAZ/WI (the GIC architecture
// permits it), as are reserved and unimplemented offsets: a guest probing the GIC is normal.

function distRead(off: u32, size: u32): u64 {
  if (off >= 0x6000 && off < 0x8000) {
    // GICD_IROUTER<n>: 64-bit, or either 32-bit half.
    const n = (off - 0x6000) >> 3;
    if (n < 32 || n >= NUM_INTIDS) return 0;
    const r = load<u64>(routeAddr(n));
    if (size == 8 && (off & 7) == 0) return r;
    if (size == 4 && (off & 3) == 0) return (off & 4) != 0 ? r >> 32 : r & 0xffffffff;
    return 0;
  }
  if (off >= 0x400 && off < 0x800) {
    // GICD_IPRIORITYR<n>: the SGI/PPI bytes are RAZ/WI here (they live in the redistributors).
    const first = off - 0x400;
    if (first < 32 || first >= NUM_INTIDS) return 0;
    if (size == 1 || (size == 4 && (off & 3) == 0)) return prioRead(THIS_CPU, first, size);
    return 0;
  }
  if (size != 4 || (off & 3) != 0) return 0;
  switch (off) {
    case 0x0000: return <u64>load<u32>(distAddr(GIC_D_CTLR)); // RWP (bit 31) is always 0
    case 0x0004: return GICD_TYPER;
    case 0x0008: return IIDR;
    default: break;
  }
  if (off >= 0x080 && off < 0x400) {
    const w = (off & 0x7f) >> 2;
    // Word 0 (SGIs, PPIs) is RAZ/WI in the distributor when affinity routing is enabled.
    if (w == 0 || w >= NWORDS) return 0;
    return <u64>(<u32>bitmapRegRead(THIS_CPU, off, w));
  }
  if (off >= 0xc00 && off < 0xd00) {
    const i = (off - 0xc00) >> 2; // GICD_ICFGR<i>: INTIDs 16i..16i+15
    if (i < 2 || i >= NWORDS * 2) return 0;
    return <u64>icfgrRead(load<u32>(bitmap(THIS_CPU, i >> 1, K_EDGE)), i & 1);
  }
  if (off >= 0xffd0) return <u64>idRegister(off, 0x92);
  // TYPER2, STATUSR, ITARGETSR, IGRPMODR and NSACR (RAZ/WI with DS = 1), SGIR (write-only, and
  // RES0 with affinity routing), C/SPENDSGIR, everything reserved.
  return 0;
}

function distWrite(off: u32, size: u32, v: u64): void {
  if (off >= 0x6000 && off < 0x8000) {
    const n = (off - 0x6000) >> 3;
    if (n < 32 || n >= NUM_INTIDS) return;
    const a = routeAddr(n);
    let r = load<u64>(a);
    if (size == 8 && (off & 7) == 0) r = v;
    else if (size == 4 && (off & 3) == 0) {
      r = (off & 4) != 0 ? (r & 0xffffffff) | (v << 32) : (r & 0xffffffff_00000000) | (v & 0xffffffff);
    } else return;
    store<u64>(a, r & IROUTER_MASK);
    return;
  }
  if (off >= 0x400 && off < 0x800) {
    const first = off - 0x400;
    if (first < 32 || first >= NUM_INTIDS) return;
    if (size == 1 || (size == 4 && (off & 3) == 0)) prioWrite(THIS_CPU, first, size, v);
    return;
  }
  if (size != 4 || (off & 3) != 0) return;
  const v32 = <u32>v;
  if (off == 0) {
    // Only the group enables are writable: ARE and DS are RAO/WI, E1NWF RAZ/WI.
    store<u32>(distAddr(GIC_D_CTLR), (v32 & (GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1)) | GICD_CTLR_ARE | GICD_CTLR_DS);
    return;
  }
  if (off >= 0x080 && off < 0x400) {
    const w = (off & 0x7f) >> 2;
    if (w == 0 || w >= NWORDS) return;
    bitmapRegWrite(THIS_CPU, off, w, v32);
    return;
  }
  if (off >= 0xc00 && off < 0xd00) {
    const i = (off - 0xc00) >> 2;
    if (i < 2 || i >= NWORDS * 2) return;
    icfgrWrite(bitmap(THIS_CPU, i >> 1, K_EDGE), i & 1, v32);
  }
}

/** GICR_TYPER: affinity 0.0.0.cpu, Processor_Number = cpu, Last for the last redistributor. */
function redistTyper(cpu: u32): u64 {
  const last: u64 = cpu == gicNcpu() - 1 ? 1 << 4 : 0;
  return (<u64>cpu << 32) | (<u64>cpu << 8) | last;
}

function redistRead(cpu: u32, off: u32, size: u32): u64 {
  if (off >= 0x10000) return sgiFrameRead(cpu, off - 0x10000, size);
  if (off == 0x0008 && size == 8) return redistTyper(cpu);
  if (size != 4 || (off & 3) != 0) return 0;
  switch (off) {
    case 0x0004: return IIDR;
    case 0x0008: return redistTyper(cpu) & 0xffffffff;
    case 0x000c: return redistTyper(cpu) >> 32;
    case 0x0014: return <u64>load<u32>(redistAddr(cpu) + GIC_R_WAKER);
    default: break;
  }
  if (off >= 0xffd0) return <u64>idRegister(off, 0x93);
  // GICR_CTLR (no LPIs: EnableLPIs RAZ/WI, RWP 0), STATUSR, PROPBASER/PENDBASER, reserved.
  return 0;
}

function redistWrite(cpu: u32, off: u32, size: u32, v: u64): void {
  if (off >= 0x10000) {
    sgiFrameWrite(cpu, off - 0x10000, size, v);
    return;
  }
  if (off == 0x0014 && size == 4) {
    // GICR_WAKER: the PE asks its redistributor to sleep or wake through ProcessorSleep; the
    // transition is instant here, so ChildrenAsleep simply follows it.
    const sleep = <u32>v & WAKER_PROCESSOR_SLEEP;
    store<u32>(redistAddr(cpu) + GIC_R_WAKER, sleep | (sleep != 0 ? WAKER_CHILDREN_ASLEEP : 0));
  }
}

function sgiFrameRead(cpu: u32, off: u32, size: u32): u64 {
  if (off >= 0x400 && off < 0x420) {
    if (size == 1 || (size == 4 && (off & 3) == 0)) return prioRead(cpu, off - 0x400, size);
    return 0;
  }
  if (size != 4 || (off & 3) != 0) return 0;
  if (off >= 0x080 && off < 0x400) {
    if ((off & 0x7f) != 0) return 0; // only register 0 of each kind exists here
    return <u64>(<u32>bitmapRegRead(cpu, off, 0));
  }
  if (off == 0xc00) return 0xaaaaaaaa; // GICR_ICFGR0: SGIs are edge-triggered
  if (off == 0xc04) return <u64>icfgrRead(load<u32>(bitmap(cpu, 0, K_EDGE)), 1);
  return 0; // IGRPMODR0 and NSACR (RAZ/WI with DS = 1), reserved
}

function sgiFrameWrite(cpu: u32, off: u32, size: u32, v: u64): void {
  if (off >= 0x400 && off < 0x420) {
    if (size == 1 || (size == 4 && (off & 3) == 0)) prioWrite(cpu, off - 0x400, size, v);
    return;
  }
  if (size != 4 || (off & 3) != 0) return;
  if (off >= 0x080 && off < 0x400) {
    if ((off & 0x7f) == 0) bitmapRegWrite(cpu, off, 0, <u32>v);
    return;
  }
  if (off == 0xc04) icfgrWrite(bitmap(cpu, 0, K_EDGE), 1, <u32>v);
}

