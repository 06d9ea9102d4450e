import type { GradRule } from '../types';

/** A rule for ops that only relabel the shape: the gradient is reshaped back to the input's. */
export function reshapeRule(opType: string): GradRule {
  return {
    opType,
    differentiable: [0],
    grad: ({ b, node, dY }) => [b.reshapeLike(dY, node.inputs[0]!)],
  };
}

/** Reshape: the gradient takes the input's shape again. */
export const reshape = reshapeRule('Reshape');
