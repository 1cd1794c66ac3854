// The GICv3 CPU interface as the PE sees it: the ICC_* system registers, their virtual ICV_* view
// at EL1 when EL2 routes interrupts to itself (HCR_EL2.IMO/FMO), and the ICH_* registers with which
// a hypervisor drives that virtual interface through the list registers (Arm IHI 0069, chapters 8,
// 11 and 12). The distributor, redistributors and the output lines are in gic.ts, the list
// registers' state machine in gic-virt.ts.
//
// Every access checks its own permissions (the generated MRS/MSR dispatch only names the register):
// the minimum EL, then the ICH_HCR_EL2 traps of EL1 accesses (TC, TALL0, TALL1, TDIR), then whether
// an EL1 access goes to the virtual interface.
import {
  SR_HCR_EL2, GIC_C_PMR, GIC_C_BPR0, GIC_C_BPR1, GIC_C_CTLR, GIC_C_IGRPEN0, GIC_C_IGRPEN1, GIC_C_AP0R0,
  GIC_C_AP1R0, GIC_C_SRE_EL2, GIC_H_HCR, GIC_H_VMCR, GIC_H_AP0R0, GIC_H_AP1R0,
} from "./layout";
import { currentEl, haveEl2, sr } from "./state";
import { allowed, trapAccess } from "./sysreg";
import {
  THIS_CPU, INTID_SPURIOUS, PRIO_MASK, MIN_BPR0, MIN_BPR1, cpuIf, gicNcpu, gicUpdate, findHppi, hppiId,
  hppiPrio, hppiGroup, hppiCanPreempt, runningPriority, activate, deactivate, dropPriority, sendSgi,
} from "./gic";
import {
  NUM_LRS, LR_STATE_PENDING, LR_STATE_ACTIVE, LR_HW, LR_GROUP, ICH_VMCR_VENG0, ICH_VMCR_VENG1,
  ICH_VMCR_VCBPR, findVirtualHppi, vHppiLr, vHppiPrio, vHppiGroup, virtualHppiCanPreempt,
  virtualRunningPriority, virtualGroupPriorityMask, listRegAddr, lrPriority, maintenanceStatus, eoiStatus,
  emptyListRegisters,
} from "./gic-virt";

