import { intsAttr } from '../attrs';
import type { GradRule } from '../types';

/** Transpose: transpose back by the inverse permutation (no perm: reversal, its own inverse). */
export const transpose: GradRule = {
  opType: 'Transpose',
  grad({ b, dY, node }) {
    const perm = intsAttr(node, 'perm');
    if (!perm) return [b.op('Transpose', [dY], {}, 'transpose_grad')];
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [b.op('Transpose', [dY], { perm: inverse }, 'transpose_grad')];
  },
};
