// The Cryptographic Extension (src/core/exec/crypto.ts, and PMULL 1Q in simd_3.ts): known answers from
// FIPS-197 (one AES round step by step) and FIPS 180-4 (SHA-1 and SHA-256 of "abc", driven through
// the instructions one at a time), the unallocated holes of the crypto spaces, the SIMD&FP trap,
// ID_AA64ISAR0_EL1, and a differential run of every instruction on random and edge operands against
// qemu-aarch64 -cpu cortex-a57 (which has the extension).
import { describe, it, expect } from 'vitest';
import { haveBinutils, haveQemu, assemble } from '../helpers/cross';
import { useVCore, vstate, runCore, runQemu, diffCore, expectUndefined, expectFpTrap, show, pack, M64, M128, type VState } from '../helpers/vcases';

useVCore();

// The cross tools assemble with `.arch armv8-a`; the crypto mnemonics need the extension named.
const CRYPTO_ARCH = '.arch armv8-a+crypto';
/** The words of asms, crypto mnemonics allowed (the directive emits nothing). */
const assembleCrypto = (asms: string[]): number[] => assemble(asms.map((a, n) => (n === 0 ? `${CRYPTO_ARCH}\n${a}` : a)));
/** An instruction for runQemu's source, crypto mnemonics allowed. */
const qemuAsm = (asm: string): string => `${CRYPTO_ARCH}\n${asm}`;

const B = (...v: number[]): bigint => pack(8, v);
const S = (...v: (number | bigint)[]): bigint => pack(32, v);
const D = (...v: bigint[]): bigint => pack(64, v);

/** Junk in every V register a case does not set, so a stray write shows. */
const junkV = (n: number): bigint => (0x0f1e2d3c4b5a6978_8796a5b4c3d2e1f0n * BigInt(n + 3)) & M128;
const BASE = vstate({ v: Array.from({ length: 32 }, (_, n) => junkV(n)) });
const withV = (regs: Record<number, bigint>): VState => {
  const s = vstate(BASE);
  for (const [n, v] of Object.entries(regs)) s.v[Number(n)] = v & M128;
  return s;
};
const hexBytes = (s: string): number[] => s.split(' ').map((x) => parseInt(x, 16));

// ---- Known answers ------------------------------------------------------------------------------------

interface Case {
  asm: string;
  word: number;
  in: Record<number, bigint>;
  out: Record<number, bigint>; // the registers that change
}

// FIPS-197 Appendix B, round 1: the input block, the first round key, and the state after each step.
const INPUT = B(...hexBytes('32 43 f6 a8 88 5a 30 8d 31 31 98 a2 e0 37 07 34'));
const KEY0 = B(...hexBytes('2b 7e 15 16 28 ae d2 a6 ab f7 15 88 09 cf 4f 3c'));
const START1 = B(...hexBytes('19 3d e3 be a0 f4 e2 2b 9a c6 8d 2a e9 f8 48 08'));
const SHIFTED1 = B(...hexBytes('d4 bf 5d 30 e0 b4 52 ae b8 41 11 f1 1e 27 98 e5'));
const MIXED1 = B(...hexBytes('04 66 81 e5 e0 cb 19 9a 48 f8 d3 7a 28 06 26 4c'));