// Register keys: op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2 (as in sysregs.table).
const K_ICC_PMR: u32 = (3 << 14) | (0 << 11) | (4 << 7) | (6 << 3) | 0;
const K_ICC_IAR0: u32 = (3 << 14) | (12 << 7) | (8 << 3) | 0;
const K_ICC_EOIR0: u32 = (3 << 14) | (12 << 7) | (8 << 3) | 1;
const K_ICC_HPPIR0: u32 = (3 << 14) | (12 << 7) | (8 << 3) | 2;
const K_ICC_BPR0: u32 = (3 << 14) | (12 << 7) | (8 << 3) | 3;
const K_ICC_AP0R0: u32 = (3 << 14) | (12 << 7) | (8 << 3) | 4; // AP0R1..3: op2 5..7
const K_ICC_AP1R0: u32 = (3 << 14) | (12 << 7) | (9 << 3) | 0; // AP1R1..3: op2 1..3
const K_ICC_DIR: u32 = (3 << 14) | (12 << 7) | (11 << 3) | 1;
const K_ICC_RPR: u32 = (3 << 14) | (12 << 7) | (11 << 3) | 3;
const K_ICC_SGI1R: u32 = (3 << 14) | (12 << 7) | (11 << 3) | 5;
const K_ICC_ASGI1R: u32 = (3 << 14) | (12 << 7) | (11 << 3) | 6;
const K_ICC_SGI0R: u32 = (3 << 14) | (12 << 7) | (11 << 3) | 7;
const K_ICC_IAR1: u32 = (3 << 14) | (12 << 7) | (12 << 3) | 0;
const K_ICC_EOIR1: u32 = (3 << 14) | (12 << 7) | (12 << 3) | 1;
const K_ICC_HPPIR1: u32 = (3 << 14) | (12 << 7) | (12 << 3) | 2;
const K_ICC_BPR1: u32 = (3 << 14) | (12 << 7) | (12 << 3) | 3;
const K_ICC_CTLR: u32 = (3 << 14) | (12 << 7) | (12 << 3) | 4;
const K_ICC_SRE: u32 = (3 << 14) | (12 << 7) | (12 << 3) | 5;
const K_ICC_IGRPEN0: u32 = (3 << 14) | (12 << 7) | (12 << 3) | 6;
const K_ICC_IGRPEN1: u32 = (3 << 14) | (12 << 7) | (12 << 3) | 7;
const K_ICC_SRE_EL2: u32 = (3 << 14) | (4 << 11) | (12 << 7) | (9 << 3) | 5;
const K_ICH_AP0R0: u32 = (3 << 14) | (4 << 11) | (12 << 7) | (8 << 3) | 0; // AP0R1..3: op2 1..3
const K_ICH_AP1R0: u32 = (3 << 14) | (4 << 11) | (12 << 7) | (9 << 3) | 0; // AP1R1..3: op2 1..3
const K_ICH_HCR: u32 = (3 << 14) | (4 << 11) | (12 << 7) | (11 << 3) | 0;
const K_ICH_VTR: u32 = (3 << 14) | (4 << 11) | (12 << 7) | (11 << 3) | 1;
const K_ICH_MISR: u32 = (3 << 14) | (4 << 11) | (12 << 7) | (11 << 3) | 2;
const K_ICH_EISR: u32 = (3 << 14) | (4 << 11) | (12 << 7) | (11 << 3) | 3;
const K_ICH_ELRSR: u32 = (3 << 14) | (4 << 11) | (12 << 7) | (11 << 3) | 5;
const K_ICH_VMCR: u32 = (3 << 14) | (4 << 11) | (12 << 7) | (11 << 3) | 7;
const K_ICH_LR0: u32 = (3 << 14) | (4 << 11) | (12 << 7) | (12 << 3) | 0; // LR0..7, then CRm 13: LR8..15

const HCR_FMO: u64 = 1 << 3;
const HCR_IMO: u64 = 1 << 4;
const HCR_TGE: u64 = 1 << 27;

const ICC_CTLR_CBPR: u32 = 1 << 0;
const ICC_CTLR_EOIMODE: u32 = 1 << 1;
/** ICC_CTLR_EL1/ICV_CTLR_EL1 read-only fields: PRIbits = 4 (5 bits), IDbits = 0 (16 bits), A3V. */
const CTLR_ID_FIELDS: u32 = (4 << 8) | (0 << 11) | (1 << 15);
/** ICC_SRE_ELx: SRE, DFB and DIB are RAO/WI (the system register interface is always on). */
const SRE_RAO: u32 = 0x7;

const ICH_HCR_TC: u32 = 1 << 10;
const ICH_HCR_TALL0: u32 = 1 << 11;
const ICH_HCR_TALL1: u32 = 1 << 12;
const ICH_HCR_TDIR: u32 = 1 << 14;
/** ICH_HCR_EL2 bits we implement: En..VGrp1DIE, TC, TALL0, TALL1, TDIR and EOIcount [31:27]. */
const ICH_HCR_MASK: u32 = 0xf8005cff;
/**
 * ICH_VTR_EL2 as QEMU's Cortex-A57 model: ListRegs = 3 (4 list registers), TDS = 1 (TDIR works),
 * nV4 = 1 (no direct virtual LPI injection), A3V = 1, SEIS = 0, IDbits = 0 (16 bits), PREbits = 4
 * and PRIbits = 4 (5 bits each).
 */
