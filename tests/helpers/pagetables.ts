// Builds AArch64 translation tables in a test core's RAM: stage 1 (any granule and TxSZ) and stage 2
// (VTCR_EL2.SL0 start levels with concatenated start tables). Descriptors follow the Arm ARM's VMSAv8-64
// formats (D8.3); the builder only places them, so tests say exactly which bits they want.
import type { Core } from '../../src/machine/core';

export type GranuleBits = 12 | 14 | 16;

// Stage 1 leaf attributes.
export const AF = 1n << 10n;
export const AP_EL1_RW = 0n << 6n;
export const AP_ALL_RW = 1n << 6n;
export const AP_EL1_RO = 2n << 6n;
export const AP_ALL_RO = 3n << 6n;
export const PXN = 1n << 53n;
export const UXN = 1n << 54n;
export const XN = UXN; // the EL2 regime's XN is bit 54 too
export const ATTR_NORMAL = 0n << 2n; // MAIR index 0 (tests program 0xff there)
export const ATTR_DEVICE = 1n << 2n; // MAIR index 1 (0x00, Device-nGnRnE)
export const SH_INNER = 3n << 8n;
/** MAIR value matching ATTR_NORMAL and ATTR_DEVICE. */
export const MAIR = 0x00ffn;

// Stage 2 leaf attributes.
export const S2AP_R = 1n << 6n;
export const S2AP_W = 2n << 6n;
export const S2_NORMAL = 0xfn << 2n; // MemAttr: Normal, Write-Back
export const S2_DEVICE = 0x1n << 2n; // MemAttr[3:2] = 0b00: Device-nGnRE
export const S2_XN = 1n << 54n;

export class Tables {
  readonly stride: number;
  readonly startLevel: number;
  /** Index bits resolved by the start level (more than stride with concatenated stage 2 tables). */
  readonly startBits: number;
  readonly root: number;
  private next: number;

  /**
   * `inputBits` = 64 - TxSZ. `pool` is the physical address where tables are allocated upwards.
   * `startLevel` fixes the start level (stage 2, where VTCR_EL2.SL0 chooses it); by default it is
   * the stage 1 one for inputBits.
   */
  constructor(private readonly core: Core, readonly g: GranuleBits, readonly inputBits: number, pool: number, startLevel?: number) {
    this.stride = g - 3;
    this.startLevel = startLevel ?? 4 - Math.ceil((inputBits - g) / this.stride);
    this.startBits = inputBits - (g + this.stride * (3 - this.startLevel));
    this.next = pool;
    this.root = this.alloc(this.startBits);
  }

  private alloc(bits: number): number {
    const size = 8 * 2 ** bits;
    const align = Math.max(size, 1 << this.g);
    this.next = Math.ceil(this.next / align) * align;
    const pa = this.next;
    this.next += Math.max(size, 1 << this.g);
    this.core.writePhys(pa, new Uint8Array(size));
    return pa;
  }

  private shift(level: number): number {
    return this.g + this.stride * (3 - level);
  }

  private read(pa: number): bigint {
    return new DataView(this.core.readPhys(pa, 8).buffer).getBigUint64(0, true);
  }

  write(pa: number, desc: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, desc, true);
    this.core.writePhys(pa, b);
  }

  /** Physical address of the descriptor for va at `level`, creating table descriptors above it. */
  slot(va: bigint, level: number): number {
    let table = this.root;
    for (let l = this.startLevel; ; l++) {
      const bits = l === this.startLevel ? this.startBits : this.stride;
      const idx = Number((va >> BigInt(this.shift(l))) & ((1n << BigInt(bits)) - 1n));
      const at = table + 8 * idx;
      if (l === level) return at;
      let d = this.read(at);
      if ((d & 3n) !== 3n) {
        const t = this.alloc(this.stride);
        d = BigInt(t) | 3n;
        this.write(at, d);
      }
      table = Number(d & 0x0000_ffff_ffff_f000n);
    }
  }

  /** Maps va -> pa with a leaf at `level` (3 = page, lower = block) and the given attribute bits. */
  map(va: bigint, pa: bigint, attrs: bigint, level = 3): void {
    this.write(this.slot(va, level), pa | attrs | (level === 3 ? 3n : 1n));
  }

  /** Size in bytes of what one descriptor at `level` maps. */
  blockSize(level: number): bigint {
    return 1n << BigInt(this.shift(level));
  }
}

/** TCR_EL1.TG0 / TG1 / VTCR_EL2.TG0 encodings of a granule. */
export const TG0: Record<GranuleBits, bigint> = { 12: 0n, 14: 2n, 16: 1n };
export const TG1: Record<GranuleBits, bigint> = { 12: 2n, 14: 1n, 16: 3n };
