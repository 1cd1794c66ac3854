// A small window.__armlab object for end-to-end tests (e2e/): read what the console shows and
// the latest state digest without scraping xterm's DOM.
import type { StateDigest } from '../worker/protocol';

export interface ArmlabTestHook {
  terminalText(): string;
  terminalSize(): { cols: number; rows: number };
  digest(): StateDigest;
  log(): string[];
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
