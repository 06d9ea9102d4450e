import type { GradRule } from '../types';

/** Constant: no inputs, so nothing to pass a gradient to (listed so it is known, not unsupported). */
export const constant: GradRule = {
  opType: 'Constant',
  grad: () => [],
};
