import { unbroadcast } from '../broadcast';
import type { GradRule } from '../types';

/** Mul: d/da = dY·b, d/db = dY·a. Mul(x, x) (a square) gets both terms, accumulated. */
export const mul: GradRule = {
  opType: 'Mul',
  grad({ b, node, dY, needs }) {
    const [a, c] = node.inputs as [string, string];
    return [
      needs[0] ? unbroadcast(b, b.op('Mul', [dY, c]), a, [c]) : undefined,
      needs[1] ? unbroadcast(b, b.op('Mul', [dY, a]), c, [a]) : undefined,
    ];
  },
};