const CASES: Case[] = [
  // AESE: AddRoundKey, SubBytes, ShiftRows.
  { asm: 'aese v0.16b, v1.16b', word: 0x4e284820, in: { 0: INPUT, 1: KEY0 }, out: { 0: SHIFTED1 } },
  // AESD with a zero key undoes ShiftRows and SubBytes.
  { asm: 'aesd v0.16b, v1.16b', word: 0x4e285820, in: { 0: SHIFTED1, 1: 0n }, out: { 0: START1 } },
  { asm: 'aesmc v2.16b, v0.16b', word: 0x4e286802, in: { 0: SHIFTED1 }, out: { 2: MIXED1 } },
  { asm: 'aesimc v2.16b, v0.16b', word: 0x4e287802, in: { 0: MIXED1 }, out: { 2: SHIFTED1 } },
  // S-box corners: S(00) = 63, S(ff) = 16, S(53) = ed (FIPS-197 5.1.1); ShiftRows keeps byte 0.
  { asm: 'aese v3.16b, v4.16b', word: 0x4e284883, in: { 3: B(0x53), 4: 0n }, out: { 3: B(0xed, ...Array(15).fill(0x63)) } },
  { asm: 'aese v3.16b, v3.16b', word: 0x4e284863, in: { 3: M128 }, out: { 3: B(...Array(16).fill(0x63)) } },
  // SHA1H: ROL(S[n], 30), the rest of Vd cleared.
  { asm: 'sha1h s0, s1', word: 0x5e280820, in: { 1: S(0x80000001, 5, 6, 7) }, out: { 0: S(0x60000000) } },
  // SHA1SU0: (Vn<63:0> : Vd<127:64>) EOR Vd EOR Vm.
  { asm: 'sha1su0 v0.4s, v1.4s, v2.4s', word: 0x5e023020, in: { 0: S(1, 2, 4, 8), 1: S(0x10, 0x20, 0x40, 0x80), 2: S(0x100, 0x200, 0x400, 0x800) }, out: { 0: S(0x105, 0x20a, 0x414, 0x828) } },
  // PMULL 1Q: (x^63 + 1) * (x^63 + x) = x^126 + x^64 + x^63 + x, and PMULL2 on the upper halves.
  { asm: 'pmull v0.1q, v1.1d, v2.1d', word: 0x0ee2e020, in: { 1: D(0x8000000000000001n, 7n), 2: D(0x8000000000000002n, 9n) }, out: { 0: (1n << 126n) | (1n << 64n) | (1n << 63n) | 2n } },
  { asm: 'pmull2 v0.1q, v1.2d, v2.2d', word: 0x4ee2e020, in: { 1: D(5n, M64), 2: D(3n, M64) }, out: { 0: 0x5555555555555555_5555555555555555n } },
];

describe('known answers', () => {
  it.each(CASES.map((k) => [k.asm, k] as const))('%s', (_, k) => {
    const got = runCore(k.word, withV(k.in));
    expect(show(got)).toEqual(show(withV({ ...k.in, ...k.out })));
  });
  it.skipIf(!haveBinutils)('encodings agree with aarch64-linux-gnu-as', () => {
    const words = assembleCrypto(CASES.map((k) => k.asm));
    expect(CASES.map((k, n) => `${k.asm}: ${words[n].toString(16)}`)).toEqual(CASES.map((k) => `${k.asm}: ${k.word.toString(16)}`));
  });
  it.skipIf(!haveQemu)('expectations agree with qemu-aarch64', () => {
    const got = runQemu(CASES.map((k) => ({ asm: qemuAsm(k.asm), states: [withV(k.in)] })));
    CASES.forEach((k, n) => expect(show(got[n][0]), k.asm).toEqual(show(withV({ ...k.in, ...k.out }))));
  });
});

// ---- Whole hashes, one instruction at a time -----------------------------------------------------------

/** Runs the instructions in order on the core from s, with `before` adjusting the state ahead of each. */
function runAll(words: Map<string, number>, steps: { asm: string; before?: (s: VState) => void }[], s: VState): VState {
  for (const step of steps) {
    step.before?.(s);
    const word = words.get(step.asm);
    if (word === undefined) throw new Error(`not assembled: ${step.asm}`);
    s = runCore(word, s);
  }
  return s;
}
/** Encodings for these instructions, from the cross assembler. */
function encodings(asms: string[]): Map<string, number> {
  const uniq = [...new Set(asms)];
  const words = assembleCrypto(uniq);
  return new Map(uniq.map((a, n) => [a, words[n]]));
}

