// The random program generator: for one instruction group, a stream of units, each being some
// helper words (address set-up) followed by one instruction of the group.
//
// Instructions of the table-driven groups (dp_imm, dp_reg, ldst, branch, and the SIMD&FP groups
// simd_ldst, simd_3, simd_2, crypto, named like their decode tables) are made by picking an
// implemented entry of ArmLab's decode table, filling its fields with edge-biased random values,
// and keeping the word only if the table (first match wins) decodes it to that same entry and the
// group's rules allow it. The system group draws from a fixed list of the system instructions that
// are legal at EL0 under Linux, independent of the table (so a missing table entry shows up as a
// mismatch rather than as an instruction that is never generated); so does fpctl (MRS/MSR FPCR and
// FPSR). A SIMD group whose table has no implemented entry yet is unavailable (groupUnavailable):
// callers skip it with a note.
//
// Rules that keep a stream meaningful under both QEMU and ArmLab:
//  - branches go forward only, to the start of a later unit or to the end marker; BR/BLR/RET get
//    their target from an ADR just before them;
//  - a load/store's base register is set by MOVZ/MOVK just before it, so that the access (after
//    its offset, extension and shift) falls inside the data buffer; SP as a base is 16-byte aligned;
//    register-offset forms get their Rm the same way, with random bits where the extension ignores them;
//  - encodings whose result the architecture leaves CONSTRAINED UNPREDICTABLE are not emitted
//    (writeback with Rt == Rn, LDP with Rt == Rt2, STXR with Rs == Rt or Rn, ...), nor is a
//    store-exclusive whose outcome depends on monitor details the architecture leaves open;
//  - the stream never leaves user mode: no SVC/HVC/BRK, no privileged system registers; DC/IC by
//    address get an address in the buffer the same way loads and stores do.
import { Rng, edgeU64, edgeV128 } from './prng';
import * as A from './a64';
import { A64_TABLE, decodeIndex, implementedEntries, fillEntry, setBits } from './table';
import { ldstForm, simdLdstForm, branchForm, reservedImmediate, type LdstForm } from './forms';
import { STREAM_BASE, BUF_BASE, BUF_SIZE, CODE_BASE, type TestProgram, type Unit } from './image';

/** A differential group: one of FIXED_GROUPS, or a SIMD&FP decode-table group found in the table. */
export type Group = string;
/** The groups with rules of their own (and the SIMD&FP table groups known when this was written). */
const FIXED_GROUPS: Group[] = ['dp_imm', 'dp_reg', 'ldst', 'branch', 'system', 'mixed', 'simd_ldst', 'simd_3', 'simd_2', 'fp_simple', 'fp_arith', 'crypto', 'fpctl', 'simd_mixed', 'undef'];
/** Decode groups the fixed groups cover by other names (or that hold no instruction: the catch-all). */
const COVERED_ELSEWHERE = new Set<string>(['system', 'fpsimd']);
/**
 * SIMD&FP decode-table groups with implemented entries that no fixed group draws from: the FP/SIMD
 * tables grow by new .decode files, and each new one is generated 'as is' (like simd_3) under its
 * table name, before 'undef', with no change here. (A group that needs rules, like addresses for
 * loads and stores, must be added to FIXED_GROUPS with them.)
 */
