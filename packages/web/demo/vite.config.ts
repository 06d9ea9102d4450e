import { fileURLToPath } from 'node:url';
import { type Plugin, defineConfig } from 'vite';
// @ts-expect-error a plain .mjs script without types
import { OPENCV_BUNDLE, bundleOpenCv } from '../scripts/opencv-bundle.mjs';

// The sources load OpenCV.js from dist/opencv.js next to the built package (src/platform/opencv.ts):
// here that file is made when missing, and the sources' URL points at it.
const builtOpenCv = (): Plugin => ({
  name: 'impasto-built-opencv',
  enforce: 'pre',
  async buildStart() {
    await bundleOpenCv(OPENCV_BUNDLE, false);
  },
  transform(code, id) {
    if (!id.endsWith('/src/platform/opencv.ts')) return undefined;
    return code.replaceAll("new URL('./opencv.js', import.meta.url)", "new URL('../../dist/opencv.js', import.meta.url)");
  },
});

// The demo builds from the sources (no need to build the packages first). onnxruntime-web is taken
// in its "extern wasm" form: its .wasm/.mjs runtime files are not bundled but loaded from
// `wasmPaths` (the demo server serves them at /ort/), which keeps the demo small and lets ORT start
// its wasm worker threads from a real URL.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [builtOpenCv()],
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
  worker: { format: 'es', plugins: () => [builtOpenCv()] },
  logLevel: 'warn',
});
