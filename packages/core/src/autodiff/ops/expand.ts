import type { GradRule } from '../types';
import { unbroadcast } from '../broadcast';

/** Expand: the broadcast copies' gradients sum back onto the input. */
export const expand: GradRule = {
  opType: 'Expand',
  differentiable: [0],
  grad({ b, node, dY }) {
    // The target shape is only known at run time, so the reduction is always the run-time form.
    return [unbroadcast(b, dY, node.inputs[0]!, [node.outputs[0]!])];
  },
};