const DISCOVERED_GROUPS: Group[] = [
  ...new Set(A64_TABLE.filter((e) => !e.unalloc && !e.unimpl && !FIXED_GROUPS.includes(e.group) && !COVERED_ELSEWHERE.has(e.group)).map((e) => e.group)),
];
export const GROUPS: readonly Group[] = [...FIXED_GROUPS.slice(0, -1), ...DISCOVERED_GROUPS, 'undef'];
/** The groups 'mixed' draws from. */
const MIXED_FROM: Group[] = ['dp_imm', 'dp_reg', 'ldst', 'branch', 'system'];
/** The SIMD&FP groups that come straight from a decode table group of the same name. */
const SIMD_TABLE_GROUPS: Group[] = ['simd_ldst', 'simd_3', 'simd_2', 'fp_simple', 'fp_arith', 'crypto', ...DISCOVERED_GROUPS];
/** Groups whose instructions interpret V registers as floating-point numbers: more FP specials. */
const FP_GROUPS: Group[] = ['fp_simple', 'fp_arith', ...DISCOVERED_GROUPS.filter((g) => /(^|_)fp(_|$)/.test(g))];
/** The SIMD&FP groups, for `run.ts --group simd`. */
export const SIMD_GROUPS: readonly Group[] = [...SIMD_TABLE_GROUPS, 'fpctl', 'simd_mixed'];
/**
 * The groups 'simd_mixed' draws from (those available): values cross between X and V registers
 * (UMOV/INS/FMOV), and memory between integer and SIMD&FP loads/stores.
 */
const SIMD_MIXED_FROM: Group[] = ['dp_imm', 'dp_reg', 'ldst', ...SIMD_TABLE_GROUPS, 'fpctl'];

/**
 * FPCR and FPSR bits the initial state and MSR FPCR/FPSR may set: the ones an AArch64-only ARMv8.0
 * CPU without FP16 or FP exception trapping keeps (FPCR AHP, DN, FZ, RMode; FPSR QC and the
 * cumulative flags IDC, IXC, UFC, OFC, DZC, IOC). qemu-aarch64 -cpu cortex-a57 also keeps the
 * AArch32-only FPCR.Len/Stride (0x00370000) and FPSR.N/Z/C/V (0xf0000000), because that CPU has
 * AArch32; ArmLab has none and treats them as RES0, so the generator leaves them 0 (see
 * docs/differential-testing.md, Limits).
 */
export const FPCR_BITS = 0x07c0_0000;
export const FPSR_BITS = 0x0800_009f;
const FPCR_AARCH32 = 0x0037_0000;
const FPSR_AARCH32 = 0xf000_0000;

/**
 * Why a group cannot be generated from the current decode table (null when it can): a SIMD group
 * whose table does not exist yet, or has no implemented entry yet. Such a group is skipped, with
 * this note, rather than failed.
 */
export function groupUnavailable(group: Group): string | null {
  if (!unavailableCache.has(group)) unavailableCache.set(group, whyUnavailable(group));
  return unavailableCache.get(group) ?? null;
}
const unavailableCache = new Map<Group, string | null>();

function whyUnavailable(group: Group): string | null {
  if (group === 'simd_mixed') {
    return SIMD_TABLE_GROUPS.some((g) => !groupUnavailable(g)) ? null : `group simd_mixed: none of ${SIMD_TABLE_GROUPS.join(', ')} has an implemented entry yet`;
  }
  if (!SIMD_TABLE_GROUPS.includes(group)) return null;
  if (implementedEntries(group).length) return null;
  const exists = A64_TABLE.some((e) => e.group === group);
  return exists
    ? `group ${group}: its decode table has no implemented entry yet (only UNALLOC_*/!unimpl lines)`
    : `group ${group}: no src/core/decode/*-${group}.decode table yet`;
}

const M64 = (1n << 64n) - 1n;

/** Why candidate words were thrown away (reported by the CLI, to see what the rules cost). */
export interface GenStats {
  generated: Map<string, number>;
  rejected: Map<string, number>;
}

export function newStats(): GenStats {
  return { generated: new Map(), rejected: new Map() };
}

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

type Monitor = { state: 'open' } | { state: 'tagged'; addr: number; bytes: number } | { state: 'unknown' };

/** A branch offset to patch once every unit's address is known. */
interface Fixup {
  unit: number;
  word: number; // index in the unit's words
  kind: 'branch' | 'adr';
  lsb: number;
  width: number;
  targetUnit: number; // == units.length for the end marker
  entry: number; // the table entry the patched word must still decode to (-1: don't check)
}

