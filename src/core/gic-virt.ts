// The GICv3 virtual CPU interface's state machine (Arm IHI 0069 chapter 6, "Virtual interrupt
// handling and prioritization"): the list registers (ICH_LR<n>_EL2) a hypervisor fills with virtual
// interrupts, the highest priority pending one, the virtual running priority and binary points
// (ICH_VMCR_EL2, ICH_AP<g>R0_EL2), and the maintenance interrupt's causes (ICH_MISR_EL2). The
// registers themselves are accessed in gic-cpu.ts; gicUpdate() in gic.ts turns this into LINE_VIRQ,
// LINE_VFIQ and the maintenance PPI.
import { GIC_H_VMCR, GIC_H_HCR, GIC_H_AP0R0, GIC_H_AP1R0, GIC_H_LR } from "./layout";
import { cpuIf, activePriority, PRIO_MASK } from "./gic";

export const NUM_LRS: u32 = 4;
export const LR_STATE_PENDING: u64 = <u64>1 << 62;
export const LR_STATE_ACTIVE: u64 = <u64>1 << 63;
export const LR_HW: u64 = <u64>1 << 61;
export const LR_GROUP: u64 = <u64>1 << 60;
/** With HW = 0: assert the maintenance interrupt (EOI) when the interrupt is deactivated. */
export const LR_EOI: u64 = <u64>1 << 41;

export const ICH_HCR_EN: u32 = 1 << 0;
const ICH_HCR_UIE: u32 = 1 << 1;
const ICH_HCR_LRENPIE: u32 = 1 << 2;
const ICH_HCR_NPIE: u32 = 1 << 3;
const ICH_HCR_VGRP0EIE: u32 = 1 << 4;
const ICH_HCR_VGRP0DIE: u32 = 1 << 5;
const ICH_HCR_VGRP1EIE: u32 = 1 << 6;
const ICH_HCR_VGRP1DIE: u32 = 1 << 7;
export const ICH_VMCR_VENG0: u32 = 1 << 0;
export const ICH_VMCR_VENG1: u32 = 1 << 1;
export const ICH_VMCR_VCBPR: u32 = 1 << 4;

@inline export function listRegAddr(cpu: u32, n: u32): usize {
  return cpuIf(cpu) + GIC_H_LR + (n << 3);
}
@inline export function lrPriority(lr: u64): u32 {
  return <u32>(lr >> 48) & PRIO_MASK;
}

/** Result of findVirtualHppi(): the list register (-1 if none), its priority and group. */
export let vHppiLr: i32 = -1;
export let vHppiPrio: u32 = 0x100;
export let vHppiGroup: u32 = 0;

/** The highest priority pending virtual interrupt: a pending list register of an enabled group. */
export function findVirtualHppi(cpu: u32): void {
  vHppiLr = -1;
  vHppiPrio = 0x100;
  const vmcr = load<u32>(cpuIf(cpu) + GIC_H_VMCR);
  for (let n: u32 = 0; n < NUM_LRS; n++) {
    const lr = load<u64>(listRegAddr(cpu, n));
    if ((lr >> 62) != 1) continue; // only State = pending (active and pending cannot be taken)
    const g: u32 = (lr & LR_GROUP) != 0 ? 1 : 0;
    if ((vmcr & (g == 1 ? ICH_VMCR_VENG1 : ICH_VMCR_VENG0)) == 0) continue;
    const p = lrPriority(lr);
    if (p < vHppiPrio) {
      vHppiPrio = p;
      vHppiLr = <i32>n;
      vHppiGroup = g;
    }
  }
}

/** ICV_RPR_EL1: the virtual running priority, from ICH_AP0R0_EL2/ICH_AP1R0_EL2. */
export function virtualRunningPriority(cpu: u32): u32 {
  const c = cpuIf(cpu);
  return activePriority(load<u32>(c + GIC_H_AP0R0), load<u32>(c + GIC_H_AP1R0));
}

