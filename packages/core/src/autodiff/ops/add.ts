import { unbroadcast } from '../broadcast';
import type { GradRule } from '../types';

/** Add: the gradient passes to both operands, summed over the axes each was broadcast along. */
export const add: GradRule = {
  opType: 'Add',
  grad({ b, node, dY, needs }) {
    const [a, c] = node.inputs as [string, string];
    return [needs[0] ? unbroadcast(b, dY, a, [c]) : undefined, needs[1] ? unbroadcast(b, dY, c, [a]) : undefined];
  },
};
