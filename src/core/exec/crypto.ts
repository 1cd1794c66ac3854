// The ARMv8.0 Cryptographic Extension (Arm ARM C7.2 AESE ... SHA256SU1, and the shared pseudocode
// AESSubBytes/AESShiftRows/AESMixColumns, SHA1/SHA256 hash functions). Decode: 80-crypto.decode.
// PMULL/PMULL2 with 64-bit elements (the extension's polynomial multiply) lives with the 8-bit PMULL
// in simd_3.ts.
//
// Every operand is read from the register file before Vd is written, so Vd may alias Vn or Vm, as the
// pseudocode's `operand = V[n]` reads do.
import { rn, rd, rm } from "../generated/fields_crypto";
import { vAddr, vLo, vHi, setVq, setVd } from "../state";

// ---- AES ------------------------------------------------------------------------------------------

// The S-box and its inverse (FIPS-197 5.1.1): filled on first use from their definition, the
// multiplicative inverse in GF(2^8) followed by the affine transform. 256 bytes each.
const AES_SBOX: usize = memory.data(256);
const AES_INV_SBOX: usize = memory.data(256);
// The 16-byte AES state between the steps of one instruction (byte i = bits 8i+7:8i of the operand).
const AES_STATE: usize = memory.data(16, 16);
let aesTablesReady = false;

/** Multiplication by x (that is, {02}) in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
@inline function xtime(b: u32): u32 {
  return ((b << 1) ^ (0x1b & (0 - (b >> 7)))) & 0xff;
}

/** a * b in GF(2^8). */
function gfMul(a: u32, b: u32): u32 {
  let r: u32 = 0;
  for (let k = 0; k < 8; k++) {
    if ((b >> k) & 1) r ^= a;
    a = xtime(a);
  }
  return r;
}

function fillAesTables(): void {
  for (let b: u32 = 0; b < 256; b++) {
    // b^254 is b's inverse (b^255 = 1 for b != 0), and 0 for b = 0 as the S-box wants.
    let inv: u32 = 1;
    let p = b;
    for (let e: u32 = 254; e != 0; e >>= 1) {
      if (e & 1) inv = gfMul(inv, p);
      p = gfMul(p, p);
    }
    // The affine transform: s = inv ^ rotl8(inv, 1..4) ^ 0x63.
    const r = inv | (inv << 8);
    const s = (inv ^ (r >> 7) ^ (r >> 6) ^ (r >> 5) ^ (r >> 4) ^ 0x63) & 0xff;
    store<u8>(AES_SBOX + b, <u8>s);
    store<u8>(AES_INV_SBOX + s, <u8>b);
  }
  aesTablesReady = true;
}

/**
 * AESE (inverse = false): AESSubBytes(AESShiftRows(V[d] EOR V[n])); AESD: AESInvSubBytes(
 * AESInvShiftRows(V[d] EOR V[n])). The state is column-major (byte i is row i MOD 4 of column i DIV 4),
 * so ShiftRows moves byte 5i MOD 16 to byte i, and InvShiftRows byte 13i MOD 16 (5 * 13 = 1 mod 16).
 * SubBytes works byte by byte, so the two commute and one pass does both.
 */
function aesRound(i: u32, inverse: bool): void {
  if (!aesTablesReady) fillAesTables();
  const d = rd(i), n = rn(i);
  store<u64>(AES_STATE, vLo(d) ^ vLo(n));
  store<u64>(AES_STATE, vHi(d) ^ vHi(n), 8);
  const box = inverse ? AES_INV_SBOX : AES_SBOX;
  const step: u32 = inverse ? 13 : 5;
  let lo: u64 = 0, hi: u64 = 0;
  for (let b: u32 = 0; b < 16; b++) {
    const v = <u64>load<u8>(box + <usize>load<u8>(AES_STATE + ((b * step) & 15)));
    if (b < 8) lo |= v << (<u64>b << 3);
    else hi |= v << (<u64>(b - 8) << 3);
  }
  setVq(d, lo, hi);
}

export function AESE(i: u32): void { aesRound(i, false); }
export function AESD(i: u32): void { aesRound(i, true); }

/**
 * AESMC: V[d] = AESMixColumns(V[n]); AESIMC (inverse): AESInvMixColumns. Column c is bytes 4c..4c+3
 * (rows 0-3), multiplied by the circulant matrix (02 03 01 01), or (0E 0B 0D 09) for the inverse.
 */
