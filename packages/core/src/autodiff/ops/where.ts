import { unbroadcast } from '../broadcast';
import type { GradRule } from '../types';

/** Where(cond, a, b): dY flows to a where cond holds and to b elsewhere. */
export const where: GradRule = {
  opType: 'Where',
  differentiable: [1, 2],
  grad({ b, node, dY, needs }) {
    const [cond, x, y] = node.inputs as [string, string, string];
    const zero = b.float(0);
    return [
      undefined,
      needs[1] ? unbroadcast(b, b.op('Where', [cond, dY, zero]), x, [cond, y]) : undefined,
      needs[2] ? unbroadcast(b, b.op('Where', [cond, zero, dY]), y, [cond, x]) : undefined,
    ];
  },
};
