/**
 * One fast-style training benchmark case in its own process (the `train` section).
 * Usage: tsx scripts/bench/train-case.ts <size> <batch> <steps>
 * Runs `trainFastStyle` (VGG19 uint8 loss net from the mirror, cpu, 2 intra-op threads unless
 * IMPASTO_THREADS says otherwise) on in-memory random photos, so decoding costs nothing, for
 * steps + 2 steps; the step time is the median gap between progress events after two warm-ups
 * (the step: the training graph's run, gradients copied out, Adam). Prints one JSON line:
 * msPerStep, runsMs, peakRssMiB (VmHWM).
 */
import { type PhotoSet, trainFastStyle } from '@impasto/core/platform';
import { ModelStore } from '@impasto/node';
import { nodePlatform } from '@impasto/node/platform';
import { weightsDir } from '../paths';
import { rss } from './measure';

const [size, batch, steps] = process.argv.slice(2).map(Number) as [number, number, number];

// Made once: random pixels drawn per crop would cost the main thread more than sharp's decoding does.
const pixels = Float32Array.from({ length: 3 * size * size }, () => Math.random() * 255);
const photos: PhotoSet = { count: 4, name: (i) => `random ${i}`, crop: async () => pixels.slice() };

async function main() {
  if (!(size > 0 && batch > 0 && steps > 0)) throw new Error('usage: train-case.ts <size> <batch> <steps>');
  const store = new ModelStore({ mirror: weightsDir(), download: false });
  const painting = { data: Uint8Array.from({ length: size * size * 3 }, () => Math.floor(Math.random() * 256)), width: size, height: size, channels: 3 as const };
  const threads = Number(process.env.IMPASTO_THREADS ?? 2);
  const run = trainFastStyle(nodePlatform, { painting, photos }, { size, batch, iterations: steps + 2, checkpointEvery: 0, ep: 'cpu', intraOpNumThreads: threads, interOpNumThreads: 1 }, { store, onCheckpoint: async () => undefined });
  const at: number[] = [];
  for await (const e of run.events) if (e.type === 'progress') at.push(performance.now());
  const result = await run.result;
  const runs = at.slice(2).map((t, i) => t - at[i + 1]!);
  const sorted = [...runs].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  const msPerStep = sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
  console.log(JSON.stringify({ engine: 'impasto', size, batch, msPerStep, runsMs: runs, peakRssMiB: rss().peak, provider: result.provider, threads }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
