import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per subpath export: an FST-only app imports @impasto/core/fst and never the autodiff.
  entry: {
    index: 'src/index.ts',
    fst: 'src/entries/fst.ts',
    nst: 'src/entries/nst.ts',
    onnx: 'src/entries/onnx.ts',
    autodiff: 'src/entries/autodiff.ts',
    ast: 'src/entries/ast.ts',
    flow: 'src/entries/flow.ts',
    client: 'src/entries/client.ts',
    platform: 'src/entries/platform.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  target: 'es2022',
});
