// The "virt" board: one AArch64 CPU (the wasm core), RAM at 0x4000_0000, a PL011 UART at
// 0x0900_0000, and PSCI firmware. The memory map follows QEMU's virt machine so device trees,
// documentation and students' QEMU habits carry over.
//
// The machine owns the run loop around the core: it runs the core in slices, turns the core's event
// log into readable log lines, batches UART output, and maps the core's exit codes to the reasons a
// caller (the CLI, the browser worker) cares about.
import { describeEsr } from './esr';
import { ecName } from './sysreg-fields';
import { readTrailEntry, trailBreakMask, type TrailEvent, type TrailBreak } from './trail';
import {
  encodeSnapshot, decodeSnapshot, encodeRam, decodeRam, jsonSection, parseJsonSection, sameShape, SnapshotError,
  F_REQUIRED, F_DEFLATE, type Section,
} from './snapshot';
import type { DeviceState } from '../devices/device';
import * as L from '../core/layout';
import { Core, type CoreHost } from './core';
import { Bus } from './bus';
import { Pl011 } from '../devices/pl011';
import { Pl031, DEFAULT_RTC_EPOCH } from '../devices/pl031';
import { handlePsci } from './psci';
import { planBoot, writeBoot, type BootPlan, type MachineImages, type RamRegion } from './loader';
import { virtBoard, type BoardConfig } from './devicetree';

export { ImageError } from './loader';
export { SnapshotError } from './snapshot';
export type { MachineImages, BootPlan } from './loader';

export interface MachineOptions {
  /** RAM size in MiB (default 128). */
  ramMiB?: number;
  /** The EL the kernel is entered at: 2 gives a CPU with EL2 (PSCI over SMC), 1 one without (HVC). */
  el?: 1 | 2;
  /** Kernel command line: /chosen/bootargs of the device tree passed to the guest. */
  cmdline?: string;
  /** Log every exception taken and every exception return (noisy; for debugging guests). */
  traceExceptions?: boolean;
  /**
   * What the PL031 RTC reads at power-on, in seconds since 1970 (default DEFAULT_RTC_EPOCH, a fixed
   * date, so runs are reproducible; the UI passes the wall clock). Guest time adds to it.
   */
  rtcEpoch?: number;
  /**
   * Real-time idling: a guest waiting in WFI for a timer makes run() return 'idle' (see idleTicks and
   * skipIdle) instead of jumping its clock ahead, so the host can sleep. Off by default: tests and
   * benchmarks want idle time to cost nothing.
   */
  realtime?: boolean;
}

/**
 * Why run() returned. 'stuck': a synchronous exception re-entered the very vector that raised it, so
 * the CPU would loop forever (the machine logs why and stays stopped until reset()).
 */
/** Why run() returned. 'trap': an exception or return matched the pause-on-match rule (setTrailBreak). */
export type StopReason = 'budget' | 'poweroff' | 'reset' | 'breakpoint' | 'idle' | 'stuck' | 'trap';

export interface RunResult {
  reason: StopReason;
  /** Instructions executed by this call. */
  executed: number;
}

// ---- The board -------------------------------------------------------------------------------
export const RAM_BASE = 0x4000_0000;
export const UART_BASE = 0x0900_0000;
export const UART_SIZE = 0x1000;
/** GIC INTID of the UART (SPI 1), for the interrupt controller and the device tree. */
export const UART_INTID = 33;
export const RTC_BASE = 0x0901_0000;
export const RTC_SIZE = 0x1000;
/** GIC INTID of the PL031 RTC (SPI 2). */
export const RTC_INTID = 34;

// ---- The CPU's identity at reset ---------------------------------------------------------------
/** The generic timer's frequency, as on QEMU's virt board. */
export const CNTFRQ_HZ = 62_500_000;
/** Implementer 0 (like QEMU's "max"), so Linux applies no vendor errata workarounds. */
export const MIDR = 0x000f_0510n;
/** MPIDR_EL1: bit 31 RES1, uniprocessor bit clear, affinity 0.0.0.0. */
export const MPIDR = 0x8000_0000n;

/** Instructions per core.run() call: bounds the latency of output and of the event log. */
const SLICE = 1 << 22;
/** Bytes of UART output buffered before they are handed on, even in the middle of a slice. */
const OUT_CHUNK = 4096;
/** Distinct unimplemented events logged individually; after that only the totals grow. */
const MAX_DISTINCT_EVENTS = 500;

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

const VEC_NAMES = ['sync', 'IRQ', 'FIQ', 'SError'];

