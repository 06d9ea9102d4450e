import { defineConfig } from 'tsup';

// dist/opencv.js is written by scripts/opencv-bundle.mjs after this (see package.json's build).
export default defineConfig({
  // worker: the Web Worker entry (src/worker.ts), loaded with new Worker(new URL(...), { type: 'module' }).
  entry: { index: 'src/index.ts', platform: 'src/platform-entry.ts', worker: 'src/worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts', platform: 'src/platform-entry.ts', worker: 'src/worker.ts' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'browser',
  tsconfig: 'tsconfig.build.json',
  // Both stay imports: the app's bundler resolves them (and copies onnxruntime-web's .wasm files).
  external: ['@impasto/core', 'onnxruntime-web'],
});
