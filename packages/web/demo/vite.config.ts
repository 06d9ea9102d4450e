import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The demo builds from the sources (no need to build the packages first). onnxruntime-web is taken
// in its "extern wasm" form: its .wasm/.mjs runtime files are not bundled but loaded from
// `wasmPaths` (the demo server serves them at /ort/), which keeps the demo small and lets ORT start
// its wasm worker threads from a real URL.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [
      { find: /^@impasto\/core$/, replacement: fileURLToPath(new URL('../../core/src/index.ts', import.meta.url)) },
      { find: /^@impasto\/core\/(.*)$/, replacement: fileURLToPath(new URL('../../core/src/entries/$1.ts', import.meta.url)) },
    ],
    conditions: ['onnxruntime-web-use-extern-wasm', 'module', 'browser', 'import', 'default'],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: 'es' },
  logLevel: 'warn',
});
