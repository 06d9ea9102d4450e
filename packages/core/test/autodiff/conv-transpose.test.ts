import { Graph, type AttrValue } from '../../src/onnx/graph';
import { ImpastoError } from '../../src/errors';
import { addGradients } from '../../src/autodiff';
import { checkGradients } from './harness';

/** ConvTranspose of inputs x, w (and b when given) with `attrs`. */
const convT = (attrs: Record<string, AttrValue>) => (g: Graph, v: Record<string, string>) =>
  g.op('ConvTranspose', v.b ? [v.x!, v.w!, v.b] : [v.x!, v.w!], attrs);

describe('autodiff: ConvTranspose', () => {
  it("the fast-style decoder's 3x3 stride 2 with pads [0, 0, 1, 1], with bias, at odd and even sizes", async () => {
    await checkGradients({
      runs: [{ x: [1, 3, 3, 4], w: [3, 2, 3, 3], b: [2] }, { x: [2, 3, 5, 3], w: [3, 2, 3, 3], b: [2] }],
      build: convT({ strides: [2, 2], pads: [0, 0, 1, 1] }),
    });
    // As the network builds it: constant-shaped weights and an image of unknown size.
    await checkGradients({
      runs: [{ x: [1, 2, 4, 5], w: [2, 3, 3, 3] }],
      declare: { x: [1, 2, 'h', 'w'], w: [2, 3, 3, 3] },
      build: convT({ strides: [2, 2], pads: [0, 0, 1, 1], kernel_shape: [3, 3] }),
    });
  });

  it('stride 1, padded and unpadded, with bias', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 4, 5], w: [2, 3, 3, 3], b: [3] }], build: convT({ pads: [1, 1, 1, 1] }) });
    await checkGradients({ runs: [{ x: [2, 2, 3, 3], w: [2, 2, 2, 3] }], build: convT({}) });
  });

  it('groups (with bias), and depthwise with stride 2 and output_padding', async () => {
    await checkGradients({ runs: [{ x: [1, 4, 3, 4], w: [4, 3, 3, 2], b: [6] }], build: convT({ group: 2, strides: [2, 1], pads: [1, 0, 0, 1] }) });
    await checkGradients({ runs: [{ x: [2, 3, 3, 3], w: [3, 1, 3, 3] }], build: convT({ group: 3, strides: [2, 2], output_padding: [1, 0], pads: [1, 1, 0, 1] }) });
  });

  it('dilation, uneven strides, and output_padding past the last tap', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 4, 3], w: [2, 2, 3, 2] }], build: convT({ dilations: [2, 1], strides: [1, 2], pads: [1, 0, 2, 1] }) });
    await checkGradients({ runs: [{ x: [1, 2, 3, 4], w: [2, 2, 3, 3] }], build: convT({ strides: [3, 2], output_padding: [2, 1] }) });
  });

  it('SAME_UPPER and SAME_LOWER with odd total padding, VALID, and output_shape', async () => {
    for (const auto_pad of ['SAME_UPPER', 'SAME_LOWER']) {
      // Kernel shape known: static padding.
      await checkGradients({ runs: [{ x: [1, 2, 3, 4], w: [2, 2, 3, 3] }, { x: [1, 2, 4, 3], w: [2, 2, 3, 3] }], build: convT({ auto_pad, strides: [2, 2], kernel_shape: [3, 3] }) });
      // Kernel shape unknown before run time: the padding is worked out from Shape(W).
      await checkGradients({ runs: [{ x: [1, 2, 3, 4], w: [2, 2, 3, 3] }], build: convT({ auto_pad, strides: [2, 2] }) });
      await checkGradients({ runs: [{ x: [1, 1, 3, 3], w: [1, 2, 4, 3] }], build: convT({ auto_pad, strides: [2, 3], output_padding: [1, 0] }) });
    }
    await checkGradients({ runs: [{ x: [1, 2, 3, 3], w: [2, 1, 2, 3] }], build: convT({ auto_pad: 'VALID', strides: [2, 1] }) });
    await checkGradients({ runs: [{ x: [1, 2, 3, 3], w: [2, 2, 3, 3] }], build: convT({ output_shape: [6, 5], strides: [2, 2] }) });
    await checkGradients({ runs: [{ x: [1, 2, 3, 3], w: [2, 2, 3, 3] }], build: convT({ output_shape: [6, 5], strides: [2, 2], auto_pad: 'SAME_UPPER' }) });
  });

  it('only some inputs: the weight alone, the bias alone', async () => {
    const runs = [{ x: [1, 2, 3, 3], w: [2, 2, 3, 3], b: [2] }];
    await checkGradients({ runs, wrt: ['w'], build: convT({ strides: [2, 2], pads: [0, 0, 1, 1] }) });
    await checkGradients({ runs, wrt: ['b'], build: convT({ strides: [2, 2], pads: [0, 0, 1, 1] }) });
  });

  it('a 1-D transpose', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 5], w: [2, 3, 3] }], build: convT({ strides: [2], pads: [1, 0] }) });
  });

  it('rejects negative pads, naming the node', () => {
    const g = new Graph();
    const x = g.input('x', 'float32');
    const w = g.constant('w', { type: 'float32', dims: [1, 1, 3, 3], data: new Float32Array(9) });
    const y = g.op('ConvTranspose', [x, w], { pads: [-1, 0, 0, 0] }, { name: 'up' });
    const loss = g.op('ReduceSum', [y], { keepdims: 0 });
    let error: unknown;
    try {
      addGradients(g, loss, [x]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImpastoError);
    expect((error as ImpastoError).code).toBe('UNSUPPORTED_OP');
    expect((error as ImpastoError).message).toBe("no gradient for ONNX op 'ConvTranspose' with negative pads (node 'up_node')");
  });
});
