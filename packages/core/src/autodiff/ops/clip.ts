import { optionalInput } from '../attrs';
import type { GradRule } from '../types';

/** Clip (bounds as inputs, opset 11+): dY where min <= x <= max, else 0. */
export const clip: GradRule = {
  opType: 'Clip',
  differentiable: [0],
  grad({ b, node, dY }) {
    const x = node.inputs[0]!;
    const lo = optionalInput(node, 1);
    const hi = optionalInput(node, 2);
    const tests = [lo && b.op('GreaterOrEqual', [x, lo]), hi && b.op('LessOrEqual', [x, hi])].filter((t): t is string => !!t);
    if (tests.length === 0) return [dY];
    const inside = tests.length === 2 ? b.op('And', tests) : tests[0]!;
    return [b.op('Where', [inside, dY, b.float(0)], {}, 'clip_grad')];
  },
};
