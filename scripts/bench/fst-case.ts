/**
 * One fast-style benchmark case in its own process, so peak RSS belongs to one engine.
 * Usage: tsx scripts/bench/fst-case.ts <impasto|impasto-raw|bare|tfjs-wasm> <size> <png> <reps> [ep]
 * Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { FST_INPUT, buildFastStyleGraph, optimizeFastStyleGraph, readFstCheckpoint } from '@impasto/core/fst';
import { encodeModel } from '@impasto/core/onnx';
import { FastStyle, ModelStore, decodeImage } from '@impasto/node';
import { imageToTensor } from '@impasto/core/platform';
import { weightsDir } from '../paths';
import { loadTfjsFastStyle } from '../reference/fst-tfjs';
import { medianMs, peakRssMiB } from './measure';

const [engine, sizeArg, png, repsArg, epArg] = process.argv.slice(2);
const size = Number(sizeArg);
const reps = Number(repsArg ?? 3);
const ep = (epArg ?? 'cpu') as 'cpu' | 'webgpu';
const weights = weightsDir();
const style = 'wave';

async function main() {
  const pngBytes = readFileSync(png!);
  const image = await decodeImage(pngBytes);
  let result: { median: number; runs: number[] };
  let extra: Record<string, unknown> = {};
  const store = new ModelStore({ mirror: weights, download: false });
  const bare = async () => {
    const bytes = encodeModel(optimizeFastStyleGraph(buildFastStyleGraph(await readFstCheckpoint(store.source(`fst/${style}`)))));
    const session = await ort.InferenceSession.create(bytes, { executionProviders: [ep], graphOptimizationLevel: 'all' });
    const t = imageToTensor(image);
    const feed = { [FST_INPUT]: new ort.Tensor('float32', t.data as Float32Array, [...t.dims]) };
    return () => session.run(feed);
  };
  if (engine === 'impasto' || engine === 'impasto-raw') {
    const fst = await FastStyle.load(style, { ep }, { store });
    // End to end: PNG bytes in, PNG bytes out (decode, network, encode).
    const sdk = engine === 'impasto' ? () => fst.stylizeEncoded(pngBytes, { format: 'png' }) : () => fst.stylizeRaw(image);
    // The bare session runs in the same process, alternating with the SDK call, so the overhead
    // ratio is not swamped by this machine's drift between processes.
    const runBare = await bare();
    const a: number[] = [];
    const b: number[] = [];
    await sdk();
    await runBare();
    // A pause between the two lets each session's spinning worker threads go idle first.
    const settle = () => new Promise((r) => setTimeout(r, 150));
    for (let i = 0; i < reps; i++) {
      await settle();
      a.push((await medianMs(sdk, 1, 0)).median);
      await settle();
      b.push((await medianMs(runBare, 1, 0)).median);
    }
    const med = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1]!;
    result = { median: med(a), runs: a };
    extra = { provider: fst.provider, bareSameProcessMs: med(b) };
  } else if (engine === 'bare') {
    result = await medianMs(await bare(), reps);
  } else if (engine === 'tfjs-wasm') {
    const ref = await loadTfjsFastStyle(join(weights, 'fst', style), 'wasm');
    const hwc = new Float32Array(image.width * image.height * 3);
    for (let i = 0, j = 0; i < image.data.length; i += image.channels, j += 3) hwc.set([image.data[i]!, image.data[i + 1]!, image.data[i + 2]!], j);
    result = await medianMs(() => ref.run(hwc, image.height, image.width), reps, 1);
  } else {
    throw new Error(`unknown engine ${engine}`);
  }
  process.stdout.write(`${JSON.stringify({ engine, size, ep, medianMs: result.median, runsMs: result.runs, peakRssMiB: peakRssMiB(), ...extra })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
