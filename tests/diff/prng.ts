// A small deterministic PRNG for the differential tests: xoshiro128** seeded through splitmix32.
// Everything a test program contains is drawn from one of these, so (group, seed, index) names a
// program exactly, on any machine and in any Node version. Never use Math.random in tests/diff.

/** splitmix32: turns any 32-bit seed (even 0) into well-mixed state words. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over a string: stable names for seeds ("ldst/7/3" -> a 32-bit number). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const st = { s: typeof seed === 'string' ? hashString(seed) : seed >>> 0 };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A uniform integer in [0, n) for 0 < n <= 2^32 (rejection sampling, so no modulo bias). */
  below(n: number): number {
    if (n <= 1) return 0;
    const limit = Math.floor(0x1_0000_0000 / n) * n;
    for (;;) {
      const v = this.u32();
      if (v < limit) return v % n;
    }
  }

  /** A uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() < p * 0x1_0000_0000;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick from an empty list');
    return items[this.below(items.length)];
  }

  /** A uniform 64-bit unsigned value. */
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.u32();
      for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (v >>> (8 * k)) & 0xff;
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

const M64 = (1n << 64n) - 1n;

/**
 * A 64-bit register value biased toward the edges where integer instructions go wrong: 0, 1, -1,
 * INT64_MIN/MAX, the 32-bit boundaries, small numbers, and values whose halves differ.
 */
export function edgeU64(rng: Rng): bigint {
  const r = rng.below(100);
  if (r < 40) return rng.u64();
  if (r < 70) {
    return rng.pick([
      0n, 1n, M64, 1n << 63n, (1n << 63n) - 1n, 0x8000_0000n, 0x7fff_ffffn, 0xffff_ffffn,
      0xffff_ffff_8000_0000n, 0x1_0000_0000n, 0xffff_ffff_0000_0000n, 0x8000_0000_0000_0001n, 2n, M64 - 1n,
      0x0000_0001_ffff_ffffn, 0x5555_5555_5555_5555n, 0xaaaa_aaaa_aaaa_aaaan,
    ]);
  }
  if (r < 80) return BigInt(rng.below(65));
  if (r < 88) return (M64 + 1n - BigInt(rng.range(1, 64))) & M64;
  if (r < 94) return BigInt(rng.u32());
  // A random 32-bit value, sign-extended: a W result as an X register would hold it.
  const w = rng.u32();
  return w & 0x8000_0000 ? (0xffff_ffff_0000_0000n | BigInt(w)) & M64 : BigInt(w);
}

/**
 * A value for an instruction field of `width` bits, biased toward 0, 1, all-ones, the sign bit and
 * (for shift-sized fields) 31, 32 and 63.
 */
export function edgeField(rng: Rng, width: number): number {
  const max = width >= 32 ? 0xffff_ffff : 2 ** width - 1;
  const r = rng.below(100);
  if (width <= 2 || r >= 45) return rng.below(max + 1);
  if (r < 10) return 0;
  if (r < 18) return 1;
  if (r < 28) return max;
  if (r < 34) return 2 ** (width - 1);
  if (r < 38) return 2 ** (width - 1) - 1;
  const special = [31, 32, 63, 15, 16].filter((v) => v <= max);
  return special.length ? rng.pick(special) : rng.below(max + 1);
}

