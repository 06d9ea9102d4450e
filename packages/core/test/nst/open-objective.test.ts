import * as ort from 'onnxruntime-node';
import { Graph } from '../../src/onnx/graph';
import { encodeModel } from '../../src/onnx/serialize';
import { float32, int64 } from '../../src/onnx/tensor';
import { tinyLossNet } from '@impasto/test-support/train/fixtures';
import { Rng } from '../../src/optim/rng';
import type { FeatureNet } from '../../src/nets/feature-net';
import { gram } from '../../src/nst/gram';
import { styleLoss } from '../../src/nst/losses';
import { maskedGram } from '../../src/nst/masked-gram';
import { OBJECTIVE_IO, buildObjectiveGraph, buildTargetGraph } from '../../src/nst/objective';
import { regionMasks } from '../../src/nst/masks';
import { contentTerm, styleTerm, tvTerm, type ObjectiveTerm } from '../../src/nst/terms';

const rng = new Rng(7);
const randn = (n: number, s = 1) => rng.fillGaussian(new Float32Array(n), s);
const tensor = (dims: number[], data: Float32Array) => new ort.Tensor('float32', data, dims);

const tinyNet = (): FeatureNet => tinyLossNet(7, [0.1, 0.2]);

describe('the open NST objective', () => {
  it('masked Grams with one all-ones mask equal the unmasked style loss bit for bit', async () => {
    const g = new Graph('masked');
    const f = g.input('f', 'float32', [1, 6, 'h', 'w']);
    const target = g.input('target', 'float32', [6, 6]);
    const plain = styleLoss(g, gram(g, f), target);
    const masked = maskedGram(g, f, g.input('mask', 'float32', [1, 1, 'mh', 'mw']));
    const d = g.op('Sub', [masked, g.op('Unsqueeze', [target, g.constant('ax', int64([1], [0]))])]);
    const region = g.op('ReduceSum', [g.op('ReduceMean', [g.op('Mul', [d, d])], { axes: [1, 2], keepdims: 0 }), g.constant('axes', int64([1], [0]))], { keepdims: 0 });
    g.output(plain, 'plain', 'float32', []);
    g.output(region, 'masked', 'float32', []);
    const s = await ort.InferenceSession.create(encodeModel(g));
    for (const [h, w] of [[9, 13], [16, 16], [5, 31]] as const) {
      const out = await s.run({ f: tensor([1, 6, h, w], randn(6 * h * w)), target: tensor([6, 6], randn(36, 0.1)), mask: tensor([1, 1, 3, 3], new Float32Array(9).fill(1)) });
      expect((out.masked!.data as Float32Array)[0]).toBe((out.plain!.data as Float32Array)[0]);
    }
  });

  it("a region's Gram is the Gram of its pixels' features over its own area", async () => {
    const [C, H, W] = [3, 4, 6];
    const g = new Graph('regions');
    g.output(maskedGram(g, g.input('f', 'float32', [1, C, H, W]), g.input('mask', 'float32', [2, 1, H, W])), 'g');
    const s = await ort.InferenceSession.create(encodeModel(g));
    const f = randn(C * H * W);
    const mask = new Float32Array(2 * H * W);
    for (let p = 0; p < H * W; p++) mask[(p % W < 2 ? 0 : 1) * H * W + p] = 1; // two left columns, the rest
    const out = (await s.run({ f: tensor([1, C, H, W], f), mask: tensor([2, 1, H, W], mask) })).g!.data as Float32Array;
    for (let r = 0; r < 2; r++) {
      const area = mask.subarray(r * H * W, (r + 1) * H * W).reduce((a, b) => a + b, 0);
      for (let i = 0; i < C; i++)
        for (let j = 0; j < C; j++) {
          let sum = 0;
          for (let p = 0; p < H * W; p++) sum += mask[r * H * W + p]! * f[i * H * W + p]! * f[j * H * W + p]!;
          expect(out[(r * C + i) * C + j]).toBeCloseTo(sum / (C * area), 5);
        }
    }
  });

  it('composes any terms: autodiffed ones, one with its own gradient, each weighted by its run option', async () => {
    const net = tinyNet();
    // A term giving its own gradient: Σ x (gradient 1 everywhere).
    const sum: ObjectiveTerm = {
      name: 'sum',
      weightOption: 'photorealism',
      layers: [],
      key: ['sum'],
      build: (g, io) => ({ value: g.op('ReduceSum', [io.x], { keepdims: 0 }), grad: g.op('Add', [g.op('Mul', [io.x, g.constant('zero', float32([], [0]))]), g.constant('one', float32([], [1]))]) }),
    };
    const terms = [contentTerm(['b']), styleTerm(['a', 'b'], { regions: true }), tvTerm(), sum];
    const [H, W] = [8, 10];
    const ones = (h: number, w: number) => tensor([1, 1, h, w], new Float32Array(h * w).fill(1));
    const targets = await ort.InferenceSession.create(encodeModel(buildTargetGraph(net, terms)));
    const objective = await ort.InferenceSession.create(encodeModel(buildObjectiveGraph(net, terms)));
    const photo = randn(3 * H * W, 40).map((v) => v + 128);
    const t = await targets.run({ image: tensor([1, 3, H, W], photo), 'style.mask': ones(H, W) });
    const x = randn(3 * H * W, 40).map((v) => v + 128);
    const feeds = (w: Record<string, number>) => ({
      x: tensor([1, 3, H, W], x),
      'style.mask': ones(H, W),
      ...Object.fromEntries(['content.target_0', 'style.target_0', 'style.target_1'].map((n) => [n, t[n]!])),
      ...Object.fromEntries(['content', 'style', 'tv', 'sum'].map((n) => [OBJECTIVE_IO.weight(n), tensor([], Float32Array.of(w[n] ?? 0))])),
    });
    const base = await objective.run(feeds({ content: 1, style: 10, tv: 0.1 }));
    const withSum = await objective.run(feeds({ content: 1, style: 10, tv: 0.1, sum: 0.5 }));
    const g0 = base.grad!.data as Float32Array;
    const g1 = withSum.grad!.data as Float32Array;
    for (let i = 0; i < g0.length; i += 17) expect(g1[i]! - g0[i]!).toBeCloseTo(0.5, 4);
    const total = x.reduce((a, b) => a + b, 0);
    expect((withSum.loss!.data as Float32Array)[0]! - (base.loss!.data as Float32Array)[0]!).toBeCloseTo(0.5 * total, -1);
    expect((withSum['sum.loss']!.data as Float32Array)[0]).toBeCloseTo(0.5 * total, -1);
    // The style gradient is the autodiff's: zero where the weight is zero.
    const none = await objective.run(feeds({}));
    expect(Math.max(...Array.from(none.grad!.data as Float32Array, Math.abs))).toBe(0);
  });

  it('refuses a term that is neither in the graph nor on the host, and duplicate names', () => {
    const net = tinyNet();
    expect(() => buildObjectiveGraph(net, [tvTerm(), { name: 'x', weightOption: 'tvWeight', layers: [], key: 1 }])).toThrow(/either build/);
    expect(() => buildObjectiveGraph(net, [tvTerm(), tvTerm()])).toThrow(/two loss terms are named 'tv'/);
  });
});

