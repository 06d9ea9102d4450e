import type { GradRule } from '../types';

/**
 * Relu: dY where the output is positive, else 0. Reading the output rather than the input leaves
 * the convolution before it with a single consumer, so ONNX Runtime can fuse Conv and Relu.
 */
export const relu: GradRule = {
  opType: 'Relu',
  grad({ b, node, dY }) {
    const mask = b.op('Cast', [b.op('Greater', [node.outputs[0]!, b.float(0)])], { to: 1 });
    return [b.op('Mul', [dY, mask], {}, 'relu_grad')];
  },
};
