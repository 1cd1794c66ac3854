// System registers field by field, for the lab's "exception levels, live" view and the trap trail:
// every field with its Arm name, bit range, value and a one-line meaning of that value. The layouts
// are the Arm ARM's (DDI 0487, chapter D19 "AArch64 System Register Descriptions") for the register
// as this CPU has it: ARMv8.0 with EL2 and without FEAT_VHE, so the nVHE layouts of CPTR_EL2,
// CNTHCTL_EL2 and TCR_EL2 (HCR_EL2.E2H reads as 0). Fields of later extensions that Linux reads are
// listed where the bit would otherwise be a puzzle; bits set outside every listed field are shown
// as one "other bits" row, so nothing set is ever hidden.
import { SYSREGS } from '../core/generated/sysregs-table';

export interface DecodedField {
  /** The Arm name of the field (e.g. "TGE", "EC", "DFSC"). */
  name: string;
  /** The bit range, "31:26" or "27". */
  bits: string;
  hi: number;
  lo: number;
  value: bigint;
  /** The value as shown: decimal for single bits, hex (and binary for short fields) otherwise. */
  shown: string;
  /** What the current value means, in one line. */
  meaning: string;
}

/** How a field's value reads in words. */
type Meaning = readonly string[] | ((v: number, whole: bigint) => string);

interface FieldSpec {
  name: string;
  hi: number;
  lo: number;
  meaning: Meaning;
}

/** A single-bit field: what 0 means, what 1 means. */
const bit = (name: string, b: number, off: string, on: string): FieldSpec => ({ name, hi: b, lo: b, meaning: [off, on] });
/** A multi-bit field. */
const field = (name: string, hi: number, lo: number, meaning: Meaning): FieldSpec => ({ name, hi, lo, meaning });

const hex = (v: bigint | number): string => '0x' + v.toString(16);

// ---- Shared encodings ------------------------------------------------------------------------------

/** TCR/VTCR IPS and PS: the physical (or intermediate physical) address size. */
const PA_SIZE = (v: number): string => {
  const bits = [32, 36, 40, 42, 44, 48, 52][v];
  return bits === undefined ? 'reserved' : `${bits} bits (${['4 GB', '64 GB', '1 TB', '4 TB', '16 TB', '256 TB', '4 PB'][v]})`;
};
const CACHEABILITY = ['Non-cacheable', 'Write-Back Read-Allocate Write-Allocate', 'Write-Through Read-Allocate No Write-Allocate', 'Write-Back Read-Allocate No Write-Allocate'];
const SHAREABILITY = ['Non-shareable', 'reserved', 'Outer Shareable', 'Inner Shareable'];
const irgn = (n: string): Meaning => (v) => `table walks for ${n}: inner ${CACHEABILITY[v]}`;
const orgn = (n: string): Meaning => (v) => `table walks for ${n}: outer ${CACHEABILITY[v]}`;
const sh = (n: string): Meaning => (v) => `table walks for ${n}: ${SHAREABILITY[v]}`;
/** TG0 of TCR_EL1, TCR_EL2 and VTCR_EL2. */
const TG0 = (v: number): string => ['4 KB granule', '64 KB granule', '16 KB granule', 'reserved'][v] ?? 'reserved';
/** TG1 of TCR_EL1 (a different encoding from TG0). */
const TG1 = (v: number): string => ['reserved', '16 KB granule', '4 KB granule', '64 KB granule'][v] ?? 'reserved';
const txsz = (what: string): Meaning => (v) => `${what} is 2^${64 - v} bytes (${64 - v}-bit addresses)`;

/** SPSR_ELx.M[3:0] for AArch64. */
const SPSR_MODE = (v: number): string =>
  ({ 0b0000: 'EL0t: EL0 (uses SP_EL0)', 0b0100: 'EL1t: EL1 using SP_EL0', 0b0101: 'EL1h: EL1 using SP_EL1', 0b1000: 'EL2t: EL2 using SP_EL0', 0b1001: 'EL2h: EL2 using SP_EL2', 0b1100: 'EL3t', 0b1101: 'EL3h' } as Record<number, string>)[v] ??
  'illegal mode';

const TIMER_CTL: FieldSpec[] = [
  bit('ENABLE', 0, 'timer disabled', 'timer enabled'),
  bit('IMASK', 1, 'interrupt not masked: fires when the condition is met', 'interrupt masked by IMASK'),
  bit('ISTATUS', 2, 'timer condition not met', 'timer condition met (CVAL reached)'),
];

const SPSR: FieldSpec[] = [
  field('M[3:0]', 3, 0, SPSR_MODE),
  bit('M[4]', 4, 'from AArch64', 'from AArch32'),
  bit('F', 6, 'FIQ unmasked in the state returned to', 'FIQ masked'),
  bit('I', 7, 'IRQ unmasked in the state returned to', 'IRQ masked'),
  bit('A', 8, 'SError unmasked in the state returned to', 'SError masked'),
  bit('D', 9, 'debug exceptions unmasked', 'debug exceptions masked'),
  field('BTYPE', 11, 10, (v) => (v === 0 ? 'no branch-target check pending' : `branch type ${v} (BTI)`)),
  bit('SSBS', 12, 'speculative store bypass not safe', 'speculative store bypass safe'),
  bit('IL', 20, 'legal exception return', 'illegal execution state: the ERET that loads this is illegal'),
  bit('SS', 21, 'software step not active', 'software step active'),
  bit('PAN', 22, 'privileged access never off', 'privileged access to EL0 memory faults (PAN)'),
  bit('UAO', 23, 'unprivileged loads/stores as EL0', 'user access override (UAO)'),
  bit('DIT', 24, 'timing not guaranteed data-independent', 'data-independent timing'),
  bit('TCO', 25, 'tag checks as configured', 'tag checks overridden'),
  bit('V', 28, 'overflow clear', 'overflow set'),
  bit('C', 29, 'carry clear', 'carry set'),
  bit('Z', 30, 'zero clear', 'zero set'),
  bit('N', 31, 'negative clear', 'negative set'),
];

// ---- The registers -----------------------------------------------------------------------------------

