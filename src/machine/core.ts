// The TypeScript face of the wasm CPU core: instantiates it over one WebAssembly.Memory that holds
// the state block and guest RAM, and reads/writes architectural state by the offsets in layout.ts.
import * as L from '../core/layout';

/** What the core calls back into: devices behind MMIO, and the machine's PSCI firmware. */
export interface CoreHost {
  /** Returns the value read, or null if no device answers at pa (the guest gets an external abort). */
  mmioRead(pa: number, size: number): bigint | null;
  /** Returns false if no device answers at pa. */
  mmioWrite(pa: number, size: number, value: bigint): boolean;
  /** A PSCI/SMCCC call: read X0..X3 from the core, write the results back. */
  psciCall(core: Core): void;
}

export interface CoreConfig {
  ramBase: number;
  ramSize: number;
  haveEl2: boolean;
  psci: 'smc' | 'hvc' | 'none';
  userMode?: boolean;
}

interface CoreExports {
  run(budget: number): number;
  reload(): void;
  init(): void;
  decode(word: number): number;
  setIrqLevel(intid: number, level: number): void;
  debugTranslate(va: bigint, el: number, fetch: number): bigint;
  debugFaultStatus(): number;
  dirtyReset(): void;
}

export interface LogEntry {
  kind: number;
  data: number;
  pc: bigint;
}

const MASK32 = 0xffffffffn;

export class Core {
  readonly memory: WebAssembly.Memory;
  readonly view: DataView;
  readonly ram: Uint8Array;
  private readonly exp: CoreExports;
  private logTail = 0;

  private constructor(memory: WebAssembly.Memory, exp: CoreExports, readonly config: CoreConfig) {
    this.memory = memory;
    this.exp = exp;
    this.view = new DataView(memory.buffer);
    this.ram = new Uint8Array(memory.buffer, L.RAM_OFFSET, config.ramSize);
  }

  /** Instantiates the core module over fresh memory sized for config.ramSize. */
  static async create(module: WebAssembly.Module, config: CoreConfig, host: CoreHost): Promise<Core> {
    if (config.ramSize <= 0 || config.ramSize % L.WASM_PAGE !== 0) throw new Error(`RAM size must be a positive multiple of 64 KiB`);
    const pages = (L.RAM_OFFSET + config.ramSize) / L.WASM_PAGE;
    if (pages > 65536) throw new Error(`RAM of ${config.ramSize / 2 ** 20} MiB does not fit in a 4 GiB wasm memory`);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    let core: Core | undefined;
    const env = {
      memory,
      abort: (): void => {
        throw new Error('wasm core aborted');
      },
      mmio_read: (lo: number, hi: number, size: number): number => {
        const c = core!;
        const v = host.mmioRead(hi * 2 ** 32 + (lo >>> 0), size);
        if (v === null) {
          c.view.setUint32(L.STATE_BASE + L.OFF_MMIO_STATUS, 1, true);
          return 0;
        }
        c.view.setUint32(L.STATE_BASE + L.OFF_MMIO_HI, Number((v >> 32n) & MASK32), true);
        return Number(v & MASK32) | 0;
      },
      mmio_write: (lo: number, hi: number, size: number, vlo: number, vhi: number): void => {
        const c = core!;
        const v = (BigInt(vhi >>> 0) << 32n) | BigInt(vlo >>> 0);
        if (!host.mmioWrite(hi * 2 ** 32 + (lo >>> 0), size, v)) c.view.setUint32(L.STATE_BASE + L.OFF_MMIO_STATUS, 1, true);
      },
      psci_call: (): void => host.psciCall(core!),
    };
    const inst = await WebAssembly.instantiate(module, { env });
    core = new Core(memory, inst.exports as unknown as CoreExports, config);
    core.configure();
    return core;
  }

  private pacedMode = false;

