import { unbroadcast } from '../broadcast';
import type { GradRule } from '../types';

/** Div: d/da = dY / b, d/db = -dY·y / b (with y = a / b, already computed). */
export const div: GradRule = {
  opType: 'Div',
  grad({ b, node, dY, needs }) {
    const [a, c] = node.inputs as [string, string];
    const y = node.outputs[0]!;
    return [
      needs[0] ? unbroadcast(b, b.op('Div', [dY, c]), a, [c]) : undefined,
      needs[1] ? unbroadcast(b, b.op('Neg', [b.op('Div', [b.op('Mul', [dY, y]), c])]), c, [a]) : undefined,
    ];
  },
};