// The single block of "abc": the message, the 0x80 pad byte, and the length (24 bits), as 16
// big-endian words.
const ABC_BLOCK = [0x61626380, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 24];
const add32 = (a: bigint, b: bigint): bigint => {
  let r = 0n;
  for (let e = 0n; e < 4n; e++) r |= ((((a >> (32n * e)) & 0xffffffffn) + ((b >> (32n * e)) & 0xffffffffn)) & 0xffffffffn) << (32n * e);
  return r;
};

describe('whole hashes through the instructions', () => {
  it.skipIf(!haveBinutils)('SHA-256("abc") with SHA256H/SHA256H2/SHA256SU0/SHA256SU1 (FIPS 180-4 B.1)', () => {
    // The round constants: the first 32 bits of the fractional parts of the cube roots of the first
    // 64 primes (FIPS 180-4 4.2.2), computed rather than copied.
    const primes: number[] = [];
    for (let p = 2; primes.length < 64; p++) if (primes.every((q) => p % q !== 0)) primes.push(p);
    const K = primes.map((p) => {
      // floor(frac(cbrt(p)) * 2^32) exactly: the largest x with x^3 <= p * 2^96, minus the integer part.
      const target = BigInt(p) << 96n;
      let x = BigInt(Math.floor(Math.cbrt(p) * 2 ** 32));
      while (x ** 3n > target) x--;
      while ((x + 1n) ** 3n <= target) x++;
      return x & 0xffffffffn;
    });
    const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    // V0-V3: the message schedule; V4 = ABCD, V5 = EFGH; V6 = W + K; V7 = K; V8 = a copy of ABCD.
    const s0 = vstate({ v: [S(...ABC_BLOCK.slice(0, 4)), S(...ABC_BLOCK.slice(4, 8)), S(...ABC_BLOCK.slice(8, 12)), S(...ABC_BLOCK.slice(12)), S(...H0.slice(0, 4)), S(...H0.slice(4)), 0n, 0n, 0n] });
    const steps: { asm: string; before?: (s: VState) => void }[] = [];
    for (let g = 0; g < 16; g++) {
      const r = g % 4;
      steps.push({ asm: `add v6.4s, v${r}.4s, v7.4s`, before: (s) => void (s.v[7] = S(...K.slice(4 * g, 4 * g + 4))) });
      steps.push({ asm: 'mov v8.16b, v4.16b' }, { asm: 'sha256h q4, q5, v6.4s' }, { asm: 'sha256h2 q5, q8, v6.4s' });
      // W[4g+16..4g+19] replaces W[4g..4g+3], which this group was the last to use.
      if (g < 12) steps.push({ asm: `sha256su0 v${r}.4s, v${(r + 1) % 4}.4s` }, { asm: `sha256su1 v${r}.4s, v${(r + 2) % 4}.4s, v${(r + 3) % 4}.4s` });
    }
    const end = runAll(encodings(steps.map((x) => x.asm)), steps, s0);
    const abcd = add32(end.v[4], S(...H0.slice(0, 4)));
    const efgh = add32(end.v[5], S(...H0.slice(4)));
    expect([abcd, efgh].map((v) => v.toString(16).padStart(32, '0'))).toEqual([
      S(0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223).toString(16).padStart(32, '0'),
      S(0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad).toString(16).padStart(32, '0'),
    ]);
  });

  it.skipIf(!haveBinutils)('SHA-1("abc") with SHA1C/SHA1P/SHA1M/SHA1H/SHA1SU0/SHA1SU1 (FIPS 180-4 A.1)', () => {
    const K = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6];
    const H0 = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
    // V0-V3: the schedule; V4 = ABCD, S5 = E; V6 = W + K; V7 = K; S9 = the next E.
    const s0 = vstate({ v: [S(...ABC_BLOCK.slice(0, 4)), S(...ABC_BLOCK.slice(4, 8)), S(...ABC_BLOCK.slice(8, 12)), S(...ABC_BLOCK.slice(12)), S(...H0.slice(0, 4)), S(H0[4]), 0n, 0n, 0n, 0n] });
    const steps: { asm: string; before?: (s: VState) => void }[] = [];
    for (let g = 0; g < 20; g++) {
      const r = g % 4;
      const f = g < 5 ? 'sha1c' : g < 10 || g >= 15 ? 'sha1p' : 'sha1m';
      steps.push({ asm: `add v6.4s, v${r}.4s, v7.4s`, before: (s) => void (s.v[7] = S(...Array(4).fill(K[Math.floor(g / 5)]))) });
      // After four rounds E is the old A rotated by 30.
      steps.push({ asm: 'sha1h s9, s4' }, { asm: `${f} q4, s5, v6.4s` }, { asm: 'mov v5.16b, v9.16b' });
      if (g < 16) steps.push({ asm: `sha1su0 v${r}.4s, v${(r + 1) % 4}.4s, v${(r + 2) % 4}.4s` }, { asm: `sha1su1 v${r}.4s, v${(r + 3) % 4}.4s` });
    }
    const end = runAll(encodings(steps.map((x) => x.asm)), steps, s0);
    const abcd = add32(end.v[4], S(...H0.slice(0, 4)));
    const e = (end.v[5] + BigInt(H0[4])) & 0xffffffffn;
    expect([abcd.toString(16), e.toString(16)]).toEqual([S(0xa9993e36, 0x4706816a, 0xba3e2571, 0x7850c26c).toString(16), (0x9cd0d89dn).toString(16)]);
  });
});

