/**
 * Writes the fast-style networks as ONNX files into models/onnx/ (git-ignored), built from the
 * public weights through the model store (mirror, cache or download).
 * Usage: npx tsx scripts/build-graphs.ts [style ...]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ModelStore, buildFastStyleGraph, encodeModel, getStyle, listStyles, readFstCheckpoint } from '../packages/node/src/index';

async function main() {
  const ids = process.argv.slice(2);
  const styles = ids.length ? ids.map(getStyle) : listStyles();
  const out = resolve(__dirname, '../models/onnx');
  mkdirSync(out, { recursive: true });
  const store = new ModelStore();
  for (const s of styles) {
    const bytes = encodeModel(buildFastStyleGraph(await readFstCheckpoint(store.source(s.model)), `fast_style_${s.id}`));
    const file = join(out, `fst-${s.id}.onnx`);
    writeFileSync(file, bytes);
    console.log(`${file} (${(bytes.byteLength / 1e6).toFixed(1)} MB)`);
  }
}

main().catch((e) => {
  console.error(`build-graphs: ${e.message}`);
  process.exit(1);
});
