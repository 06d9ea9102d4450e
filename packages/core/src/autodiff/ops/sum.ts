import { unbroadcast } from '../broadcast';
import type { GradRule } from '../types';

/** Sum (variadic): every operand gets dY, reduced to its shape. */
export const sum: GradRule = {
  opType: 'Sum',
  grad({ b, node, dY, needs }) {
    return node.inputs.map((x, i) => (needs[i] ? unbroadcast(b, dY, x, node.inputs) : undefined));
  },
};