export class Machine {
  readonly core: Core;
  readonly bus = new Bus();
  readonly uart = new Pl011();
  readonly rtc: Pl031;
  readonly ram: RamRegion;
  readonly el: 1 | 2;
  readonly cmdline: string;
  private readonly traceExceptions: boolean;

  private outputCb: (bytes: Uint8Array) => void = () => undefined;
  private logCb: (line: string) => void = () => undefined;
  private out = new Uint8Array(OUT_CHUNK);
  private outLen = 0;

  /** Set by the firmware when the guest powered off or asked for a reset: run() then ends there. */
  private halted: 'poweroff' | 'reset' | 'stuck' | null = null;
  /** Set by stop(): the current run() returns early. */
  private stopRequested = false;
  private plan: BootPlan | undefined;
  /** What load() was given: kept so a snapshot can carry it and reset() still works after a restore. */
  private images: MachineImages | undefined;

  private unimplLogged = 0n;
  private readonly eventCounts = new Map<string, number>();
  private distinctOverflow = false;

  private constructor(core: Core, opts: Required<Omit<MachineOptions, 'ramMiB'>>) {
    this.core = core;
    this.ram = { base: core.config.ramBase, size: core.config.ramSize };
    this.el = opts.el;
    this.cmdline = opts.cmdline;
    this.traceExceptions = opts.traceExceptions;
    core.paced = opts.realtime;
    this.bus.map(UART_BASE, UART_SIZE, this.uart);
    this.uart.onTransmit((b) => this.emit(b));
    this.uart.connectIrq((level) => this.core.setIrqLevel(UART_INTID, level)); // PL011 UARTINTR -> GIC SPI 1
    this.rtc = new Pl031({ now: () => this.counterTicks(), hz: CNTFRQ_HZ, setAlarm: (tick) => this.setHostAlarm(tick) }, opts.rtcEpoch);
    this.bus.map(RTC_BASE, RTC_SIZE, this.rtc);
    this.rtc.connectIrq((level) => this.core.setIrqLevel(RTC_INTID, level)); // PL031 RTCINTR -> GIC SPI 2
  }

  static async create(coreModule: WebAssembly.Module, opts: MachineOptions = {}): Promise<Machine> {
    const ramMiB = opts.ramMiB ?? 128;
    const el = opts.el ?? 2;
    if (!Number.isInteger(ramMiB) || ramMiB < 1 || ramMiB > 4080) throw new RangeError(`RAM size must be 1..4080 MiB, not ${ramMiB}`);
    if (el !== 1 && el !== 2) throw new RangeError(`the boot exception level must be 1 or 2, not ${String(el)}`);
    let machine: Machine | undefined;
    const host: CoreHost = {
      mmioRead: (pa, size) => machine!.bus.read(pa, size),
      mmioWrite: (pa, size, value) => machine!.bus.write(pa, size, value),
      psciCall: () => machine!.psciCall(),
    };
    const core = await Core.create(
      coreModule,
      { ramBase: RAM_BASE, ramSize: ramMiB * 2 ** 20, haveEl2: el === 2, psci: el === 2 ? 'smc' : 'hvc' },
      host,
    );
    machine = new Machine(core, { el, cmdline: opts.cmdline ?? '', traceExceptions: opts.traceExceptions ?? false, rtcEpoch: opts.rtcEpoch ?? DEFAULT_RTC_EPOCH, realtime: opts.realtime ?? false });
    return machine;
  }

  // ---- Callbacks and input --------------------------------------------------------------------

  /** Bytes the guest transmits on the UART, in order, batched (at least once per run() slice). */
  onOutput(cb: (bytes: Uint8Array) => void): void {
    this.outputCb = cb;
  }

  /** Machine log lines: unimplemented instructions and registers, firmware calls, ... */
  onLog(cb: (line: string) => void): void {
    this.logCb = cb;
  }

  /**
   * After run() returned 'idle': how many counter ticks the guest's wait lasts (until its next timer
   * deadline), or null when only input can wake it. Only a realtime machine returns 'idle' with a
   * deadline; the host sleeps (at most that long, less if input arrives) and then calls skipIdle.
   */
  idleTicks(): bigint | null {
    const until = this.core.waitUntil;
    if (until === null) return null;
    const now = this.core.insnCount;
    return until > now ? this.instructionsToTicks(until - now) : 0n;
  }

  /**
   * Lets `ticks` of guest time pass while the guest idles (never past its wait: the rest of the wait,
   * if any, simply happens again on the next WFI).
   */
  skipIdle(ticks: bigint): void {
    const until = this.core.waitUntil;
    if (until === null || ticks <= 0n) return;
    const now = this.core.insnCount;
    const n = this.ticksToInstructions(ticks);
    this.core.advanceClock(now + n > until ? (until > now ? until - now : 0n) : n);
  }

