// The machine worker: one Machine per worker, driven by MachineSession, exposed to the page
// through comlink (see protocol.ts for the API). Running the emulator here keeps the page
// responsive however long a slice takes.
import * as Comlink from 'comlink';
import wasmUrl from '../../build/core.wasm?url';
import { concatBytes } from '../machine/bytes';
import { MachineSession } from './session';
import type { BootSpec, MigrationProgress, RestoreResult, SavedSnapshot, CpuSnapshot, DisasmLine, MachineWorkerApi, MemoryResult, StepResult, TrailBreak, Update, UpdateListener } from './protocol';

async function loadCore(): Promise<WebAssembly.Module> {
  const res = await fetch(wasmUrl);
  if (!res.ok) throw new Error(`could not load the CPU core (${wasmUrl}): HTTP ${res.status}`);
  // compileStreaming needs the server to say application/wasm; if it does not, compile from bytes.
  const fallback = res.clone();
  try {
    return await WebAssembly.compileStreaming(res);
  } catch {
    return WebAssembly.compile(await fallback.arrayBuffer());
  }
}

async function fetchBytes(url: string, onProgress?: (loaded: number, total: number | null) => void): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not fetch ${url}: HTTP ${res.status}`);
  if (!onProgress || !res.body) return new Uint8Array(await res.arrayBuffer());
  // Read the body as it streams in to report progress. Content-Length counts the bytes on the wire:
  // with a Content-Encoding the decoded body is larger, so the total is only a hint then.
  const length = Number(res.headers.get('content-length'));
  const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const total = length > 0 && !encoded ? length : null;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress(loaded, total);
  }
  return concatBytes(chunks);
}

// A message posted to a MessageChannel port runs as a macrotask right after the messages already
// queued (unlike setTimeout(0), which browsers clamp to 4 ms once nested), so the run loop yields
// to comlink's messages at almost no cost.
const channel = new MessageChannel();
const yieldQueue: (() => void)[] = [];
channel.port1.onmessage = (): void => {
  const fn = yieldQueue.shift();
  if (fn) fn();
};
function yieldThen(fn: () => void): void {
  yieldQueue.push(fn);
  channel.port2.postMessage(null);
}

const session = new MachineSession({ loadCore, fetchBytes, yieldThen, now: () => performance.now() });

const api: MachineWorkerApi = {
  async connect(baseUrl: string, listener: UpdateListener): Promise<void> {
    // Transfer the UART bytes rather than copying them; the session never reuses an update.
    session.connect(baseUrl, (u: Update) => listener(Comlink.transfer(u, [u.uart.buffer])));
  },
  boot: (spec: BootSpec) => session.boot(spec),
  async pause(): Promise<void> {
    session.pause();
  },
  async resume(): Promise<void> {
    session.resume();
  },
  reset: () => session.reset(),
  async sendInput(bytes: Uint8Array): Promise<void> {
    session.sendInput(bytes);
  },
  async powerOff(): Promise<void> {
    session.powerOff();
  },
  async step(n: number): Promise<StepResult> {
    return session.step(n);
  },
  async setBreakpoints(pcs: bigint[]): Promise<void> {
    session.setBreakpoints(pcs);
  },
  async stepOver(): Promise<void> {
    session.stepOver();
  },
  async runTo(pc: bigint): Promise<void> {
    session.runTo(pc);
  },
  async setTrailBreak(rule: TrailBreak | null): Promise<void> {
    session.setTrailBreak(rule);
  },
  async inspect(): Promise<CpuSnapshot | null> {
    return session.inspect();
  },
  async readMemory(addr: bigint, len: number, virtual: { el: number } | null): Promise<MemoryResult> {
    return session.readMemory(addr, len, virtual);
  },
  async disassemble(addr: bigint, count: number, virtual: { el: number } | null): Promise<DisasmLine[]> {
    return session.disassemble(addr, count, virtual);
  },
  // Snapshot bytes are transferred, not copied: a Linux snapshot is megabytes.
  async save(): Promise<SavedSnapshot> {
    const s = session.save();
    return Comlink.transfer(s, [s.bytes.buffer]);
  },
  restore: (bytes: Uint8Array, guest: string) => session.restore(bytes, guest),
  async migrateBegin(): Promise<SavedSnapshot> {
    const s = session.migrateBegin();
    return Comlink.transfer(s, [s.bytes.buffer]);
  },
  async migrateRound(): Promise<{ bytes: Uint8Array; stop: boolean; progress: MigrationProgress }> {
    const r = session.migrateRound();
    return Comlink.transfer(r, [r.bytes.buffer]);
  },
  async migrateFinish(): Promise<{ bytes: Uint8Array; progress: MigrationProgress }> {
    const r = session.migrateFinish();
    return Comlink.transfer(r, [r.bytes.buffer]);
  },
  async migrateAbort(): Promise<void> {
    session.migrateAbort();
  },
  async migratedAway(where: string): Promise<void> {
    session.migratedAway(where);
  },
  receiveBegin: (bytes: Uint8Array) => session.receiveBegin(bytes),
  async receivePages(bytes: Uint8Array): Promise<RestoreResult> {
    return session.receivePages(bytes);
  },
  async receiveFinish(bytes: Uint8Array, guest: string): Promise<RestoreResult> {
    return session.receiveFinish(bytes, guest);
  },
};

Comlink.expose(api);
