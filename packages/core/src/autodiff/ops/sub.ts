import { unbroadcast } from '../broadcast';
import type { GradRule } from '../types';

/** Sub: d/da = dY, d/db = -dY (each reduced to its operand's shape). */
export const sub: GradRule = {
  opType: 'Sub',
  grad({ b, node, dY, needs }) {
    const [a, c] = node.inputs as [string, string];
    return [
      needs[0] ? unbroadcast(b, dY, a, [c]) : undefined,
      needs[1] ? unbroadcast(b, b.op('Neg', [dY]), c, [a]) : undefined,
    ];
  },
};
