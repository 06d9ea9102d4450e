/**
 * One arbitrary-style (MicroAST) benchmark case in its own process, so peak RSS belongs to one engine.
 * Usage: tsx scripts/bench/ast-case.ts impasto <size> <reps> [style.png]
 * Loads ArbitraryStyle (cpu provider, ONNX Runtime's default threads), encodes the style once (the
 * file given, else Starry Night shrunk to 512 on its longest side), then times
 * `stylize(content, code)` on size x size random pixels: the median of `reps` after one warm-up.
 * Prints one JSON line: medianMs (stylize, RawImage in and out), inferenceMs (the network alone,
 * `inferenceMs`), styleEncodeMs (first encode, with the session's first-run set-up) and
 * styleEncodeWarmMs (a second, uncached encode), peakRssMiB (VmHWM) and baselineRssMiB (after load
 * and encode, before the first stylize).
 */
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import sharp from 'sharp';
import { ArbitraryStyle, ModelStore, type RawImage, decodeImage } from '@impasto/node';
import { IMAGES, weightsDir } from '../paths';
import { noiseImage, rss } from './measure';

const [engine = '', sizeArg, repsArg, stylePath] = process.argv.slice(2);
const size = Number(sizeArg);
const reps = Number(repsArg ?? 3);
/** The longest side of the style image. */
const AST_STYLE_SIDE = 512;



async function styleImage(): Promise<RawImage> {
  if (stylePath) return decodeImage(stylePath);
  const file = join(IMAGES, 'style/jcjohnson_starry_night.jpg');
  const { data, info } = await sharp(file).removeAlpha().resize(AST_STYLE_SIDE, AST_STYLE_SIDE, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main() {
  if (engine !== 'impasto' || !(size > 0) || !(reps > 0)) throw new Error('usage: ast-case.ts impasto <size> <reps> [style.png]');
  const store = new ModelStore({ mirror: weightsDir(), download: false });
  const ast = await ArbitraryStyle.load({ ep: 'cpu' }, { store });
  const style = await styleImage();
  let t0 = performance.now();
  const code = await ast.encodeStyle(style, { styleSize: AST_STYLE_SIDE });
  const styleEncodeMs = performance.now() - t0;
  // The engine caches codes by pixels: one pixel changed makes a second, uncached encode.
  const other = { ...style, data: style.data.slice() };
  other.data[0] = other.data[0]! ^ 1;
  t0 = performance.now();
  await ast.encodeStyle(other, { styleSize: AST_STYLE_SIDE });
  const styleEncodeWarmMs = performance.now() - t0;
  const content = noiseImage(size, size, 1);
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  await new Promise((r) => setTimeout(r, 300));
  const baselineRssMiB = rss().now;
  await ast.stylize(content, code); // warm-up: ONNX Runtime plans memory for this shape
  const runs: number[] = [];
  const inference: number[] = [];
  for (let i = 0; i < reps; i++) {
    t0 = performance.now();
    const r = await ast.stylizeWithInfo(content, code);
    runs.push(performance.now() - t0);
    inference.push(r.inferenceMs);
  }
  const result = {
    engine,
    size,
    provider: ast.provider,
    medianMs: median(runs),
    runsMs: runs,
    inferenceMs: median(inference),
    inferenceRunsMs: inference,
    styleEncodeMs,
    styleEncodeWarmMs,
    styleSize: [style.height, style.width],
    baselineRssMiB,
    peakRssMiB: rss().peak,
  };
  await ast.dispose();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
