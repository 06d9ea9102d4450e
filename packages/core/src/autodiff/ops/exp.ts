import type { GradRule } from '../types';

/** Exp: dY·y, reusing the forward output y. */
export const exp: GradRule = {
  opType: 'Exp',
  grad: ({ b, node, dY }) => [b.op('Mul', [dY, node.outputs[0]!], {}, 'exp_grad')],
};
