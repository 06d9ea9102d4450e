import { intAttr } from '../attrs';
import type { GradRule } from '../types';

/** Concat: split dY back into pieces as long, along the axis, as the inputs were (read at run time). */
export const concat: GradRule = {
  opType: 'Concat',
  grad({ b, node, dY }) {
    const axis = intAttr(node, 'axis', 0);
    // Shape's end is exclusive and -1 + 1 = 0 would mean "up to axis 0", so the last axis omits it.
    const lengths = node.inputs.map((x) => (axis === -1 ? b.dims(x, -1) : b.dims(x, axis, axis + 1)));
    const split = b.op('Concat', lengths, { axis: 0 }, 'split_sizes');
    return b.ops('Split', [dY, split], { axis }, node.inputs.length);
  },
};
