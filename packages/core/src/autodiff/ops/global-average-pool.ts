import type { GradRule } from '../types';

const FLOAT = 1; // TensorProto.FLOAT

/** GlobalAveragePool: every element gets dY / (spatial size), the ratio read at run time. */
export const globalAveragePool: GradRule = {
  opType: 'GlobalAveragePool',
  grad({ b, node, dY }) {
    const x = node.inputs[0]!;
    const count = (v: string) => b.op('Cast', [b.size(v)], { to: FLOAT });
    const ratio = b.op('Div', [count(node.outputs[0]!), count(x)], {}, 'mean_ratio');
    return [b.op('Expand', [b.op('Mul', [dY, ratio]), b.shape(x)], {}, 'global_average_grad')];
  },
};
