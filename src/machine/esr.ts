// ESR_ELx.EC in words (Arm ARM D17.2.37), for logs now and the trap trail later.
const EC_NAMES: Record<number, string> = {
  0x00: 'unknown reason (UNDEFINED instruction)',
  0x01: 'trapped WFI/WFE',
  0x07: 'access to SIMD/FP trapped (CPACR_EL1.FPEN or CPTR_EL2.TFP)',
  0x0e: 'illegal execution state',
  0x15: 'SVC from AArch64',
  0x16: 'HVC from AArch64',
  0x17: 'SMC from AArch64',
  0x18: 'trapped MSR/MRS/system instruction',
  0x20: 'instruction abort from a lower EL',
  0x21: 'instruction abort from the same EL',
  0x22: 'PC alignment fault',
  0x24: 'data abort from a lower EL',
  0x25: 'data abort from the same EL',
  0x26: 'SP alignment fault',
  0x2c: 'trapped floating-point exception',
  0x2f: 'SError',
  0x30: 'breakpoint from a lower EL',
  0x31: 'breakpoint from the same EL',
  0x32: 'software step from a lower EL',
  0x33: 'software step from the same EL',
  0x34: 'watchpoint from a lower EL',
  0x35: 'watchpoint from the same EL',
  0x3c: 'BRK instruction',
};

/** "EC 0x15 (SVC from AArch64)" for an ESR_ELx value. */
export function describeEsr(esr: bigint): string {
  const ec = Number((esr >> 26n) & 0x3fn);
  const name = EC_NAMES[ec] ?? 'reserved';
  return `EC 0x${ec.toString(16).padStart(2, '0')} (${name}), ISS 0x${(esr & 0x1ffffffn).toString(16)}`;
}