/** Edge values of a `bits`-wide integer lane: 0, 1, all-ones, the signed extremes and their neighbours. */
function edgeLane(rng: Rng, bits: number, fp: boolean): bigint {
  const ones = (1n << BigInt(bits)) - 1n;
  const sign = 1n << BigInt(bits - 1);
  const r = fp && bits >= 16 ? rng.pick([0, 40, 80, 90, 95]) + rng.below(5) : rng.below(100);
  if (r < 40) return rng.u64() & ones;
  if (r < 80) return rng.pick([0n, 1n, ones, sign, sign - 1n, sign + 1n, ones - 1n, 2n, sign >> 1n]);
  if (fp && r < 85 && bits >= 32) {
    // A normal number near 1.0 (exponent within 8 of the bias), with a random fraction or a short
    // one (a few leading bits: exact sums and products, and ties when rounding), of either sign.
    const expBits = bits === 32 ? 8 : 11;
    const fracBits = BigInt(bits - 1 - expBits);
    const exp = BigInt((1 << (expBits - 1)) - 1 + rng.range(-8, 8));
    let frac = rng.u64() & ((1n << fracBits) - 1n);
    if (rng.chance(0.5)) frac &= ((1n << 4n) - 1n) << (fracBits - 4n);
    return (rng.chance(0.5) ? sign : 0n) | (exp << fracBits) | frac;
  }
  if (r < 90) return BigInt(rng.below(bits + 2)); // small: shift amounts, counts
  const special = fpSpecials[bits];
  if (!special) return rng.u64() & ones;
  if (r < 95) return rng.pick(special) ^ (rng.chance(0.3) ? sign : 0n);
  // A subnormal or a NaN with a random payload, of either sign.
  const expBits = bits === 16 ? 5 : bits === 32 ? 8 : 11;
  const frac = rng.u64() & ((1n << BigInt(bits - 1 - expBits)) - 1n);
  const exp = rng.chance(0.5) ? 0n : (1n << BigInt(expBits)) - 1n;
  return (rng.chance(0.5) ? sign : 0n) | (exp << BigInt(bits - 1 - expBits)) | (frac === 0n ? 1n : frac);
}

// Floating-point edges for the lane sizes that have a format: +-0, +-inf, a quiet and a signalling
// NaN, the smallest subnormal, the largest finite value, 1.0.
const fpSpecials: Record<number, bigint[]> = {
  16: [0x8000n, 0x7c00n, 0xfc00n, 0x7e00n, 0x7d00n, 0x0001n, 0x7bffn, 0x3c00n],
  32: [0x8000_0000n, 0x7f80_0000n, 0xff80_0000n, 0x7fc0_0000n, 0x7fa0_0000n, 0x0000_0001n, 0x7f7f_ffffn, 0x3f80_0000n],
  64: [1n << 63n, 0x7ff0n << 48n, 0xfff0n << 48n, 0x7ff8n << 48n, 0x7ff4n << 48n, 1n, 0x7fef_ffff_ffff_ffffn, 0x3ff0n << 48n],
};

/**
 * A 128-bit SIMD&FP register value: uniform random, a whole-register pattern (0, all-ones, the
 * sign bit alone, 0x7f.., alternating bits), or lanes of one size (8, 16, 32 or 64 bits), each a
 * lane edge value (maximum, minimum, signed extremes, small, FP specials) or random, sometimes the
 * same lane repeated (as DUP or MOVI would leave it), sometimes with the upper half zero (as any
 * scalar or 64-bit vector write leaves it).
 */
export function edgeV128(rng: Rng, fp = false): bigint {
  const all = (1n << 128n) - 1n;
  const r = rng.below(100);
  if (r < 25) return (rng.u64() << 64n) | rng.u64();
  if (r < 35) return rng.pick([0n, all, 1n << 127n, all >> 1n, 0x8000_0000_0000_0000n, 0x5555_5555_5555_5555_5555_5555_5555_5555n, 0xaaaa_aaaa_aaaa_aaaa_aaaa_aaaa_aaaa_aaaan]);
  const bits = fp ? rng.pick([32, 64]) : rng.pick([8, 16, 32, 64]);
  const repeat = rng.chance(0.2);
  let v = 0n;
  const first = edgeLane(rng, bits, fp);
  for (let k = 0; k < 128 / bits; k++) v |= (repeat ? first : edgeLane(rng, bits, fp)) << BigInt(k * bits);
  if (rng.chance(0.15)) v &= M64;
  return v;
}