  /**
   * Real-time idling: WFI with a timer armed ends run() with EXIT_WFI (OFF_WAIT_UNTIL says until when)
   * instead of jumping the clock. Survives reset().
   */
  get paced(): boolean {
    return this.pacedMode;
  }
  set paced(v: boolean) {
    this.pacedMode = v;
    this.view.setUint32(L.STATE_BASE + L.OFF_CFG_PACED, v ? 1 : 0, true);
  }

  /** After EXIT_WFI: the clock value the wait ends at (a timer deadline), or null if only input can end it. */
  get waitUntil(): bigint | null {
    const v = this.view.getBigUint64(L.STATE_BASE + L.OFF_WAIT_UNTIL, true);
    return v === 0n ? null : v;
  }

  /** Moves the clock (the instruction count) forward by n while the guest waits in WFI. */
  advanceClock(n: bigint): void {
    this.view.setBigUint64(L.STATE_BASE + L.OFF_INSN_COUNT, this.insnCount + n, true);
  }

  private configure(): void {
    const c = this.config;
    new Uint8Array(this.memory.buffer, L.STATE_BASE, L.STATE_SIZE).fill(0);
    this.view.setBigUint64(L.STATE_BASE + L.OFF_CFG_RAM_BASE, BigInt(c.ramBase), true);
    this.view.setBigUint64(L.STATE_BASE + L.OFF_CFG_RAM_SIZE, BigInt(c.ramSize), true);
    this.view.setUint32(L.STATE_BASE + L.OFF_CFG_HAVE_EL2, c.haveEl2 ? 1 : 0, true);
    this.view.setUint32(L.STATE_BASE + L.OFF_CFG_PSCI, c.psci === 'smc' ? L.PSCI_SMC : c.psci === 'hvc' ? L.PSCI_HVC : L.PSCI_NONE, true);
    this.view.setUint32(L.STATE_BASE + L.OFF_CFG_USER_MODE, c.userMode ? 1 : 0, true);
    this.view.setUint32(L.STATE_BASE + L.OFF_CFG_PACED, this.pacedMode ? 1 : 0, true);
    this.exp.init();
    // User mode runs like a Linux process: the EL0 controls Linux opens in SCTLR_EL1 are set.
    // UCI (26), nTWE (18), nTWI (16), UCT (15), DZE (14); M stays 0 (no stage 1 in user mode).
    // CNTKCTL_EL1.EL0VCTEN (1): EL0 may read CNTVCT_EL0 and CNTFRQ_EL0, as under Linux.
    if (c.userMode) {
      this.setSysreg(L.SR_SCTLR_EL1, 0x0405_c000n);
      this.setSysreg(L.SR_CNTKCTL_EL1, 2n);
      this.setSysreg(L.SR_CNTFRQ_EL0, 62_500_000n);
      this.setSysreg(L.SR_CPACR_EL1, 3n << 20n); // FPEN = 0b11: SIMD&FP usable at EL0
      this.exp.reload();
    }
  }

  /** Back to power-on: RAM zeroed, the state block re-initialised from the configuration. */
  reset(): void {
    this.ram.fill(0);
    this.logTail = 0;
    this.configure();
  }

  /** Runs up to budget instructions; returns the EXIT_* reason. */
  run(budget: number): number {
    return this.exp.run(budget);
  }

  decode(word: number): number {
    return this.exp.decode(word);
  }

  /**
   * Drives the GIC's interrupt input `intid` (an SPI such as the UART's 33, or a PPI) high or low.
   * Level-sensitive inputs stay pending while high; edge-triggered ones latch on a rising edge.
   * Safe to call from a device callback while the core runs (an MMIO write that raises a line).
   */
  /**
   * The physical address `va` maps to for EL `el` (data read, or instruction fetch), through stage 1
   * and stage 2 as the CPU is configured now, or the fault: for debuggers. No side effects.
   */
  translate(va: bigint, el: number, fetch = false): { pa: bigint } | { fault: number; stage2: boolean } {
    const pa = this.exp.debugTranslate(BigInt.asUintN(64, va), el, fetch ? 1 : 0);
    if (pa === 0xffff_ffff_ffff_ffffn || pa === -1n) {
      const st = this.exp.debugFaultStatus();
      return { fault: st & 0x3f, stage2: (st & 0x100) !== 0 };
    }
    return { pa: BigInt.asUintN(64, pa) };
  }