// ---- Unallocated, traps, identification -------------------------------------------------------------------

const UNDEF: [number, string][] = [
  [0x4e280820, 'AES opcode 00000'],
  [0x4e288820, 'AES opcode 01000'],
  [0x4e684820, 'AESE with size 01'],
  [0x4ea85820, 'AESD with size 10'],
  [0x5e027020, 'three-register SHA opcode 111'],
  [0x5e420020, 'SHA1C with size 01'],
  [0x5e028020, 'three-register SHA with bit 15 set'],
  [0x5e283820, 'two-register SHA opcode 00011'],
  [0x5e288820, 'two-register SHA opcode 01000'],
  [0x5e680820, 'SHA1H with size 01'],
  [0x0e62e020, 'PMULL size 01'],
  [0x4ea2e020, 'PMULL2 size 10'],
  [0x2ee2e020, 'PMULL 1Q with U = 1'],
  [0xcec08000, 'SHA512H (ARMv8.2 SHA512)'],
  [0xce000000, 'EOR3 (ARMv8.2 SHA3)'],
  [0xcec08400, 'SM3/SM4 space (ARMv8.2)'],
];

describe('unallocated encodings', () => {
  it.each(UNDEF.map(([w, what]) => [w.toString(16), what, w] as const))('%s (%s) is UNDEFINED, not unimplemented', (_, __, w) => expectUndefined(w));
});

describe('SIMD&FP access trap', () => {
  it('with CPACR_EL1.FPEN = 0 the crypto instructions trap with EC 0x07 before they run', () => {
    expectFpTrap([0x4e284820 /* aese */, 0x4e286802 /* aesmc */, 0x5e020020 /* sha1c */, 0x5e280820 /* sha1h */, 0x5e024020 /* sha256h */, 0x0ee2e020 /* pmull 1q */]);
  });
});

describe('ID_AA64ISAR0_EL1', () => {
  it('reports AES = 2 (with PMULL), SHA1 = 1, SHA2 = 1, CRC32 = 1 and nothing else', () => {
    const s = runCore(0xd5380600 /* mrs x0, id_aa64isar0_el1 */, vstate({ v: [], x: [0n] }));
    const field = (lsb: number): bigint => (s.x[0] >> BigInt(lsb)) & 15n;
    expect([field(4), field(8), field(12), field(16)]).toEqual([2n, 1n, 1n, 1n]);
    expect(s.x[0]).toBe(0x11120n);
  });
});

