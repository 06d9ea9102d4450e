import { intAttr } from '../attrs';
import type { GradRule } from '../types';

// TensorProto element types that carry a gradient: FLOAT, FLOAT16, DOUBLE, BFLOAT16.
const FLOATS = new Set([1, 10, 11, 16]);

/** Cast: between float types the gradient passes through; to an integer type, nothing flows. */
export const cast: GradRule = {
  opType: 'Cast',
  differentiable: (node) => (FLOATS.has(intAttr(node, 'to', 0)) ? [0] : []),
  // Float graphs here are float32 end to end, so there is no type to convert the gradient back to.
  grad: ({ dY }) => [dY],
};