  /** Counter ticks per second (CNTFRQ_EL0 as the machine programs it). */
  get counterHz(): number {
    return CNTFRQ_HZ;
  }

  private get cntShift(): bigint {
    return BigInt(this.core.view.getUint32(L.STATE_BASE + L.OFF_CFG_CNT_SHIFT, true) & 63);
  }
  private instructionsToTicks(n: bigint): bigint {
    return n >> this.cntShift;
  }
  private ticksToInstructions(t: bigint): bigint {
    return t << this.cntShift;
  }

  // ---- Snapshots (docs/snapshot-format.md) ----------------------------------------------------------

  /**
   * The whole machine as a snapshot file: configuration, CPU state block, GIC, devices, RAM (zero pages
   * elided, deflated) and the boot images. Call between run() calls.
   */
  save(): Uint8Array {
    const conf: SnapshotConfig = {
      producer: 'armlab',
      ramMiB: this.ram.size / 2 ** 20,
      el: this.el,
      cmdline: this.cmdline,
      devices: this.bus.mapped.map((r) => `${r.device.name}@0x${r.base.toString(16)}`),
      stateSize: L.STATE_SIZE,
      gicSize: L.GIC_SIZE,
    };
    const sections: Section[] = [
      jsonSection('CONF', conf),
      ...this.stateSections(),
      { tag: 'RAM_', flags: F_REQUIRED | F_DEFLATE, data: encodeRam(this.core.ram) },
    ];
    if (this.images) sections.push({ tag: 'BOOT', flags: F_DEFLATE, data: encodeImages(this.images) });
    return encodeSnapshot(sections);
  }

  /**
   * A new machine from a snapshot, in the state it was saved in. Everything is checked before anything
   * is built; a bad file throws SnapshotError saying what is wrong (and no machine exists, so a
   * running one is untouched). `opts` are host preferences (realtime, traceExceptions), not state.
   */
  static async restore(coreModule: WebAssembly.Module, bytes: Uint8Array, opts: Pick<MachineOptions, 'realtime' | 'traceExceptions'> = {}): Promise<Machine> {
    const sections = decodeSnapshot(bytes, ['CONF', 'CPU_', 'GIC_', 'DEVS', 'RAM_', 'BOOT']);
    for (const tag of ['CONF', 'CPU_', 'GIC_', 'DEVS', 'RAM_']) if (!sections.has(tag)) throw new SnapshotError(`section "${tag}" is missing`);
    const conf = checkConfig(parseJsonSection(sections.get('CONF')!));
    const cpu = sections.get('CPU_')!.data;
    const gic = sections.get('GIC_')!.data;
    if (cpu.length !== L.STATE_SIZE) throw new SnapshotError(`the CPU state is ${cpu.length} bytes, this ArmLab's is ${L.STATE_SIZE}`);
    if (gic.length !== L.GIC_SIZE) throw new SnapshotError(`the GIC state is ${gic.length} bytes, this ArmLab's is ${L.GIC_SIZE}`);
    const writeRam = decodeRam(sections.get('RAM_')!.data, conf.ramMiB * 2 ** 20);
    const devs = parseJsonSection(sections.get('DEVS')!);
    const images = sections.has('BOOT') ? decodeImages(sections.get('BOOT')!.data) : undefined;
    const m = await Machine.create(coreModule, { ramMiB: conf.ramMiB, el: conf.el, cmdline: conf.cmdline, ...opts });
    const have = m.bus.mapped.map((r) => `${r.device.name}@0x${r.base.toString(16)}`);
    if (have.join() !== conf.devices.join()) {
      throw new SnapshotError(`the snapshot's devices (${conf.devices.join(', ')}) are not this machine's (${have.join(', ')})`);
    }
    checkCpuState(cpu, m.core.config.ramSize, conf.el);
    const { devices, machine } = checkDevices(devs, m);
    // Everything is checked: now build.
    m.loadState(cpu, gic, devices, machine);
    writeRam(m.core.ram);
    m.core.paced = opts.realtime ?? false; // a host preference, not part of the saved state
    if (images) {
      m.images = images;
      m.plan = planBoot(images, m.ram, { board: m.board, cmdline: m.cmdline });
    }
    return m;
  }

