import * as ort from 'onnxruntime-node';
import { fastStyleParameterShapes } from '../../src/fst/network';
import type { FeatureNet } from '../../src/nets/feature-net';
import { encodeModel } from '../../src/onnx/serialize';
import { float32 } from '../../src/onnx/tensor';
import { tinyLossNet } from '@impasto/test-support/train/fixtures';
import { Rng } from '../../src/optim/rng';
import { Adam } from '../../src/optim/adam';
import { TRAIN_IO, TRAINING_TERMS, buildStyleTargetGraph, buildTrainingGraph, buildTrainingStepGraph } from '../../src/train/training-graph';
import { randomParams } from '../fst/random-params';

const rng = new Rng(11);
const randn = (n: number, s = 1) => rng.fillGaussian(new Float32Array(n), s);
const tensor = (dims: readonly number[], data: Float32Array) => new ort.Tensor('float32', data, [...dims]);

const tinyNet = (): FeatureNet => tinyLossNet();

const LAYERS = { content: 'b', style: ['a', 'b'] };
const WEIGHTS = { content: 1, style: 1, tv: 1e-3 };

async function setup(graph = buildTrainingGraph, net = tinyNet()) {
  const train = await ort.InferenceSession.create(encodeModel(graph(net, LAYERS)));
  const targets = await ort.InferenceSession.create(encodeModel(buildStyleTargetGraph(net, LAYERS)));
  const painting = new Float32Array(3 * 12 * 10).map((_, i) => (i * 53) % 256);
  const style = await targets.run({ [TRAIN_IO.painting]: tensor([1, 3, 12, 10], painting) });
  const params = randomParams(3);
  const run = async (images: Float32Array, n: number, side: number, p = params, extra: Record<string, ort.Tensor> = {}) => {
    const feeds: Record<string, ort.Tensor> = { ...extra, [TRAIN_IO.images]: tensor([n, 3, side, side], images) };
    for (const [name, t] of Object.entries(p)) feeds[name] = tensor(t.dims, t.data);
    for (const l of LAYERS.style) feeds[TRAIN_IO.styleTarget(l)] = style[TRAIN_IO.styleTarget(l)]!;
    for (const t of TRAINING_TERMS) feeds[TRAIN_IO.weight(t)] = tensor([], Float32Array.of(WEIGHTS[t]));
    return train.run(feeds);
  };
  return { run, params };
}

const value = (out: ort.InferenceSession.ReturnType, name: string) => out[name]!.data as Float32Array;

describe('the fast-style training graph', () => {
  it('a batch is the mean of its images: loss, terms and every gradient', async () => {
    const { run } = await setup();
    const side = 8;
    const per = 3 * side * side;
    const images = randn(2 * per, 50).map((v) => v + 128);
    const both = await run(images, 2, side);
    const one = await run(images.slice(0, per), 1, side);
    const two = await run(images.slice(per), 1, side);
    for (const name of [TRAIN_IO.loss, ...TRAINING_TERMS.map(TRAIN_IO.term)]) {
      const mean = (value(one, name)[0]! + value(two, name)[0]!) / 2;
      expect(Math.abs(value(both, name)[0]! - mean)).toBeLessThan(1e-5 * Math.abs(mean));
    }
    for (const p of Object.keys(fastStyleParameterShapes())) {
      const [b, x, y] = [both, one, two].map((o) => value(o, TRAIN_IO.grad(p)));
      const scale = b!.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
      let worst = 0;
      for (let i = 0; i < b!.length; i++) worst = Math.max(worst, Math.abs(b![i]! - (x![i]! + y![i]!) / 2));
      expect(worst / scale).toBeLessThan(2e-3);
    }
  });

  it("each parameter's gradient matches central finite differences along a random direction", async () => {
    const { run, params } = await setup();
    const side = 32;
    const images = randn(2 * 3 * side * side, 50).map((v) => v + 128);
    const base = await run(images, 2, side);
    for (const p of ['conv1.kernel', 'conv2.gamma', 'res3.conv2.beta', 'deconv1.kernel', 'conv4.kernel', 'conv4.gamma']) {
      const t = params[p]!;
      const dir = randn(t.data.length);
      const grad = value(base, TRAIN_IO.grad(p));
      const analytic = grad.reduce((s, g, i) => s + g * dir[i]!, 0);
      const rms = Math.sqrt(t.data.reduce((s, v) => s + v * v, 0) / t.data.length) || 1;
      const loss = value(base, TRAIN_IO.loss)[0]!;
      // Central differences at three steps: the loss is far from quadratic in some parameters (the
      // estimate drifts with the step) and float32 (noise about 1e-6 of it over the step), so one
      // step must agree to 5 % plus that noise.
      const errors: number[] = [];
      for (const h of [1e-5, 3e-5, 1e-4].map((k) => k * rms)) {
        const at = async (sign: number) => value(await run(images, 2, side, { ...params, [p]: float32(t.dims, t.data.map((v, i) => v + sign * h * dir[i]!)) }), TRAIN_IO.loss)[0]!;
        const numeric = ((await at(1)) - (await at(-1))) / (2 * h);
        errors.push(Math.abs(numeric - analytic) / (0.05 * Math.abs(analytic) + (1e-6 * loss) / h));
      }
      expect(Math.min(...errors)).toBeLessThan(1);
    }
  });

  it("the step graph's update is Adam.step on the gradient graph's gradients, for every parameter", async () => {
    const net = tinyNet();
    const grads = await setup(buildTrainingGraph, net);
    const stepped = await setup(buildTrainingStepGraph, net);
    const side = 8;
    const images = randn(2 * 3 * side * side, 50).map((v) => v + 128);
    const g = await grads.run(images, 2, side);
    const names = Object.keys(fastStyleParameterShapes());
    const zeros: Record<string, ort.Tensor> = { [TRAIN_IO.adamT]: tensor([], Float32Array.of(1)), [TRAIN_IO.adamLr]: tensor([], Float32Array.of(0.01)) };
    for (const p of names) {
      const dims = grads.params[p]!.dims;
      zeros[TRAIN_IO.m(p)] = tensor(dims, new Float32Array(grads.params[p]!.data.length));
      zeros[TRAIN_IO.v(p)] = tensor(dims, new Float32Array(grads.params[p]!.data.length));
    }
    const s = await stepped.run(images, 2, side, stepped.params, zeros);
    expect(value(s, TRAIN_IO.loss)[0]).toBe(value(g, TRAIN_IO.loss)[0]);
    for (const p of names) {
      const x = Float32Array.from(grads.params[p]!.data);
      new Adam({ lr: 0.01 }).step(x, value(g, TRAIN_IO.grad(p)));
      const got = value(s, TRAIN_IO.next(p));
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(got[i]! - x[i]!));
      expect(worst).toBeLessThan(1e-5);
    }
  });
});
