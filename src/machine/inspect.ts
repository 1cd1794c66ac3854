// A snapshot of one CPU for the UI's views (exception levels, decoded system registers, the debugger's
// register file): plain data, cheap to build between run() slices and to post from the worker.
import * as L from '../core/layout';
import type { Core } from './core';

/** The system registers the UI decodes, by their Arm names. */
export const INSPECTED_SYSREGS = [
  'SCTLR_EL1', 'SCTLR_EL2', 'HCR_EL2', 'TCR_EL1', 'TCR_EL2', 'VTCR_EL2', 'TTBR0_EL1', 'TTBR1_EL1', 'TTBR0_EL2',
  'VTTBR_EL2', 'MAIR_EL1', 'CPACR_EL1', 'CPTR_EL2', 'MDCR_EL2', 'CNTHCTL_EL2', 'CNTKCTL_EL1', 'CNTVOFF_EL2',
  'CNTP_CTL_EL0', 'CNTP_CVAL_EL0', 'CNTV_CTL_EL0', 'CNTV_CVAL_EL0', 'CNTHP_CTL_EL2', 'CNTHP_CVAL_EL2',
  'ESR_EL1', 'ESR_EL2', 'ELR_EL1', 'ELR_EL2', 'SPSR_EL1', 'SPSR_EL2', 'FAR_EL1', 'FAR_EL2', 'HPFAR_EL2',
  'VBAR_EL1', 'VBAR_EL2', 'PAR_EL1', 'TPIDR_EL0', 'TPIDR_EL1', 'TPIDR_EL2', 'VPIDR_EL2', 'VMPIDR_EL2',
  'ICH_HCR_EL2', 'ICH_VMCR_EL2', 'ICC_PMR_EL1', 'ICH_LR0_EL2', 'ICH_LR1_EL2', 'ICH_LR2_EL2', 'ICH_LR3_EL2',
] as const;
export type InspectedSysreg = (typeof INSPECTED_SYSREGS)[number];

export interface CpuSnapshot {
  /** The machine's clock (instructions, including time skipped in WFI). */
  clock: bigint;
  pc: bigint;
  el: number;
  /** PSTATE.SP: 0 = SP_EL0, 1 = SP_ELx. */
  spsel: number;
  /** PSTATE.{D,A,I,F} as bits 9..6, as the DAIF register reads. */
  daif: number;
  /** PSTATE.{N,Z,C,V} as bits 31..28. */
  nzcv: number;
  /** Whether the CPU has EL2. */
  haveEl2: boolean;
  /** X0..X30. */
  x: bigint[];
  /** SP_EL0, SP_EL1, SP_EL2 (the current one included). */
  sp: [bigint, bigint, bigint];
  /** V0..V31 as 128-bit values. */
  v: bigint[];
  fpcr: number;
  fpsr: number;
  sysregs: Record<InspectedSysreg, bigint>;
}

const SLOT: Partial<Record<InspectedSysreg, number>> = {
  SCTLR_EL1: L.SR_SCTLR_EL1, SCTLR_EL2: L.SR_SCTLR_EL2, HCR_EL2: L.SR_HCR_EL2, TCR_EL1: L.SR_TCR_EL1,
  TCR_EL2: L.SR_TCR_EL2, VTCR_EL2: L.SR_VTCR_EL2, TTBR0_EL1: L.SR_TTBR0_EL1, TTBR1_EL1: L.SR_TTBR1_EL1,
  TTBR0_EL2: L.SR_TTBR0_EL2, VTTBR_EL2: L.SR_VTTBR_EL2, MAIR_EL1: L.SR_MAIR_EL1, CPACR_EL1: L.SR_CPACR_EL1,
  CPTR_EL2: L.SR_CPTR_EL2, MDCR_EL2: L.SR_MDCR_EL2, CNTHCTL_EL2: L.SR_CNTHCTL_EL2, CNTKCTL_EL1: L.SR_CNTKCTL_EL1,
  CNTVOFF_EL2: L.SR_CNTVOFF_EL2, CNTP_CTL_EL0: L.SR_CNTP_CTL_EL0, CNTP_CVAL_EL0: L.SR_CNTP_CVAL_EL0,
  CNTV_CTL_EL0: L.SR_CNTV_CTL_EL0, CNTV_CVAL_EL0: L.SR_CNTV_CVAL_EL0, CNTHP_CTL_EL2: L.SR_CNTHP_CTL_EL2,
  CNTHP_CVAL_EL2: L.SR_CNTHP_CVAL_EL2, ESR_EL1: L.SR_ESR_EL1, ESR_EL2: L.SR_ESR_EL2, ELR_EL1: L.SR_ELR_EL1,
  ELR_EL2: L.SR_ELR_EL2, SPSR_EL1: L.SR_SPSR_EL1, SPSR_EL2: L.SR_SPSR_EL2, FAR_EL1: L.SR_FAR_EL1,
  FAR_EL2: L.SR_FAR_EL2, HPFAR_EL2: L.SR_HPFAR_EL2, VBAR_EL1: L.SR_VBAR_EL1, VBAR_EL2: L.SR_VBAR_EL2,
  PAR_EL1: L.SR_PAR_EL1, TPIDR_EL0: L.SR_TPIDR_EL0, TPIDR_EL1: L.SR_TPIDR_EL1, TPIDR_EL2: L.SR_TPIDR_EL2,
  VPIDR_EL2: L.SR_VPIDR_EL2, VMPIDR_EL2: L.SR_VMPIDR_EL2,
};