const HCR_EL2: FieldSpec[] = [
  bit('VM', 0, 'stage 2 translation off: EL1&0 addresses are physical', 'stage 2 translation on for EL1&0 (the guest runs on IPAs)'),
  bit('SWIO', 1, 'set/way invalidation as DC ISW', 'set/way invalidation upgraded to clean+invalidate'),
  bit('PTW', 2, 'stage 1 walks into Device memory allowed', 'stage 1 walk hitting Device memory at stage 2 faults'),
  bit('FMO', 3, 'physical FIQs not routed to EL2; no virtual FIQs', 'physical FIQs go to EL2; virtual FIQs enabled'),
  bit('IMO', 4, 'physical IRQs not routed to EL2; no virtual IRQs', 'physical IRQs go to EL2; virtual IRQs enabled'),
  bit('AMO', 5, 'physical SErrors not routed to EL2; no virtual SErrors', 'physical SErrors go to EL2; virtual SErrors enabled'),
  bit('VF', 6, 'no virtual FIQ pending by this bit', 'virtual FIQ pending (for EL1)'),
  bit('VI', 7, 'no virtual IRQ pending by this bit', 'virtual IRQ pending (for EL1)'),
  bit('VSE', 8, 'no virtual SError pending', 'virtual SError pending (for EL1)'),
  bit('FB', 9, 'TLB/cache maintenance broadcast as the guest asks', 'force broadcast of TLB and I-cache maintenance'),
  field('BSU', 11, 10, (v) => `barrier shareability upgrade: ${['none', 'Inner Shareable', 'Outer Shareable', 'Full system'][v]}`),
  bit('DC', 12, 'default cacheability off', 'default cacheable: stage 1 off means Normal Write-Back memory'),
  bit('TWI', 13, 'WFI at EL0/EL1 not trapped', 'WFI at EL0/EL1 traps to EL2'),
  bit('TWE', 14, 'WFE at EL0/EL1 not trapped', 'WFE at EL0/EL1 traps to EL2'),
  bit('TID0', 15, 'ID group 0 not trapped', 'ID group 0 reads trap to EL2'),
  bit('TID1', 16, 'ID group 1 (REVIDR, AIDR) not trapped', 'ID group 1 (REVIDR, AIDR) reads trap to EL2'),
  bit('TID2', 17, 'cache ID registers not trapped', 'cache ID registers (CTR, CCSIDR, CLIDR, CSSELR) trap to EL2'),
  bit('TID3', 18, 'ID group 3 (ID_AA64*) not trapped', 'ID group 3 (ID_AA64*) reads trap to EL2'),
  bit('TSC', 19, 'SMC not trapped', 'SMC at EL1 traps to EL2'),
  bit('TIDCP', 20, 'implementation-defined registers not trapped', 'implementation-defined registers trap to EL2'),
  bit('TACR', 21, 'ACTLR_EL1 not trapped', 'ACTLR_EL1 accesses trap to EL2'),
  bit('TSW', 22, 'cache set/way maintenance not trapped', 'cache set/way maintenance traps to EL2'),
  bit('TPCP', 23, 'cache maintenance to PoC/PoP not trapped', 'cache maintenance to PoC/PoP traps to EL2'),
  bit('TPU', 24, 'cache maintenance to PoU not trapped', 'cache maintenance to PoU traps to EL2'),
  bit('TTLB', 25, 'TLB maintenance not trapped', 'TLB maintenance at EL1 traps to EL2'),
  bit('TVM', 26, 'virtual memory control writes not trapped', 'writes to EL1 VM controls (SCTLR, TTBRx, TCR, MAIR, ...) trap to EL2'),
  bit('TGE', 27, 'EL0 exceptions go to EL1', 'trap general exceptions: EL0 exceptions go to EL2 (EL1 unused)'),
  bit('TDZ', 28, 'DC ZVA not trapped', 'DC ZVA traps to EL2'),
  bit('HCD', 29, 'HVC enabled', 'HVC disabled (UNDEFINED)'),
  bit('TRVM', 30, 'virtual memory control reads not trapped', 'reads of EL1 VM controls trap to EL2'),
  bit('RW', 31, 'EL1 is AArch32', 'EL1 is AArch64'),
  bit('CD', 32, 'stage 2 data cacheability as the tables say', 'stage 2 data accesses Non-cacheable'),
  bit('ID', 33, 'stage 2 instruction cacheability as the tables say', 'stage 2 instruction fetches Non-cacheable'),
  bit('E2H', 34, 'EL2 host off: classic hypervisor (nVHE) layout', 'EL2 host (VHE): EL2 runs an OS kernel'),
  bit('TLOR', 35, 'LORegion registers not trapped', 'LORegion registers trap to EL2'),
  bit('TERR', 36, 'error record registers not trapped', 'error record registers trap to EL2'),
  bit('TEA', 37, 'external aborts go where they would', 'synchronous external aborts route to EL2'),
  bit('MIOCNF', 38, 'mismatched inner/outer cacheable: coherent', 'mismatched inner/outer cacheable: may be non-coherent'),
  bit('APK', 40, 'pointer authentication key registers trap to EL2', 'pointer authentication key registers not trapped'),
  bit('API', 41, 'pointer authentication instructions trap to EL2', 'pointer authentication instructions not trapped'),
  bit('NV', 42, 'nested virtualization off', 'nested virtualization: EL1 believes it is EL2'),
  bit('NV1', 43, 'nested virtualization (NV1) off', 'nested virtualization NV1 on'),
  bit('AT', 44, 'AT S1E0*/S1E1* not trapped', 'AT S1E0*/S1E1* trap to EL2'),
  bit('NV2', 45, 'enhanced nested virtualization off', 'enhanced nested virtualization (NV2) on'),
  bit('FWB', 46, 'stage 2 memory type combined with stage 1', 'stage 2 forced write-back'),
  bit('FIEN', 47, 'RAS fault injection registers trap', 'RAS fault injection registers accessible'),
];

