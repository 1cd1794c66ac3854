// Runs programs on both sides, compares, bisects a mismatch to its shortest failing prefix and
// formats a report an engineer can act on.
import { buildImage, truncateProgram, type Image, type TestProgram } from './image';
import { runArmLab, type StartMode } from './armlab';
import { runQemu, qemuAvailable } from './qemu';
import { compareOutcomes, hex64, hex128, hex32, nzcvText, stopText, type Difference, type Outcome } from './outcome';
import { disassemble } from './disasm';
import { decodeName } from './table';

export interface Mismatch {
  program: TestProgram;
  image: Image;
  expected: Outcome;
  got: Outcome;
  diffs: Difference[];
  /** The shortest failing prefix, when QEMU was available to find it. */
  bisect?: Bisection;
}

export interface Bisection {
  /** Units kept: the culprit is unit keep - 1. */
  keep: number;
  image: Image;
  expected: Outcome;
  got: Outcome;
  diffs: Difference[];
  /** QEMU's state just before the culprit instruction (after its helper words). */
  before?: Outcome;
  runs: number;
}

export interface RunOptions {
  mode?: StartMode;
  /**
   * Changes the program ArmLab runs (QEMU runs the original): plants a known difference, so the
   * harness's own tests can check that it catches and bisects one. Must keep every unit's length.
   */
  plant?: (p: TestProgram) => TestProgram;
}

/** Runs p on ArmLab, or the planted variant of it. */
async function armlabSide(p: TestProgram, img: Image, opts: RunOptions): Promise<Outcome> {
  if (!opts.plant) return runArmLab(p, img, opts.mode);
  const q = opts.plant(p);
  return runArmLab(q, buildImage(q), opts.mode);
}

/** Compares ArmLab against an expected (QEMU) outcome; null when they agree. */
export async function checkAgainst(p: TestProgram, img: Image, expected: Outcome, opts: RunOptions = {}): Promise<{ mismatch: Mismatch | null; got: Outcome }> {
  const got = await armlabSide(p, img, opts);
  const diffs = compareOutcomes(expected, got, img.endPc);
  return { mismatch: diffs.length ? { program: p, image: img, expected, got, diffs } : null, got };
}

/** Runs one program on both QEMU and ArmLab; null when they agree. */
export async function checkLive(p: TestProgram, opts: RunOptions = {}): Promise<Mismatch | null> {
  const img = buildImage(p);
  const expected = await runQemu(img.elf);
  return (await checkAgainst(p, img, expected, opts)).mismatch;
}

/**
 * Finds the shortest prefix of the program's units that still mismatches (units after it become
 * BRK #END_MARK, so the layout, every address and every branch target stay the same).
 */
export async function bisect(m: Mismatch, opts: RunOptions = {}): Promise<Bisection | undefined> {
  if (!qemuAvailable()) return undefined;
  const p = m.program;
  let runs = 0;
  const cache = new Map<number, { image: Image; expected: Outcome; got: Outcome; diffs: Difference[] }>();
  const probe = async (keep: number, helpers = false): Promise<{ image: Image; expected: Outcome; got: Outcome; diffs: Difference[] }> => {
    const hit = helpers ? undefined : cache.get(keep);
    if (hit) return hit;
    const q = truncateProgram(p, keep, helpers);
    const image = buildImage(q);
    const expected = await runQemu(image.elf);
    const got = await armlabSide(q, image, opts);
    runs++;
    // Where the cut program ends: the BRK that replaced unit `keep` (or its instruction under test).
    const stopPc = keep >= p.units.length ? image.endPc : helpers ? image.unitMain[keep] : image.unitStart[keep];
    const r = { image, expected, got, diffs: compareOutcomes(expected, got, stopPc) };
    if (!helpers) cache.set(keep, r);
    return r;
  };
  cache.set(p.units.length, { image: m.image, expected: m.expected, got: m.got, diffs: m.diffs });
  let lo = 0; // assumed to agree (nothing run)
  let hi = p.units.length; // known to differ
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((await probe(mid)).diffs.length) hi = mid;
    else lo = mid;
  }
  const found = await probe(hi);
  // The state the culprit started from: everything before it, its own helper words included.
  const before = (await probe(hi - 1, true)).expected;
  return { keep: hi, ...found, before, runs };
}

// ---- reports ------------------------------------------------------------------------------------

const hex = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');

export interface ReportContext {
  group: string;
  seed: number;
  index: number;
  len: number;
}

/** The command that regenerates and re-checks exactly this program. */
export function reproCommand(c: ReportContext): string {
  return `npx tsx tests/diff/run.ts --group ${c.group} --seed ${c.seed} --from ${c.index} --count 1 --len ${c.len}`;
}

function diffTable(diffs: Difference[], limit = 12): string[] {
  const width = Math.max(26, ...diffs.slice(0, limit).map((d) => d.expected.length + 1));
  const rows = diffs.slice(0, limit).map((d) => `    ${d.what.padEnd(18)} ${d.expected.padEnd(width)} ${d.got}`);
  if (diffs.length > limit) rows.push(`    ... and ${diffs.length - limit} more`);
  return [`    ${'what'.padEnd(18)} ${'QEMU (expected)'.padEnd(width)} ArmLab (got)`, ...rows];
}

