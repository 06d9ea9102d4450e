import { fileURLToPath } from 'node:url';
import { type Plugin, defineConfig } from 'vite';

// OpenCV.js (core loads it lazily, in its own chunk, only to stabilize a video) is an Emscripten UMD
// file whose Node branch calls require('fs'), require('path') and require('crypto'). That branch
// never runs in a browser, so those resolve to an empty module here instead of Vite's "externalized
// for browser compatibility" stub, which works the same but warns once per name and bundle.
const EMPTY = '\0impasto-empty-node-builtin';
const opencvNodeBuiltins = (): Plugin => ({
  name: 'impasto-opencv-node-builtins',
  enforce: 'pre',
  resolveId(id, importer) {
    if (importer?.includes('@techstark/opencv-js') && ['fs', 'path', 'crypto'].includes(id)) return EMPTY;
    return undefined;
  },
  load(id) {
    return id === EMPTY ? 'export default {};' : undefined;
  },
});

// The demo builds from the sources (no need to build the packages first). onnxruntime-web is taken
// in its "extern wasm" form: its .wasm/.mjs runtime files are not bundled but loaded from
// `wasmPaths` (the demo server serves them at /ort/), which keeps the demo small and lets ORT start
// its wasm worker threads from a real URL.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [opencvNodeBuiltins()],
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
  // The worker (fast style, NST and video) is bundled on its own, with the same plugin.
  worker: { format: 'es', plugins: () => [opencvNodeBuiltins()] },
  logLevel: 'warn',
});
