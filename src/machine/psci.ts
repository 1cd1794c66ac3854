// The board's firmware: PSCI 1.1 (Arm DEN0022) and the SMCCC 1.1 architecture calls (Arm DEN0028),
// for one CPU. The guest reaches it with SMC when EL2 exists (the firmware would sit at EL3) and
// with HVC when it does not (the firmware then plays the hypervisor); the core decides which
// instruction is the conduit and calls handlePsci with the guest's registers.
//
// SMC Calling Convention: the function ID is in W0 (bit 31 = fast call, bit 30 = SMC64, bits 29:24
// = owning entity: 0 architecture, 4 standard secure service i.e. PSCI), arguments in X1..X3 (W1..W3
// for SMC32 IDs), the result in X0. Results are written sign-extended, so a 32-bit caller sees its
// negative error code in W0 and a 64-bit caller in X0.

/** The registers a call reads and writes (a Core satisfies it). */
export interface PsciRegs {
  x(n: number): bigint;
  setX(n: number, v: bigint): void;
}

/** What the firmware asks of the machine. */
export interface PsciPlatform {
  /** MPIDR_EL1 of the machine's one CPU. */
  readonly mpidr: bigint;
  systemOff(): void;
  systemReset(): void;
  /** The calling (and only) CPU powers down: nothing is left to run. */
  cpuOff(): void;
  log(line: string): void;
}

// Function IDs (DEN0022 table 5 and DEN0028). The 64-bit variants have bit 30 set.
export const PSCI_VERSION = 0x84000000;
export const CPU_SUSPEND = 0x84000001;
export const CPU_OFF = 0x84000002;
export const CPU_ON = 0x84000003;
export const AFFINITY_INFO = 0x84000004;
export const MIGRATE = 0x84000005;
export const MIGRATE_INFO_TYPE = 0x84000006;
export const MIGRATE_INFO_UP_CPU = 0x84000007;
export const SYSTEM_OFF = 0x84000008;
export const SYSTEM_RESET = 0x84000009;
export const PSCI_FEATURES = 0x8400000a;
export const CPU_SUSPEND64 = 0xc4000001;
export const CPU_ON64 = 0xc4000003;
export const AFFINITY_INFO64 = 0xc4000004;
/** Bit 30 of a function ID: the SMC64/HVC64 calling convention. */
export const SMC64 = 0x40000000;
export const SMCCC_VERSION = 0x80000000;
export const SMCCC_ARCH_FEATURES = 0x80000001;

// Return codes.
export const SUCCESS = 0;
export const NOT_SUPPORTED = -1;
export const INVALID_PARAMETERS = -2;
export const ALREADY_ON = -4;

/** PSCI 1.1 and SMCCC 1.1, as major << 16 | minor. */
export const PSCI_VERSION_1_1 = 0x10001;
export const SMCCC_VERSION_1_1 = 0x10001;

// AFFINITY_INFO results.
const AFF_ON = 0;

/** MIGRATE_INFO_TYPE 2: no Trusted OS, so nothing needs migrating (and MIGRATE is not supported). */
const MIGRATE_NOT_REQUIRED = 2;

const NAMES: Record<number, string> = {
  [PSCI_VERSION]: 'PSCI_VERSION',
  [CPU_SUSPEND]: 'CPU_SUSPEND',
  [CPU_OFF]: 'CPU_OFF',
  [CPU_ON]: 'CPU_ON',
  [AFFINITY_INFO]: 'AFFINITY_INFO',
  [MIGRATE]: 'MIGRATE',
  [MIGRATE_INFO_TYPE]: 'MIGRATE_INFO_TYPE',
  [MIGRATE_INFO_UP_CPU]: 'MIGRATE_INFO_UP_CPU',
  [SYSTEM_OFF]: 'SYSTEM_OFF',
  [SYSTEM_RESET]: 'SYSTEM_RESET',
  [PSCI_FEATURES]: 'PSCI_FEATURES',
  [SMCCC_VERSION]: 'SMCCC_VERSION',
  [SMCCC_ARCH_FEATURES]: 'SMCCC_ARCH_FEATURES',
  // Known SMCCC services this firmware does not offer (Linux probes them at boot).
  [0x84000050]: 'TRNG_VERSION (SMCCC True Random Number Generator)',
};