// ---- Differential run against qemu-aarch64 ------------------------------------------------------------

const DIFF: string[] = [
  'aese v0.16b, v1.16b', 'aesd v0.16b, v1.16b', 'aesmc v0.16b, v1.16b', 'aesimc v0.16b, v1.16b',
  'aese v2.16b, v2.16b', 'aesd v3.16b, v3.16b', 'aesmc v2.16b, v2.16b', 'aesimc v3.16b, v3.16b',
  'sha1c q0, s1, v2.4s', 'sha1p q0, s1, v2.4s', 'sha1m q0, s1, v2.4s', 'sha1su0 v0.4s, v1.4s, v2.4s',
  'sha256h q0, q1, v2.4s', 'sha256h2 q0, q1, v2.4s', 'sha256su1 v0.4s, v1.4s, v2.4s',
  'sha1h s0, s1', 'sha1su1 v0.4s, v1.4s', 'sha256su0 v0.4s, v1.4s',
  // Destination aliasing a source.
  'sha1c q2, s2, v2.4s', 'sha1m q0, s1, v0.4s', 'sha1su0 v0.4s, v0.4s, v1.4s', 'sha1su0 v1.4s, v0.4s, v1.4s',
  'sha256h q0, q1, v0.4s', 'sha256h q3, q3, v3.4s', 'sha256h2 q0, q1, v1.4s', 'sha256h2 q2, q2, v3.4s',
  'sha256su1 v0.4s, v0.4s, v0.4s', 'sha1h s2, s2', 'sha1su1 v3.4s, v3.4s', 'sha256su0 v1.4s, v1.4s',
  'pmull v0.1q, v1.1d, v2.1d', 'pmull2 v0.1q, v1.2d, v2.2d', 'pmull v1.1q, v1.1d, v1.1d', 'pmull2 v3.1q, v2.2d, v3.2d',
  'pmull v0.8h, v1.8b, v2.8b', 'pmull2 v0.8h, v1.16b, v2.16b',
];

/** A small deterministic generator (xorshift64*) so a failure reproduces. */
let seed = 0x2545f4914f6cdd1dn;
function rand64(): bigint {
  seed ^= seed >> 12n;
  seed ^= (seed << 25n) & M64;
  seed ^= seed >> 27n;
  return (seed * 0x2545f4914f6cdd1dn) & M64;
}
const EDGE32 = [0n, 1n, 0xffffffffn, 0x80000000n, 0x7fffffffn, 0x80000001n, 0xfffffffen, 0x00ff00ffn, 0x5a827999n];
const EDGE64 = [0n, 1n, M64, 1n << 63n, (1n << 63n) - 1n, (1n << 63n) | 1n, 0xffff_ffffn, 0xffff_ffff_0000_0000n, 0x5555_5555_5555_5555n];
const pick = (a: bigint[]): bigint => a[Number(rand64() % BigInt(a.length))];

/** A 128-bit value: random, 32-bit edge lanes, 64-bit edge halves, or a single set bit. */
function value128(kind: number): bigint {
  if (kind === 0) return rand64() | (rand64() << 64n);
  if (kind === 1) return S(pick(EDGE32), pick(EDGE32), pick(EDGE32), pick(EDGE32));
  if (kind === 2) return D(pick(EDGE64), pick(EDGE64));
  return 1n << (rand64() % 128n);
}

describe('differential against qemu-aarch64', () => {
  it.skipIf(!haveQemu)(`${DIFF.length} forms x 12 operand sets`, () => {
    const words = assembleCrypto(DIFF);
    const kinds = [0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 0, 1];
    const groups = DIFF.map((asm, n) => ({
      asm: qemuAsm(asm),
      word: words[n],
      states: kinds.map((k) => vstate({ v: Array.from({ length: 4 }, () => value128(k)) })),
    }));
    const bad = diffCore(groups, runQemu(groups));
    expect(bad.slice(0, 30)).toEqual([]);
  });
});
