import type { GradRule } from '../types';

/** Log: dY / x. */
export const log: GradRule = {
  opType: 'Log',
  grad: ({ b, node, dY }) => [b.op('Div', [dY, node.inputs[0]!], {}, 'log_grad')],
};
