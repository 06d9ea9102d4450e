import { intAttr } from '../attrs';
import type { GradRule } from '../types';

/** Softmax (opset 13 semantics, one axis): dx = y·(dY - Σ_axis dY·y). */
export const softmax: GradRule = {
  opType: 'Softmax',
  grad({ b, node, dY }) {
    const y = node.outputs[0]!;
    const dot = b.reduceSum(b.op('Mul', [dY, y]), [intAttr(node, 'axis', -1)], true);
    return [b.op('Mul', [y, b.op('Sub', [dY, dot])], {}, 'softmax_grad')];
  },
};
