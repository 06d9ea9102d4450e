import type { GradRule } from '../types';
import { spreadBack } from './reduce';

const FLOAT = 1; // TensorProto.FLOAT

/** ReduceMean: the sum's rule, scaled by 1 / (elements averaged) = size(y) / size(x) at run time. */
export const reduceMean: GradRule = {
  opType: 'ReduceMean',
  differentiable: [0],
  grad({ b, node, dY }) {
    const count = (v: string) => b.op('Cast', [b.size(v)], { to: FLOAT });
    const ratio = b.op('Div', [count(node.outputs[0]!), count(node.inputs[0]!)], {}, 'mean_ratio');
    return [spreadBack(b, node, b.op('Mul', [dY, ratio]))];
  },
};
