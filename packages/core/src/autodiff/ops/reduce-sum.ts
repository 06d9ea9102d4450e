import type { GradRule } from '../types';
import { spreadBack } from './reduce';

/** ReduceSum: every summed element gets the sum's gradient. */
export const reduceSum: GradRule = {
  opType: 'ReduceSum',
  differentiable: [0],
  grad: ({ b, node, dY }) => [spreadBack(b, node, dY)],
};