  setIrqLevel(intid: number, level: boolean): void {
    this.exp.setIrqLevel(intid, level ? 1 : 0);
  }

  // ---- State access (host side; not for hot paths) ----
  private s64(off: number): bigint {
    return this.view.getBigUint64(L.STATE_BASE + off, true);
  }
  private set64(off: number, v: bigint): void {
    this.view.setBigUint64(L.STATE_BASE + off, BigInt.asUintN(64, v), true);
  }
  private s32(off: number): number {
    return this.view.getUint32(L.STATE_BASE + off, true);
  }
  private set32(off: number, v: number): void {
    this.view.setUint32(L.STATE_BASE + off, v >>> 0, true);
  }

  /** X0..X30; x(31) is the current stack pointer. */
  x(n: number): bigint {
    return this.s64(L.OFF_X + 8 * n);
  }
  setX(n: number, v: bigint): void {
    this.set64(L.OFF_X + 8 * n, v);
  }
  get pc(): bigint {
    return this.s64(L.OFF_PC);
  }
  set pc(v: bigint) {
    this.set64(L.OFF_PC, v);
  }
  get nzcv(): number {
    return this.s32(L.OFF_NZCV);
  }
  set nzcv(v: number) {
    this.set32(L.OFF_NZCV, v & 0xf0000000);
  }
  get el(): number {
    return this.s32(L.OFF_EL);
  }
  get spsel(): number {
    return this.s32(L.OFF_SPSEL);
  }
  get daif(): number {
    return this.s32(L.OFF_DAIF);
  }
  set daif(v: number) {
    this.set32(L.OFF_DAIF, v & 0x3c0);
  }
  /** Sets PSTATE.EL and PSTATE.SP directly (reset and loaders only); SP comes from the bank. */
  setElSp(el: number, spsel: number, sp: bigint): void {
    this.set32(L.OFF_EL, el);
    this.set32(L.OFF_SPSEL, spsel);
    this.setX(31, sp);
    const bank = spsel ? L.OFF_SP_EL0 + 8 * el : L.OFF_SP_EL0;
    this.set64(bank, sp);
  }
  /** Vn as a 128-bit value (lane 0 in the low bits). */
  v(n: number): bigint {
    const lo = this.s64(L.OFF_V + 16 * n);
    const hi = this.s64(L.OFF_V + 16 * n + 8);
    return (hi << 64n) | lo;
  }
  setV(n: number, v: bigint): void {
    this.set64(L.OFF_V + 16 * n, v & 0xffff_ffff_ffff_ffffn);
    this.set64(L.OFF_V + 16 * n + 8, (v >> 64n) & 0xffff_ffff_ffff_ffffn);
  }
  get fpcr(): number {
    return this.s32(L.OFF_FPCR);
  }
  set fpcr(v: number) {
    this.set32(L.OFF_FPCR, v);
  }
  get fpsr(): number {
    return this.s32(L.OFF_FPSR);
  }
  set fpsr(v: number) {
    this.set32(L.OFF_FPSR, v);
  }

  /** SP_EL0/1/2 as banked (valid after run() returns). */
  spEl(el: number): bigint {
    return this.s64(L.OFF_SP_EL0 + 8 * el);
  }
  sysreg(idx: number): bigint {
    return this.s64(L.OFF_SYSREGS + 8 * idx);
  }
  setSysreg(idx: number, v: bigint): void {
    this.set64(L.OFF_SYSREGS + 8 * idx, v);
  }
  get insnCount(): bigint {
    return this.s64(L.OFF_INSN_COUNT);
  }
  get unimplementedCount(): bigint {
    return this.s64(L.OFF_UNIMPL_COUNT);
  }
  get exceptionCount(): bigint {
    return this.s64(L.OFF_EXC_COUNT);
  }
  /** Asks run() to return after the current instruction (call from a host callback). */
  requestStop(): void {
    this.set32(L.OFF_STOP_REQUEST, 1);
  }
  /** One PC breakpoint (null: none). run() stops at it, except on the first instruction of a run. */
  setBreakpoint(pc: bigint | null): void {
    this.setBreakpoints(pc === null ? [] : [pc]);
  }

