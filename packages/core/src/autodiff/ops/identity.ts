import type { GradRule } from '../types';

/** Identity: the gradient passes through unchanged. */
export const identity: GradRule = {
  opType: 'Identity',
  grad: ({ dY }) => [dY],
};
