// Moving a machine between tabs of the same origin over a BroadcastChannel. The page drives it (the
// worker makes and applies the messages, which are snapshot containers: checksummed and versioned).
//
//   source tab                                   destination tab ("Receive a machine", or ?receive=1)
//   who                 ->                        <- offer (while receiving and not busy)
//   begin {mode, bytes} ->  warm: the whole snapshot (the source is already paused): restore, run
//                           live: the whole machine (the source keeps running, dirty log on): build
//   pages {bytes}  x N  ->  live only, every ~200 ms until few pages are dirtied: apply
//                       <- applied {messages} after each begin/pages (the source stops the guest only
//                          once the destination has caught up, so the downtime does not include
//                          building the destination machine from the first copy)
//   finish {bytes, pausedAt} -> live only: the source paused at pausedAt; apply the last pages and
//                           the CPU/GIC/devices, run
//                       <- arrived {ok, downtimeMs, error}
//   ok: the source lets its machine go; not ok: it resumes and says why.
//
// Downtime is the wall time from the source's pause to the destination's resume: both tabs read
// Date.now() of the same browser, so the difference is meaningful.
import type { Remote } from 'comlink';
import type { MachineWorkerApi, MigrationProgress } from '../worker/protocol';

export const CHANNEL_NAME = 'armlab-migrate';
/** How long the source waits for a tab to offer to receive. */
const OFFER_WAIT_MS = 1500;
/** Spacing of the pre-copy rounds while the guest runs. */
const ROUND_MS = 200;
/** Rounds the source sends beyond shouldStop() while the destination catches up. */
const MAX_EXTRA_ROUNDS = 20;
/** How long the source waits for the destination to say the machine runs. */
const ARRIVE_WAIT_MS = 120_000;

export type MigrationMode = 'warm' | 'live';

type Msg =
  | { kind: 'who'; from: string }
  | { kind: 'offer'; from: string }
  | { kind: 'begin'; from: string; to: string; mode: MigrationMode; guest: string; bytes: Uint8Array; pausedAt: number }
  | { kind: 'pages'; from: string; to: string; bytes: Uint8Array }
  | { kind: 'finish'; from: string; to: string; bytes: Uint8Array; pausedAt: number; progress: MigrationProgress }
  | { kind: 'applied'; from: string; to: string; messages: number }
  | { kind: 'arrived'; from: string; to: string; ok: boolean; error: string | null; downtimeMs: number };

/** What the Snapshots panel shows about a migration, in either tab. */
export interface MigrationStatus {
  role: 'source' | 'destination' | null;
  /**
   * idle; waiting: for a tab to offer; copying: sending/receiving rounds; stopping: the source is
   * paused for the stop-and-copy; moved: the source's machine now runs elsewhere; arrived: the
   * destination runs it; failed: see message.
   */
  phase: 'idle' | 'waiting' | 'copying' | 'stopping' | 'moved' | 'arrived' | 'failed';
  mode: MigrationMode | null;
  /** Pre-copy rounds after the first full copy. */
  rounds: number;
  /** Bytes of every message (as sent; the destination counts what it received). */
  bytes: number;
  /** Source pause to destination resume, once known. */
  downtimeMs: number | null;
  message: string | null;
}

