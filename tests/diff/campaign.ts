// A campaign: N generated programs of one group checked live against QEMU, with figures.
import { generateProgram, newStats, type Group, type GenStats } from './generator';
import { buildImage } from './image';
import { runQemu } from './qemu';
import { checkAgainst, bisect, type Mismatch, type RunOptions } from './harness';
import type { Difference } from './outcome';

export interface CampaignOptions extends RunOptions {
  group: Group;
  seed: number;
  from: number;
  count: number;
  len: number;
  /** QEMU processes in flight. */
  jobs?: number;
  /** Bisect at most this many mismatches (bisection costs ~log2(len) QEMU runs each). */
  bisectLimit?: number;
  onProgress?: (done: number, mismatches: number) => void;
}

export interface CampaignResult {
  group: Group;
  programs: number;
  /** Instructions under test in all programs. */
  instructions: number;
  /** Words in all streams, helpers included. */
  words: number;
  /** Instructions ArmLab executed (branches skip some; the end marker counts). */
  executed: number;
  /** Programs that stopped on a fault before their end (on QEMU). */
  faulted: number;
  /** Every mismatching program; the full Mismatch is kept only for the first bisectLimit ones. */
  mismatches: { index: number; m: Mismatch | null; first: Difference }[];
  /** Programs that could not be compared (QEMU died, the generator failed, ...). */
  errors: { index: number; error: string }[];
  stats: GenStats;
  seconds: number;
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const t0 = performance.now();
  const stats = newStats();
  const jobs = o.jobs ?? 2;
  const bisectLimit = o.bisectLimit ?? 5;
  const result: CampaignResult = { group: o.group, programs: 0, instructions: 0, words: 0, executed: 0, faulted: 0, mismatches: [], errors: [], stats, seconds: 0 };
  let next = o.from;
  const end = o.from + o.count;
  const one = async (index: number) => {
    const p = generateProgram(o.group, o.seed, index, o.len, stats);
    const img = buildImage(p);
    const expected = await runQemu(img.elf);
    const { mismatch: m, got } = await checkAgainst(p, img, expected, o);
    return { p, img, expected, m, got };
  };
  const worker = async (): Promise<void> => {
    while (next < end) {
      const index = next++;
      let step: Awaited<ReturnType<typeof one>>;
      try {
        step = await one(index);
      } catch (e) {
        result.errors.push({ index, error: e instanceof Error ? e.message : String(e) });
        continue;
      }
      const { p, img, expected, m, got } = step;
      result.programs++;
      result.executed += got.executed ?? 0;
      if (expected.signal !== 5 || expected.pc !== BigInt(img.endPc)) result.faulted++;
      result.instructions += p.units.length;
      result.words += p.units.reduce((n, u) => n + u.words.length, 0);
      if (m) {
        const keep = result.mismatches.length < bisectLimit;
        result.mismatches.push({ index, m: keep ? m : null, first: m.diffs[0] });
        if (keep) m.bisect = await bisect(m, o);
      }
      o.onProgress?.(result.programs, result.mismatches.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  result.mismatches.sort((a, b) => a.index - b.index);
  result.errors.sort((a, b) => a.index - b.index);
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}