/** The name of a function ID ("CPU_ON64"), or its hex value. */
export function psciFunctionName(fid: number): string {
  const base = NAMES[fid >>> 0] ?? NAMES[(fid & ~SMC64) >>> 0];
  if (base === undefined) return `0x${(fid >>> 0).toString(16)}`;
  return fid & SMC64 && NAMES[fid >>> 0] === undefined ? `${base}64` : base;
}

/** Functions PSCI_FEATURES reports as implemented (both widths where PSCI defines both). */
const IMPLEMENTED = new Set<number>([
  PSCI_VERSION,
  CPU_SUSPEND,
  CPU_SUSPEND64,
  CPU_OFF,
  CPU_ON,
  CPU_ON64,
  AFFINITY_INFO,
  AFFINITY_INFO64,
  MIGRATE_INFO_TYPE,
  SYSTEM_OFF,
  SYSTEM_RESET,
  PSCI_FEATURES,
  SMCCC_VERSION,
]);

/** MPIDR_EL1's affinity fields Aff3 (39:32), Aff2, Aff1, Aff0 (23:0). */
const AFFINITY_MASK = 0xff_00ff_ffffn;

/**
 * One PSCI/SMCCC call: reads the function ID and arguments from regs, acts, writes the result to
 * X0. A call that powers off or resets the system also writes nothing back: it does not return.
 */
export function handlePsci(regs: PsciRegs, platform: PsciPlatform): void {
  const fid = Number(regs.x(0) & 0xffffffffn);
  const is64 = (fid & SMC64) !== 0;
  // SMC32/HVC32 calls pass 32-bit arguments: the upper halves of X1..X3 are not part of the call.
  const arg = (n: number): bigint => (is64 ? regs.x(n) : regs.x(n) & 0xffffffffn);
  const ret = (v: number): void => regs.setX(0, BigInt.asUintN(64, BigInt(v)));
  const ourAffinity = platform.mpidr & AFFINITY_MASK;

  switch (fid >>> 0) {
    case PSCI_VERSION:
      return ret(PSCI_VERSION_1_1);
    case CPU_SUSPEND:
    case CPU_SUSPEND64:
      // Every power state is entered as standby and woken at once, which PSCI allows (a wakeup
      // event may be pending): the call returns SUCCESS and execution continues after it.
      return ret(SUCCESS);
    case CPU_OFF:
      platform.log('psci: CPU_OFF on the only CPU: nothing is left to run');
      platform.cpuOff();
      return;
    case CPU_ON:
    case CPU_ON64: {
      const target = arg(1) & AFFINITY_MASK;
      return ret(target === ourAffinity ? ALREADY_ON : INVALID_PARAMETERS);
    }
    case AFFINITY_INFO:
    case AFFINITY_INFO64: {
      if (arg(2) > 3n) return ret(INVALID_PARAMETERS);
      const level = Number(arg(2));
      // Affinity levels below `level` are ignored: level 1 asks about the whole cluster, etc.
      const ignore = level === 0 ? 0n : level === 1 ? 0xffn : level === 2 ? 0xffffn : 0xffffffn;
      const match = (arg(1) & AFFINITY_MASK & ~ignore) === (ourAffinity & ~ignore);
      return ret(match ? AFF_ON : INVALID_PARAMETERS);
    }
    case MIGRATE_INFO_TYPE:
      return ret(MIGRATE_NOT_REQUIRED);
    case SYSTEM_OFF:
      platform.log('psci: SYSTEM_OFF');
      platform.systemOff();
      return;
    case SYSTEM_RESET:
      platform.log('psci: SYSTEM_RESET');
      platform.systemReset();
      return;
    case PSCI_FEATURES: {
      const q = Number(arg(1) & 0xffffffffn) >>> 0;
      // For CPU_SUSPEND the result is a flags word: bit 1 = 0 (original power_state format),
      // bit 0 = 0 (platform-coordinated mode only). Everything else implemented answers 0.
      return ret(IMPLEMENTED.has(q) ? SUCCESS : NOT_SUPPORTED);
    }
    case SMCCC_VERSION:
      return ret(SMCCC_VERSION_1_1);
    case SMCCC_ARCH_FEATURES:
      // No architectural workarounds or optional SMCCC functions are offered.
      return ret(NOT_SUPPORTED);
    default:
      platform.log(`psci: ${NAMES[fid >>> 0] ? 'not offered' : 'unknown function'} ${psciFunctionName(fid)}: NOT_SUPPORTED`);
      return ret(NOT_SUPPORTED);
  }
}