class Builder {
  readonly units: Unit[] = [];
  readonly fixups: Fixup[] = [];
  words = 0;
  monitor: Monitor = { state: 'open' };
  /** Units that a forward branch may skip: exclusives are kept out of streams with branches. */
  haveBranches = false;

  constructor(
    readonly rng: Rng,
    readonly len: number,
    readonly stats: GenStats,
  ) {}

  get pc(): number {
    return STREAM_BASE + 4 * this.words;
  }

  push(u: Unit): void {
    this.units.push(u);
    this.words += u.words.length;
    bump(this.stats.generated, u.entry);
  }

  reject(why: string): null {
    bump(this.stats.rejected, why);
    return null;
  }
}

// ---- table-driven candidates --------------------------------------------------------------------

/** A word for a random implemented entry of `group` that decodes back to it, with its entry index. */
function candidate(b: Builder, entries: number[]): { word: number; entry: number } | null {
  const entry = b.rng.pick(entries);
  const e = A64_TABLE[entry];
  // The SIMD&FP tables have no should-be bits: their '-' bits are operands too (see fillEntry).
  const dontCare = SIMD_TABLE_GROUPS.includes(e.group);
  for (let tries = 0; tries < 8; tries++) {
    const w = fillEntry(b.rng, e, dontCare);
    const got = decodeIndex(w);
    if (got !== entry) {
      b.reject(`${e.name}: fields made it decode as ${got < 0 ? 'nothing' : A64_TABLE[got].name}`);
      continue;
    }
    if (reservedImmediate(w)) {
      b.reject(`${e.name}: reserved immediate`);
      continue;
    }
    return { word: w, entry };
  }
  return null;
}

const entryCache = new Map<string, number[]>();
function entriesOf(group: string): number[] {
  let list = entryCache.get(group);
  if (!list) {
    list = implementedEntries(group);
    entryCache.set(group, list);
  }
  return list;
}

// ---- data processing: anything in the group, as is -------------------------------------------

function genDp(b: Builder, group: string): Unit | null {
  const entries = entriesOf(group);
  if (entries.length === 0) return b.reject(`${group}: no implemented entries in the decode table`);
  const c = candidate(b, entries);
  if (!c) return null;
  const unit = { words: [c.word], entry: A64_TABLE[c.entry].name };
  if (SIMD_TABLE_GROUPS.includes(group) && b.rng.chance(0.15)) {
    // An FPSR probe first: FPSR.QC and the cumulative FP flags are sticky, so the end state only
    // shows the first instruction that sets one. MRS Xk, FPSR keeps what the instructions since the
    // last probe set (in a random X register, compared at the end unless overwritten), and
    // MSR FPSR, XZR starts the next window.
    unit.words.unshift(A.mrs(b.rng.below(31), A.SYSREG_FPSR), A.msr(A.SYSREG_FPSR, 31));
    bump(b.stats.generated, '(FPSR probe)');
  }
  return unit;
}

// ---- branches --------------------------------------------------------------------------------

/** How many units ahead a branch may go, given the field width and the longest unit (in words). */
function maxHop(width: number): number {
  const maxUnitWords = 10;
  const reach = width === 0 ? 1 << 18 : 2 ** (width - 1) - 1;
  return Math.max(1, Math.floor(reach / maxUnitWords));
}

function pickTarget(b: Builder, width: number): number {
  const here = b.units.length;
  const end = b.len; // the end marker's unit index
  const hop = Math.min(end - here, maxHop(width));
  // Mostly short hops, so that most of the stream still runs; now and then a long one. (Branches near
  // the end reach the end marker; a jump straight to the end from anywhere would skip too much.)
  const r = b.rng.below(100);
  let ahead: number;
  if (r < 25) ahead = 1; // the next unit: taken or not, the same path (only X30 may tell)
  else if (r < 85) ahead = 2 + b.rng.below(2);
  else if (r < 97) ahead = 4 + b.rng.below(8);
  else ahead = 12 + b.rng.below(52);
  return here + Math.min(ahead, hop);
}

