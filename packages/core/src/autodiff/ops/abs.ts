import type { GradRule } from '../types';

/** Abs: dY·sign(x) (0 at 0, the subgradient ONNX's Sign gives). */
export const abs: GradRule = {
  opType: 'Abs',
  grad: ({ b, node, dY }) => [b.op('Mul', [dY, b.op('Sign', [node.inputs[0]!])], {}, 'abs_grad')],
};
