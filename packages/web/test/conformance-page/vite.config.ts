import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Built from the sources, like the demo; onnxruntime-web's runtime files come from /ort/.
export default defineConfig({
  root: here('.'),
  base: '/',
  resolve: {
    alias: [
      { find: /^@impasto\/core$/, replacement: here('../../../core/src/index.ts') },
      { find: /^@impasto\/core\/(.*)$/, replacement: here('../../../core/src/entries/$1.ts') },
      { find: /^@impasto\/web$/, replacement: here('../../src/index.ts') },
      { find: /^@impasto\/web\/platform$/, replacement: here('../../src/platform-entry.ts') },
      { find: /^@impasto\/test-support\/(.*)$/, replacement: here('../../../../scripts/$1.ts') },
    ],
    conditions: ['onnxruntime-web-use-extern-wasm', 'module', 'browser', 'import', 'default'],
  },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 5000 },
  // The threads test starts @impasto/web's module worker from this page.
  worker: { format: 'es' },
  logLevel: 'warn',
});