/** Reads the CPU state of `core` (call between run() slices). */
export function inspectCpu(core: Core): CpuSnapshot {
  const view = core.view;
  const cpuIf = L.GIC_BASE + L.GIC_C_BASE; // CPU 0's GIC CPU interface and virtualization controls
  const sysregs = {} as Record<InspectedSysreg, bigint>;
  for (const name of INSPECTED_SYSREGS) {
    const slot = SLOT[name];
    if (slot !== undefined) sysregs[name] = core.sysreg(slot);
  }
  sysregs.ICH_HCR_EL2 = BigInt(view.getUint32(cpuIf + L.GIC_H_HCR, true));
  sysregs.ICH_VMCR_EL2 = BigInt(view.getUint32(cpuIf + L.GIC_H_VMCR, true));
  sysregs.ICC_PMR_EL1 = BigInt(view.getUint32(cpuIf + L.GIC_C_PMR, true));
  sysregs.ICH_LR0_EL2 = view.getBigUint64(cpuIf + L.GIC_H_LR, true);
  sysregs.ICH_LR1_EL2 = view.getBigUint64(cpuIf + L.GIC_H_LR + 8, true);
  sysregs.ICH_LR2_EL2 = view.getBigUint64(cpuIf + L.GIC_H_LR + 16, true);
  sysregs.ICH_LR3_EL2 = view.getBigUint64(cpuIf + L.GIC_H_LR + 24, true);
  const x: bigint[] = [];
  for (let n = 0; n < 31; n++) x.push(core.x(n));
  const v: bigint[] = [];
  for (let n = 0; n < 32; n++) v.push(core.v(n));
  // The live SP is in X[31]; its bank is only flushed at run() exits, which is when this is called.
  return {
    clock: core.insnCount,
    pc: core.pc,
    el: core.el,
    spsel: core.spsel,
    daif: core.daif,
    nzcv: core.nzcv,
    haveEl2: core.config.haveEl2,
    x,
    sp: [core.spEl(0), core.spEl(1), core.spEl(2)],
    v,
    fpcr: core.fpcr,
    fpsr: core.fpsr,
    sysregs,
  };
}

/**
 * Reads `len` bytes at `addr` for a debugger: a physical address, or a virtual one translated as EL
 * `el` sees it now (stage 1 and stage 2). RAM only (reading a device register would have side effects).
 * Returns the bytes, or why they cannot be read.
 */
export function readMemory(core: Core, addr: bigint, len: number, virtual: { el: number } | null): { bytes: Uint8Array } | { error: string } {
  const out = new Uint8Array(len);
  const ramBase = BigInt(core.config.ramBase);
  const ramEnd = ramBase + BigInt(core.config.ramSize);
  let off = 0;
  while (off < len) {
    const a = addr + BigInt(off);
    let pa = a;
    if (virtual) {
      const t = core.translate(a, virtual.el);
      if ('fault' in t) {
        const kind = ['address size', 'translation', 'access flag', 'permission'][(t.fault >> 2) & 3] ?? 'walk';
        return { error: `0x${a.toString(16)}: ${t.stage2 ? 'stage 2 ' : ''}${kind} fault, level ${t.fault & 3}` };
      }
      pa = t.pa;
    }
    const pageLeft = 0x1000 - Number(a & 0xfffn);
    const n = Math.min(len - off, pageLeft);
    if (pa < ramBase || pa + BigInt(n) > ramEnd) return { error: `0x${a.toString(16)}: physical 0x${pa.toString(16)} is not RAM` };
    out.set(core.readPhys(Number(pa), n), off);
    off += n;
  }
  return { bytes: out };
}