  /** Puts checked CPU, GIC, device and board state in place (restore, and the end of a migration). */
  private loadState(cpu: Uint8Array, gic: Uint8Array, devices: Record<string, DeviceState>, machine: SnapshotMachineState): void {
    const mem = new Uint8Array(this.core.memory.buffer);
    mem.set(cpu, L.STATE_BASE);
    mem.set(gic, L.GIC_BASE);
    for (const r of this.bus.mapped) r.device.load(devices[r.device.name]);
    // Loading the RTC re-arms its alarm, which asks a running core to stop and pick it up; nothing runs
    // now, and run() rereads the alarm anyway, so that request is not part of the state.
    this.core.view.setUint32(L.STATE_BASE + L.OFF_STOP_REQUEST, 0, true);
    this.core.stopDirtyLog(); // logging belongs to the source's migration, not to the machine's state
    this.halted = machine.halted;
    this.unimplLogged = BigInt(machine.unimplLogged);
    this.eventCounts.clear();
    for (const [k, v] of machine.eventCounts) this.eventCounts.set(k, v);
    this.distinctOverflow = machine.distinctOverflow;
    this.trailSeen = machine.trailSeen;
  }

  /** The CPU, GIC and device sections of a snapshot (what a migration's stop-and-copy sends besides RAM). */
  stateSections(): Section[] {
    const mem = new Uint8Array(this.core.memory.buffer);
    const devices: Record<string, DeviceState> = {};
    for (const r of this.bus.mapped) devices[r.device.name] = r.device.save();
    const machineState: SnapshotMachineState = {
      halted: this.halted,
      unimplLogged: this.unimplLogged.toString(),
      eventCounts: [...this.eventCounts],
      distinctOverflow: this.distinctOverflow,
      trailSeen: this.trailSeen,
    };
    return [
      { tag: 'CPU_', flags: F_REQUIRED | F_DEFLATE, data: mem.slice(L.STATE_BASE, L.STATE_BASE + L.STATE_SIZE) },
      { tag: 'GIC_', flags: F_REQUIRED | F_DEFLATE, data: mem.slice(L.GIC_BASE, L.GIC_BASE + L.GIC_SIZE) },
      jsonSection('DEVS', { devices, machine: machineState }),
    ];
  }

  /**
   * Applies the CPU, GIC and device sections of `sections` (checked first, as restore does): the last
   * step of a migration on the destination.
   */
  applyStateSections(sections: Map<string, Section>): void {
    for (const tag of ['CPU_', 'GIC_', 'DEVS']) if (!sections.has(tag)) throw new SnapshotError(`section "${tag}" is missing`);
    const cpu = sections.get('CPU_')!.data;
    const gic = sections.get('GIC_')!.data;
    if (cpu.length !== L.STATE_SIZE || gic.length !== L.GIC_SIZE) throw new SnapshotError('the CPU or GIC state has the wrong size');
    checkCpuState(cpu, this.core.config.ramSize, this.el);
    const { devices, machine } = checkDevices(parseJsonSection(sections.get('DEVS')!), this);
    this.loadState(cpu, gic, devices, machine);
  }

  // ---- The trap trail ------------------------------------------------------------------------------

  private trailSeen = 0;

  /**
   * Exception entries and returns recorded since the last call (oldest first), and how many were
   * lost because the ring (TRAIL_CAP entries) wrapped before they were drained.
   */
  drainTrail(): { events: TrailEvent[]; lost: number } {
    const head = this.core.view.getUint32(L.STATE_BASE + L.OFF_TRAIL_HEAD, true);
    let from = this.trailSeen;
    if (head < from) from = 0; // the core was reset
    const lost = Math.max(0, head - from - L.TRAIL_CAP);
    from += lost;
    const events: TrailEvent[] = [];
    for (let seq = from; seq < head; seq++) events.push(readTrailEntry(this.core.view, seq));
    this.trailSeen = head;
    return { events, lost };
  }

  /** Pause-on-match: run() stops with 'trap' right after a matching exception or return (null: never). */
  setTrailBreak(rule: TrailBreak | null): void {
    this.core.view.setUint32(L.STATE_BASE + L.OFF_TRAIL_BREAK, trailBreakMask(rule), true);
  }

  /** Bytes for the UART receiver (keyboard input). */
  sendInput(bytes: Uint8Array): void {
    this.uart.receive(bytes);
  }

  // ---- Boot ------------------------------------------------------------------------------------

