// The board's MMIO bus: physical address ranges mapped to devices. RAM never comes here (the core
// serves it from linear memory); the core calls the bus only for addresses outside RAM. An access
// that no device claims returns null/false, and the core turns that into an external abort.
import type { Device } from '../devices/device';

export interface BusRegion {
  readonly base: number;
  readonly size: number;
  readonly device: Device;
}

export class Bus {
  private regions: BusRegion[] = [];
  private last: BusRegion | undefined;

  /** Maps `device` at [base, base + size). Overlapping another region is a board bug. */
  map(base: number, size: number, device: Device): void {
    for (const r of this.regions) {
      if (base < r.base + r.size && r.base < base + size) {
        throw new Error(`${device.name} at 0x${base.toString(16)} overlaps ${r.device.name} at 0x${r.base.toString(16)}`);
      }
    }
    this.regions.push({ base, size, device });
    this.regions.sort((a, b) => a.base - b.base);
  }

  get mapped(): readonly BusRegion[] {
    return this.regions;
  }

  /** The region that holds the whole access [pa, pa + size), if any. */
  private find(pa: number, size: number): BusRegion | undefined {
    const l = this.last;
    if (l && pa >= l.base && pa + size <= l.base + l.size) return l;
    for (const r of this.regions) {
      if (pa >= r.base && pa + size <= r.base + r.size) {
        this.last = r;
        return r;
      }
    }
    return undefined;
  }

  read(pa: number, size: number): bigint | null {
    const r = this.find(pa, size);
    return r ? r.device.read(pa - r.base, size) : null;
  }

  write(pa: number, size: number, value: bigint): boolean {
    const r = this.find(pa, size);
    if (!r) return false;
    r.device.write(pa - r.base, size, value);
    return true;
  }

  reset(): void {
    for (const r of this.regions) r.device.reset();
  }
}