function genBranch(b: Builder): Unit | null {
  const entries = entriesOf('branch');
  if (entries.length === 0) return b.reject('branch: no implemented entries in the decode table');
  const c = candidate(b, entries);
  if (!c) return null;
  let w = c.word;
  const f = branchForm(w);
  const name = A64_TABLE[c.entry].name;
  if (!f) return b.reject(`${name}: not a branch this generator knows how to aim`);
  const unitIndex = b.units.length;
  b.haveBranches = true;
  if (f.kind === 'reg') {
    // BR/BLR/RET Xn, with Xn = ADR of a later unit. XZR (31) would branch to 0.
    let rn = f.rn;
    if (rn === 31) rn = b.rng.below(31);
    w = setBits(w, 9, 5, rn);
    if (decodeIndex(w) !== c.entry) return b.reject(`${name}: Rn changed its decoding`);
    b.fixups.push({ unit: unitIndex, word: 0, kind: 'adr', lsb: 0, width: 21, targetUnit: pickTarget(b, 0), entry: -1 });
    return { words: [A.adr(rn, 0), w], entry: name };
  }
  b.fixups.push({ unit: unitIndex, word: 0, kind: 'branch', lsb: f.lsb, width: f.width, targetUnit: pickTarget(b, f.width), entry: c.entry });
  return { words: [w], entry: name };
}

function applyFixups(b: Builder): void {
  const starts: number[] = [];
  let addr = STREAM_BASE;
  for (const u of b.units) {
    starts.push(addr);
    addr += 4 * u.words.length;
  }
  starts.push(addr); // the end marker
  for (const f of b.fixups) {
    const u = b.units[f.unit];
    const at = starts[f.unit] + 4 * f.word;
    const offset = starts[f.targetUnit] - at;
    if (f.kind === 'adr') {
      u.words[f.word] = A.adr(u.words[f.word] & 31, offset);
      continue;
    }
    const imm = offset / 4;
    if (imm <= 0 || imm >= 2 ** (f.width - 1)) throw new Error(`branch offset ${imm} does not fit ${f.width} bits`);
    const w = setBits(u.words[f.word], f.lsb + f.width - 1, f.lsb, imm);
    if (f.entry >= 0 && decodeIndex(w) !== f.entry) throw new Error(`patched branch 0x${w.toString(16)} no longer decodes as ${A64_TABLE[f.entry].name}`);
    u.words[f.word] = w;
  }
}

// ---- loads and stores ----------------------------------------------------------------------------

const HOT = 256; // half of the accesses go to the first HOT bytes, so loads see earlier stores

function pickAddress(b: Builder, bytes: number, align: number): number {
  const span = b.rng.chance(0.5) ? HOT : BUF_SIZE;
  const off = b.rng.below(span - bytes + 1);
  return BUF_BASE + off - (off % align);
}

function signExtend32(v: bigint): bigint {
  return BigInt.asUintN(64, BigInt.asIntN(32, v));
}

/** The offset a register-offset form adds for Rm = v: ExtendReg(Rm, option, shift). */
function extendOffset(v: bigint, option: number, shift: number): bigint {
  let e: bigint;
  if (option === 0b010) e = v & 0xffff_ffffn; // UXTW
  else if (option === 0b110) e = signExtend32(v & 0xffff_ffffn); // SXTW
  else e = v; // LSL (UXTX), SXTX
  return (e << BigInt(shift)) & M64;
}

function overlaps(a: number, an: number, b: number, bn: number): boolean {
  return a < b + bn && b < a + an;
}