  /**
   * Places the images in RAM and sets up the CPU the way a boot loader leaves it for Linux
   * (Documentation/arm64/booting.rst): MMU off, DAIF masked, at EL2 or EL1 on SP_ELx, X0 = the
   * DTB's address, X1..X3 = 0. Throws ImageError, leaving the machine as it was, if an image is bad.
   */
  load(images: MachineImages): void {
    const plan = planBoot(images, this.ram, { board: this.board, cmdline: this.cmdline });
    this.images = images;
    if (this.plan) {
      // A second load starts from a clean machine.
      this.bus.reset();
      this.core.reset();
    }
    this.plan = plan;
    this.boot(plan);
    if (plan.dtb?.source === 'given') {
      const what = plan.dtb.patched.length ? `with /chosen ${plan.dtb.patched.join(', ')} patched in` : 'as is';
      this.log(`using the given DTB ${what}`);
    }
  }

  /** What the generated device tree describes (devicetree.ts). */
  get board(): BoardConfig {
    return virtBoard(this.ram.size, this.el === 2);
  }

  /** Where load() put things (undefined before load()). */
  get bootPlan(): BootPlan | undefined {
    return this.plan;
  }

  /**
   * Power-cycles the machine: devices and CPU to reset state, then the same images again (so the
   * arrays given to load() must not change afterwards). `rtcEpoch` sets the date the RTC restarts
   * from (default: the machine's original epoch, which keeps runs reproducible).
   */
  reset(opts: { rtcEpoch?: number } = {}): void {
    if (opts.rtcEpoch !== undefined) this.rtc.setEpoch(opts.rtcEpoch);
    this.bus.reset();
    this.core.reset();
    if (this.plan) this.boot(this.plan);
  }

  private boot(plan: BootPlan): void {
    this.halted = null;
    this.outLen = 0;
    this.eventCounts.clear();
    this.distinctOverflow = false;
    this.unimplLogged = 0n;
    writeBoot(this.core, plan, this.ram);
    const c = this.core;
    c.setElSp(this.el, 1, 0n);
    c.daif = 0x3c0;
    c.pc = BigInt(plan.kernel.entry);
    c.setX(0, BigInt(plan.x0));
    for (let n = 1; n <= 3; n++) c.setX(n, 0n);
    c.setSysreg(L.SR_CNTFRQ_EL0, BigInt(CNTFRQ_HZ));
    c.setSysreg(L.SR_MIDR_EL1, MIDR);
    c.setSysreg(L.SR_MPIDR_EL1, MPIDR);
    if (this.el === 2) {
      // What EL1 reads as MIDR_EL1/MPIDR_EL1 under a hypervisor; reset to the real values, as QEMU
      // does, so a guest that drops to EL1 without setting them still sees the CPU's identity.
      c.setSysreg(L.SR_VPIDR_EL2, MIDR);
      c.setSysreg(L.SR_VMPIDR_EL2, MPIDR);
    }
  }

  // ---- Running -------------------------------------------------------------------------------------

  /** Runs up to `budget` instructions. */
  run(budget: number): RunResult {
    if (!Number.isFinite(budget) || budget < 0) throw new RangeError(`run budget must be a finite number >= 0, not ${budget}`);
    if (this.halted) return { reason: this.halted, executed: 0 };
    this.stopRequested = false;
    const start = this.core.insnCount;
    let remaining = Math.floor(budget);
    let reason: StopReason = 'budget';
    while (remaining > 0) {
      const before = this.core.insnCount;
      const exit = this.core.run(Math.min(remaining, SLICE));
      remaining -= Number(this.core.insnCount - before);
      this.drainEvents();
      this.flushOutput();
      const r = this.exitReason(exit);
      if (r !== null) {
        reason = r;
        break;
      }
      // (An alarm can be due before any instruction: after a WFI skipped the clock to it.)
      if (this.stopRequested || (this.core.insnCount === before && exit !== L.EXIT_HOST_ALARM)) break;
    }
    return { reason, executed: Number(this.core.insnCount - start) };
  }

  /**
   * Asks the current run() to return soon (from an onOutput/onLog callback, say): at once if called
   * while the core waits on a device, otherwise at the end of the current slice.
   */
  stop(): void {
    this.stopRequested = true;
    this.core.requestStop();
  }

  /** Whether the guest has powered off or reset (run() does nothing until reset()). */
  get stopped(): 'poweroff' | 'reset' | 'stuck' | null {
    return this.halted;
  }

  /** A cheap summary of the CPU for status displays (valid between run() calls). */
  cpuState(): { el: number; pc: bigint; spsel: number; daif: number; nzcv: number } {
    const c = this.core;
    return { el: c.el, pc: c.pc, spsel: c.spsel, daif: c.daif, nzcv: c.nzcv };
  }

  stats(): { instructions: bigint; exceptions: bigint; unimplemented: bigint } {
    return { instructions: this.core.insnCount, exceptions: this.core.exceptionCount, unimplemented: this.core.unimplementedCount };
  }