const SCTLR_EL1: FieldSpec[] = [
  bit('M', 0, 'MMU off for EL1&0: addresses are physical (or IPAs)', 'MMU on: EL1&0 stage 1 translation enabled'),
  bit('A', 1, 'alignment checking off', 'alignment checking on: unaligned accesses fault'),
  bit('C', 2, 'data accesses Non-cacheable', 'data cacheability as the page tables say'),
  bit('SA', 3, 'SP alignment check at EL1 off', 'SP alignment check at EL1 on (16 bytes)'),
  bit('SA0', 4, 'SP alignment check at EL0 off', 'SP alignment check at EL0 on (16 bytes)'),
  bit('CP15BEN', 5, 'AArch32 CP15 barriers UNDEFINED at EL0', 'AArch32 CP15 barriers enabled at EL0'),
  bit('nAA', 6, 'unaligned LDAPR/STLR and friends fault', 'unaligned LDAPR/STLR allowed'),
  bit('ITD', 7, 'AArch32 IT instruction fully available', 'AArch32 IT instruction partly disabled'),
  bit('SED', 8, 'AArch32 SETEND enabled', 'AArch32 SETEND disabled'),
  bit('UMA', 9, 'EL0 access to DAIF traps', 'EL0 may access DAIF (MSR DAIFSet/DAIFClr)'),
  bit('EnRCTX', 10, 'EL0 speculation restriction instructions trap', 'EL0 speculation restriction instructions allowed'),
  bit('EOS', 11, 'exception return not context-synchronizing', 'exception return is context-synchronizing (RES1 in v8.0)'),
  bit('I', 12, 'instruction fetches Non-cacheable', 'instruction cacheability as the page tables say'),
  bit('EnDB', 13, 'pointer authentication (DB key) off', 'pointer authentication with the DB key on'),
  bit('DZE', 14, 'DC ZVA at EL0 traps', 'DC ZVA allowed at EL0'),
  bit('UCT', 15, 'EL0 reads of CTR_EL0 trap', 'EL0 may read CTR_EL0'),
  bit('nTWI', 16, 'WFI at EL0 traps to EL1', 'WFI at EL0 not trapped'),
  bit('nTWE', 18, 'WFE at EL0 traps to EL1', 'WFE at EL0 not trapped'),
  bit('WXN', 19, 'writable memory may be executable', 'write implies execute-never'),
  bit('TSCXT', 20, 'EL0 access to SCXTNUM_EL0 allowed', 'EL0 access to SCXTNUM_EL0 traps (RES1 in v8.0)'),
  bit('IESB', 21, 'no implicit error synchronization barrier', 'implicit error synchronization barrier at exception entry/return'),
  bit('EIS', 22, 'exception entry not context-synchronizing', 'exception entry is context-synchronizing (RES1 in v8.0)'),
  bit('SPAN', 23, 'PSTATE.PAN set on exception to EL1', 'PSTATE.PAN unchanged on exception to EL1 (RES1 in v8.0)'),
  bit('E0E', 24, 'EL0 data accesses little-endian', 'EL0 data accesses big-endian'),
  bit('EE', 25, 'EL1 data accesses and table walks little-endian', 'EL1 data accesses and table walks big-endian'),
  bit('UCI', 26, 'EL0 cache maintenance by VA traps', 'EL0 may do cache maintenance by VA'),
  bit('EnDA', 27, 'pointer authentication (DA key) off', 'pointer authentication with the DA key on'),
  bit('nTLSMD', 28, 'AArch32 LDM/STM to Device memory trap', 'AArch32 LDM/STM to Device memory allowed (RES1 in v8.0)'),
  bit('LSMAOE', 29, 'AArch32 LDM/STM ordering relaxed', 'AArch32 LDM/STM ordering kept (RES1 in v8.0)'),
  bit('EnIB', 30, 'pointer authentication (IB key) off', 'pointer authentication with the IB key on'),
  bit('EnIA', 31, 'pointer authentication (IA key) off', 'pointer authentication with the IA key on'),
];

const SCTLR_EL2: FieldSpec[] = [
  bit('M', 0, 'MMU off for EL2: addresses are physical', 'MMU on: EL2 stage 1 translation enabled'),
  bit('A', 1, 'alignment checking off', 'alignment checking on: unaligned accesses fault'),
  bit('C', 2, 'data accesses Non-cacheable', 'data cacheability as the page tables say'),
  bit('SA', 3, 'SP alignment check at EL2 off', 'SP alignment check at EL2 on (16 bytes)'),
  bit('nAA', 6, 'unaligned LDAPR/STLR and friends fault', 'unaligned LDAPR/STLR allowed'),
  bit('EOS', 11, 'exception return not context-synchronizing', 'exception return is context-synchronizing (RES1 in v8.0)'),
  bit('I', 12, 'instruction fetches Non-cacheable', 'instruction cacheability as the page tables say'),
  bit('WXN', 19, 'writable memory may be executable', 'write implies execute-never'),
  bit('IESB', 21, 'no implicit error synchronization barrier', 'implicit error synchronization barrier at exception entry/return'),
  bit('EIS', 22, 'exception entry not context-synchronizing', 'exception entry is context-synchronizing (RES1 in v8.0)'),
  bit('EE', 25, 'EL2 data accesses and table walks little-endian', 'EL2 data accesses and table walks big-endian'),
];
/** SCTLR_EL2 bits that are RES1 in the nVHE layout: not reported as "other bits". */
const SCTLR_EL2_RES1 = [4, 5, 16, 18, 23, 28, 29];

const TCR_EL1: FieldSpec[] = [
  field('T0SZ', 5, 0, txsz('the TTBR0 (lower) region')),
  bit('EPD0', 7, 'TTBR0 walks enabled', 'TTBR0 walks disabled: lower addresses fault'),
  field('IRGN0', 9, 8, irgn('TTBR0')),
  field('ORGN0', 11, 10, orgn('TTBR0')),
  field('SH0', 13, 12, sh('TTBR0')),
  field('TG0', 15, 14, (v) => `TTBR0: ${TG0(v)}`),
  field('T1SZ', 21, 16, txsz('the TTBR1 (upper) region')),
  bit('A1', 22, 'the ASID comes from TTBR0_EL1', 'the ASID comes from TTBR1_EL1'),
  bit('EPD1', 23, 'TTBR1 walks enabled', 'TTBR1 walks disabled: upper addresses fault'),
  field('IRGN1', 25, 24, irgn('TTBR1')),
  field('ORGN1', 27, 26, orgn('TTBR1')),
  field('SH1', 29, 28, sh('TTBR1')),
  field('TG1', 31, 30, (v) => `TTBR1: ${TG1(v)}`),
  field('IPS', 34, 32, (v) => `intermediate physical address size: ${PA_SIZE(v)}`),
  bit('AS', 36, '8-bit ASIDs', '16-bit ASIDs'),
  bit('TBI0', 37, 'top byte of lower addresses used in translation', 'top byte ignored for lower addresses (tagged pointers)'),
  bit('TBI1', 38, 'top byte of upper addresses used in translation', 'top byte ignored for upper addresses (tagged pointers)'),
  bit('HA', 39, 'no hardware Access flag update', 'hardware updates the Access flag'),
  bit('HD', 40, 'no hardware dirty state update', 'hardware updates dirty state'),
  bit('HPD0', 41, 'TTBR0 hierarchical permissions on', 'TTBR0 hierarchical permissions disabled'),
  bit('HPD1', 42, 'TTBR1 hierarchical permissions on', 'TTBR1 hierarchical permissions disabled'),
];

