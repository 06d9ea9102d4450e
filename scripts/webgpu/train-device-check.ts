/**
 * Fast-style training with its state on the GPU: `trainFastStyle` (tiny random loss net, 16 px,
 * batch 2) for a few steps on onnxruntime-node's webgpu provider, where the parameters and Adam's
 * moments stay in GPU buffers between steps (`Session.runKept`), and on cpu; and one step of the
 * step graph from the same state on both, comparing its loss and every parameter's first moment
 * (0.1 × the gradient; the parameters themselves move by Adam's first step, ±lr wherever the
 * gradient is not zero, so float noise in a near-zero gradient flips a whole step). Run with
 * VK_ICD_FILENAMES naming SwiftShader's driver (no GPU needed) or on a real GPU. Prints one JSON
 * line after `TRAIN_DEVICE_JSON `.
 */
import { type Feed, type TrainCheckpoint, isDeviceTensor, trainFastStyle } from '@impasto/core/platform';
import { encodeModel } from '@impasto/core/onnx';
import { ModelStore } from '@impasto/node';
import { nodeBackend, nodePlatform } from '@impasto/node/platform';
import { STRIPES, TINY_TRAINING, syntheticPhotos, tinyLossNet } from '../train/fixtures';
import { TRAIN_IO, buildTrainingStepGraph } from '../../packages/core/src/train/training-graph';
import { ParameterSet } from '../../packages/core/src/train/parameters';

export const TRAIN_DEVICE_MARKER = 'TRAIN_DEVICE_JSON ';
const STEPS = 3;

async function train(ep: 'cpu' | 'webgpu') {
  const losses: number[] = [];
  const checkpoints: TrainCheckpoint[] = [];
  const run = trainFastStyle(nodePlatform, { painting: STRIPES, photos: syntheticPhotos(8) }, { ...TINY_TRAINING, iterations: STEPS, checkpointEvery: 0, ep }, { net: tinyLossNet(), store: new ModelStore({ download: false }), onCheckpoint: async (c) => void checkpoints.push(c) });
  for await (const e of run.events) if (e.type === 'progress') losses.push(e.loss);
  const result = await run.result;
  return { losses, provider: result.provider, checkpoints: checkpoints.length };
}

/** One step of the step graph from a fixed state on `ep`, keeping its outputs where they are computed. */
async function oneStep(ep: 'cpu' | 'webgpu') {
  const names = ParameterSet.names();
  const keepOnDevice = names.flatMap((n) => [TRAIN_IO.next(n), TRAIN_IO.mNext(n), TRAIN_IO.vNext(n)]);
  const layers = { content: 'b', style: ['a', 'b'] };
  const session = await nodeBackend.createSession(encodeModel(buildTrainingStepGraph(tinyLossNet(), layers)), { ep }, { keepOnDevice });
  const zeros = new ParameterSet().tensors();
  const scalar = (v: number) => ({ type: 'float32' as const, dims: [], data: Float32Array.of(v) });
  const photos = syntheticPhotos(2);
  const images = new Float32Array(2 * 768);
  for (let k = 0; k < 2; k++) images.set(await photos.crop(k, { size: 16, scale: 1, x: 0, y: 0, flip: false }), k * 768);
  const feeds: Record<string, Feed> = { [TRAIN_IO.images]: { type: 'float32', dims: [2, 3, 16, 16], data: images }, [TRAIN_IO.adamT]: scalar(1), [TRAIN_IO.adamLr]: scalar(1e-3) };
  for (const t of ['content', 'style', 'tv'] as const) feeds[TRAIN_IO.weight(t)] = scalar(1);
  for (const [l, c] of [['a', 4], ['b', 5]] as const) feeds[TRAIN_IO.styleTarget(l)] = { type: 'float32', dims: [1, c, c], data: new Float32Array(c * c).fill(0.5) };
  for (const [n, t] of Object.entries(ParameterSet.initial(1).tensors())) Object.assign(feeds, { [n]: t, [TRAIN_IO.m(n)]: zeros[n], [TRAIN_IO.v(n)]: zeros[n] });
  const out = await session.runKept(feeds);
  const kept = out[TRAIN_IO.mNext('conv1.kernel')]!;
  const location = isDeviceTensor(kept) ? kept.location : 'host';
  // The first moment after one step is 0.1 × the gradient: every parameter's, read back.
  const m = new ParameterSet();
  for (const n of names) {
    const t = out[TRAIN_IO.mNext(n)]!;
    m.view(n).set((isDeviceTensor(t) ? await t.read() : t).data as Float32Array);
  }
  const lossOut = out[TRAIN_IO.loss]!;
  const loss = isDeviceTensor(lossOut) ? NaN : (lossOut.data as Float32Array)[0]!;
  for (const v of Object.values(out)) if (isDeviceTensor(v)) v.dispose();
  await session.dispose();
  return { location, m: m.values, loss };
}

async function main() {
  const device = await train('webgpu');
  const cpu = await train('cpu');
  const [stepGpu, stepCpu] = [await oneStep('webgpu'), await oneStep('cpu')];
  let gradScale = 0;
  let gradDiff = 0;
  for (let i = 0; i < stepCpu.m.length; i++) {
    gradScale = Math.max(gradScale, Math.abs(stepCpu.m[i]!));
    gradDiff = Math.max(gradDiff, Math.abs(stepCpu.m[i]! - stepGpu.m[i]!));
  }
  process.stdout.write(
    `${TRAIN_DEVICE_MARKER}${JSON.stringify({ steps: STEPS, providers: [device.provider, cpu.provider], lossesCpu: cpu.losses, lossesDevice: device.losses, location: stepGpu.location, stepLoss: [stepGpu.loss, stepCpu.loss], gradScale, gradDiff })}\n`,
  );
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  });
}
