import type { GradRule } from '../types';

/** Tanh: dY·(1 - y²), reusing the forward output y. */
export const tanh: GradRule = {
  opType: 'Tanh',
  grad({ b, node, dY }) {
    const y = node.outputs[0]!;
    return [b.op('Mul', [dY, b.op('Sub', [b.float(1), b.op('Mul', [y, y])])], {}, 'tanh_grad')];
  },
};