const TCR_EL2: FieldSpec[] = [
  field('T0SZ', 5, 0, txsz('the EL2 address space')),
  field('IRGN0', 9, 8, irgn('TTBR0_EL2')),
  field('ORGN0', 11, 10, orgn('TTBR0_EL2')),
  field('SH0', 13, 12, sh('TTBR0_EL2')),
  field('TG0', 15, 14, (v) => `TTBR0_EL2: ${TG0(v)}`),
  field('PS', 18, 16, (v) => `physical address size: ${PA_SIZE(v)}`),
  bit('TBI', 20, 'top byte used in translation', 'top byte ignored (tagged pointers)'),
  bit('HA', 21, 'no hardware Access flag update', 'hardware updates the Access flag'),
  bit('HD', 22, 'no hardware dirty state update', 'hardware updates dirty state'),
  bit('HPD', 24, 'hierarchical permissions on', 'hierarchical permissions disabled'),
];
const TCR_EL2_RES1 = [23, 31];

/** VTCR_EL2.SL0: the stage 2 walk's starting level depends on the granule. */
const vtcrSl0 = (v: number, whole: bigint): string => {
  const tg = Number((whole >> 14n) & 3n);
  const start = tg === 0 ? [2, 1, 0, 3][v] : [3, 2, 1, -1][v];
  return start === undefined || start < 0 ? 'reserved' : `stage 2 walk starts at level ${start}`;
};

const VTCR_EL2: FieldSpec[] = [
  field('T0SZ', 5, 0, txsz('the guest physical (IPA) space')),
  field('SL0', 7, 6, vtcrSl0),
  field('IRGN0', 9, 8, irgn('stage 2')),
  field('ORGN0', 11, 10, orgn('stage 2')),
  field('SH0', 13, 12, sh('stage 2')),
  field('TG0', 15, 14, (v) => `stage 2: ${TG0(v)}`),
  field('PS', 18, 16, (v) => `physical address size: ${PA_SIZE(v)}`),
  bit('VS', 19, '8-bit VMIDs', '16-bit VMIDs'),
  bit('HA', 21, 'no hardware Access flag update at stage 2', 'hardware updates the stage 2 Access flag'),
  bit('HD', 22, 'no hardware dirty state update at stage 2', 'hardware updates stage 2 dirty state'),
  bit('NSW', 29, 'secure stage 2 walks in Secure PA space', 'secure stage 2 walks in Non-secure PA space'),
  bit('NSA', 30, 'secure stage 2 output in Secure PA space', 'secure stage 2 output in Non-secure PA space'),
];
const VTCR_EL2_RES1 = [31];

const fpen = (v: number): string =>
  ['SIMD/FP at EL0 and EL1 traps to EL1', 'SIMD/FP at EL0 traps to EL1; EL1 may use it', 'SIMD/FP at EL0 and EL1 traps to EL1', 'SIMD/FP not trapped'][v] ?? '';
const CPACR_EL1: FieldSpec[] = [
  field('ZEN', 17, 16, (v) => (v === 3 ? 'SVE not trapped' : v === 1 ? 'SVE at EL0 traps' : 'SVE at EL0 and EL1 traps')),
  field('FPEN', 21, 20, fpen),
  bit('TTA', 28, 'trace registers not trapped', 'trace register accesses trap to EL1'),
];

const CPTR_EL2: FieldSpec[] = [
  bit('TZ', 8, 'SVE not trapped', 'SVE at EL0-EL2 traps to EL2'),
  bit('TFP', 10, 'SIMD/FP not trapped to EL2', 'SIMD/FP at EL0, EL1 and EL2 traps to EL2'),
  bit('TTA', 20, 'trace registers not trapped', 'trace register accesses trap to EL2'),
  bit('TAM', 30, 'activity monitor registers not trapped', 'activity monitor registers trap to EL2'),
  bit('TCPAC', 31, 'CPACR_EL1 accesses from EL1 not trapped', 'CPACR_EL1 accesses from EL1 trap to EL2'),
];
/** nVHE CPTR_EL2 RES1 bits: 7:0, 9, 12, 13. */
const CPTR_EL2_RES1 = [0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 13];

const MDCR_EL2: FieldSpec[] = [
  field('HPMN', 4, 0, (v) => `EL1/EL0 see ${v} performance counter${v === 1 ? '' : 's'}; the rest are EL2's`),
  bit('TPMCR', 5, 'PMCR_EL0 not trapped', 'PMCR_EL0 accesses trap to EL2'),
  bit('TPM', 6, 'performance monitor registers not trapped', 'performance monitor registers trap to EL2'),
  bit('HPME', 7, 'EL2 performance counters disabled', 'EL2 performance counters enabled'),
  bit('TDE', 8, 'debug exceptions go where they would', 'debug exceptions from EL0/EL1 go to EL2 (and TDA, TDOSA, TDRA act as set)'),
  bit('TDA', 9, 'debug registers not trapped', 'debug register accesses trap to EL2'),
  bit('TDOSA', 10, 'OS lock/powerdown registers not trapped', 'OS lock and powerdown registers trap to EL2'),
  bit('TDRA', 11, 'debug ROM address registers not trapped', 'debug ROM address registers trap to EL2'),
  field('E2PB', 13, 12, (v) => `profiling buffer owned by ${v === 0 ? 'EL2' : v === 2 ? 'EL1, EL1 access traps' : v === 3 ? 'EL1' : 'reserved'}`),
  bit('TPMS', 14, 'statistical profiling registers not trapped', 'statistical profiling registers trap to EL2'),
  bit('HPMD', 17, 'event counting at EL2 allowed', 'event counting at EL2 prohibited'),
  bit('TTRF', 19, 'trace filter registers not trapped', 'trace filter registers trap to EL2'),
  bit('HCCD', 23, 'cycle counter counts at EL2', 'cycle counter stopped at EL2'),
  bit('HLP', 26, 'EL2 counters overflow at 32 bits', 'EL2 counters are 64-bit'),
  bit('TDCC', 27, 'debug comms channel not trapped', 'debug comms channel traps to EL2'),
  bit('MTPME', 28, 'multi-threaded PMU events off', 'multi-threaded PMU events on'),
];

const EVENT_STREAM: FieldSpec[] = [
  bit('EVNTEN', 2, 'event stream off', 'event stream on (periodic WFE wake-ups)'),
  bit('EVNTDIR', 3, 'event on a 0-to-1 transition of the trigger bit', 'event on a 1-to-0 transition of the trigger bit'),
  field('EVNTI', 7, 4, (v) => `event stream from counter bit ${v}`),
];