  private exitReason(exit: number): StopReason | null {
    switch (exit) {
      case L.EXIT_BUDGET:
        return null;
      case L.EXIT_SHUTDOWN:
        this.halted = 'poweroff';
        return 'poweroff';
      case L.EXIT_RESET:
        this.halted = 'reset';
        return 'reset';
      case L.EXIT_WFI:
        return 'idle'; // no interrupt can wake it yet: the caller decides whether to go on
      case L.EXIT_BREAKPOINT:
        return 'breakpoint';
      case L.EXIT_EXCEPTION_LOOP:
        this.halted = 'stuck';
        this.log(this.stuckText());
        return 'stuck';
      case L.EXIT_HOST_STOP:
        // The firmware stopped the machine (halted says how), someone called stop(), or a device
        // changed its alarm (setHostAlarm) and the core only had to pick it up: then go on.
        return this.halted ?? (this.stopRequested ? 'budget' : null);
      case L.EXIT_TRAIL_MATCH:
        return 'trap';
      case L.EXIT_HOST_ALARM:
        this.rtc.poll(); // the only device with an alarm so far
        return null;
      default:
        throw new Error(`the core stopped for an unexpected reason (exit code ${exit}) at pc ${hex(this.core.pc)}`);
    }
  }

  /** Explains an exception loop: which exception, where, and the vector base it came from. */
  private stuckText(): string {
    const c = this.core;
    const el = c.el;
    const esr = c.sysreg(el === 2 ? L.SR_ESR_EL2 : L.SR_ESR_EL1);
    const vbar = c.sysreg(el === 2 ? L.SR_VBAR_EL2 : L.SR_VBAR_EL1);
    return (
      `the CPU is stuck: ${describeEsr(esr)} at ${hex(c.pc)} re-enters its own vector at EL${el} ` +
      `(VBAR_EL${el} = ${hex(vbar)}): is the vector table installed, and is there code at the vector?`
    );
  }

  // ---- Firmware ----------------------------------------------------------------------------------

  /**
   * The firmware's entry: the core calls it for an SMC or HVC through the PSCI conduit, with the
   * function ID and arguments in X0..X3. Tests may call it directly.
   */
  psciCall(): void {
    this.drainEvents(); // so log lines stay in the order things happened
    handlePsci(this.core, {
      mpidr: MPIDR,
      systemOff: () => this.halt('poweroff'),
      systemReset: () => this.halt('reset'),
      cpuOff: () => this.halt('poweroff'),
      log: (line) => this.log(line),
    });
  }

  private halt(why: 'poweroff' | 'reset'): void {
    this.halted = why;
    this.core.requestStop();
  }

  // ---- Time for devices ------------------------------------------------------------------------------

  /** The generic timer's physical count (timer.ts: instructions >> OFF_CFG_CNT_SHIFT). */
  private counterTicks(): bigint {
    return this.core.insnCount >> BigInt(this.core.view.getUint32(L.STATE_BASE + L.OFF_CFG_CNT_SHIFT, true) & 63);
  }

  /**
   * Makes the core return EXIT_HOST_ALARM when the count reaches `tick` (null: never). Called from a
   * device's MMIO handler, the core must stop to pick the new alarm up (reload() recomputes its
   * deadline); the run loop then simply goes on.
   */
  private setHostAlarm(tick: bigint | null): void {
    const shift = BigInt(this.core.view.getUint32(L.STATE_BASE + L.OFF_CFG_CNT_SHIFT, true) & 63);
    const at = tick === null ? 0n : tick << shift;
    this.core.view.setBigUint64(L.STATE_BASE + L.OFF_HOST_ALARM, at < 2n ** 64n ? at : 0n, true);
    this.core.requestStop();
  }

  // ---- Output and logging -----------------------------------------------------------------------

  private emit(byte: number): void {
    // Events the core logged before this byte was written come out before it.
    this.drainEvents();
    this.out[this.outLen++] = byte;
    if (this.outLen === OUT_CHUNK) this.flushOutput();
  }

  private flushOutput(): void {
    if (this.outLen === 0) return;
    const bytes = this.out.slice(0, this.outLen);
    this.outLen = 0;
    this.outputCb(bytes);
  }

  private log(line: string): void {
    this.flushOutput(); // keep log lines in order with the guest's output
    this.logCb(line);
  }

