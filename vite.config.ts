// Vite builds the static site: index.html + the React UI, the machine worker, and the wasm core
// as an asset. base './' makes every URL in dist/ relative, so dist/ works from any static server
// and any sub-path; no special headers are needed (no SharedArrayBuffer yet, so no COOP/COEP).
import { defineConfig } from 'vite';

export default defineConfig({
  root: '.',
  base: './',
  publicDir: 'public', // images/ (guests and manifest.json) are copied as they are
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'react' },
  },
  worker: {
    format: 'es',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Keep the wasm core a separate file (streamed and compiled by the worker), never inlined.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    // React + xterm.js make one ~560 kB chunk (160 kB gzipped); that is expected, not a problem.
    chunkSizeWarningLimit: 800,
  },
  server: {
    host: '127.0.0.1',
  },
});
