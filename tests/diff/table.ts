// ArmLab's decode table as data (src/core/generated/table.ts, written by `npm run gen`), with the
// same first-match-wins rule as the generated decoder.
import { A64_TABLE, type DecodeEntry } from '../../src/core/generated/table';
import type { Rng } from './prng';
import { edgeField } from './prng';

export { A64_TABLE, type DecodeEntry };

/** Index in A64_TABLE of the entry that decodes `word` (first match wins), or -1 if none does. */
export function decodeIndex(word: number): number {
  const w = word >>> 0;
  for (let k = 0; k < A64_TABLE.length; k++) {
    const e = A64_TABLE[k];
    if ((w & e.mask) >>> 0 === e.value) return k;
  }
  return -1;
}

/** Name of the entry that decodes word ("(none)" when nothing matches: UNDEFINED). */
export function decodeName(word: number): string {
  const k = decodeIndex(word);
  return k < 0 ? '(none)' : A64_TABLE[k].name;
}

/** The implemented entries of a group: not UNALLOC_* holes, not !unimpl. */
export function implementedEntries(group: string): number[] {
  const out: number[] = [];
  A64_TABLE.forEach((e, k) => {
    if (e.group === group && !e.unalloc && !e.unimpl) out.push(k);
  });
  return out;
}

export function tableGroups(): string[] {
  return [...new Set(A64_TABLE.map((e) => e.group))];
}

/**
 * The entry's fixed bits with every field filled by an edge-biased random value. '-' bits stay 0,
 * or with `dontCare` are random half the time (for tables whose '-' bits are operand bits the
 * pattern does not name, like the D-lane index of UMOV Xd, Vn.D[i], rather than should-be bits).
 */
export function fillEntry(rng: Rng, e: DecodeEntry, dontCare = false): number {
  let w = e.value >>> 0;
  if (dontCare && rng.chance(0.5)) {
    let free = ~e.mask >>> 0;
    for (const f of e.fields) free = (free & ~(((2 ** f.width - 1) * 2 ** f.lsb) >>> 0)) >>> 0;
    w = (w | (rng.u32() & free)) >>> 0;
  }
  for (const f of e.fields) {
    const v = edgeField(rng, f.width);
    w = (w & ~(((2 ** f.width - 1) * 2 ** f.lsb) >>> 0)) >>> 0;
    w = (w | ((v * 2 ** f.lsb) >>> 0)) >>> 0;
  }
  return w >>> 0;
}

/** Word with bits hi..lo replaced by v. */
export function setBits(w: number, hi: number, lo: number, v: number): number {
  const width = hi - lo + 1;
  const mask = ((2 ** width - 1) * 2 ** lo) >>> 0;
  return ((w & ~mask) | ((v * 2 ** lo) & mask)) >>> 0;
}
