import type { GradRule } from '../types';

/** GlobalMaxPool: dY goes to the (first) largest element of each channel, found by ArgMax. */
export const globalMaxPool: GradRule = {
  opType: 'GlobalMaxPool',
  grad({ b, node, dY }) {
    const x = node.inputs[0]!;
    const ncs = b.ints([0, 0, -1]);
    const x3 = b.op('Reshape', [x, ncs], {}, 'x_ncs');
    const winner = b.op('ArgMax', [x3], { axis: 2, keepdims: 1 }, 'winner');
    const dy3 = b.op('Reshape', [dY, b.ints([0, 0, 1])]);
    const scattered = b.op('ScatterElements', [b.zerosLike(x3), winner, dy3], { axis: 2 }, 'global_max_grad');
    return [b.reshapeLike(scattered, x)];
  },
};