  /** Up to BREAK_MAX PC breakpoints at once. */
  setBreakpoints(pcs: readonly bigint[]): void {
    if (pcs.length > L.BREAK_MAX) throw new RangeError(`at most ${L.BREAK_MAX} breakpoints, not ${pcs.length}`);
    pcs.forEach((pc, i) => this.set64(L.OFF_BREAK_TABLE + 8 * i, pc));
    this.set32(L.OFF_BREAK_ENABLED, pcs.length);
  }

  /** Entries logged since the last call (older ones are lost if more than LOG_CAP arrived). */
  drainLog(): { entries: LogEntry[]; lost: number } {
    const head = this.s32(L.OFF_LOG_HEAD);
    const entries: LogEntry[] = [];
    let from = this.logTail;
    let lost = 0;
    if (head - from > L.LOG_CAP) {
      lost = head - from - L.LOG_CAP;
      from = head - L.LOG_CAP;
    }
    for (let i = from; i < head; i++) {
      const e = L.OFF_LOG + (i % L.LOG_CAP) * L.LOG_ENTRY;
      entries.push({ kind: this.s32(e), data: this.s32(e + 4), pc: this.s64(e + 8) });
    }
    this.logTail = head;
    return { entries, lost };
  }

  // ---- Guest physical memory (RAM only) ----
  private ramIndex(pa: number, len: number): number {
    const off = pa - this.config.ramBase;
    if (off < 0 || off + len > this.config.ramSize) throw new RangeError(`physical range 0x${pa.toString(16)}+${len} is outside RAM`);
    return off;
  }
  writePhys(pa: number, bytes: Uint8Array): void {
    const off = this.ramIndex(pa, bytes.length);
    this.ram.set(bytes, off);
    if (this.dirtyLogging && bytes.length > 0) {
      for (let p = off >>> 12; p <= (off + bytes.length - 1) >>> 12; p++) this.markDirty(p);
    }
  }

  // ---- Dirty-page logging (live migration) ------------------------------------------------------

  private get dirtyLogging(): boolean {
    return this.s32(L.OFF_DIRTY_TRACK) !== 0;
  }
  private markDirty(page: number): void {
    const a = L.DIRTY_BASE + (page >>> 3);
    this.view.setUint8(a, this.view.getUint8(a) | (1 << (page & 7)));
  }

  /** Starts (or restarts) logging which RAM pages the guest writes; the log starts empty. */
  startDirtyLog(): void {
    this.set32(L.OFF_DIRTY_TRACK, 1);
    this.exp.dirtyReset();
  }
  stopDirtyLog(): void {
    this.set32(L.OFF_DIRTY_TRACK, 0);
  }

  /** The RAM pages (indices of 4 KiB pages) written since the last call or start; the log restarts empty. */
  takeDirtyPages(): number[] {
    const pages: number[] = [];
    const n = this.config.ramSize >>> 12;
    const bytes = new Uint8Array(this.memory.buffer, L.DIRTY_BASE, Math.ceil(n / 8));
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0) continue;
      for (let k = 0; k < 8; k++) if (b & (1 << k)) pages.push(i * 8 + k);
    }
    this.exp.dirtyReset();
    return pages;
  }
  readPhys(pa: number, len: number): Uint8Array {
    const off = this.ramIndex(pa, len);
    return this.ram.slice(off, off + len);
  }
  /** A copy of the whole state block (what a CPU snapshot holds). */
  stateBlock(): Uint8Array {
    return new Uint8Array(this.memory.buffer, L.STATE_BASE, L.STATE_SIZE).slice();
  }
}