/** Registers an instruction's disassembly names, to show the state it started from. */
function namedRegisters(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\b([xw])([0-9]{1,2})\b|\b(sp|wsp)\b|\b(nzcv|fpsr|fpcr)\b|\b([vqdshb])([0-9]{1,2})\b/g)) {
    if (m[4]) names.add(m[4]);
    else if (m[3]) names.add('sp');
    else if (m[5]) names.add(`v${m[6]}`);
    else names.add(`x${m[2]}`);
  }
  // A register list {v1.16b-v4.16b} names the registers in between too.
  for (const m of text.matchAll(/\bv([0-9]{1,2})\.[0-9]*[bhsd]\s*-\s*v([0-9]{1,2})\./g)) {
    for (let r = Number(m[1]); r !== Number(m[2]); r = (r + 1) % 32) names.add(`v${r}`);
  }
  return [...names];
}

function regValue(o: Outcome, name: string): string {
  if (name === 'sp') return hex64(o.sp);
  if (name === 'nzcv') return nzcvText(o.nzcv);
  if (name === 'fpsr') return hex32(o.fpsr);
  if (name === 'fpcr') return hex32(o.fpcr);
  if (name.startsWith('v')) return hex128(o.v[Number(name.slice(1))]);
  const r = Number(name.slice(1));
  return r < 31 ? hex64(o.x[r]) : 'zr';
}

/** A listing of units [from, to) of a program, the instruction under test of unit `mark` flagged. */
function listing(p: TestProgram, img: Image, from: number, to: number, mark: number): string[] {
  const words: number[] = [];
  const addrs: number[] = [];
  const mains = new Set<number>();
  for (let u = from; u < to; u++) {
    p.units[u].words.forEach((w, k) => {
      addrs.push(img.unitStart[u] + 4 * k);
      words.push(w);
    });
    mains.add(img.unitMain[u]);
  }
  const text = disassemble(words, addrs[0] ?? 0);
  const markAddr = img.unitMain[mark];
  return words.map((w, k) => {
    const a = addrs[k];
    const flag = a === markAddr ? '>>' : '  ';
    const tag = mains.has(a) ? `   [${decodeName(w)}]` : '';
    return `  ${flag} ${hex(a)}  ${hex(w).slice(2)}  ${(text[k] || '(no disassembler)').padEnd(34)}${tag}`;
  });
}

export function formatMismatch(m: Mismatch, c: ReportContext): string {
  const p = m.program;
  const out: string[] = [];
  out.push(`MISMATCH  group ${c.group}  program ${p.label}  (${p.units.length} instructions under test)`);
  out.push(`  reproduce: ${reproCommand(c)}`);
  const b = m.bisect;
  if (b) {
    const culprit = b.keep - 1;
    const u = p.units[culprit];
    const main = u.words[u.words.length - 1];
    const [text] = disassemble([main], b.image.unitMain[culprit]);
    out.push(`  shortest failing prefix: ${b.keep} of ${p.units.length} units (${b.runs} bisection runs)`);
    out.push(`  culprit: unit #${culprit}, ${u.entry}: ${text || hex(main)}`);
    out.push(...listing(p, b.image, Math.max(0, culprit - 3), culprit + 1, culprit));
    if (b.before) {
      const regs = namedRegisters(text ?? '');
      if (!regs.includes('nzcv')) regs.push('nzcv');
      // SIMD&FP instructions: FPCR says how they round, FPSR.QC whether a saturation happened.
      if (regs.some((r) => r.startsWith('v')) && !regs.includes('fpsr')) regs.push('fpsr', 'fpcr');
      out.push(`  state before the culprit (QEMU): ${regs.map((r) => `${r}=${regValue(b.before!, r)}`).join('  ')}`);
    }
    out.push(`  after it:`);
    out.push(...diffTable(b.diffs));
  } else {
    out.push(`  (no bisection: qemu-aarch64 is not available; differences at the end of the whole program)`);
    out.push(`  QEMU: ${stopText(m.expected, m.image.endPc)};  ArmLab: ${stopText(m.got, m.image.endPc)}`);
    out.push(...diffTable(m.diffs));
    // Without QEMU, ArmLab's own stop is the best lead when it faulted inside the stream.
    const stopAt = Number(m.got.pc);
    const k = m.image.unitMain.indexOf(stopAt);
    if (k >= 0 && m.got.signal !== m.expected.signal) {
      out.push(`  ArmLab stopped at unit #${k}:`);
      out.push(...listing(p, m.image, Math.max(0, k - 2), k + 1, k));
    }
  }
  return out.join('\n');
}

/** One line per mismatch for summaries: the culprit's entry and the first difference. */
export function culpritOf(m: Mismatch): { entry: string; word: number; text: string; first: Difference } | undefined {
  const b = m.bisect;
  if (!b) return undefined;
  const u = m.program.units[b.keep - 1];
  const word = u.words[u.words.length - 1];
  const [text] = disassemble([word], b.image.unitMain[b.keep - 1]);
  return { entry: u.entry, word, text: text || hex(word), first: b.diffs[0] };
}
