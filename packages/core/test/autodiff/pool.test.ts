import type { AttrValue, Graph } from '../../src/onnx/graph';
import { checkGradients, type Rng } from './harness';

const pool = (op: string, attrs: Record<string, AttrValue>) => (g: Graph, v: Record<string, string>) => g.op(op, [v.x!], attrs);
// Values 0.02 apart: a ±1e-3 step never changes which element wins a window.
const distinct = { x: (n: number, rng: Rng) => rng.distinct(n) };
const h = 1e-3;

describe('autodiff: MaxPool', () => {
  it('2x2 stride 2, batch and channels (Indices count across them)', async () => {
    await checkGradients({ runs: [{ x: [2, 3, 4, 6] }], data: distinct, h, build: pool('MaxPool', { kernel_shape: [2, 2], strides: [2, 2] }) });
  });

  it('tiling windows (stride = kernel) with rows and columns no window reaches, at sizes unknown to the graph', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 5, 7] }, { x: [2, 1, 4, 4] }], declare: { x: [null, null, null, null] }, data: distinct, h, build: pool('MaxPool', { kernel_shape: [2, 2], strides: [2, 2] }) });
    await checkGradients({ runs: [{ x: [1, 2, 7, 8] }], data: distinct, h, build: pool('MaxPool', { kernel_shape: [3, 2], strides: [3, 2] }) });
  });

  it('3x3 stride 2 overlapping windows, at two sizes', async () => {
    await checkGradients({
      runs: [{ x: [1, 2, 7, 7] }, { x: [1, 2, 6, 9] }],
      data: distinct,
      h,
      build: pool('MaxPool', { kernel_shape: [3, 3], strides: [2, 2] }),
    });
  });

  it('ceil_mode with pads, and SAME_UPPER', async () => {
    await checkGradients({
      runs: [{ x: [1, 2, 6, 7] }],
      data: distinct,
      h,
      build: pool('MaxPool', { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 1], ceil_mode: 1 }),
    });
    await checkGradients({ runs: [{ x: [1, 2, 5, 7] }], data: distinct, h, build: pool('MaxPool', { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }) });
  });

  it('disjoint windows with pads (MaxUnpool), with ceil_mode or SAME_UPPER (scatter)', async () => {
    await checkGradients({
      runs: [{ x: [2, 2, 5, 7] }],
      data: distinct,
      h,
      build: pool('MaxPool', { kernel_shape: [2, 2], strides: [2, 3], pads: [1, 0, 0, 1], dilations: [1, 2] }),
    });
    await checkGradients({
      runs: [{ x: [2, 2, 5, 7] }],
      data: distinct,
      h,
      build: pool('MaxPool', { kernel_shape: [2, 2], strides: [2, 3], pads: [1, 0, 0, 1], ceil_mode: 1 }),
    });
    await checkGradients({ runs: [{ x: [1, 2, 5, 7] }], data: distinct, h, build: pool('MaxPool', { kernel_shape: [2, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' }) });
  });

  it('dilations, and a MaxPool whose Indices are also a graph output', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 7, 6] }], data: distinct, h, build: pool('MaxPool', { kernel_shape: [2, 2], dilations: [2, 1], strides: [1, 2] }) });
    await checkGradients({
      runs: [{ x: [1, 2, 6, 6] }],
      data: distinct,
      h,
      build: (g, v) => {
        const [y, indices] = g.node('MaxPool', [v.x!], { kernel_shape: [3, 3], strides: [2, 2], storage_order: 1 }, { outputs: 2 });
        g.output(indices!, 'indices', 'int64');
        return y!;
      },
    });
  });
});

describe('autodiff: AveragePool', () => {
  it('2x2 stride 2 and 3x3 stride 2 overlapping', async () => {
    await checkGradients({ runs: [{ x: [2, 3, 4, 6] }], build: pool('AveragePool', { kernel_shape: [2, 2], strides: [2, 2] }) });
    await checkGradients({ runs: [{ x: [1, 2, 7, 6] }, { x: [1, 2, 5, 8] }], build: pool('AveragePool', { kernel_shape: [3, 3], strides: [2, 2] }) });
  });

  it('pads with count_include_pad 0 and 1', async () => {
    for (const cip of [0, 1]) {
      await checkGradients({
        runs: [{ x: [1, 2, 5, 6] }],
        build: pool('AveragePool', { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 0], count_include_pad: cip }),
      });
    }
  });

  it('ceil_mode with count_include_pad 0 and 1', async () => {
    for (const cip of [0, 1]) {
      await checkGradients({
        runs: [{ x: [1, 2, 6, 7] }, { x: [1, 1, 5, 5] }],
        build: pool('AveragePool', { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 1], ceil_mode: 1, count_include_pad: cip }),
      });
      await checkGradients({
        runs: [{ x: [1, 2, 6, 7] }],
        build: pool('AveragePool', { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1, count_include_pad: cip }),
      });
    }
  });

  it('SAME_UPPER, with and without counting the padding', async () => {
    for (const cip of [0, 1]) {
      await checkGradients({
        runs: [{ x: [1, 2, 5, 7] }, { x: [1, 2, 6, 6] }],
        build: pool('AveragePool', { kernel_shape: [3, 2], strides: [2, 2], auto_pad: 'SAME_UPPER', count_include_pad: cip }),
      });
      await checkGradients({ runs: [{ x: [1, 2, 5, 4] }], build: pool('AveragePool', { kernel_shape: [3, 2], auto_pad: 'SAME_LOWER', count_include_pad: cip }) });
    }
  });
});