function aesMix(i: u32, inverse: bool): void {
  const n = rn(i);
  store<u64>(AES_STATE, vLo(n));
  store<u64>(AES_STATE, vHi(n), 8);
  let lo: u64 = 0, hi: u64 = 0;
  for (let c: u32 = 0; c < 4; c++) {
    const col = load<u32>(AES_STATE + (c << 2));
    let out: u32 = 0;
    for (let r: u32 = 0; r < 4; r++) {
      // in0 is this row's byte, in1..in3 the next rows' bytes (wrapping) of the same column.
      const in0 = (col >> (r << 3)) & 0xff;
      const in1 = (col >> (((r + 1) & 3) << 3)) & 0xff;
      const in2 = (col >> (((r + 2) & 3) << 3)) & 0xff;
      const in3 = (col >> (((r + 3) & 3) << 3)) & 0xff;
      let v: u32;
      if (!inverse) {
        // 02*in0 + 03*in1 + in2 + in3
        v = xtime(in0) ^ xtime(in1) ^ in1 ^ in2 ^ in3;
      } else {
        // 0E*in0 + 0B*in1 + 0D*in2 + 09*in3, from the powers x, x^2, x^3 of each byte.
        const a2 = xtime(in0), a4 = xtime(a2), a8 = xtime(a4);
        const b2 = xtime(in1), b8 = xtime(xtime(b2));
        const c4 = xtime(xtime(in2)), c8 = xtime(c4);
        const d8 = xtime(xtime(xtime(in3)));
        v = (a8 ^ a4 ^ a2) ^ (b8 ^ b2 ^ in1) ^ (c8 ^ c4 ^ in2) ^ (d8 ^ in3);
      }
      out |= v << (r << 3);
    }
    if (c < 2) lo |= <u64>out << (<u64>c << 5);
    else hi |= <u64>out << (<u64>(c - 2) << 5);
  }
  setVq(rd(i), lo, hi);
}

export function AESMC(i: u32): void { aesMix(i, false); }
export function AESIMC(i: u32): void { aesMix(i, true); }

// ---- SHA helpers -----------------------------------------------------------------------------------

/** SHAchoose: bits of y where x is 1, of z where x is 0. */
@inline function SHAchoose(x: u32, y: u32, z: u32): u32 { return ((y ^ z) & x) ^ z; }
/** SHAparity */
@inline function SHAparity(x: u32, y: u32, z: u32): u32 { return x ^ y ^ z; }
/** SHAmajority: each bit is the majority of x, y and z. */
@inline function SHAmajority(x: u32, y: u32, z: u32): u32 { return (x & y) | ((x | y) & z); }
@inline function SHAhashSIGMA0(x: u32): u32 { return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22); }
@inline function SHAhashSIGMA1(x: u32): u32 { return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25); }

/** 32-bit element e of Vn. */
@inline function lane(n: u32, e: u32): u32 { return load<u32>(vAddr(n) + (e << 2)); }
@inline function pair(a: u32, b: u32): u64 { return <u64>a | (<u64>b << 32); }

// ---- SHA-1 -----------------------------------------------------------------------------------------

const F_CHOOSE: u32 = 0, F_PARITY: u32 = 1, F_MAJORITY: u32 = 2;

/**
 * SHA1C/SHA1P/SHA1M: four rounds of the SHA-1 hash update. X = V[d] holds (a, b, c, d) in elements
 * 0-3, Y = S[n] is e, and the four W + K words are the elements of V[m]. After each round
 * <Y, X> = ROL(Y : X, 32) rotates the five working words by one element.
 */
function sha1hash(i: u32, f: u32): void {
  const d = rd(i), w = rm(i);
  let x0 = lane(d, 0), x1 = lane(d, 1), x2 = lane(d, 2), x3 = lane(d, 3);
  let y = lane(rn(i), 0);
  for (let e: u32 = 0; e < 4; e++) {
    const t = f == F_CHOOSE ? SHAchoose(x1, x2, x3) : f == F_PARITY ? SHAparity(x1, x2, x3) : SHAmajority(x1, x2, x3);
    y = y + rotl<u32>(x0, 5) + t + lane(w, e);
    x1 = rotl<u32>(x1, 30);
    const top = x3;
    x3 = x2;
    x2 = x1;
    x1 = x0;
    x0 = y;
    y = top;
  }
  setVq(d, pair(x0, x1), pair(x2, x3));
}

export function SHA1C(i: u32): void { sha1hash(i, F_CHOOSE); }
export function SHA1P(i: u32): void { sha1hash(i, F_PARITY); }
export function SHA1M(i: u32): void { sha1hash(i, F_MAJORITY); }

/** SHA1H: S[d] = ROL(S[n], 30) (the fixed rotate of the e word), the rest of Vd cleared. */
export function SHA1H(i: u32): void {
  setVd(rd(i), <u64>rotl<u32>(lane(rn(i), 0), 30));
}

