import type { GradRule } from '../types';

/** Neg: -dY. */
export const neg: GradRule = {
  opType: 'Neg',
  grad: ({ b, dY }) => [b.op('Neg', [dY])],
};
