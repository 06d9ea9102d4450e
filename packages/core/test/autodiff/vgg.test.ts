import type { Graph } from '../../src/onnx/graph';
import { float32, int64 } from '../../src/onnx/tensor';
import { Rng, checkGradients } from './harness';

/**
 * A VGG-shaped random network: conv-relu-conv-relu-maxpool-conv-relu, then the Gram matrix of the
 * last features (Reshape to [C, H·W], Transpose, MatMul) divided by H·W read at run time (the
 * Shape path carries no gradient), as the style loss builds it.
 */
function vgg(g: Graph, v: Record<string, string>, weights: Rng): string {
  const conv = (x: string, w: string, cin: number, cout: number) => {
    const b = g.constant('b', float32([cout], weights.array(cout, -0.1, 0.1)));
    return g.op('Relu', [g.op('Conv', [x, w, b], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] })]);
  };
  const w = (cin: number, cout: number) => g.constant('w', float32([cout, cin, 3, 3], weights.array(cout * cin * 9, -0.4, 0.4)));
  let x = conv(v.x!, v.w1!, 3, 4);
  x = conv(x, w(4, 4), 4, 4);
  x = g.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
  x = conv(x, w(4, 6), 4, 6);
  const f = g.op('Reshape', [x, g.constant('shape', int64([2], [6, -1]))]);
  const gramm = g.op('MatMul', [f, g.op('Transpose', [f], { perm: [1, 0] })]);
  const hw = g.op('Cast', [g.op('Gather', [g.op('Shape', [f]), g.constant('axis', int64([], [1]))], { axis: 0 })], { to: 1 });
  return g.op('Div', [gramm, hw]);
}

describe('autodiff: a whole VGG-shaped graph', () => {
  it('matches finite differences for the image and the first weights, at two image sizes', async () => {
    await checkGradients({
      runs: [
        { x: [1, 3, 8, 8], w1: [4, 3, 3, 3] },
        { x: [1, 3, 6, 10], w1: [4, 3, 3, 3] },
      ],
      build: (g, v) => vgg(g, v, new Rng(7)),
      objective: 'sumsq',
      h: 1e-3,
    });
  });
});