function genLdst(b: Builder, group: 'ldst' | 'simd_ldst'): Unit | null {
  const entries = entriesOf(group);
  if (entries.length === 0) return b.reject(`${group}: no implemented entries in the decode table`);
  const c = candidate(b, entries);
  if (!c) return null;
  const name = A64_TABLE[c.entry].name;
  let w = c.word;
  let f = group === 'ldst' ? ldstForm(w) : simdLdstForm(w);
  if (!f) return b.reject(`${name}: not an ${group === 'ldst' ? 'integer' : 'SIMD&FP'} load/store form of ARMv8.0`);
  // Should-be-one fields of the exclusives and acquire/release: make them ones.
  if (f.kind === 'exclusive' || f.kind === 'ordered') {
    if (f.rs < 0) w = setBits(w, 20, 16, 31);
    if (f.regs === 1) w = setBits(w, 14, 10, 31);
    if (decodeIndex(w) !== c.entry) return b.reject(`${name}: should-be-one bits changed its decoding`);
    f = ldstForm(w) as LdstForm;
  }
  const rn = f.rn;
  // CONSTRAINED UNPREDICTABLE register combinations.
  if (!f.vector && f.writeback !== 'none' && rn !== 31 && (rn === f.rt || rn === f.rt2)) return b.reject(`${name}: writeback with Rn == Rt`);
  if (f.load && f.regs === 2 && f.rt === f.rt2) return b.reject(`${name}: load pair with Rt == Rt2`);
  if (f.rs >= 0 && (f.rs === f.rt || f.rs === f.rt2 || (f.rs === rn && rn !== 31))) return b.reject(`${name}: store-exclusive status register overlaps`);
  if (f.rm >= 0 && f.rm === rn) return b.reject(`${name}: Rm == Rn`);
  if (f.kind === 'exclusive' && b.haveBranches) return b.reject(`${name}: exclusive in a stream with branches`);

  const bytes = f.size * f.regs;
  const words: number[] = [];
  let target: number;
  if (f.kind === 'literal') {
    // PC-relative: aim at the buffer, or now and then at code already emitted.
    const pc = b.pc; // no helper words: the literal load is the unit's only word
    target = b.rng.chance(0.2) ? CODE_BASE + 4 * b.rng.below((pc - CODE_BASE) / 4) : pickAddress(b, bytes, 4);
    const imm = (target - pc) / 4;
    w = setBits(w, 23, 5, imm & 0x7ffff);
    if (decodeIndex(w) !== c.entry) return b.reject(`${name}: offset changed its decoding`);
    words.push(w);
  } else {
    // Store-exclusives: succeed only exactly where the last load-exclusive tagged, fail when the
    // monitor is open; anything else is left open by the architecture.
    let forced: number | null = null;
    if (f.kind === 'exclusive' && f.store) {
      const m = b.monitor;
      if (m.state === 'unknown') return b.reject(`${name}: exclusive monitor state unknown`);
      if (m.state === 'tagged') {
        if (m.bytes !== bytes) return b.reject(`${name}: size differs from the load-exclusive`);
        forced = m.addr;
        bump(b.stats.generated, '(store-exclusive that must succeed)');
      } else bump(b.stats.generated, '(store-exclusive that must fail)');
    }
    const align = f.aligned ? bytes : b.rng.chance(0.5) ? f.size : 1;
    target = forced ?? pickAddress(b, bytes, align);
    // The offset the instruction adds to its base register.
    let rmValue = 0n;
    let offset = 0n;
    if (f.rm >= 0) {
      if (f.rm !== 31) {
        rmValue = b.rng.chance(0.5) ? BigInt(b.rng.range(-64, 64)) & M64 : edgeU64(b.rng);
        // Random upper bits where UXTW/SXTW ignore them.
        if (f.option === 0b010 || f.option === 0b110) rmValue = (rmValue & 0xffff_ffffn) | (b.rng.u64() & 0xffff_ffff_0000_0000n);
      }
      // A post-indexed structure access adds Rm after the access.
      offset = f.writeback === 'post' ? 0n : extendOffset(rmValue, f.option, f.shift);
    } else if (f.writeback !== 'post') {
      offset = BigInt.asUintN(64, BigInt(f.imm));
    }
    let base = BigInt.asUintN(64, BigInt(target) - offset);
    if (rn === 31) {
      // SP as a base must be 16-byte aligned: move the access down (or up) with it.
      const mis = Number(base & 15n);
      base -= BigInt(mis);
      target -= mis;
      if (target < BUF_BASE) {
        base += 16n;
        target += 16;
      }
      if (target + bytes > BUF_BASE + BUF_SIZE || target < BUF_BASE) return b.reject(`${name}: no aligned SP base reaches the buffer`);
      if (forced !== null && target !== forced) return b.reject(`${name}: tagged address is not SP-aligned`);
      if (f.aligned && target % bytes !== 0) return b.reject(`${name}: alignment`);
      const busy = new Set([f.rt, f.rt2, f.rm, f.rs]);
      let tmp = b.rng.below(31);
      while (busy.has(tmp)) tmp = b.rng.below(31);
      words.push(...A.movImm64(tmp, base), A.addImm(31, tmp, 0));
    } else {
      words.push(...A.movImm64(rn, base));
    }
    if (f.rm >= 0 && f.rm !== 31) words.push(...A.movImm64(f.rm, rmValue));
    words.push(w);
  }

  // What this access does to the exclusive monitor (plain loads leave it alone).
  if (f.kind === 'exclusive') b.monitor = f.load ? { state: 'tagged', addr: target, bytes } : { state: 'open' };
  else if (f.store && b.monitor.state === 'tagged' && overlaps(target, bytes, b.monitor.addr, b.monitor.bytes)) b.monitor = { state: 'unknown' };
  return { words, entry: name };
}