export const idleStatus: MigrationStatus = { role: null, phase: 'idle', mode: null, rounds: 0, bytes: 0, downtimeMs: null, message: null };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class MigrationLink {
  private readonly id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  private readonly channel = new BroadcastChannel(CHANNEL_NAME);
  private receiving = false;
  private status: MigrationStatus = idleStatus;
  /** The destination handles messages one at a time, in order (each awaits the worker). */
  private queue: Promise<void> = Promise.resolve();
  private incomingFrom: string | null = null;
  private offers: string[] = [];
  private arrived: ((m: Extract<Msg, { kind: 'arrived' }>) => void) | null = null;
  private busy = false;
  /** Source: begin/pages messages the destination has applied. */
  private applied = 0;
  /** Source: the destination's answer, once it came (a failure can come before the stop-and-copy). */
  private answer: Extract<Msg, { kind: 'arrived' }> | null = null;

  constructor(
    private readonly api: Remote<MachineWorkerApi>,
    private readonly onStatus: (s: MigrationStatus, receiving: boolean) => void,
  ) {
    this.channel.onmessage = (e: MessageEvent<Msg>) => this.onMessage(e.data);
  }

  close(): void {
    this.channel.close();
  }

  /** Offers this tab as a destination (and tells a source already asking). */
  setReceiving(on: boolean): void {
    this.receiving = on;
    if (on) this.post({ kind: 'offer', from: this.id });
    this.emit();
  }

  get isReceiving(): boolean {
    return this.receiving;
  }

  /** Moves this tab's machine to a tab that offered to receive it. */
  async send(mode: MigrationMode): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.answer = null;
    this.set({ ...idleStatus, role: 'source', phase: 'waiting', mode, message: 'looking for a tab that receives…' });
    let started = false;
    try {
      const to = await this.findTaker();
      if (!to) {
        this.set({ ...this.status, phase: 'failed', message: 'No tab is ready to receive: open the lab in another tab and click "Receive a machine" there (or open it with ?receive=1).' });
        return;
      }
      const arrival = new Promise<Extract<Msg, { kind: 'arrived' }>>((ok, fail) => {
        this.arrived = ok;
        setTimeout(() => fail(new Error('the other tab did not confirm in time')), ARRIVE_WAIT_MS);
      });
      arrival.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
      let bytes = 0;
      if (mode === 'warm') {
        const pausedAt = Date.now();
        await this.api.pause();
        const s = await this.api.save();
        started = true;
        bytes = s.bytes.length;
        this.set({ ...this.status, phase: 'stopping', bytes, message: null });
        this.post({ kind: 'begin', from: this.id, to, mode, guest: s.guest, bytes: s.bytes, pausedAt });
      } else {
        const first = await this.api.migrateBegin();
        started = true;
        bytes = first.bytes.length;
        this.set({ ...this.status, phase: 'copying', bytes, message: null });
        this.applied = 0;
        this.post({ kind: 'begin', from: this.id, to, mode, guest: first.guest, bytes: first.bytes, pausedAt: 0 });
        let sent = 1;
        let stop = false;
        for (let extra = 0; ; ) {
          await sleep(ROUND_MS); // the guest runs meanwhile (the worker's own loop)
          this.checkAnswer();
          const caughtUp = this.applied >= sent;
          // Stop once rounds no longer help and the destination has applied everything sent so
          // far; while it is still busy (building the machine from the first copy) keep sending.
          if (stop && caughtUp) break;
          if (stop && ++extra > MAX_EXTRA_ROUNDS) {
            await this.waitApplied(sent);
            break;
          }
          const r = await this.api.migrateRound();
          this.post({ kind: 'pages', from: this.id, to, bytes: r.bytes });
          sent++;
          this.set({ ...this.status, rounds: r.progress.rounds, bytes: r.progress.bytesSent });
          stop ||= r.stop;
        }
        const pausedAt = Date.now();
        const f = await this.api.migrateFinish();
        this.set({ ...this.status, phase: 'stopping', rounds: f.progress.rounds, bytes: f.progress.bytesSent });
        this.post({ kind: 'finish', from: this.id, to, bytes: f.bytes, pausedAt, progress: f.progress });
      }
      const a = await arrival;
      if (!a.ok) throw new Error(`the other tab could not take the machine: ${a.error ?? 'unknown error'}`);
      await this.api.migratedAway('another tab');
      this.set({ ...this.status, phase: 'moved', downtimeMs: a.downtimeMs, message: 'The machine moved to another tab.' });
    } catch (e) {
      if (started) {
        await this.api.migrateAbort();
        await this.api.resume();
      }
      this.set({ ...this.status, phase: 'failed', message: `Migration failed: ${e instanceof Error ? e.message : String(e)} (the machine runs on here).` });
    } finally {
      this.arrived = null;
      this.busy = false;
    }
  }

  /** Waits until the destination has applied `n` messages (or gives up: the finish then queues behind). */
  private async waitApplied(n: number): Promise<void> {
    const end = Date.now() + ARRIVE_WAIT_MS;
    while (this.applied < n && Date.now() < end) {
      this.checkAnswer();
      await sleep(10);
    }
  }

  /** The destination gave up early (it could not build the machine): stop sending. */
  private checkAnswer(): void {
    const a = this.answer;
    if (a && !a.ok) throw new Error(`the other tab could not take the machine: ${a.error ?? 'unknown error'}`);
  }

  private async findTaker(): Promise<string | null> {
    this.offers = [];
    this.post({ kind: 'who', from: this.id });
    const end = Date.now() + OFFER_WAIT_MS;
    while (this.offers.length === 0 && Date.now() < end) await sleep(25);
    return this.offers[0] ?? null;
  }

  private onMessage(m: Msg): void {
    switch (m.kind) {
      case 'who':
        if (this.receiving && !this.busy) this.post({ kind: 'offer', from: this.id });
        return;
      case 'offer':
        this.offers.push(m.from);
        return;
      case 'arrived':
        if (m.to !== this.id) return;
        this.answer = m;
        this.arrived?.(m);
        return;
      case 'applied':
        if (m.to === this.id) this.applied = Math.max(this.applied, m.messages);
        return;
      default:
        if (m.to !== this.id) return;
        this.queue = this.queue.then(() => this.receive(m)).catch(() => undefined);
    }
  }

  private async receive(m: Extract<Msg, { kind: 'begin' | 'pages' | 'finish' }>): Promise<void> {
    if (m.kind === 'begin') {
      this.busy = true;
      this.incomingFrom = m.from;
      this.set({ ...idleStatus, role: 'destination', phase: 'copying', mode: m.mode, bytes: m.bytes.length, message: `receiving ${m.guest}…` });
      if (m.mode === 'warm') {
        const r = await this.api.restore(m.bytes, m.guest);
        this.arrive(m.from, r.ok ? null : r.error, m.pausedAt);
        return;
      }
      this.guest = m.guest;
      this.appliedIn = 0;
      const r = await this.api.receiveBegin(m.bytes);
      if (!r.ok) this.arrive(m.from, r.error, 0);
      else this.post({ kind: 'applied', from: this.id, to: m.from, messages: ++this.appliedIn });
      return;
    }
    if (m.from !== this.incomingFrom) return; // left over from a migration that failed
    if (m.kind === 'pages') {
      const r = await this.api.receivePages(m.bytes);
      this.set({ ...this.status, rounds: this.status.rounds + 1, bytes: this.status.bytes + m.bytes.length });
      if (!r.ok) this.arrive(m.from, r.error, 0);
      else this.post({ kind: 'applied', from: this.id, to: m.from, messages: ++this.appliedIn });
      return;
    }
    this.set({ ...this.status, phase: 'stopping', bytes: this.status.bytes + m.bytes.length });
    const r = await this.api.receiveFinish(m.bytes, this.guest);
    this.arrive(m.from, r.ok ? null : r.error, m.pausedAt);
  }

  private guest = 'machine';
  /** Destination: begin/pages messages applied so far (acknowledged to the source). */
  private appliedIn = 0;

  /** Tells the source how it went; on success this tab now runs the machine (and stops receiving). */
  private arrive(to: string, error: string | null, pausedAt: number): void {
    const downtimeMs = pausedAt > 0 ? Date.now() - pausedAt : 0;
    this.incomingFrom = null;
    this.busy = false;
    this.post({ kind: 'arrived', from: this.id, to, ok: error === null, error, downtimeMs });
    if (error === null) {
      this.receiving = false;
      this.set({ ...this.status, phase: 'arrived', downtimeMs, message: 'The machine arrived from another tab and runs here.' });
    } else {
      this.set({ ...this.status, phase: 'failed', message: `Receiving failed: ${error}` });
    }
  }

  private post(m: Msg): void {
    this.channel.postMessage(m);
  }

  private set(s: MigrationStatus): void {
    this.status = s;
    this.emit();
  }

  private emit(): void {
    this.onStatus(this.status, this.receiving);
  }
}