export const ICH_VTR_VALUE: u32 = 3 | (1 << 19) | (1 << 20) | (1 << 21) | (4 << 26) | (4 << 29);
const ICH_VMCR_VFIQEN: u32 = 1 << 3;
const ICH_VMCR_VEOIM: u32 = 1 << 9;
/** ICH_LR<n>_EL2 bits that are RES0 here: [59:56], [47:45], and the unimplemented priority bits. */
const LR_RES0: u64 = 0x0f07_e000_0000_0000;

// Register classes: which trap applies to an EL1 access, and which HCR_EL2 bit makes it virtual.
const CL_COMMON: u32 = 0; // PMR, RPR, CTLR: trapped by TC; virtual if IMO or FMO
const CL_GROUP0: u32 = 1; // IAR0, EOIR0, HPPIR0, BPR0, AP0Rn, IGRPEN0: TALL0; virtual if FMO
const CL_GROUP1: u32 = 2; // IAR1, EOIR1, HPPIR1, BPR1, AP1Rn, IGRPEN1: TALL1; virtual if IMO
const CL_DIR: u32 = 3; // DIR: TC or TDIR; virtual if IMO or FMO
const CL_SGI: u32 = 4; // SGI0R, SGI1R, ASGI1R: TC; trapped to EL2 if IMO or FMO
const CL_SRE: u32 = 5; // ICC_SRE_EL1: trapped to EL2 unless ICC_SRE_EL2.Enable

const R_FAULT: u32 = 0;
const R_PHYSICAL: u32 = 1;
const R_VIRTUAL: u32 = 2;

function classOf(key: u32): u32 {
  const crm = (key >> 3) & 15;
  if (key == K_ICC_PMR || key == K_ICC_RPR || key == K_ICC_CTLR) return CL_COMMON;
  if (key == K_ICC_DIR) return CL_DIR;
  if (key == K_ICC_SGI0R || key == K_ICC_SGI1R || key == K_ICC_ASGI1R) return CL_SGI;
  if (key == K_ICC_SRE) return CL_SRE;
  if (crm == 8 || key == K_ICC_IGRPEN0) return CL_GROUP0;
  return CL_GROUP1; // CRm 9 (AP1Rn) and the rest of CRm 12
}

/**
 * Where an ICC_* access at the current EL goes: R_PHYSICAL, R_VIRTUAL (the ICV_* view), or
 * R_FAULT after taking the exception (UNDEFINED below EL1, or a trap to EL2 with EC 0x18).
 */
function route(minEl: u32, key: u32): u32 {
  if (!allowed(minEl)) return R_FAULT;
  if (currentEl() != 1 || !haveEl2) return R_PHYSICAL;
  const cls = classOf(key);
  const ich = load<u32>(cpuIf(THIS_CPU) + GIC_H_HCR);
  let traps: u32 = 0;
  if (cls == CL_COMMON || cls == CL_SGI) traps = ICH_HCR_TC;
  else if (cls == CL_GROUP0) traps = ICH_HCR_TALL0;
  else if (cls == CL_GROUP1) traps = ICH_HCR_TALL1;
  else if (cls == CL_DIR) traps = ICH_HCR_TC | ICH_HCR_TDIR;
  if ((ich & traps) != 0) {
    trapAccess(key, 2);
    return R_FAULT;
  }
  if (cls == CL_SRE) {
    if ((load<u32>(cpuIf(THIS_CPU) + GIC_C_SRE_EL2) & 1) == 0) {
      trapAccess(key, 2);
      return R_FAULT;
    }
    return R_PHYSICAL;
  }
  const hcr = sr(SR_HCR_EL2);
  if ((hcr & HCR_TGE) != 0) return R_PHYSICAL;
  const virt: u64 = cls == CL_GROUP0 ? HCR_FMO : cls == CL_GROUP1 ? HCR_IMO : HCR_FMO | HCR_IMO;
  if ((hcr & virt) == 0) return R_PHYSICAL;
  if (cls == CL_SGI) {
    // A guest's SGIs are the hypervisor's to emulate.
    trapAccess(key, 2);
    return R_FAULT;
  }
  return R_VIRTUAL;
}