// ---- system instructions legal at EL0 ----------------------------------------------------------

function genSystem(b: Builder): Unit {
  const r = b.rng;
  const rt = (): number => (r.chance(0.1) ? 31 : r.below(31));
  const k = r.below(100);
  if (k < 12) return { words: [A.NOP], entry: 'NOP' };
  if (k < 20) return { words: [A.hint(1)], entry: 'YIELD' };
  if (k < 28) {
    // The rest of the hint space: SEV, SEVL and the hints later extensions gave meaning to (PAC,
    // BTI, ESB, CSDB, ...), all NOPs on an ARMv8.0 CPU. Not WFE (2) or WFI (3).
    let imm = r.below(128);
    while (imm === 2 || imm === 3) imm = r.below(128);
    return { words: [A.hint(imm)], entry: `HINT #${imm}` };
  }
  if (k < 34) return { words: [A.barrier(A.DMB_OP2, r.below(16))], entry: 'DMB' };
  if (k < 40) return { words: [A.barrier(A.DSB_OP2, r.below(16))], entry: 'DSB' };
  if (k < 45) return { words: [A.barrier(A.ISB_OP2, r.below(16))], entry: 'ISB' };
  if (k < 50) {
    b.monitor = { state: 'open' };
    return { words: [A.barrier(A.CLREX_OP2, r.below(16))], entry: 'CLREX' };
  }
  if (k < 62) return { words: [A.msr(A.SYSREG_NZCV, rt())], entry: 'MSR NZCV' };
  if (k < 74) return { words: [A.mrs(rt(), A.SYSREG_NZCV)], entry: 'MRS NZCV' };
  if (k < 82) return { words: [A.msr(A.SYSREG_TPIDR_EL0, rt())], entry: 'MSR TPIDR_EL0' };
  if (k < 90) return { words: [A.mrs(rt(), A.SYSREG_TPIDR_EL0)], entry: 'MRS TPIDR_EL0' };
  if (k < 93) return { words: [A.mrs(rt(), A.SYSREG_TPIDRRO_EL0)], entry: 'MRS TPIDRRO_EL0' };
  if (k < 94) {
    // The identification registers Linux lets EL0 read directly (SCTLR_EL1.UCT, CNTKCTL_EL1.EL0VCTEN),
    // with values fixed by the CPU model (Cortex-A57) and the board (a 62.5 MHz counter, as QEMU's).
    const [key, name] = r.pick([[A.SYSREG_DCZID_EL0, 'MRS DCZID_EL0'], [A.SYSREG_CTR_EL0, 'MRS CTR_EL0'], [A.SYSREG_CNTFRQ_EL0, 'MRS CNTFRQ_EL0']] as const);
    return { words: [A.mrs(rt(), key)], entry: name };
  }
  // Cache maintenance by address, allowed at EL0 under Linux (SCTLR_EL1.UCI, DZE): an address in the
  // buffer, set just before. DC ZVA zeroes its 64-byte block; the others change nothing visible.
  const xt = r.below(31);
  const addr = BUF_BASE + r.below(BUF_SIZE);
  const set = A.movImm64(xt, BigInt(addr));
  if (k < 97) {
    const block = addr - (addr % A.DC_ZVA_BYTES);
    if (b.monitor.state === 'tagged' && overlaps(block, A.DC_ZVA_BYTES, b.monitor.addr, b.monitor.bytes)) b.monitor = { state: 'unknown' };
    return { words: [...set, A.dcZva(xt)], entry: 'DC ZVA' };
  }
  const [op, name] = r.pick([[A.dcCvac, 'DC CVAC'], [A.dcCvau, 'DC CVAU'], [A.dcCivac, 'DC CIVAC'], [A.icIvau, 'IC IVAU']] as const);
  return { words: [...set, op(xt)], entry: name };
}

