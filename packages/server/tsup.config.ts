import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The engine process is its own entry: the server forks it by path.
    entry: { index: 'src/index.ts', cli: 'src/cli.ts', 'engine-process': 'src/engine/engine-process.ts' },
    format: ['esm', 'cjs'],
    dts: { entry: { index: 'src/index.ts' } },
    sourcemap: true,
    clean: true,
    target: 'node20',
    external: ['@impasto/core', '@impasto/node'],
    shims: true,
  },
  {
    // The page at /: a browser bundle (ImpastoClient from @impasto/core/client inlined).
    entry: { 'page/app': 'src/page/app.ts' },
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    noExternal: [/.*/],
    outExtension: () => ({ js: '.js' }),
  },
]);
