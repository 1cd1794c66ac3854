// Live migration: pre-copy rounds while the guest keeps running, then a short stop-and-copy.
//
//   source                                   destination
//   begin()      -> full snapshot (RAM now; dirty logging from now on)   MigrationTarget.begin(...)
//   (guest runs)
//   round()      -> pages written since the last message                 target.applyPages(...)
//   ... until few pages are left (shouldStop) ...
//   finish()     -> last pages + CPU, GIC, devices (the guest is stopped) target.finish(...) -> Machine
//
// Messages are snapshot containers (docs/snapshot-format.md), so they are checksummed and versioned:
// a pages message has one PAGE section, the final one PAGE, CPU_, GIC_ and DEVS. The transport (a
// MessageChannel, a BroadcastChannel, a file) is the caller's. Warm migration is just begin() +
// finish() with the guest stopped in between.
import { Machine } from './machine';
import { encodeSnapshot, decodeSnapshot, SnapshotError, F_REQUIRED, F_DEFLATE, PAGE, type Section } from './snapshot';

export interface MigrationStats {
  /** Pre-copy rounds after the initial full copy. */
  rounds: number;
  /** Bytes of every message sent (compressed, as on the wire). */
  bytesSent: number;
  /** Pages sent by the rounds and the final copy. */
  pagesResent: number;
}

function pagesSection(m: Machine, pages: number[]): Section {
  const data = new Uint8Array(4 + pages.length * (4 + PAGE));
  const dv = new DataView(data.buffer);
  dv.setUint32(0, pages.length, true);
  const ram = m.core.ram;
  let off = 4;
  for (const p of pages) {
    dv.setUint32(off, p, true);
    data.set(ram.subarray(p * PAGE, (p + 1) * PAGE), off + 4);
    off += 4 + PAGE;
  }
  return { tag: 'PAGE', flags: F_REQUIRED | F_DEFLATE, data };
}

export class MigrationSource {
  readonly stats: MigrationStats = { rounds: 0, bytesSent: 0, pagesResent: 0 };
  /** Pages written since the previous message, as counted by the last round (for shouldStop). */
  lastRoundPages = Infinity;

  constructor(private readonly m: Machine) {}

  /** The first message: the whole machine, with dirty-page logging started at the same instant. */
  begin(): Uint8Array {
    this.m.core.startDirtyLog();
    const bytes = this.m.save();
    this.stats.bytesSent += bytes.length;
    return bytes;
  }

  /** A pre-copy round: the pages the guest wrote since the previous message (it keeps running after). */
  round(): Uint8Array {
    const pages = this.m.core.takeDirtyPages();
    this.lastRoundPages = pages.length;
    this.stats.rounds++;
    this.stats.pagesResent += pages.length;
    const bytes = encodeSnapshot([pagesSection(this.m, pages)]);
    this.stats.bytesSent += bytes.length;
    return bytes;
  }

  /** Whether another round is pointless: few pages are dirtied per round, or enough rounds were made. */
  shouldStop(maxRounds = 8, fewPages = 64): boolean {
    return this.stats.rounds >= maxRounds || this.lastRoundPages <= fewPages;
  }

  /**
   * Stop-and-copy: the last dirty pages and the CPU, GIC and device state. The caller must not run the
   * source machine between this and handing over (or, for a copy, may go on: both continue identically).
   */
  finish(): Uint8Array {
    const pages = this.m.core.takeDirtyPages();
    this.m.core.stopDirtyLog();
    this.stats.pagesResent += pages.length;
    const bytes = encodeSnapshot([pagesSection(this.m, pages), ...this.m.stateSections()]);
    this.stats.bytesSent += bytes.length;
    return bytes;
  }
}

export class MigrationTarget {
  private constructor(private readonly m: Machine) {}

  /** Builds the destination machine from the source's first message (it must not run yet). */
  static async begin(coreModule: WebAssembly.Module, first: Uint8Array, opts: { realtime?: boolean } = {}): Promise<MigrationTarget> {
    return new MigrationTarget(await Machine.restore(coreModule, first, opts));
  }

  /** Applies a pre-copy round's pages (checked whole before any page is written). */
  applyPages(bytes: Uint8Array): void {
    this.writePages(decodeSnapshot(bytes, ['PAGE']));
  }

  /** Applies the stop-and-copy message and returns the machine, ready to run where the source stopped. */
  finish(bytes: Uint8Array): Machine {
    const sections = decodeSnapshot(bytes, ['PAGE', 'CPU_', 'GIC_', 'DEVS']);
    this.checkPages(sections);
    this.m.applyStateSections(sections); // checks the state before touching anything
    this.writePages(sections);
    return this.m;
  }

  private checkPages(sections: Map<string, { data: Uint8Array }>): void {
    const s = sections.get('PAGE');
    if (!s) throw new SnapshotError('section "PAGE" is missing');
    const dv = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    if (s.data.length < 4) throw new SnapshotError('the page section is truncated');
    const n = dv.getUint32(0, true);
    if (s.data.length !== 4 + n * (4 + PAGE)) throw new SnapshotError('the page section has the wrong length');
    const pages = this.m.core.config.ramSize / PAGE;
    for (let i = 0, off = 4; i < n; i++, off += 4 + PAGE) {
      if (dv.getUint32(off, true) >= pages) throw new SnapshotError(`page ${dv.getUint32(off, true)} is outside RAM`);
    }
  }

  private writePages(sections: Map<string, { data: Uint8Array }>): void {
    this.checkPages(sections);
    const d = sections.get('PAGE')!.data;
    const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
    const n = dv.getUint32(0, true);
    const ram = this.m.core.ram;
    for (let i = 0, off = 4; i < n; i++, off += 4 + PAGE) ram.set(d.subarray(off + 4, off + 4 + PAGE), dv.getUint32(off, true) * PAGE);
  }
}