const CNTHCTL_EL2: FieldSpec[] = [
  bit('EL1PCTEN', 0, 'EL0/EL1 reads of the physical counter (CNTPCT_EL0) trap to EL2', 'EL0/EL1 may read the physical counter'),
  bit('EL1PCEN', 1, 'EL0/EL1 access to the physical timer (CNTP_*) traps to EL2', 'EL0/EL1 may use the physical timer'),
  ...EVENT_STREAM,
  bit('ECV', 12, 'enhanced counter virtualization off', 'enhanced counter virtualization on'),
  bit('EL1TVT', 13, 'EL0/EL1 virtual timer access not trapped', 'EL0/EL1 virtual timer access traps to EL2'),
  bit('EL1TVCT', 14, 'EL0/EL1 virtual counter reads not trapped', 'EL0/EL1 virtual counter reads trap to EL2'),
  bit('EL1NVPCT', 15, 'physical timer interrupt mask as programmed', 'physical timer seen as masked'),
  bit('EL1NVVCT', 16, 'virtual timer interrupt mask as programmed', 'virtual timer seen as masked'),
  bit('EVNTIS', 17, 'event stream from CNTVCT bits 15:0', 'event stream from CNTVCT bits 23:8'),
];

const CNTKCTL_EL1: FieldSpec[] = [
  bit('EL0PCTEN', 0, 'EL0 reads of the physical counter trap to EL1', 'EL0 may read the physical counter'),
  bit('EL0VCTEN', 1, 'EL0 reads of the virtual counter trap to EL1', 'EL0 may read the virtual counter (vDSO time)'),
  ...EVENT_STREAM,
  bit('EL0VTEN', 8, 'EL0 access to the virtual timer traps to EL1', 'EL0 may use the virtual timer'),
  bit('EL0PTEN', 9, 'EL0 access to the physical timer traps to EL1', 'EL0 may use the physical timer'),
  bit('EVNTIS', 17, 'event stream from CNTVCT bits 15:0', 'event stream from CNTVCT bits 23:8'),
];

const ICH_HCR_EL2: FieldSpec[] = [
  bit('En', 0, 'virtual CPU interface disabled: no virtual interrupts', 'virtual CPU interface enabled'),
  bit('UIE', 1, 'no underflow maintenance interrupt', 'maintenance interrupt when at most one list register is valid'),
  bit('LRENPIE', 2, 'no maintenance interrupt for EOIs without a list register', 'maintenance interrupt while EOIcount is non-zero'),
  bit('NPIE', 3, 'no "no pending" maintenance interrupt', 'maintenance interrupt when no list register is pending'),
  bit('VGrp0EIE', 4, 'no maintenance interrupt on vGroup 0 enable', 'maintenance interrupt while virtual Group 0 is enabled'),
  bit('VGrp0DIE', 5, 'no maintenance interrupt on vGroup 0 disable', 'maintenance interrupt while virtual Group 0 is disabled'),
  bit('VGrp1EIE', 6, 'no maintenance interrupt on vGroup 1 enable', 'maintenance interrupt while virtual Group 1 is enabled'),
  bit('VGrp1DIE', 7, 'no maintenance interrupt on vGroup 1 disable', 'maintenance interrupt while virtual Group 1 is disabled'),
  bit('TC', 10, 'common GIC registers not trapped', 'EL1 accesses to common ICC registers trap to EL2'),
  bit('TALL0', 11, 'Group 0 registers not trapped', 'EL1 Group 0 ICC accesses trap to EL2'),
  bit('TALL1', 12, 'Group 1 registers not trapped', 'EL1 Group 1 ICC accesses trap to EL2'),
  bit('TSEI', 13, 'locally generated SEIs not trapped', 'locally generated SEIs trap to EL2'),
  bit('TDIR', 14, 'ICC_DIR_EL1 not trapped', 'EL1 writes to ICC_DIR_EL1 trap to EL2'),
  field('EOIcount', 31, 27, (v) => `${v} EOI${v === 1 ? '' : 's'} without a matching list register`),
];

const ICH_VMCR_EL2: FieldSpec[] = [
  bit('VENG0', 0, 'virtual Group 0 interrupts disabled', 'virtual Group 0 interrupts enabled'),
  bit('VENG1', 1, 'virtual Group 1 interrupts disabled', 'virtual Group 1 interrupts enabled'),
  bit('VAckCtl', 2, 'RES0 in GICv3 (no AckCtl)', 'AckCtl set (legacy)'),
  bit('VFIQEn', 3, 'virtual Group 0 delivered as virtual IRQs', 'virtual Group 0 delivered as virtual FIQs'),
  bit('VCBPR', 4, 'separate binary points for the groups', 'Group 1 uses Group 0\'s binary point'),
  bit('VEOIM', 9, 'EOI both drops priority and deactivates', 'EOI only drops priority; DIR deactivates'),
  field('VBPR1', 20, 18, (v) => `virtual Group 1 binary point ${v}`),
  field('VBPR0', 23, 21, (v) => `virtual Group 0 binary point ${v}`),
  field('VPMR', 31, 24, (v) => `virtual priority mask 0x${v.toString(16)}: priorities below it are signalled`),
];

const LR_STATE = ['invalid/inactive', 'pending', 'active', 'pending and active'];
const ICH_LR: FieldSpec[] = [
  field('vINTID', 31, 0, (v) => `virtual INTID ${v}`),
  field('pINTID', 44, 32, (v, whole) =>
    (whole >> 61n) & 1n ? `physical INTID ${v}: deactivated with the virtual one` : (v & 0x200) !== 0 ? 'EOI bit set: maintenance interrupt on deactivation' : 'no physical interrupt linked'),
  field('Priority', 55, 48, (v) => `priority 0x${v.toString(16)} (lower is more urgent)`),
  bit('Group', 60, 'virtual Group 0', 'virtual Group 1'),
  bit('HW', 61, 'purely virtual interrupt', 'backed by a physical interrupt (pINTID)'),
  field('State', 63, 62, (v) => LR_STATE[v] ?? ''),
];

// ---- ESR_ELx -----------------------------------------------------------------------------------------