// ---- FPCR and FPSR ------------------------------------------------------------------------------------

/**
 * MRS/MSR of FPCR and FPSR (legal at EL0, CPACR_EL1.FPEN open as under Linux). The value an MSR
 * writes is set by MOVZ/MOVK just before it: random, RES0 bits included (both sides must drop them),
 * but never the AArch32-only fields (FPCR_AARCH32, FPSR_AARCH32). A quarter of the units come from
 * the SIMD data-processing groups when the table has them, so the saturating instructions' FPSR.QC
 * is read, cleared and set again in one stream.
 */
function genFpctl(b: Builder): Unit | null {
  const r = b.rng;
  const simd = SIMD_TABLE_GROUPS.filter((g) => g !== 'simd_ldst' && entriesOf(g).length > 0);
  if (simd.length && r.chance(0.25)) return genDp(b, r.pick(simd));
  const rt = r.chance(0.1) ? 31 : r.below(31);
  const k = r.below(4);
  const reg = k < 2 ? A.SYSREG_FPCR : A.SYSREG_FPSR;
  const name = k < 2 ? 'FPCR' : 'FPSR';
  if (k % 2 === 1) return { words: [A.mrs(rt, reg)], entry: `MRS ${name}` };
  if (rt === 31) return { words: [A.msr(reg, 31)], entry: `MSR ${name}` };
  const keep = k < 2 ? FPCR_BITS : FPSR_BITS;
  const never = BigInt(k < 2 ? FPCR_AARCH32 : FPSR_AARCH32);
  // Mostly the register's own bits (random), sometimes everything else too.
  let v = r.chance(0.7) ? BigInt(r.u32() & keep) : r.u64();
  v &= ~never;
  return { words: [...A.movImm64(rt, v), A.msr(reg, rt)], entry: `MSR ${name}` };
}

// ---- unallocated encodings ------------------------------------------------------------------------

/**
 * A word ArmLab's table says is UNDEFINED: one inside an UNALLOC_* hole of the table, or one no
 * entry matches at all. QEMU must raise SIGILL for it too; if QEMU executes it, the table has a hole
 * where ARMv8.0 has an instruction. (The FP/SIMD space, an !unimpl entry for now, is left out.)
 */
