import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadVgg19 } from '../../packages/core/src/nets/vgg19';
import { encodeModel } from '../../packages/core/src/onnx/serialize';
import { TRAIN_IO, TRAINING_TERMS, buildStyleTargetGraph, buildTrainingGraph } from '../../packages/core/src/train/training-graph';
import { fastStyleParameterShapes } from '../../packages/core/src/fst/network';
const root = '/work/shared/weights/vgg19-tfjs-uint8';
const source = { location: root, read: async (p: string) => new Uint8Array(await readFile(path.join(root, p))) };
void (async () => {
  const size = Number(process.argv[2] ?? 256), n = Number(process.argv[3] ?? 4);
  const layers = { content: 'relu4_2', style: ['relu1_1', 'relu2_1', 'relu3_1', 'relu4_1', 'relu5_1'] };
  const net = await loadVgg19(source as any, { layers: [layers.content, ...layers.style] });
  let t = Date.now();
  const bytes = encodeModel(buildTrainingGraph(net, layers));
  console.log('build', Date.now() - t, 'ms', (bytes.length / 1e6).toFixed(1), 'MB');
  t = Date.now();
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all', enableProfiling: true, profileFilePrefix: '/tmp/trainprof' });
  console.log('session', Date.now() - t);
  const targets = await ort.InferenceSession.create(encodeModel(buildStyleTargetGraph(net, layers)));
  const style = await targets.run({ painting: new ort.Tensor('float32', new Float32Array(3 * 256 * 256).fill(100), [1, 3, 256, 256]) });
  const feeds: Record<string, ort.Tensor> = { images: new ort.Tensor('float32', new Float32Array(n * 3 * size * size).map(() => Math.random() * 255), [n, 3, size, size]) };
  for (const [p, shape] of Object.entries(fastStyleParameterShapes())) feeds[p] = new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)).map(() => (p.endsWith('gamma') ? 1 : p.endsWith('beta') ? 0 : (Math.random() - 0.5) * 0.1)), shape);
  for (const l of layers.style) feeds[TRAIN_IO.styleTarget(l)] = style[TRAIN_IO.styleTarget(l)]!;
  for (const term of TRAINING_TERMS) feeds[TRAIN_IO.weight(term)] = new ort.Tensor('float32', Float32Array.of(1), []);
  for (let i = 0; i < 3; i++) {
    t = Date.now();
    const out = await s.run(feeds);
    console.log('step', Date.now() - t, 'ms loss', (out.loss!.data as Float32Array)[0], 'rss', (process.memoryUsage().rss / 2 ** 20).toFixed(0));
  }
  s.endProfiling();
})();
