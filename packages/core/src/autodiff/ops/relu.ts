import type { GradRule } from '../types';

/** Relu: dY where the input was positive, else 0. */
export const relu: GradRule = {
  opType: 'Relu',
  grad({ b, node, dY }) {
    const zero = b.float(0);
    return [b.op('Where', [b.op('Greater', [node.inputs[0]!, zero]), dY, zero], {}, 'relu_grad')];
  },
};