  /** Turns the core's event ring into log lines. */
  private drainEvents(): void {
    const { entries } = this.core.drainLog();
    for (const e of entries) {
      if (e.kind === L.EV_UNIMPL_INSN || e.kind === L.EV_UNIMPL_SYSREG) {
        this.unimplLogged++;
        this.unimplemented(e.kind, e.data >>> 0, e.pc);
      } else if (this.traceExceptions && e.kind === L.EV_EXCEPTION) {
        const d = e.data >>> 0;
        const ec = (d >>> 16) & 0x3f;
        const name = ` (${ecName(ec)})`;
        const vec = VEC_NAMES[(d >>> 24) & 3];
        this.log(`exception ${vec} EC=${hex(ec)}${name} EL${(d >>> 26) & 3} -> EL${(d >>> 28) & 3} at pc ${hex(e.pc)} ISS[15:0]=${hex(d & 0xffff)}`);
      } else if (this.traceExceptions && e.kind === L.EV_ERET) {
        this.log(`eret at pc ${hex(e.pc)} to EL${e.data & 3}`);
      }
    }
    // The ring holds the last LOG_CAP events only: say so if unimplemented ones fell out of it.
    const total = this.core.unimplementedCount;
    if (total > this.unimplLogged) {
      this.log(`${total - this.unimplLogged} more unimplemented events were not logged (event log overflow; ${total} so far)`);
      this.unimplLogged = total;
    }
  }

  private unimplemented(kind: number, data: number, pc: bigint): void {
    const key = `${kind}:${data}:${pc}`;
    const seen = (this.eventCounts.get(key) ?? 0) + 1;
    if (seen === 1 && this.eventCounts.size >= MAX_DISTINCT_EVENTS) {
      if (!this.distinctOverflow) this.log(`more than ${MAX_DISTINCT_EVENTS} distinct unimplemented events: no more are logged`);
      this.distinctOverflow = true;
      return;
    }
    this.eventCounts.set(key, seen);
    // The first time, then at 10, 100, 1000... repeats, so a guest stuck in a loop cannot flood the log.
    if (seen !== 1 && !/^10*$/.test(String(seen))) return;
    const repeat = seen === 1 ? '' : `, ${seen} times here`;
    this.log(`${unimplementedText(kind, data, pc)} (#${this.unimplLogged}${repeat})`);
  }
}

/** The log text of an unimplemented-instruction or unimplemented-system-register event. */
export function unimplementedText(kind: number, data: number, pc: bigint): string {
  if (kind === L.EV_UNIMPL_INSN) return `unimplemented instruction 0x${(data >>> 0).toString(16).padStart(8, '0')} at pc ${hex(pc)}`;
  // data = read << 31 | op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2
  const rw = data & 0x8000_0000 ? 'read' : 'write';
  const f = (shift: number, mask: number): number => (data >>> shift) & mask;
  return `unimplemented system register op0=${f(14, 3)} op1=${f(11, 7)} CRn=${f(7, 15)} CRm=${f(3, 15)} op2=${f(0, 7)} (${rw}) at pc ${hex(pc)}`;
}

// ---- Snapshot helpers -----------------------------------------------------------------------------------

interface SnapshotConfig {
  producer: string;
  ramMiB: number;
  el: 1 | 2;
  cmdline: string;
  /** "name@0xbase" for every device on the bus, in address order. */
  devices: string[];
  stateSize: number;
  gicSize: number;
}

interface SnapshotMachineState {
  halted: 'poweroff' | 'reset' | 'stuck' | null;
  unimplLogged: string;
  eventCounts: [string, number][];
  distinctOverflow: boolean;
  trailSeen: number;
}

function checkConfig(v: unknown): SnapshotConfig {
  const c = v as Partial<SnapshotConfig> | null;
  const bad = (what: string): never => {
    throw new SnapshotError(`the configuration section is invalid: ${what}`);
  };
  if (typeof c !== 'object' || c === null) return bad('not an object');
  if (typeof c.ramMiB !== 'number' || !Number.isInteger(c.ramMiB) || c.ramMiB < 1 || c.ramMiB > 4080) return bad('RAM size');
  if (c.el !== 1 && c.el !== 2) return bad('boot EL');
  if (typeof c.cmdline !== 'string') return bad('command line');
  if (!Array.isArray(c.devices) || !c.devices.every((d) => typeof d === 'string')) return bad('device list');
  if (c.stateSize !== L.STATE_SIZE || c.gicSize !== L.GIC_SIZE) {
    throw new SnapshotError(`the snapshot was made by an ArmLab with a different core layout (state ${String(c.stateSize)}, GIC ${String(c.gicSize)} bytes)`);
  }
  return c as SnapshotConfig;
}