function genHole(b: Builder): Unit | null {
  if (b.rng.chance(0.7)) {
    // A decode group first, then one of its holes: the SIMD&FP tables have many more holes than
    // the integer ones, which would otherwise hardly be drawn.
    const byGroup = holeEntries();
    const k = b.rng.pick(b.rng.pick([...byGroup.values()]));
    const e = A64_TABLE[k];
    const w = ((e.value & e.mask) | (b.rng.u32() & ~e.mask)) >>> 0;
    if (decodeIndex(w) !== k) return b.reject(`${e.name}: an earlier entry matches first`);
    return { words: [w], entry: e.name };
  }
  const w = b.rng.u32();
  if (decodeIndex(w) !== -1) return b.reject('random word: decodes to an entry');
  return { words: [w], entry: '(no entry)' };
}

let holeCache: Map<string, number[]> | undefined;
/** The UNALLOC_* entries of the table, by group. */
function holeEntries(): Map<string, number[]> {
  if (!holeCache) {
    holeCache = new Map();
    A64_TABLE.forEach((e, k) => {
      if (e.unalloc) holeCache!.set(e.group, [...(holeCache!.get(e.group) ?? []), k]);
    });
  }
  return holeCache;
}

// ---- programs --------------------------------------------------------------------------------------

function genUnit(b: Builder, group: Group): Unit | null {
  switch (group) {
    case 'dp_imm':
    case 'dp_reg':
      return genDp(b, group);
    case 'ldst':
    case 'simd_ldst':
      return genLdst(b, group);
    case 'simd_3':
    case 'simd_2':
    case 'fp_simple':
    case 'fp_arith':
    case 'crypto': // AES, SHA-1, SHA-256 (80-crypto.decode): any word of the group, random operands
      return genDp(b, group);
    case 'fpctl':
      return genFpctl(b);
    case 'branch':
      return genBranch(b);
    case 'system':
      return genSystem(b);
    case 'mixed':
      return genUnit(b, b.rng.pick(MIXED_FROM));
    case 'simd_mixed':
      return genUnit(b, b.rng.pick(SIMD_MIXED_FROM.filter((g) => !groupUnavailable(g))));
    case 'undef':
      return genHole(b);
    default:
      if (SIMD_TABLE_GROUPS.includes(group)) return genDp(b, group);
      throw new Error(`unknown group ${group}; groups: ${GROUPS.join(', ')}`);
  }
}

/** The seed label of program `index` of a campaign: the whole program follows from it. */
export function programLabel(group: string, seed: number, index: number): string {
  return `${group}/${seed}/${index}`;
}

/**
 * Generates the program named by (group, seed, index), with `len` instructions under test. An
 * 'undef' program is a single instruction (it ends there with SIGILL), whatever `len` says.
 */
export function generateProgram(group: Group, seed: number, index: number, len: number, stats: GenStats = newStats()): TestProgram {
  if (group === 'undef') len = 1;
  const why = groupUnavailable(group);
  if (why) throw new Error(why);
  const label = programLabel(group, seed, index);
  const rng = new Rng(label);
  const init0 = {
    x: Array.from({ length: 31 }, () => edgeU64(rng)),
    sp: edgeU64(rng) & ~15n,
    nzcv: rng.below(16) << 28,
    tpidr: edgeU64(rng),
  };
  const buffer = rng.bytes(BUF_SIZE);
  const v = Array.from({ length: 32 }, () => edgeV128(rng, FP_GROUPS.includes(group)));
  // FPCR: half the programs in the default mode (round to nearest, no FZ/DN), the others random.
  const fpcr = rng.chance(0.5) ? 0 : rng.u32() & FPCR_BITS;
  const fpsr = rng.chance(0.5) ? 0 : rng.u32() & FPSR_BITS;
  const init = { ...init0, v, fpcr: fpcr >>> 0, fpsr: fpsr >>> 0 };
  const b = new Builder(rng, len, stats);
  let failures = 0;
  while (b.units.length < len) {
    const u = genUnit(b, group);
    if (u) {
      b.push(u);
      failures = 0;
    } else if (++failures > 10_000) {
      throw new Error(`${label}: the generator cannot make any instruction for group ${group} (see the rejection reasons)`);
    }
  }
  applyFixups(b);
  return { group, label, units: b.units, init, buffer };
}
