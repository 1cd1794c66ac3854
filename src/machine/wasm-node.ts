// Loads the compiled core in Node (CLI, tests, benchmarks). The browser loads it in src/worker.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: WebAssembly.Module | undefined;

/** The compiled core module, from build/core.wasm (run `npm run asc` to build it). */
export function coreModuleSync(): WebAssembly.Module {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '../../build/core.wasm'), join(here, '../build/core.wasm')];
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw new Error('build/core.wasm is missing: run `npm run asc` first');
  cached = new WebAssembly.Module(readFileSync(path));
  return cached;
}
