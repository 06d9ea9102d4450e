import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', platform: 'src/platform-entry.ts', cli: 'src/cli/main.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', platform: 'src/platform-entry.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['@impasto/core'],
  shims: true,
});