/**
 * The active-priority registers beyond APxR0 and the list registers beyond ICH_VTR_EL2.ListRegs do
 * not exist with 5 bits of preemption and 4 list registers: their encodings are UNDEFINED.
 */
function exists(key: u32): bool {
  const op2 = key & 7;
  if ((key & ~7) == (K_ICC_AP0R0 & ~7)) return op2 <= 4; // op2 4 is AP0R0; 0..3 are IAR0..BPR0
  if ((key & ~7) == (K_ICC_AP1R0 & ~7)) return op2 == 0;
  if ((key & ~7) == (K_ICH_AP0R0 & ~7)) return op2 == 0;
  if ((key & ~7) == (K_ICH_AP1R0 & ~7)) return op2 == 0 || key == K_ICC_SRE_EL2;
  if ((key & ~15) == K_ICH_LR0) return lrIndex(key) < NUM_LRS;
  return true;
}
@inline function lrIndex(key: u32): u32 {
  return (((key >> 3) & 1) << 3) | (key & 7);
}
/** UNDEFINED: no EL reaches 3, so allowed(3) takes the exception and sets sysFault for the caller. */
function undefinedAccess(): void {
  allowed(3);
}

export function gicReadSysreg(minEl: u32, key: u32): u64 {
  if (!exists(key)) {
    undefinedAccess();
    return 0;
  }
  if (((key >> 11) & 7) == 4) return allowed(minEl) ? ichRead(key) : 0;
  const r = route(minEl, key);
  if (r == R_FAULT) return 0;
  const v = r == R_VIRTUAL ? icvRead(key) : iccRead(key);
  // Acknowledging makes the interrupt active: the IRQ/FIQ line it drove may drop.
  if (key == K_ICC_IAR0 || key == K_ICC_IAR1) gicUpdate();
  return <u64>v;
}

export function gicWriteSysreg(minEl: u32, key: u32, v: u64): void {
  if (!exists(key)) {
    undefinedAccess();
    return;
  }
  if (((key >> 11) & 7) == 4) {
    if (allowed(minEl)) ichWrite(key, v);
  } else {
    const r = route(minEl, key);
    if (r == R_FAULT) return;
    if (r == R_VIRTUAL) icvWrite(key, v);
    else iccWrite(key, v);
  }
  gicUpdate();
}

// ---- The physical CPU interface (ICC_*) ---------------------------------------------------------------

/** ICC_IAR<group>_EL1: acknowledges the highest priority pending interrupt if it is of `group`. */
function acknowledge(cpu: u32, group: u32): u32 {
  findHppi(cpu);
  if (hppiGroup != group || !hppiCanPreempt(cpu)) return INTID_SPURIOUS;
  const id = hppiId;
  activate(cpu, id, group, hppiPrio);
  return id;
}

/**
 * ICC_EOIR<n>_EL1: priority drop of the highest active priority, and with EOImode = 0 also the
 * deactivation of the INTID written. Writes of the special INTIDs (1020..1023) are ignored; so is
 * an EOI with nothing active (CONSTRAINED UNPREDICTABLE).
 */
function endOfInterrupt(cpu: u32, v: u64): void {
  const id = <u32>v & 0xffffff;
  if (id >= 1020) return;
  const c = cpuIf(cpu);
  if (dropPriority(c + GIC_C_AP0R0, c + GIC_C_AP1R0) == 0xff) return;
  if ((load<u32>(c + GIC_C_CTLR) & ICC_CTLR_EOIMODE) == 0) deactivate(cpu, id);
}

