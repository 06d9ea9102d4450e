/**
 * How much JavaScript an FST-only browser app ships: builds a tiny app that imports `FastStyle` from
 * `@impasto/web` with Vite (production, minified) and reports the emitted JS (bytes, gzip), split by
 * origin, plus the .wasm assets separately. Used to compare before/after splitting core into subpath
 * exports, so an app that only runs fast style transfer stops bundling the NST autodiff.
 *
 *   npm run build && npx tsx scripts/bench/bundle-size.ts [--full] [--json out.json]
 *
 * `--full` builds an app that uses all three engines (fast style, NST, arbitrary style) instead.
 *
 * The app is written to a temporary folder under .cache/ (gitignored) inside the repo, so that, like
 * packages/web/examples/bundle-app/build.mjs, it resolves `@impasto/*` the way any app would: the
 * workspace's node_modules link, then each package's `exports` map, i.e. the built packages/<pkg>/dist.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';

const FULL = process.argv.includes('--full');
/** The app's imports: adapt this line (e.g. to a subpath export) when the package layout changes. */
const ENTRY_IMPORTS = FULL
  ? `import { FastStyle, neuralStyle, ArbitraryStyle, toImageData } from '@impasto/web';`
  : `import { FastStyle } from '@impasto/web';`;
/** The rest of the app: load one style, stylize the canvas's ImageData, draw the result. */
const FST_BODY = `
const canvas = document.querySelector('canvas')!;
const ctx = canvas.getContext('2d')!;
const fst = await FastStyle.load('wave');
const out = await fst.stylize(ctx.getImageData(0, 0, canvas.width, canvas.height));
canvas.width = out.width;
canvas.height = out.height;
ctx.putImageData(out, 0, 0);
`;
/** All engines: the same, then an NST run and an arbitrary-style call on the same pixels. */
const ENTRY_BODY = FULL ? `${FST_BODY}
const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
const nst = neuralStyle({ content: pixels, style: pixels }, { iterations: 10 });
for await (const e of nst.events) console.log(e.type);
const any = await ArbitraryStyle.load();
ctx.putImageData(toImageData(await any.stylize((await nst.result).image, pixels)), 0, 0);
` : FST_BODY;

