import { ImpastoError } from '../errors';
import type { Graph } from '../onnx/graph';
import { int64 } from '../onnx/tensor';

const FLOAT = 1; // onnx TensorProto.FLOAT, for Cast's `to`

/**
 * The product of `x`'s sizes along `axes`, as a float32 scalar computed at run time (Shape, Gather,
 * Cast, Mul), so graphs built with it accept any image size. It sits on the shape path, which
 * carries no gradient.
 */
export function dynamicCount(g: Graph, x: string, axes: readonly number[]): string {
  const shape = g.op('Cast', [g.op('Shape', [x], {}, { name: 'shape' })], { to: FLOAT }, { name: 'shape_f' });
  let count: string | undefined;
  for (const axis of axes) {
    const dim = g.op('Gather', [shape, g.constant('axis', int64([], [axis]))], { axis: 0 }, { name: 'dim' });
    count = count === undefined ? dim : g.op('Mul', [count, dim], {}, { name: 'count' });
  }
  if (count === undefined) throw new ImpastoError('INVALID_ARGUMENT', 'dynamicCount needs at least one axis');
  return count;
}

/**
 * Gram matrix of NCHW features with N = 1: with F the features reshaped to [C, H·W],
 * G = F Fᵀ / (C·H·W), a [C, C] tensor. The division by C·H·W is the seed's normalisation (`gram`
 * divides by feature·h·w), which keeps Gram entries comparable across layers and image sizes.
 * H and W are read at run time, so one graph serves every image size.
 */
export function gram(g: Graph, features: string): string {
  return g.scoped('gram', () => {
    // Flatten at axis 2 gives [N·C, H·W]; with N = 1 that is [C, H·W].
    const f = g.op('Flatten', [features], { axis: 2 }, { name: 'f' });
    const ffT = g.op('MatMul', [f, g.op('Transpose', [f], { perm: [1, 0] }, { name: 'fT' })], {}, { name: 'ffT' });
    return g.op('Div', [ffT, dynamicCount(g, f, [0, 1])], {}, { name: 'g' });
  });
}

/**
 * Gram matrices of a batch of NCHW features: [N, C, C], each F Fᵀ / (C·H·W) as `gram` (and
 * lengstrom/fast-style-transfer's `gram / (h·w·filters)`) computes it for one image.
 */
export function batchedGram(g: Graph, features: string): string {
  return g.scoped('gram', () => {
    const f = g.op('Reshape', [features, g.constant('n_c_hw', int64([3], [0, 0, -1]))], {}, { name: 'f' });
    const ffT = g.op('MatMul', [f, g.op('Transpose', [f], { perm: [0, 2, 1] }, { name: 'fT' })], {}, { name: 'ffT' });
    return g.op('Div', [ffT, dynamicCount(g, f, [1, 2])], {}, { name: 'g' });
  });
}
