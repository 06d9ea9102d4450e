import type { Graph } from '../../src/onnx/graph';
import { float32 } from '../../src/onnx/tensor';
import { checkGradients, type Rng } from './harness';

// Ops that feature networks (Caffe prototxt, custom ONNX models) put between image and features.
describe('autodiff: feature-network ops', () => {
  it('GlobalAveragePool and GlobalMaxPool', async () => {
    await checkGradients({ runs: [{ x: [2, 3, 4, 5] }, { x: [1, 2, 3, 3] }], build: (g, v) => g.op('GlobalAveragePool', [v.x!]) });
    await checkGradients({
      runs: [{ x: [2, 3, 4, 5] }],
      data: { x: (n: number, rng: Rng) => rng.distinct(n) },
      h: 1e-3,
      build: (g, v) => g.op('GlobalMaxPool', [v.x!]),
    });
  });

  it('Softmax along channels and along the last axis', async () => {
    await checkGradients({ runs: [{ x: [2, 4, 3] }], build: (g, v) => g.op('Softmax', [v.x!], { axis: 1 }) });
    await checkGradients({ runs: [{ x: [3, 5] }], build: (g, v) => g.op('Softmax', [v.x!]) });
  });

  it('BatchNormalization (inference) for input, scale and bias; Dropout in inference', async () => {
    const stats = (g: Graph) => [g.constant('mean', float32([3], [0.1, -0.2, 0.3])), g.constant('var', float32([3], [0.5, 1.5, 0.8]))];
    await checkGradients({
      runs: [{ x: [2, 3, 2, 3], s: [3], b: [3] }],
      build: (g, v) => g.op('BatchNormalization', [v.x!, v.s!, v.b!, ...stats(g)], { epsilon: 1e-3 }),
    });
    await checkGradients({ runs: [{ x: [2, 3] }], build: (g, v) => g.op('Tanh', [g.op('Dropout', [v.x!])]) });
  });

  it('Clip with both bounds, only a lower bound, and none', async () => {
    const data = { x: (n: number, rng: Rng) => Float32Array.from(rng.array(n, -2, 2), (v) => (Math.abs(Math.abs(v) - 1) < 0.05 ? v * 1.2 : v)) };
    const bound = (g: Graph, v: number) => g.constant('bound', float32([], [v]));
    await checkGradients({ runs: [{ x: [4, 5] }], data, build: (g, v) => g.op('Clip', [v.x!, bound(g, -1), bound(g, 1)]) });
    await checkGradients({ runs: [{ x: [4, 5] }], data, build: (g, v) => g.op('Clip', [v.x!, bound(g, 1)]) });
    await checkGradients({ runs: [{ x: [4, 5] }], data, build: (g, v) => g.op('Clip', [v.x!]) });
  });
});
