import * as ort from 'onnxruntime-node';
import { Graph } from '../../src/onnx/graph';
import { encodeModel } from '../../src/onnx/serialize';
import { Rng } from '../../src/optim/rng';
import { gram } from '../../src/nst/gram';
import { composeLoss, contentLoss, styleLoss, totalVariation } from '../../src/nst/losses';
import { ImpastoError } from '../../src/errors';

const C = 5;
const SIZES: [number, number][] = [
  [4, 6],
  [7, 3],
];

function randn(rng: Rng, n: number): Float32Array {
  return rng.fillGaussian(new Float32Array(n));
}

async function session(g: Graph) {
  return ort.InferenceSession.create(encodeModel(g));
}

function scalar(t: ort.Tensor | undefined): number {
  expect(t).toBeDefined();
  expect(t!.dims).toEqual([]);
  return (t!.data as Float32Array)[0]!;
}

// Plain TypeScript references, in double precision.
function gramRef(f: Float32Array, c: number, hw: number): Float64Array {
  const g = new Float64Array(c * c);
  for (let i = 0; i < c; i++)
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let k = 0; k < hw; k++) s += f[i * hw + k]! * f[j * hw + k]!;
      g[i * c + j] = s / (c * hw);
    }
  return g;
}

function sumSqDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}

function tvRef(x: Float32Array, c: number, h: number, w: number): number {
  let s = 0;
  const at = (ch: number, i: number, j: number) => x[(ch * h + i) * w + j]!;
  for (let ch = 0; ch < c; ch++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) {
        if (i + 1 < h) s += (at(ch, i + 1, j) - at(ch, i, j)) ** 2;
        if (j + 1 < w) s += (at(ch, i, j + 1) - at(ch, i, j)) ** 2;
      }
  return s / (h * w);
}

const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected)));

describe('NST loss graphs (dynamic H, W)', () => {
  const rng = new Rng(42);

  it('gram matches F Fᵀ / (C·H·W)', async () => {
    const g = new Graph('gram');
    g.output(gram(g, g.input('f', 'float32', [1, C, 'h', 'w'])), 'g');
    const s = await session(g);
    for (const [h, w] of SIZES) {
      const f = randn(rng, C * h * w);
      const out = await s.run({ f: new ort.Tensor('float32', f, [1, C, h, w]) });
      expect(out.g!.dims).toEqual([C, C]);
      const ref = gramRef(f, C, h * w);
      (out.g!.data as Float32Array).forEach((v, i) => close(v, ref[i]!));
    }
    await s.release();
  });

  it('content loss matches sum((F−P)²)/(C·H·W)', async () => {
    const g = new Graph('content');
    const f = g.input('f', 'float32', [1, C, 'h', 'w']);
    const p = g.input('p', 'float32', [1, C, 'h', 'w']);
    g.output(contentLoss(g, f, p), 'loss', 'float32', []);
    const s = await session(g);
    for (const [h, w] of SIZES) {
      const [a, b] = [randn(rng, C * h * w), randn(rng, C * h * w)];
      const out = await s.run({ f: new ort.Tensor('float32', a, [1, C, h, w]), p: new ort.Tensor('float32', b, [1, C, h, w]) });
      close(scalar(out.loss), sumSqDiff(a, b) / (C * h * w));
    }
    await s.release();
  });

  it('style loss matches sum((G−A)²)/C² on the gram of features', async () => {
    const g = new Graph('style');
    const f = g.input('f', 'float32', [1, C, 'h', 'w']);
    const a = g.input('a', 'float32', [C, C]);
    g.output(styleLoss(g, gram(g, f), a), 'loss', 'float32', []);
    const s = await session(g);
    for (const [h, w] of SIZES) {
      const x = randn(rng, C * h * w);
      const target = gramRef(randn(rng, C * h * w), C, h * w);
      const out = await s.run({ f: new ort.Tensor('float32', x, [1, C, h, w]), a: new ort.Tensor('float32', Float32Array.from(target), [C, C]) });
      close(scalar(out.loss), sumSqDiff(gramRef(x, C, h * w), Float32Array.from(target)) / (C * C));
    }
    await s.release();
  });

  it('total variation matches the neighbour sum divided by H·W', async () => {
    const g = new Graph('tv');
    g.output(totalVariation(g, g.input('x', 'float32', [1, 3, 'h', 'w'])), 'loss', 'float32', []);
    const s = await session(g);
    for (const [h, w] of SIZES) {
      const x = randn(rng, 3 * h * w);
      const out = await s.run({ x: new ort.Tensor('float32', x, [1, 3, h, w]) });
      close(scalar(out.loss), tvRef(x, 3, h, w));
    }
    await s.release();
  });

  it('composeLoss gives the weighted sum and per-term outputs', async () => {
    const g = new Graph('total');
    const x = g.input('x', 'float32', [1, C, 'h', 'w']);
    const p = g.input('p', 'float32', [1, C, 'h', 'w']);
    const a = g.input('a', 'float32', [C, C]);
    const composed = composeLoss(
      g,
      [
        { value: contentLoss(g, x, p), weight: 1, name: 'content' },
        { value: styleLoss(g, gram(g, x), a), weight: 20, name: 'style' },
        { value: totalVariation(g, x), weight: 0.5 },
      ],
      { outputs: true },
    );
    expect(composed.terms).toEqual(['content', 'style', 'loss_2']);
    expect(composed.total).toBe('loss');
    const s = await session(g);
    for (const [h, w] of SIZES) {
      const [xv, pv] = [randn(rng, C * h * w), randn(rng, C * h * w)];
      const av = Float32Array.from(gramRef(randn(rng, C * h * w), C, h * w));
      const out = await s.run({
        x: new ort.Tensor('float32', xv, [1, C, h, w]),
        p: new ort.Tensor('float32', pv, [1, C, h, w]),
        a: new ort.Tensor('float32', av, [C, C]),
      });
      const terms = [sumSqDiff(xv, pv) / (C * h * w), (20 * sumSqDiff(gramRef(xv, C, h * w), av)) / (C * C), 0.5 * tvRef(xv, C, h, w)];
      close(scalar(out.content), terms[0]!);
      close(scalar(out.style), terms[1]!);
      close(scalar(out.loss_2), terms[2]!);
      close(scalar(out.loss), terms[0]! + terms[1]! + terms[2]!);
    }
    await s.release();
  });

  it('uses only ops the autodiff supports', () => {
    const allowed = new Set('Conv Relu MaxPool AveragePool Concat Add Sub Mul Div Pow MatMul Transpose Reshape Flatten ReduceSum ReduceMean Constant Identity Neg Sqrt Slice Pad Shape Gather Cast Unsqueeze'.split(' '));
    const g = new Graph();
    const x = g.input('x', 'float32', [1, C, 'h', 'w']);
    composeLoss(g, [
      { value: contentLoss(g, x, x), weight: 1 },
      { value: styleLoss(g, gram(g, x), gram(g, x)), weight: 1 },
      { value: totalVariation(g, x), weight: 1 },
    ], { outputs: true });
    expect(g.nodes.filter((n) => !allowed.has(n.opType)).map((n) => n.opType)).toEqual([]);
  });

  it('rejects an empty term list and non-finite weights', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', []);
    expect(() => composeLoss(g, [])).toThrow(ImpastoError);
    try {
      composeLoss(g, [{ value: x, weight: NaN }]);
      throw new Error('expected a throw');
    } catch (e) {
      expect((e as ImpastoError).code).toBe('INVALID_ARGUMENT');
    }
  });
});