/** The CPUs an ICC_SGI*R_EL1 value targets (bit n = CPU n, whose affinity is 0.0.0.n). */
function sgiTargets(v: u64): u32 {
  const all: u32 = (1 << gicNcpu()) - 1;
  if (((v >> 40) & 1) != 0) return all & ~(1 << THIS_CPU); // IRM: every PE but this one
  // Aff3.Aff2.Aff1 must select cluster 0; RS is RES0 as ICC_CTLR_EL1.RSS = 0.
  if ((v & 0x00ff_00ff_00ff_0000) != 0) return 0;
  return <u32>v & 0xffff & all;
}

function iccRead(key: u32): u32 {
  const cpu = THIS_CPU;
  const c = cpuIf(cpu);
  switch (key) {
    case K_ICC_PMR: return load<u32>(c + GIC_C_PMR);
    case K_ICC_IAR0: return acknowledge(cpu, 0);
    case K_ICC_IAR1: return acknowledge(cpu, 1);
    case K_ICC_HPPIR0:
      findHppi(cpu);
      return hppiGroup == 0 ? hppiId : INTID_SPURIOUS;
    case K_ICC_HPPIR1:
      findHppi(cpu);
      return hppiGroup == 1 ? hppiId : INTID_SPURIOUS;
    case K_ICC_BPR0: return load<u32>(c + GIC_C_BPR0);
    case K_ICC_BPR1: {
      // With CBPR, Group 1 uses BPR0, and BPR1 reads as BPR0 + 1 (saturated).
      if ((load<u32>(c + GIC_C_CTLR) & ICC_CTLR_CBPR) != 0) return min<u32>(load<u32>(c + GIC_C_BPR0) + 1, 7);
      return load<u32>(c + GIC_C_BPR1);
    }
    case K_ICC_AP0R0: return load<u32>(c + GIC_C_AP0R0);
    case K_ICC_AP1R0: return load<u32>(c + GIC_C_AP1R0);
    case K_ICC_RPR: return runningPriority(cpu);
    case K_ICC_CTLR: return (load<u32>(c + GIC_C_CTLR) & (ICC_CTLR_CBPR | ICC_CTLR_EOIMODE)) | CTLR_ID_FIELDS;
    case K_ICC_SRE: return SRE_RAO;
    case K_ICC_IGRPEN0: return load<u32>(c + GIC_C_IGRPEN0);
    case K_ICC_IGRPEN1: return load<u32>(c + GIC_C_IGRPEN1);
    default: return 0;
  }
}

function iccWrite(key: u32, v: u64): void {
  const cpu = THIS_CPU;
  const c = cpuIf(cpu);
  const v32 = <u32>v;
  switch (key) {
    case K_ICC_PMR: store<u32>(c + GIC_C_PMR, v32 & PRIO_MASK); break;
    case K_ICC_EOIR0:
    case K_ICC_EOIR1: endOfInterrupt(cpu, v); break;
    case K_ICC_DIR:
      // Only meaningful with EOImode = 1 (split priority drop and deactivation); else UNPREDICTABLE.
      if ((load<u32>(c + GIC_C_CTLR) & ICC_CTLR_EOIMODE) != 0) deactivate(cpu, v32 & 0xffffff);
      break;
    case K_ICC_BPR0: store<u32>(c + GIC_C_BPR0, max<u32>(v32 & 7, MIN_BPR0)); break;
    case K_ICC_BPR1:
      if ((load<u32>(c + GIC_C_CTLR) & ICC_CTLR_CBPR) == 0) store<u32>(c + GIC_C_BPR1, max<u32>(v32 & 7, MIN_BPR1));
      break;
    case K_ICC_AP0R0: store<u32>(c + GIC_C_AP0R0, v32); break;
    case K_ICC_AP1R0: store<u32>(c + GIC_C_AP1R0, v32); break;
    case K_ICC_CTLR: store<u32>(c + GIC_C_CTLR, v32 & (ICC_CTLR_CBPR | ICC_CTLR_EOIMODE)); break;
    case K_ICC_IGRPEN0: store<u32>(c + GIC_C_IGRPEN0, v32 & 1); break;
    case K_ICC_IGRPEN1: store<u32>(c + GIC_C_IGRPEN1, v32 & 1); break;
    // With one Security state (GICD_CTLR.DS = 1): SGI0R makes Group 0 SGIs, SGI1R Group 1 ones, and
    // ASGI1R (Group 1 of the other Security state, which does not exist) only reaches Group 0 SGIs.
    case K_ICC_SGI0R: sendSgi(sgiTargets(v), (v32 >> 24) & 15, 0); break;
    case K_ICC_SGI1R: sendSgi(sgiTargets(v), (v32 >> 24) & 15, 1); break;
    case K_ICC_ASGI1R: sendSgi(sgiTargets(v), (v32 >> 24) & 15, 0); break;
    default: break; // ICC_SRE_EL1: all of its bits are RAO/WI
  }
}