describe('region masks from label images', () => {
  const img = (w: number, h: number, color: (x: number, y: number) => [number, number, number]) => {
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(color(x, y), (y * w + x) * 3);
    return { data, width: w, height: h, channels: 3 as const };
  };
  const sky: [number, number, number] = [0, 0, 255];
  const ground: [number, number, number] = [0, 255, 0];

  it("labels the photo's colours, matches the painting's, and sends blended edge pixels to the nearest label", () => {
    const c = img(20, 10, (_x, y) => (y < 4 ? sky : y === 4 ? [10, 120, 130] : ground));
    const s = img(12, 12, (x) => (x < 6 ? sky : x < 9 ? ground : [255, 0, 0]));
    const m = regionMasks(c, s, c, s);
    expect(m.labels).toEqual(['#00ff00', '#0000ff']);
    const plane = (p: Float32Array, r: number, n: number) => p.subarray(r * n, (r + 1) * n).reduce((a, b) => a + b, 0);
    expect(plane(m.content.planes, 0, 200) + plane(m.content.planes, 1, 200)).toBe(200);
    expect(plane(m.style.planes, 1, 144)).toBe(72);
    expect(plane(m.style.planes, 0, 144)).toBe(36); // red is in no region
  });

  it('errs clearly on a label missing from the style mask, a mask of the wrong size, or too many colours', () => {
    const c = img(10, 10, (x) => (x < 5 ? sky : ground));
    const onlySky = img(10, 10, () => sky);
    expect(() => regionMasks(c, onlySky, c, onlySky)).toThrow(/region #00ff00 is not in the style mask/);
    expect(() => regionMasks(img(9, 10, () => sky), c, c, c)).toThrow(/content mask is 9x10 px .* must have its image's size/);
    const noisy = img(40, 40, (x, y) => [(x * 16) & 255, (y * 16) & 255, 0]);
    expect(() => regionMasks(noisy, noisy, noisy, noisy)).toThrow(/at most 16 flat colours/);
  });
});
