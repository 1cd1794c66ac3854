// Starts the machine worker and keeps the latest state digest and CPU snapshot in React state. UART
// bytes bypass React and go straight to the console's sink, which xterm renders on its own schedule;
// trail events go to a sink too, so the page decides how many rows it keeps.
import { useEffect, useMemo, useRef, useState } from 'react';
import * as Comlink from 'comlink';
import { emptyDigest, type CpuSnapshot, type MachineWorkerApi, type StateDigest, type TrailEvent, type Update } from '../worker/protocol';

export interface MachineHandle {
  api: Comlink.Remote<MachineWorkerApi>;
}

export interface MachineSinks {
  /** A new boot or reset began: clear the console, the log and the trail. */
  restart(): void;
  output(bytes: Uint8Array): void;
  log(lines: string[]): void;
  /** New trail events (oldest first) and how many were lost before them. */
  trail(events: TrailEvent[], lost: number): void;
}

export interface MachineView {
  machine: MachineHandle | null;
  digest: StateDigest;
  /** The newest CPU snapshot (null before the first boot). */
  cpu: CpuSnapshot | null;
}

export function useMachine(sinks: MachineSinks): MachineView {
  const [digest, setDigest] = useState<StateDigest>(emptyDigest);
  const [cpu, setCpu] = useState<CpuSnapshot | null>(null);
  const [machine, setMachine] = useState<MachineHandle | null>(null);
  const sinksRef = useRef(sinks);
  sinksRef.current = sinks;

  useEffect(() => {
    const worker = new Worker(new URL('../worker/machine.worker.ts', import.meta.url), { type: 'module', name: 'armlab-machine' });
    const api = Comlink.wrap<MachineWorkerApi>(worker);
    let live = true;
    let bootId = 0;
    const onUpdate = (u: Update): void => {
      if (!live) return;
      if (u.digest.bootId !== bootId) {
        bootId = u.digest.bootId;
        sinksRef.current.restart();
        setCpu(null);
      }
      if (u.uart.length > 0) sinksRef.current.output(u.uart);
      if (u.log.length > 0) sinksRef.current.log(u.log);
      if (u.trail.length > 0 || u.trailLost > 0) sinksRef.current.trail(u.trail, u.trailLost);
      if (u.cpu) setCpu(u.cpu);
      setDigest(u.digest);
    };
    void api.connect(new URL('.', document.baseURI).href, Comlink.proxy(onUpdate)).then(() => {
      if (live) setMachine({ api });
    });
    return () => {
      live = false;
      api[Comlink.releaseProxy]();
      worker.terminate();
    };
  }, []);

  return useMemo(() => ({ machine, digest, cpu }), [machine, digest, cpu]);
}