// ---- The virtual CPU interface (ICV_*), backed by the list registers and ICH_VMCR_EL2 -------------

@inline function vmcrAddr(cpu: u32): usize {
  return cpuIf(cpu) + GIC_H_VMCR;
}

/** ICV_IAR<group>_EL1: the pending list register becomes active and its priority is recorded. */
function virtualAcknowledge(cpu: u32, group: u32): u32 {
  findVirtualHppi(cpu);
  if (vHppiLr < 0 || vHppiGroup != group || !virtualHppiCanPreempt(cpu)) return INTID_SPURIOUS;
  const a = listRegAddr(cpu, <u32>vHppiLr);
  const lr = load<u64>(a);
  store<u64>(a, (lr & ~LR_STATE_PENDING) | LR_STATE_ACTIVE);
  const ap = cpuIf(cpu) + (group == 0 ? GIC_H_AP0R0 : GIC_H_AP1R0);
  store<u32>(ap, load<u32>(ap) | (1 << ((vHppiPrio & virtualGroupPriorityMask(cpu, group)) >> 3)));
  return <u32>lr & 0xffffff;
}

/** The list register holding `intid` in the active (or active and pending) state, or -1. */
function findActiveListRegister(cpu: u32, intid: u32): i32 {
  for (let n: u32 = 0; n < NUM_LRS; n++) {
    const lr = load<u64>(listRegAddr(cpu, n));
    if ((lr & LR_STATE_ACTIVE) != 0 && <u32>lr == intid) return <i32>n;
  }
  return -1;
}

/** Deactivates list register n; with HW = 1 the physical interrupt pINTID is deactivated too. */
function deactivateListRegister(cpu: u32, n: u32): void {
  const a = listRegAddr(cpu, n);
  const lr = load<u64>(a) & ~LR_STATE_ACTIVE;
  store<u64>(a, lr);
  if ((lr & LR_HW) != 0) deactivate(cpu, <u32>(lr >> 32) & 0x1fff);
}

/** An EOI or DIR that found no list register: ICH_HCR_EL2.EOIcount counts it (modulo 32). */
function countUnmatchedEoi(cpu: u32): void {
  const a = cpuIf(cpu) + GIC_H_HCR;
  const hcr = load<u32>(a);
  store<u32>(a, (hcr & 0x07ffffff) | ((((hcr >> 27) + 1) & 31) << 27));
}

function virtualEndOfInterrupt(cpu: u32, group: u32, v: u64): void {
  const id = <u32>v & 0xffffff;
  if (id >= 1020) return; // special INTIDs (and LPIs, which this GIC does not have)
  const c = cpuIf(cpu);
  const dropped = dropPriority(c + GIC_H_AP0R0, c + GIC_H_AP1R0);
  if (dropped == 0xff) return; // nothing active: CONSTRAINED UNPREDICTABLE; we ignore it
  const n = findActiveListRegister(cpu, id);
  if (n < 0) {
    countUnmatchedEoi(cpu);
    return;
  }
  const lr = load<u64>(listRegAddr(cpu, <u32>n));
  const g: u32 = (lr & LR_GROUP) != 0 ? 1 : 0;
  const eoiSplit = (load<u32>(vmcrAddr(cpu)) & ICH_VMCR_VEOIM) != 0;
  // Deactivate only if this EOI matches the priority just dropped (otherwise UNPREDICTABLE).
  if (!eoiSplit && g == group && (lrPriority(lr) & virtualGroupPriorityMask(cpu, g)) == dropped) {
    deactivateListRegister(cpu, <u32>n);
  }
}

