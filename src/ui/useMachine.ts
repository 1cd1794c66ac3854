// Starts the machine worker and keeps the latest state digest in React state. UART bytes bypass
// React and go straight to the console's sink, which xterm renders on its own schedule.
import { useEffect, useMemo, useRef, useState } from 'react';
import * as Comlink from 'comlink';
import { emptyDigest, type MachineWorkerApi, type StateDigest, type Update } from '../worker/protocol';

export interface MachineHandle {
  api: Comlink.Remote<MachineWorkerApi>;
}

export interface MachineSinks {
  /** A new boot or reset began: clear the console and the log. */
  restart(): void;
  output(bytes: Uint8Array): void;
  log(lines: string[]): void;
}

export function useMachine(sinks: MachineSinks): { machine: MachineHandle | null; digest: StateDigest } {
  const [digest, setDigest] = useState<StateDigest>(emptyDigest);
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
      }
      if (u.uart.length > 0) sinksRef.current.output(u.uart);
      if (u.log.length > 0) sinksRef.current.log(u.log);
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

  return useMemo(() => ({ machine, digest }), [machine, digest]);
}
