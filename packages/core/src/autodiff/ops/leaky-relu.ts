import { floatAttr } from '../attrs';
import type { GradRule } from '../types';

/** LeakyRelu: dY where the input was positive, else alpha·dY. */
export const leakyRelu: GradRule = {
  opType: 'LeakyRelu',
  grad({ b, node, dY }) {
    const alpha = floatAttr(node, 'alpha', 0.01);
    const scaled = b.op('Mul', [dY, b.float(alpha)]);
    return [b.op('Where', [b.op('Greater', [node.inputs[0]!, b.float(0)]), dY, scaled], {}, 'leaky_relu_grad')];
  },
};