function virtualDeactivate(cpu: u32, v: u64): void {
  if ((load<u32>(vmcrAddr(cpu)) & ICH_VMCR_VEOIM) == 0) return;
  const n = findActiveListRegister(cpu, <u32>v & 0xffffff);
  if (n < 0) countUnmatchedEoi(cpu);
  else deactivateListRegister(cpu, <u32>n);
}

function icvRead(key: u32): u32 {
  const cpu = THIS_CPU;
  const c = cpuIf(cpu);
  const vmcr = load<u32>(vmcrAddr(cpu));
  switch (key) {
    case K_ICC_PMR: return vmcr >> 24;
    case K_ICC_IAR0: return virtualAcknowledge(cpu, 0);
    case K_ICC_IAR1: return virtualAcknowledge(cpu, 1);
    case K_ICC_HPPIR0:
    case K_ICC_HPPIR1: {
      findVirtualHppi(cpu);
      if (vHppiLr < 0 || vHppiGroup != (key == K_ICC_HPPIR1 ? 1 : 0)) return INTID_SPURIOUS;
      return <u32>load<u64>(listRegAddr(cpu, <u32>vHppiLr)) & 0xffffff;
    }
    case K_ICC_BPR0: return (vmcr >> 21) & 7;
    case K_ICC_BPR1:
      if ((vmcr & ICH_VMCR_VCBPR) != 0) return min<u32>(((vmcr >> 21) & 7) + 1, 7);
      return (vmcr >> 18) & 7;
    case K_ICC_AP0R0: return load<u32>(c + GIC_H_AP0R0);
    case K_ICC_AP1R0: return load<u32>(c + GIC_H_AP1R0);
    case K_ICC_RPR: return virtualRunningPriority(cpu);
    case K_ICC_CTLR:
      return ((vmcr & ICH_VMCR_VCBPR) != 0 ? ICC_CTLR_CBPR : 0) | ((vmcr & ICH_VMCR_VEOIM) != 0 ? ICC_CTLR_EOIMODE : 0) | CTLR_ID_FIELDS;
    case K_ICC_IGRPEN0: return vmcr & ICH_VMCR_VENG0;
    case K_ICC_IGRPEN1: return (vmcr & ICH_VMCR_VENG1) >> 1;
    default: return 0;
  }
}

function icvWrite(key: u32, v: u64): void {
  const cpu = THIS_CPU;
  const c = cpuIf(cpu);
  const va = vmcrAddr(cpu);
  const vmcr = load<u32>(va);
  const v32 = <u32>v;
  switch (key) {
    case K_ICC_PMR: store<u32>(va, (vmcr & 0x00ffffff) | ((v32 & PRIO_MASK) << 24)); break;
    case K_ICC_EOIR0: virtualEndOfInterrupt(cpu, 0, v); break;
    case K_ICC_EOIR1: virtualEndOfInterrupt(cpu, 1, v); break;
    case K_ICC_DIR: virtualDeactivate(cpu, v); break;
    case K_ICC_BPR0: store<u32>(va, (vmcr & ~(7 << 21)) | (max<u32>(v32 & 7, MIN_BPR0) << 21)); break;
    case K_ICC_BPR1:
      if ((vmcr & ICH_VMCR_VCBPR) == 0) store<u32>(va, (vmcr & ~(7 << 18)) | (max<u32>(v32 & 7, MIN_BPR1) << 18));
      break;
    case K_ICC_AP0R0: store<u32>(c + GIC_H_AP0R0, v32); break;
    case K_ICC_AP1R0: store<u32>(c + GIC_H_AP1R0, v32); break;
    case K_ICC_CTLR: {
      let n = vmcr & ~(ICH_VMCR_VCBPR | ICH_VMCR_VEOIM);
      if ((v32 & ICC_CTLR_CBPR) != 0) n |= ICH_VMCR_VCBPR;
      if ((v32 & ICC_CTLR_EOIMODE) != 0) n |= ICH_VMCR_VEOIM;
      store<u32>(va, n);
      break;
    }
    case K_ICC_IGRPEN0: store<u32>(va, (vmcr & ~ICH_VMCR_VENG0) | (v32 & 1)); break;
    case K_ICC_IGRPEN1: store<u32>(va, (vmcr & ~ICH_VMCR_VENG1) | ((v32 & 1) << 1)); break;
    default: break;
  }
}

