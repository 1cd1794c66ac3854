// A small window.__armlab object for end-to-end tests (e2e/): read what the console shows, the
// latest state digest, CPU snapshot and trail without scraping the DOM, and reach the worker's API
// (step, breakpoints, memory) directly.
import type { Remote } from 'comlink';
import type { CpuSnapshot, MachineWorkerApi, StateDigest, TrailEvent } from '../worker/protocol';
import type { MigrationStatus } from './migrationLink';

export interface ArmlabTestHook {
  terminalText(): string;
  terminalSize(): { cols: number; rows: number };
  /** The console's selected text, and select-all (copy tests). */
  terminalSelection(): string;
  terminalSelectAll(): void;
  digest(): StateDigest;
  log(): string[];
  /** The newest CPU snapshot the page has (null before boot). */
  cpu(): CpuSnapshot | null;
  /** The trail rows the page keeps (newest last) and how many were lost. */
  trail(): { events: TrailEvent[]; lost: number };
  /** The worker's API (null until the worker is ready). */
  api(): Remote<MachineWorkerApi> | null;
  /** This tab's migration, as the Snapshots panel shows it (rounds, bytes, downtime), and whether it offers to receive. */
  migration(): MigrationStatus & { receiving: boolean };
}

declare global {
  interface Window {
    __armlab?: ArmlabTestHook;
  }
}

export function installTestHook(hook: ArmlabTestHook): () => void {
  window.__armlab = hook;
  return () => {
    if (window.__armlab === hook) delete window.__armlab;
  };
}
