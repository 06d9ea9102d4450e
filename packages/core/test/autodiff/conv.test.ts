import type { AttrValue, Graph } from '../../src/onnx/graph';
import { checkGradients } from './harness';

/** Conv of inputs x, w (and b when given) with `attrs`. */
const conv = (attrs: Record<string, AttrValue>) => (g: Graph, v: Record<string, string>) =>
  g.op('Conv', v.b ? [v.x!, v.w!, v.b] : [v.x!, v.w!], attrs);

describe('autodiff: Conv', () => {
  it('3x3, pads 1, with bias: input, weight and bias gradients', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 5, 4], w: [3, 2, 3, 3], b: [3] }], build: conv({ pads: [1, 1, 1, 1] }) });
  });

  it('unpadded, batch of 2, weights as a known-shape input', async () => {
    await checkGradients({
      runs: [{ x: [2, 2, 5, 5], w: [2, 2, 2, 3] }],
      declare: { w: [2, 2, 2, 3] },
      build: conv({}),
    });
  });

  it('stride 2 with asymmetric SAME_UPPER padding, at two image sizes', async () => {
    await checkGradients({
      runs: [{ x: [1, 2, 7, 6], w: [3, 2, 3, 2] }, { x: [1, 2, 6, 9], w: [3, 2, 3, 2] }],
      build: conv({ strides: [2, 2], auto_pad: 'SAME_UPPER' }),
    });
  });

  it('SAME_UPPER with unit strides and an even kernel (static, asymmetric pads)', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 5, 4], w: [2, 2, 2, 4] }], build: conv({ auto_pad: 'SAME_UPPER', kernel_shape: [2, 4] }) });
    await checkGradients({ runs: [{ x: [1, 2, 5, 4], w: [2, 2, 2, 4] }], build: conv({ auto_pad: 'SAME_UPPER' }) });
  });

  it('stride 2 with SAME_LOWER, and a 1x1 kernel with stride 2', async () => {
    await checkGradients({ runs: [{ x: [1, 1, 6, 5], w: [2, 1, 4, 3] }], build: conv({ strides: [2, 2], auto_pad: 'SAME_LOWER', kernel_shape: [4, 3] }) });
    await checkGradients({ runs: [{ x: [1, 2, 5, 4], w: [2, 2, 1, 1] }], build: conv({ strides: [2, 2] }) });
  });

  it('stride 2 where rows past the last window get no gradient, with uneven explicit pads', async () => {
    await checkGradients({
      runs: [{ x: [1, 2, 8, 7], w: [2, 2, 3, 3], b: [2] }, { x: [1, 2, 9, 6], w: [2, 2, 3, 3], b: [2] }],
      build: conv({ strides: [2, 3], pads: [0, 2, 1, 0] }),
    });
  });

  it('groups and a depthwise conv', async () => {
    await checkGradients({ runs: [{ x: [1, 4, 5, 5], w: [6, 2, 3, 3], b: [6] }], build: conv({ group: 2, pads: [1, 1, 1, 1] }) });
    await checkGradients({ runs: [{ x: [2, 3, 5, 4], w: [3, 1, 3, 2] }], build: conv({ group: 3, strides: [2, 1] }) });
  });

  it('dilation, also with stride (onnxruntime rejects dilation with SAME padding)', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 7, 7], w: [2, 2, 3, 3] }], build: conv({ dilations: [2, 2], pads: [2, 1, 0, 2] }) });
    await checkGradients({
      runs: [{ x: [1, 2, 9, 8], w: [2, 2, 3, 2] }],
      build: conv({ dilations: [2, 3], strides: [2, 2], pads: [1, 0, 2, 1] }),
    });
  });

  it('unit strides with a known kernel (the flipped-kernel Conv path): groups, dilation, uneven pads', async () => {
    await checkGradients({
      runs: [{ x: [1, 4, 5, 6], w: [6, 2, 3, 2], b: [6] }, { x: [2, 4, 4, 4], w: [6, 2, 3, 2], b: [6] }],
      build: conv({ group: 2, kernel_shape: [3, 2], dilations: [2, 1], pads: [2, 0, 1, 1] }),
    });
    await checkGradients({ runs: [{ x: [1, 3, 5, 5], w: [3, 1, 3, 3] }], declare: { w: [3, 1, 3, 3] }, build: conv({ group: 3, auto_pad: 'SAME_LOWER' }) });
    // Pads as wide as the kernel leave no room for the flipped form: ConvTranspose instead.
    await checkGradients({ runs: [{ x: [1, 2, 4, 4], w: [2, 2, 2, 2] }], build: conv({ kernel_shape: [2, 2], pads: [2, 0, 0, 2] }) });
  });

  it('the filter gradient as one GEMM over kernel taps (known kernel, ungrouped): strides, SAME, dilation, rows past the last window, batches', async () => {
    const cases: [Record<string, AttrValue>, number[], number[]][] = [
      [{ strides: [2, 2], auto_pad: 'SAME_UPPER' }, [2, 3, 7, 6], [4, 3, 3, 3]],
      [{ strides: [2, 3], pads: [0, 2, 1, 0] }, [1, 2, 9, 7], [2, 2, 3, 3]],
      [{ dilations: [2, 3], strides: [2, 2], pads: [1, 0, 2, 1] }, [2, 2, 9, 8], [2, 2, 3, 2]],
      [{ pads: [1, 1, 1, 1] }, [3, 2, 5, 4], [3, 2, 3, 3]],
      [{ strides: [2, 2] }, [1, 2, 5, 4], [2, 2, 1, 1]],
    ];
    // Wide kernels: the input copied per tap (few input channels), or dY (few output channels).
    cases.push([{ auto_pad: 'SAME_UPPER' }, [2, 2, 7, 6], [5, 2, 5, 5]], [{ pads: [2, 1, 3, 2] }, [2, 5, 7, 8], [2, 5, 5, 4]], [{ pads: [2, 2, 2, 2] }, [1, 6, 6, 6], [3, 6, 5, 5]]);
    for (const [attrs, x, w] of cases) {
      await checkGradients({ runs: [{ x, w }], declare: { w }, wrt: ['w'], build: conv(attrs) });
    }
  });

  it('a 1-D conv', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 9], w: [3, 2, 3] }], build: conv({ strides: [2], pads: [1, 0] }) });
  });
});
