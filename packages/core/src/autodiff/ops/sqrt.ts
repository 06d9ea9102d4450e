import type { GradRule } from '../types';

/** Sqrt: dY / (2·y), reusing the forward output y. */
export const sqrt: GradRule = {
  opType: 'Sqrt',
  grad: ({ b, node, dY }) => [b.op('Div', [b.op('Mul', [dY, b.float(0.5)]), node.outputs[0]!], {}, 'sqrt_grad')],
};