/** SHA1SU0: (V[n]<63:0> : V[d]<127:64>) EOR V[d] EOR V[m], the first step of the schedule update. */
export function SHA1SU0(i: u32): void {
  const d = rd(i), n = rn(i), m = rm(i);
  const dLo = vLo(d), dHi = vHi(d);
  setVq(d, dHi ^ dLo ^ vLo(m), vLo(n) ^ dHi ^ vHi(m));
}

/**
 * SHA1SU1: T = V[d] EOR LSR(V[n], 32); each element of T rotated left by 1, and the top one also
 * EOR ROL(T<31:0>, 2) (the dependency on the word computed in the same step).
 */
export function SHA1SU1(i: u32): void {
  const d = rd(i), n = rn(i);
  const t0 = lane(d, 0) ^ lane(n, 1), t1 = lane(d, 1) ^ lane(n, 2);
  const t2 = lane(d, 2) ^ lane(n, 3), t3 = lane(d, 3); // LSR(V[n], 32) has zero in its top element
  const w0 = rotl<u32>(t0, 1), w1 = rotl<u32>(t1, 1), w2 = rotl<u32>(t2, 1);
  const w3 = rotl<u32>(t3, 1) ^ rotl<u32>(t0, 2);
  setVq(d, pair(w0, w1), pair(w2, w3));
}

// ---- SHA-256 ---------------------------------------------------------------------------------------

/**
 * SHA256hash(X, Y, W, part1): four rounds of the SHA-256 hash update on X = (a, b, c, d) and
 * Y = (e, f, g, h), with the W + K words in V[w]. After each round <Y, X> = ROL(Y : X, 32) rotates the
 * eight words by one element. SHA256H (part1) returns X, SHA256H2 returns Y.
 */
function sha256hash(xr: u32, yr: u32, w: u32, part1: bool): void {
  let x0 = lane(xr, 0), x1 = lane(xr, 1), x2 = lane(xr, 2), x3 = lane(xr, 3);
  let y0 = lane(yr, 0), y1 = lane(yr, 1), y2 = lane(yr, 2), y3 = lane(yr, 3);
  for (let e: u32 = 0; e < 4; e++) {
    const chs = SHAchoose(y0, y1, y2);
    const maj = SHAmajority(x0, x1, x2);
    const t = y3 + SHAhashSIGMA1(y0) + chs + lane(w, e);
    x3 = t + x3;
    y3 = t + SHAhashSIGMA0(x0) + maj;
    const topY = y3, topX = x3;
    y3 = y2;
    y2 = y1;
    y1 = y0;
    y0 = topX;
    x3 = x2;
    x2 = x1;
    x1 = x0;
    x0 = topY;
  }
  // The result goes to Vd, which is X for SHA256H and Y for SHA256H2.
  if (part1) setVq(xr, pair(x0, x1), pair(x2, x3));
  else setVq(yr, pair(y0, y1), pair(y2, y3));
}

export function SHA256H(i: u32): void { sha256hash(rd(i), rn(i), rm(i), true); }
export function SHA256H2(i: u32): void { sha256hash(rn(i), rd(i), rm(i), false); }

/** The message schedule's small sigma0 and sigma1 (FIPS 180-4 4.1.2). */
@inline function sigma0(x: u32): u32 { return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3); }
@inline function sigma1(x: u32): u32 { return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10); }

/** SHA256SU0: T = V[n]<31:0> : V[d]<127:32>; element e = sigma0(T[e]) + V[d][e]. */
export function SHA256SU0(i: u32): void {
  const d = rd(i), n = rn(i);
  const d0 = lane(d, 0), d1 = lane(d, 1), d2 = lane(d, 2), d3 = lane(d, 3);
  const r0 = sigma0(d1) + d0, r1 = sigma0(d2) + d1, r2 = sigma0(d3) + d2, r3 = sigma0(lane(n, 0)) + d3;
  setVq(d, pair(r0, r1), pair(r2, r3));
}

/**
 * SHA256SU1: T0 = V[m]<31:0> : V[n]<127:32>; element e = sigma1(T1[e]) + V[d][e] + T0[e], where T1 is
 * V[m]<127:64> for elements 0-1 and the result's own elements 0-1 for elements 2-3.
 */
export function SHA256SU1(i: u32): void {
  const d = rd(i), n = rn(i), m = rm(i);
  const t00 = lane(n, 1), t01 = lane(n, 2), t02 = lane(n, 3), t03 = lane(m, 0);
  const r0 = sigma1(lane(m, 2)) + lane(d, 0) + t00;
  const r1 = sigma1(lane(m, 3)) + lane(d, 1) + t01;
  const r2 = sigma1(r0) + lane(d, 2) + t02;
  const r3 = sigma1(r1) + lane(d, 3) + t03;
  setVq(d, pair(r0, r1), pair(r2, r3));
}