/** As groupPriorityMask() for the virtual interface: ICH_VMCR_EL2.VBPR0/VBPR1/VCBPR. */
export function virtualGroupPriorityMask(cpu: u32, group: u32): u32 {
  const vmcr = load<u32>(cpuIf(cpu) + GIC_H_VMCR);
  const vbpr0 = (vmcr >> 21) & 7;
  const vbpr1 = (vmcr >> 18) & 7;
  const shift = group == 0 || (vmcr & ICH_VMCR_VCBPR) != 0 ? vbpr0 + 1 : vbpr1;
  return (0xff << shift) & 0xff;
}

/** True if the interrupt findVirtualHppi() found can be signalled (ICH_VMCR_EL2.VPMR, preemption). */
export function virtualHppiCanPreempt(cpu: u32): bool {
  if (vHppiLr < 0) return false;
  if (vHppiPrio >= (load<u32>(cpuIf(cpu) + GIC_H_VMCR) >> 24)) return false;
  return (vHppiPrio & virtualGroupPriorityMask(cpu, vHppiGroup)) < virtualRunningPriority(cpu);
}

/** ICH_EISR_EL2: list registers whose interrupt was deactivated and asks for an EOI maintenance. */
export function eoiStatus(cpu: u32): u32 {
  let v: u32 = 0;
  for (let n: u32 = 0; n < NUM_LRS; n++) {
    const lr = load<u64>(listRegAddr(cpu, n));
    if ((lr >> 62) == 0 && (lr & (LR_HW | LR_EOI)) == LR_EOI) v |= 1 << n;
  }
  return v;
}

/** ICH_ELRSR_EL2: list registers that hold no interrupt (and no EOI maintenance request). */
export function emptyListRegisters(cpu: u32): u32 {
  let v: u32 = 0;
  for (let n: u32 = 0; n < NUM_LRS; n++) {
    const lr = load<u64>(listRegAddr(cpu, n));
    if ((lr >> 62) == 0 && (lr & (LR_HW | LR_EOI)) != LR_EOI) v |= 1 << n;
  }
  return v;
}

/** ICH_MISR_EL2: the maintenance interrupt's causes, each enabled by its ICH_HCR_EL2 bit. */
export function maintenanceStatus(cpu: u32): u32 {
  const c = cpuIf(cpu);
  const hcr = load<u32>(c + GIC_H_HCR);
  const vmcr = load<u32>(c + GIC_H_VMCR);
  let valid: u32 = 0;
  let pending = false;
  for (let n: u32 = 0; n < NUM_LRS; n++) {
    const state = <u32>(load<u64>(listRegAddr(cpu, n)) >> 62);
    if (state != 0) valid++;
    if (state == 1) pending = true;
  }
  let m: u32 = 0;
  if (eoiStatus(cpu) != 0) m |= 1 << 0; // EOI
  if ((hcr & ICH_HCR_UIE) != 0 && valid <= 1) m |= 1 << 1; // U: underflow
  if ((hcr & ICH_HCR_LRENPIE) != 0 && (hcr >> 27) != 0) m |= 1 << 2; // LRENP: EOIcount non-zero
  if ((hcr & ICH_HCR_NPIE) != 0 && !pending) m |= 1 << 3; // NP: no pending list register
  const eng0 = (vmcr & ICH_VMCR_VENG0) != 0;
  const eng1 = (vmcr & ICH_VMCR_VENG1) != 0;
  if ((hcr & ICH_HCR_VGRP0EIE) != 0 && eng0) m |= 1 << 4;
  if ((hcr & ICH_HCR_VGRP0DIE) != 0 && !eng0) m |= 1 << 5;
  if ((hcr & ICH_HCR_VGRP1EIE) != 0 && eng1) m |= 1 << 6;
  if ((hcr & ICH_HCR_VGRP1DIE) != 0 && !eng1) m |= 1 << 7;
  return m;
}