const ROOT = resolve(__dirname, '..', '..');
/** Origins, by path relative to the repo root; the first match wins, anything else is "other". */
const ORIGINS: [string, RegExp][] = [
  ['onnxruntime-web', /^node_modules\/onnxruntime-(web|common)\//],
  ['@impasto/core', /^(packages\/core|node_modules\/@impasto\/core)\//],
  ['@impasto/web', /^(packages\/web|node_modules\/@impasto\/web)\//],
  ['protobuf', /^node_modules\/(onnx-proto|protobufjs|@protobufjs|@bufbuild\/protobuf)\//],
];
const originOf = (absPath: string) => {
  const rel = relative(ROOT, absPath.replace(/^\0/, '').split('?')[0]!).split('\\').join('/');
  return ORIGINS.find(([, re]) => re.test(rel))?.[0] ?? 'other';
};

/** Decodes a source map's `mappings` into [generated line, generated column, source index or -1]. */
function* segments(mappings: string): Generator<[number, number, number]> {
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let source = 0;
  for (const [line, text] of mappings.split(';').entries()) {
    let column = 0;
    for (const seg of text ? text.split(',') : []) {
      const fields: number[] = [];
      for (let i = 0, value = 0, shift = 0; i < seg.length; i++) {
        const digit = B64.indexOf(seg[i]!);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else { fields.push(value & 1 ? -(value >>> 1) : value >>> 1); value = shift = 0; }
      }
      column += fields[0]!;
      if (fields.length > 1) source += fields[1]!;
      yield [line, column, fields.length > 1 ? source : -1];
    }
  }
}

/**
 * Minified characters of `chunk` per origin, from its source map: each mapped span runs to the next
 * segment (or the end of its line). This is what the app really ships; Rollup's `renderedLength`
 * (reported alongside) is measured before minification, so it overstates unminified code such as
 * core's and onnx-proto's, next to onnxruntime-web's already minified bundle.
 */
function minifiedByOrigin(chunk: Rollup.OutputChunk, outDir: string, into: Record<string, number>): void {
  const map = chunk.map!;
  const lines = chunk.code.split('\n');
  const origins = map.sources.map((s) => originOf(resolve(outDir, dirname(chunk.fileName), s)));
  let prev: [number, number, number] | undefined;
  const close = (end: number) => {
    if (prev && prev[2] >= 0) into[origins[prev[2]]!] = (into[origins[prev[2]]!] ?? 0) + end - prev[1];
  };
  for (const seg of segments(map.mappings)) {
    if (prev) close(prev[0] === seg[0] ? seg[1] : lines[prev[0]]!.length);
    prev = seg;
  }
  if (prev) close(lines[prev[0]]!.length);
}

async function main(): Promise<void> {
  const jsonIdx = process.argv.indexOf('--json');
  const jsonPath = jsonIdx >= 0 ? process.argv[jsonIdx + 1] : undefined;
  mkdirSync(join(ROOT, '.cache'), { recursive: true });
  const app = mkdtempSync(join(ROOT, '.cache', 'bundle-size-'));
  const outDir = join(app, 'dist');
  try {
    writeFileSync(join(app, 'main.ts'), `${ENTRY_IMPORTS}\n${ENTRY_BODY}`);
    writeFileSync(join(app, 'index.html'), '<!doctype html><canvas></canvas><script type="module" src="./main.ts"></script>\n');
    const t0 = performance.now();
    // A production build as an app would do it; `sourcemap: 'hidden'` only adds .map files (the JS is
    // byte-identical) so minified bytes can be traced to their origin. Nothing is written to disk.
    const result = (await build({
      root: app, base: './', configFile: false, logLevel: 'silent',
      build: { outDir, minify: true, target: 'es2022', sourcemap: 'hidden', write: false, chunkSizeWarningLimit: Infinity },
    })) as Rollup.RollupOutput | Rollup.RollupOutput[];
    const buildMs = Math.round(performance.now() - t0);
    const output = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);

    const js: { file: string; bytes: number; gzip: number }[] = []; // what the browser downloads and parses
    const wasm: { file: string; bytes: number }[] = []; // ORT's runtime binary: large, but not JS
    const minified: Record<string, number> = {}; // shipped JS per origin
    const rendered: Record<string, number> = {}; // Rollup's per-module view, before minification
    for (const f of output) {
      if (f.type === 'chunk') {
        js.push({ file: f.fileName, bytes: Buffer.byteLength(f.code), gzip: gzipSync(f.code).length });
        for (const [id, m] of Object.entries(f.modules)) rendered[originOf(id)] = (rendered[originOf(id)] ?? 0) + m.renderedLength;
        minifiedByOrigin(f, outDir, minified);
      } else if (/\.m?js$/.test(f.fileName)) { // JS emitted as an asset (e.g. a worker or wasm glue)
        const bytes = Buffer.byteLength(f.source);
        js.push({ file: f.fileName, bytes, gzip: gzipSync(f.source).length });
        const origin = originOf(resolve(app, f.originalFileNames[0] ?? ''));
        minified[origin] = (minified[origin] ?? 0) + bytes;
      } else if (f.fileName.endsWith('.wasm')) wasm.push({ file: f.fileName, bytes: f.source.length });
    }
    const total = js.reduce((s, f) => s + f.bytes, 0);
    const gzip = js.reduce((s, f) => s + f.gzip, 0);
    // Spans with no source (Vite's preload helper, chunk glue) and multi-byte characters land in "other".
    minified.other = total - ORIGINS.reduce((s, [o]) => s + (minified[o] ?? 0), 0);

    const kB = (n: number) => (n / 1000).toFixed(1);
    const rows = [...ORIGINS.map(([o]) => o), 'other'].map((o) => {
      const m = minified[o] ?? 0;
      return `| ${o} | ${kB(m)} | ${((100 * m) / total).toFixed(1)}% | ${kB(rendered[o] ?? 0)} |`;
    });
    console.log(`Entry: ${ENTRY_IMPORTS}   (vite build ${buildMs} ms)\n`);
    console.log('| origin | minified kB | share | rendered kB (pre-minify) |\n|---|---:|---:|---:|');
    console.log([...rows, `| **JS total** (${js.length} file${js.length === 1 ? '' : 's'}) | **${kB(total)}** | 100% | ${kB(Object.values(rendered).reduce((a, b) => a + b, 0))} |`].join('\n'));
    console.log(`\nJS gzip: ${kB(gzip)} kB. Wasm (not counted above): ${wasm.map((w) => `${w.file} ${(w.bytes / 1e6).toFixed(2)} MB`).join(', ') || 'none'}`);
    if (jsonPath) {
      const report = { entry: ENTRY_IMPORTS, buildMs, js: { files: js, bytes: total, gzipBytes: gzip }, minifiedByOrigin: minified, renderedByOrigin: rendered, wasm };
      writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`Wrote ${jsonPath}`);
    }
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
