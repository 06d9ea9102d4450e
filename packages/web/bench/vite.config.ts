import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The benchmark page imports @impasto/web by name (its built dist: run `npm run build` first).
// onnxruntime-web in its "extern wasm" form: its runtime files come from /ort/ (served by
// scripts/bench-web.ts), TF.js's .wasm files from /tfjs-wasm/.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', 'module', 'browser', 'import', 'default'] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000 },
  // The worker configuration starts @impasto/web's module worker (dist/worker.js).
  worker: { format: 'es' },
  logLevel: 'warn',
});