/** ESR_ELx.EC: the exception class, with what causes it (Arm ARM D17.2.37). */
export const EC_INFO: Readonly<Record<number, { name: string; why: string }>> = {
  0x00: { name: 'Unknown reason', why: 'an UNDEFINED instruction, or an access the architecture gives no class to' },
  0x01: { name: 'Trapped WFI/WFE', why: 'WFI or WFE trapped by SCTLR_EL1.nTWI/nTWE or HCR_EL2.TWI/TWE' },
  0x07: { name: 'SIMD/FP access', why: 'SIMD or floating point used while CPACR_EL1.FPEN or CPTR_EL2.TFP traps it' },
  0x0e: { name: 'Illegal execution state', why: 'an instruction executed with PSTATE.IL set (after an illegal exception return)' },
  0x11: { name: 'SVC from AArch32', why: 'SVC instruction in AArch32 state' },
  0x12: { name: 'HVC from AArch32', why: 'HVC instruction in AArch32 state' },
  0x13: { name: 'SMC from AArch32', why: 'SMC instruction in AArch32 state' },
  0x15: { name: 'SVC from AArch64', why: 'SVC instruction: a system call to the next level up' },
  0x16: { name: 'HVC from AArch64', why: 'HVC instruction: a hypervisor call to EL2' },
  0x17: { name: 'SMC from AArch64', why: 'SMC instruction: a secure monitor call (or trapped by HCR_EL2.TSC)' },
  0x18: { name: 'Trapped MSR/MRS/system instruction', why: 'a system register access or system instruction trapped by a control bit' },
  0x19: { name: 'SVE access', why: 'SVE used while CPACR_EL1.ZEN or CPTR_EL2.TZ traps it' },
  0x20: { name: 'Instruction abort from a lower EL', why: 'an instruction fetch faulted (MMU fault or external abort) at a lower EL' },
  0x21: { name: 'Instruction abort, same EL', why: 'an instruction fetch faulted at the EL that takes the exception' },
  0x22: { name: 'PC alignment fault', why: 'a branch to an address that is not a multiple of 4' },
  0x24: { name: 'Data abort from a lower EL', why: 'a load or store faulted (MMU fault, alignment or external abort) at a lower EL' },
  0x25: { name: 'Data abort, same EL', why: 'a load or store faulted at the EL that takes the exception' },
  0x26: { name: 'SP alignment fault', why: 'a load or store through an SP that is not 16-byte aligned' },
  0x28: { name: 'FP exception from AArch32', why: 'a trapped floating-point exception in AArch32 state' },
  0x2c: { name: 'FP exception from AArch64', why: 'a trapped floating-point exception (FPCR trap enable set)' },
  0x2f: { name: 'SError', why: 'an asynchronous external abort (system error)' },
  0x30: { name: 'Breakpoint from a lower EL', why: 'a hardware breakpoint matched at a lower EL' },
  0x31: { name: 'Breakpoint, same EL', why: 'a hardware breakpoint matched at the same EL' },
  0x32: { name: 'Software step from a lower EL', why: 'single-stepping (MDSCR_EL1.SS) completed an instruction at a lower EL' },
  0x33: { name: 'Software step, same EL', why: 'single-stepping completed an instruction at the same EL' },
  0x34: { name: 'Watchpoint from a lower EL', why: 'a hardware watchpoint matched at a lower EL' },
  0x35: { name: 'Watchpoint, same EL', why: 'a hardware watchpoint matched at the same EL' },
  0x38: { name: 'BKPT from AArch32', why: 'BKPT instruction in AArch32 state' },
  0x3c: { name: 'BRK instruction', why: 'BRK instruction from AArch64 (a debugger breakpoint or BUG())' },
};

/** The exception class of an ESR_ELx value. */
export const esrEc = (esr: bigint): number => Number((esr >> 26n) & 0x3fn);

/** The EC's name ("Data abort from a lower EL"), or "reserved EC 0x.." */
export function ecName(ec: number): string {
  return EC_INFO[ec]?.name ?? `reserved EC ${hex(ec)}`;
}

/** Fault status codes (DFSC/IFSC) in words: "translation fault, level 3". */
export function faultStatus(fsc: number): string {
  const level = fsc & 3;
  switch (fsc >> 2) {
    case 0: return `address size fault, level ${level}`;
    case 1: return `translation fault, level ${level}`;
    case 2: return `access flag fault, level ${level}`;
    case 3: return `permission fault, level ${level}`;
    case 5: return `synchronous external abort on a table walk, level ${level}`;
    case 7: return `parity/ECC error on a table walk, level ${level}`;
  }
  const named: Record<number, string> = {
    0x10: 'synchronous external abort (not on a table walk)',
    0x11: 'synchronous tag check fault',
    0x13: 'synchronous external abort on a table walk, level -1',
    0x18: 'synchronous parity/ECC error (not on a table walk)',
    0x1b: 'parity/ECC error on a table walk, level -1',
    0x21: 'alignment fault',
    0x29: 'address size fault, level -1',
    0x2b: 'translation fault, level -1',
    0x30: 'TLB conflict abort',
    0x31: 'unsupported atomic hardware update',
    0x34: 'implementation defined fault (lockdown)',
    0x35: 'implementation defined fault (unsupported exclusive or atomic)',
  };
  return named[fsc] ?? `reserved fault status ${hex(fsc)}`;
}

/** Whether a fault status code is one that records the faulting IPA in HPFAR_EL2 when taken at stage 2. */
export const isMmuFault = (fsc: number): boolean => fsc < 0x10;

const ACCESS_SIZE = ['byte', 'halfword', 'word', 'doubleword'];