/** The state block must agree with the machine it goes into (its configuration words) and be sane. */
function checkCpuState(cpu: Uint8Array, ramSize: number, el: 1 | 2): void {
  const dv = new DataView(cpu.buffer, cpu.byteOffset, cpu.byteLength);
  const bad = (what: string): never => {
    throw new SnapshotError(`the CPU state does not fit this machine: ${what}`);
  };
  if (dv.getBigUint64(L.OFF_CFG_RAM_BASE, true) !== BigInt(RAM_BASE)) bad('RAM base');
  if (dv.getBigUint64(L.OFF_CFG_RAM_SIZE, true) !== BigInt(ramSize)) bad('RAM size');
  if (dv.getUint32(L.OFF_CFG_HAVE_EL2, true) !== (el === 2 ? 1 : 0)) bad('EL2 presence');
  if (dv.getUint32(L.OFF_CFG_USER_MODE, true) !== 0) bad('user mode');
  const curEl = dv.getUint32(L.OFF_EL, true);
  if (curEl > (el === 2 ? 2 : 1)) bad(`PSTATE.EL = ${curEl}`);
  if (dv.getUint32(L.OFF_SPSEL, true) > 1) bad('PSTATE.SP');
  if ((dv.getUint32(L.OFF_DAIF, true) & ~0x3c0) !== 0) bad('PSTATE.DAIF');
  if ((dv.getUint32(L.OFF_NZCV, true) & 0x0fffffff) !== 0) bad('PSTATE.NZCV');
}

function checkDevices(v: unknown, m: Machine): { devices: Record<string, DeviceState>; machine: SnapshotMachineState } {
  const o = v as { devices?: unknown; machine?: unknown } | null;
  if (typeof o !== 'object' || o === null || typeof o.devices !== 'object' || o.devices === null) {
    throw new SnapshotError('the device section is invalid');
  }
  const devices = o.devices as Record<string, unknown>;
  for (const r of m.bus.mapped) {
    const st = devices[r.device.name];
    if (st === undefined) throw new SnapshotError(`the device section has no state for ${r.device.name}`);
    if (!sameShape(st, r.device.save())) throw new SnapshotError(`the saved state of ${r.device.name} is malformed`);
  }
  const ms = o.machine as Partial<SnapshotMachineState> | undefined;
  const fresh: SnapshotMachineState = { halted: null, unimplLogged: '0', eventCounts: [], distinctOverflow: false, trailSeen: 0 };
  if (!ms || !(ms.halted === null || ms.halted === 'poweroff' || ms.halted === 'reset' || ms.halted === 'stuck')
    || typeof ms.unimplLogged !== 'string' || !/^\d+$/.test(ms.unimplLogged) || typeof ms.distinctOverflow !== 'boolean'
    || typeof ms.trailSeen !== 'number' || !Number.isInteger(ms.trailSeen) || ms.trailSeen < 0
    || !Array.isArray(ms.eventCounts) || !ms.eventCounts.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'number')) {
    throw new SnapshotError('the machine state in the device section is invalid');
  }
  void fresh;
  return { devices: devices as Record<string, DeviceState>, machine: ms as SnapshotMachineState };
}

/** The boot images: for each of kernel, initrd, dtb a u32 length (0xffffffff: absent) and the bytes. */
function encodeImages(images: MachineImages): Uint8Array {
  const parts = [images.kernel, images.initrd, images.dtb];
  const out = new Uint8Array(12 + parts.reduce((n, p) => n + (p?.length ?? 0), 0));
  const dv = new DataView(out.buffer);
  let off = 12;
  parts.forEach((p, i) => {
    dv.setUint32(4 * i, p ? p.length : 0xffffffff, true);
    if (p) {
      out.set(p, off);
      off += p.length;
    }
  });
  return out;
}

function decodeImages(data: Uint8Array): MachineImages {
  if (data.length < 12) throw new SnapshotError('the boot image section is truncated');
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let off = 12;
  const parts: (Uint8Array | undefined)[] = [];
  for (let i = 0; i < 3; i++) {
    const len = dv.getUint32(4 * i, true);
    if (len === 0xffffffff) {
      parts.push(undefined);
      continue;
    }
    if (off + len > data.length) throw new SnapshotError('the boot image section is truncated');
    parts.push(data.slice(off, off + len));
    off += len;
  }
  if (!parts[0] || off !== data.length) throw new SnapshotError('the boot image section is invalid');
  const images: MachineImages = { kernel: parts[0] };
  if (parts[1]) images.initrd = parts[1];
  if (parts[2]) images.dtb = parts[2];
  return images;
}
