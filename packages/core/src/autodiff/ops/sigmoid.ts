import type { GradRule } from '../types';

/** Sigmoid: dY·y·(1 - y), reusing the forward output y. */
export const sigmoid: GradRule = {
  opType: 'Sigmoid',
  grad({ b, node, dY }) {
    const y = node.outputs[0]!;
    return [b.op('Mul', [b.op('Mul', [dY, y]), b.op('Sub', [b.float(1), y])], {}, 'sigmoid_grad')];
  },
};