/** The name of the system register with this encoding (ESR's Op0/Op1/CRn/CRm/Op2), or its S-form. */
export function sysregName(op0: number, op1: number, crn: number, crm: number, op2: number): string {
  const key = (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
  const hit = SYSREGS.find((r) => r.key === key);
  return hit ? hit.name : `S${op0}_${op1}_C${crn}_C${crm}_${op2}`;
}

/** Decodes the MSR/MRS syndrome of EC 0x18. */
export function msrMrsIss(iss: number): { read: boolean; rt: number; name: string; op0: number; op1: number; crn: number; crm: number; op2: number } {
  const op0 = (iss >> 20) & 3;
  const op2 = (iss >> 17) & 7;
  const op1 = (iss >> 14) & 7;
  const crn = (iss >> 10) & 15;
  const rt = (iss >> 5) & 31;
  const crm = (iss >> 1) & 15;
  return { read: (iss & 1) === 1, rt, name: sysregName(op0, op1, crn, crm, op2), op0, op1, crn, crm, op2 };
}

const regName = (n: number, sf: boolean): string => (n === 31 ? (sf ? 'XZR' : 'WZR') : `${sf ? 'X' : 'W'}${n}`);

/** The ISS fields of an ESR value, per exception class. */
function issFields(ec: number, esr: bigint): FieldSpec[] {
  switch (ec) {
    case 0x24:
    case 0x25: {
      const isv = ((esr >> 24n) & 1n) === 1n;
      const out: FieldSpec[] = [
        bit('ISV', 24, 'no instruction syndrome: SAS..AR are not valid', 'instruction syndrome valid: SAS, SSE, SRT, SF, AR describe the access'),
      ];
      if (isv) {
        out.push(
          field('SAS', 23, 22, (v) => `access size: ${ACCESS_SIZE[v]} (${1 << v} byte${v ? 's' : ''})`),
          bit('SSE', 21, 'no sign extension', 'the load sign-extends'),
          field('SRT', 20, 16, (v, whole) => `transfer register ${regName(v, ((whole >> 15n) & 1n) === 1n)}`),
          bit('SF', 15, '32-bit register (W)', '64-bit register (X)'),
          bit('AR', 14, 'no acquire/release semantics', 'acquire/release semantics'),
        );
      }
      out.push(
        bit('VNCR', 13, 'not a VNCR_EL2 access', 'fault on a VNCR_EL2-relative access (nested virtualization)'),
        bit('FnV', 10, 'FAR is valid', 'FAR is not valid'),
        bit('EA', 9, 'not an external abort', 'external abort'),
        bit('CM', 8, 'not a cache maintenance instruction', 'fault from a cache maintenance or address translation instruction'),
        bit('S1PTW', 7, 'not on a stage 1 table walk', 'stage 2 fault during a stage 1 table walk'),
        bit('WnR', 6, 'caused by a read', 'caused by a write'),
        field('DFSC', 5, 0, (v) => faultStatus(v)),
      );
      return out;
    }
    case 0x20:
    case 0x21:
      return [
        bit('FnV', 10, 'FAR is valid', 'FAR is not valid'),
        bit('EA', 9, 'not an external abort', 'external abort'),
        bit('S1PTW', 7, 'not on a stage 1 table walk', 'stage 2 fault during a stage 1 table walk'),
        field('IFSC', 5, 0, (v) => faultStatus(v)),
      ];
    case 0x18: {
      const { name } = msrMrsIss(Number(esr & 0x1ffffffn));
      return [
        field('Op0', 21, 20, (v) => `op0 = ${v}${v === 3 ? ' (system register)' : v === 1 ? ' (system instruction)' : ''}`),
        field('Op2', 19, 17, (v) => `op2 = ${v}`),
        field('Op1', 16, 14, (v) => `op1 = ${v}`),
        field('CRn', 13, 10, (v) => `CRn = ${v}: register ${name}`),
        field('Rt', 9, 5, (v) => `general-purpose register X${v}${v === 31 ? ' (XZR)' : ''}`),
        field('CRm', 4, 1, (v) => `CRm = ${v}`),
        bit('Direction', 0, `write: MSR ${name}`, `read: MRS ${name}`),
      ];
    }
    case 0x15:
    case 0x16:
    case 0x17:
      return [field('imm16', 15, 0, (v) => `the instruction's immediate: #${v}`)];
    case 0x3c:
      return [field('Comment', 15, 0, (v) => `BRK #${hex(v)}${v === 0x800 ? ' (Linux BUG())' : ''}`)];
    case 0x01:
      return [
        bit('CV', 24, 'condition field not valid', 'condition field valid'),
        field('COND', 23, 20, (v) => `condition code ${hex(v)}`),
        field('RN', 9, 5, (v) => `register for WFET/WFIT: X${v}`),
        bit('RV', 2, 'RN not valid', 'RN valid'),
        field('TI', 1, 0, (v) => `trapped ${['WFI', 'WFE', 'WFIT', 'WFET'][v]}`),
      ];
    case 0x07:
      return [
        bit('CV', 24, 'condition field not valid (AArch64)', 'condition field valid'),
        field('COND', 23, 20, (v) => `condition code ${hex(v)}`),
      ];
    case 0x2f:
      return [
        bit('IDS', 24, 'architected syndrome', 'implementation defined syndrome'),
        bit('IESB', 13, 'not synchronized by an implicit barrier', 'synchronized by an implicit error synchronization barrier'),
        field('AET', 12, 10, (v) => `error type: ${['uncontainable', 'unrecoverable', 'restartable', 'recoverable', '', '', 'corrected'][v] || 'reserved'}`),
        bit('EA', 9, 'not an external abort', 'external abort'),
        field('DFSC', 5, 0, (v) => (v === 0 ? 'uncategorized' : v === 0x11 ? 'asynchronous SError' : `fault status ${hex(v)}`)),
      ];
    case 0x0e:
    case 0x22:
    case 0x26:
    case 0x00:
      return [];
    default:
      return [field('ISS', 24, 0, (v) => `syndrome ${hex(v)}`)];
  }
}

function esrSpecs(esr: bigint): FieldSpec[] {
  const ec = esrEc(esr);
  const info = EC_INFO[ec];
  return [
    field('EC', 31, 26, (v) => (info ? `${info.name}: ${info.why}` : `reserved exception class ${hex(v)}`)),
    bit('IL', 25, '16-bit instruction (or no instruction)', '32-bit instruction'),
    ...issFields(ec, esr),
  ];
}

/** ESR_ELx field by field: EC explained, then the ISS decoded for that exception class. */
export function describeEsrFields(esr: bigint): DecodedField[] {
  return decodeWith(esrSpecs(esr), esr, [], 37);
}

// ---- Decoding ----------------------------------------------------------------------------------------

const TABLES: Readonly<Record<string, { fields: FieldSpec[]; res1?: number[]; width?: number }>> = {
  HCR_EL2: { fields: HCR_EL2 },
  SCTLR_EL1: { fields: SCTLR_EL1 },
  SCTLR_EL2: { fields: SCTLR_EL2, res1: SCTLR_EL2_RES1 },
  TCR_EL1: { fields: TCR_EL1 },
  TCR_EL2: { fields: TCR_EL2, res1: TCR_EL2_RES1 },
  VTCR_EL2: { fields: VTCR_EL2, res1: VTCR_EL2_RES1 },
  CPACR_EL1: { fields: CPACR_EL1 },
  CPTR_EL2: { fields: CPTR_EL2, res1: CPTR_EL2_RES1 },
  MDCR_EL2: { fields: MDCR_EL2 },
  CNTHCTL_EL2: { fields: CNTHCTL_EL2 },
  CNTKCTL_EL1: { fields: CNTKCTL_EL1 },
  ICH_HCR_EL2: { fields: ICH_HCR_EL2, width: 32 },
  ICH_VMCR_EL2: { fields: ICH_VMCR_EL2, width: 32 },
  SPSR_EL1: { fields: SPSR },
  SPSR_EL2: { fields: SPSR },
  CNTP_CTL_EL0: { fields: TIMER_CTL },
  CNTV_CTL_EL0: { fields: TIMER_CTL },
  CNTHP_CTL_EL2: { fields: TIMER_CTL },
  CNTHV_CTL_EL2: { fields: TIMER_CTL },
  CNTPS_CTL_EL1: { fields: TIMER_CTL },
};

/** The registers decodeSysreg knows (ICH_LR<n>_EL2 and ESR_ELx besides these). */
export const DECODED_SYSREGS: readonly string[] = [...Object.keys(TABLES), 'ESR_EL1', 'ESR_EL2', 'ICH_LR0_EL2', 'ICH_LR1_EL2', 'ICH_LR2_EL2', 'ICH_LR3_EL2'];

/** A one-line summary of what a register is for, for headings and tooltips. */
export const SYSREG_PURPOSE: Readonly<Record<string, string>> = {
  HCR_EL2: 'Hypervisor Configuration: what EL1 and EL0 trap to EL2, stage 2 on/off, interrupt routing',
  SCTLR_EL1: 'System Control for EL1&0: MMU, caches, alignment checks, EL0 permissions',
  SCTLR_EL2: 'System Control for EL2: MMU, caches, alignment checks',
  TCR_EL1: 'Translation Control for EL1&0: address space sizes and granules for TTBR0/TTBR1',
  TCR_EL2: 'Translation Control for EL2',
  VTCR_EL2: 'Virtualization Translation Control: the guest\'s stage 2 (IPA to PA) translation',
  CPACR_EL1: 'Architectural Feature Access Control: SIMD/FP and SVE traps to EL1',
  CPTR_EL2: 'Architectural Feature Trap to EL2: SIMD/FP, SVE, trace, CPACR traps',
  MDCR_EL2: 'Monitor Debug Configuration: debug and performance monitor traps to EL2',
  CNTHCTL_EL2: 'Counter-timer Hypervisor Control: EL1/EL0 access to the physical counter and timer',
  CNTKCTL_EL1: 'Counter-timer Kernel Control: EL0 access to counters and timers',
  ICH_HCR_EL2: 'GIC virtual CPU interface control: enable and maintenance interrupts',
  ICH_VMCR_EL2: 'GIC virtual machine control: the guest\'s view of its CPU interface',
  SPSR_EL1: 'Saved Program Status for EL1: PSTATE to restore on ERET',
  SPSR_EL2: 'Saved Program Status for EL2: PSTATE to restore on ERET',
  CNTP_CTL_EL0: 'EL1 physical timer control',
  CNTV_CTL_EL0: 'Virtual timer control',
  CNTHP_CTL_EL2: 'EL2 physical timer control',
  CNTHV_CTL_EL2: 'EL2 virtual timer control',
  CNTPS_CTL_EL1: 'Secure physical timer control',
  ESR_EL1: 'Exception Syndrome for EL1: why the last exception to EL1 was taken',
  ESR_EL2: 'Exception Syndrome for EL2: why the last exception to EL2 was taken',
  ICH_LR0_EL2: 'GIC list register 0: a virtual interrupt for the guest',
  ICH_LR1_EL2: 'GIC list register 1: a virtual interrupt for the guest',
  ICH_LR2_EL2: 'GIC list register 2: a virtual interrupt for the guest',
  ICH_LR3_EL2: 'GIC list register 3: a virtual interrupt for the guest',
};

const fieldMask = (hi: number, lo: number): bigint => ((1n << BigInt(hi - lo + 1)) - 1n) << BigInt(lo);

function shownValue(v: bigint, width: number): string {
  if (width === 1) return v.toString();
  if (width <= 4) return `${hex(v)} (0b${v.toString(2).padStart(width, '0')})`;
  return hex(v);
}

function decodeWith(specs: FieldSpec[], value: bigint, res1: number[], width: number): DecodedField[] {
  const out: DecodedField[] = [];
  let covered = 0n;
  for (const s of specs) {
    const mask = fieldMask(s.hi, s.lo);
    covered |= mask;
    const v = (value & mask) >> BigInt(s.lo);
    const meaning = typeof s.meaning === 'function' ? s.meaning(Number(v), value) : (s.meaning[Number(v)] ?? '');
    out.push({ name: s.name, bits: s.hi === s.lo ? `${s.hi}` : `${s.hi}:${s.lo}`, hi: s.hi, lo: s.lo, value: v, shown: shownValue(v, s.hi - s.lo + 1), meaning });
  }
  // RES1 bits are part of the layout, not news: a reset value may hold them as 0 or 1.
  let res1Mask = 0n;
  for (const b of res1) res1Mask |= 1n << BigInt(b);
  const other = value & ~covered & ~res1Mask & (width >= 64 ? (1n << 64n) - 1n : (1n << BigInt(width)) - 1n);
  if (other !== 0n) {
    out.push({ name: 'other', bits: bitList(other), hi: -1, lo: -1, value: other, shown: hex(other), meaning: 'bits set outside the fields listed here (reserved or a later extension)' });
  }
  return out;
}

function bitList(v: bigint): string {
  const bits: number[] = [];
  for (let b = 63; b >= 0; b--) if ((v >> BigInt(b)) & 1n) bits.push(b);
  return bits.join(',');
}

/**
 * A system register field by field. `name` is the Arm name as in INSPECTED_SYSREGS (ESR_EL1/2,
 * ICH_LR<n>_EL2 and the registers of DECODED_SYSREGS); a register without a field table comes back
 * as one "value" row.
 */
export function decodeSysreg(name: string, value: bigint): DecodedField[] {
  if (/^ESR_EL[123]$/.test(name)) return describeEsrFields(value);
  if (/^ICH_LR\d+_EL2$/.test(name)) return decodeWith(ICH_LR, value, [], 64);
  const t = TABLES[name];
  if (!t) return [{ name: 'value', bits: '63:0', hi: 63, lo: 0, value, shown: hex(value), meaning: 'no field decoding for this register' }];
  return decodeWith(t.fields, value, t.res1 ?? [], t.width ?? 64);
}
