/**
 * Writes the fast-style networks as ONNX files into models/onnx/ (git-ignored), built from the
 * public weights through the model store (the IMPASTO_WEIGHTS mirror, else shared/weights beside
 * the repository; then the cache or a download).
 * Usage: npx tsx scripts/build-graphs.ts [style ...]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildFastStyleGraph, optimizeFastStyleGraph, readFstCheckpoint } from '@impasto/core/fst';
import { encodeModel } from '@impasto/core/onnx';
import { ModelStore, getStyle, listStyles } from '@impasto/node';
import { weightsDir } from './paths';

async function main() {
  const ids = process.argv.slice(2);
  const styles = ids.length ? ids.map(getStyle) : listStyles();
  const out = resolve(__dirname, '../models/onnx');
  mkdirSync(out, { recursive: true });
  const store = new ModelStore({ mirror: weightsDir() });
  for (const s of styles) {
    const bytes = encodeModel(optimizeFastStyleGraph(buildFastStyleGraph(await readFstCheckpoint(store.source(s.model)), `fast_style_${s.id}`)));
    const file = join(out, `fst-${s.id}.onnx`);
    writeFileSync(file, bytes);
    console.log(`${file} (${(bytes.byteLength / 1e6).toFixed(1)} MB)`);
  }
}

main().catch((e) => {
  console.error(`build-graphs: ${e.message}`);
  process.exit(1);
});