// ---- The hypervisor's controls (ICH_*_EL2) and ICC_SRE_EL2 ---------------------------------------------

function ichRead(key: u32): u64 {
  const cpu = THIS_CPU;
  const c = cpuIf(cpu);
  if ((key & ~15) == K_ICH_LR0) return load<u64>(listRegAddr(cpu, lrIndex(key)));
  switch (key) {
    case K_ICC_SRE_EL2: return <u64>(SRE_RAO | ((load<u32>(c + GIC_C_SRE_EL2) & 1) << 3));
    case K_ICH_AP0R0: return <u64>load<u32>(c + GIC_H_AP0R0);
    case K_ICH_AP1R0: return <u64>load<u32>(c + GIC_H_AP1R0);
    case K_ICH_HCR: return <u64>load<u32>(c + GIC_H_HCR);
    case K_ICH_VTR: return <u64>ICH_VTR_VALUE;
    case K_ICH_MISR: return <u64>maintenanceStatus(cpu);
    case K_ICH_EISR: return <u64>eoiStatus(cpu);
    case K_ICH_ELRSR: return <u64>emptyListRegisters(cpu);
    case K_ICH_VMCR: return <u64>(load<u32>(c + GIC_H_VMCR) | ICH_VMCR_VFIQEN);
    default: return 0;
  }
}

function ichWrite(key: u32, v: u64): void {
  const cpu = THIS_CPU;
  const c = cpuIf(cpu);
  const v32 = <u32>v;
  if ((key & ~15) == K_ICH_LR0) {
    store<u64>(listRegAddr(cpu, lrIndex(key)), v & ~LR_RES0);
    return;
  }
  switch (key) {
    case K_ICC_SRE_EL2: store<u32>(c + GIC_C_SRE_EL2, (v32 >> 3) & 1); break; // Enable
    case K_ICH_AP0R0: store<u32>(c + GIC_H_AP0R0, v32); break;
    case K_ICH_AP1R0: store<u32>(c + GIC_H_AP1R0, v32); break;
    case K_ICH_HCR: store<u32>(c + GIC_H_HCR, v32 & ICH_HCR_MASK); break;
    case K_ICH_VMCR: {
      // VFIQEn is RAO/WI, VAckCtl RAZ/WI; the binary points cannot go below their minimum.
      const vbpr0 = max<u32>((v32 >> 21) & 7, MIN_BPR0);
      const vbpr1 = max<u32>((v32 >> 18) & 7, MIN_BPR1);
      const keep = v32 & (ICH_VMCR_VENG0 | ICH_VMCR_VENG1 | ICH_VMCR_VCBPR | ICH_VMCR_VEOIM);
      store<u32>(c + GIC_H_VMCR, keep | (vbpr1 << 18) | (vbpr0 << 21) | ((v32 & (PRIO_MASK << 24))));
      break;
    }
    default: break; // VTR, MISR, EISR, ELRSR are read-only
  }
}
