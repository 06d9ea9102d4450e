import type { Graph } from '../onnx/graph';
import { float32, int64 } from '../onnx/tensor';

const FLOAT = 1; // onnx TensorProto.FLOAT, for Cast's `to`

/**
 * `masks` ([R, 1, H, W], one plane per region, 0..1) at the spatial size of `features`
 * ([1, C, h, w]), by nearest neighbour: exact on all-ones masks, so one region covering the image
 * gives the plain Gram matrix bit for bit.
 */
export function masksAt(g: Graph, masks: string, features: string): string {
  return g.scoped('masks', () => {
    const hw = g.op('Slice', [g.op('Shape', [features], {}, { name: 'shape' }), g.constant('start', int64([1], [2])), g.constant('end', int64([1], [4]))], {}, { name: 'hw' });
    const r1 = g.op('Slice', [g.op('Shape', [masks], {}, { name: 'mshape' }), g.constant('start', int64([1], [0])), g.constant('end', int64([1], [2]))], {}, { name: 'r1' });
    const sizes = g.op('Concat', [r1, hw], { axis: 0 }, { name: 'sizes' });
    return g.op('Resize', [masks, '', '', sizes], { mode: 'nearest' }, { name: 'resized' });
  });
}

/**
 * Gram matrices of NCHW features (N = 1) per region: with F_r the features times region r's mask
 * (at the features' size), reshaped to [C, H·W], G_r = F_r F_rᵀ / (C · Σ mask_r), a [R, C, C]
 * tensor. With one all-ones mask this is `gram` (Σ mask = H·W). An empty region has G_r = 0.
 */
export function maskedGram(g: Graph, features: string, masks: string): string {
  return g.scoped('masked_gram', () => {
    const m = masksAt(g, masks, features);
    const fm = g.op('Mul', [features, m], {}, { name: 'fm' });
    const f = g.op('Reshape', [fm, g.constant('shape', int64([3], [0, 0, -1]))], {}, { name: 'f' });
    const ffT = g.op('MatMul', [f, g.op('Transpose', [f], { perm: [0, 2, 1] }, { name: 'fT' })], {}, { name: 'ffT' });
    const area = g.op('ReduceSum', [m, g.constant('axes', int64([3], [1, 2, 3]))], { keepdims: 1 }, { name: 'area' });
    const channels = g.op('Cast', [g.op('Gather', [g.op('Shape', [features], {}, { name: 'fshape' }), g.constant('c', int64([], [1]))], { axis: 0 }, { name: 'c' })], { to: FLOAT }, { name: 'c_f' });
    const safe = g.op('Max', [g.op('Reshape', [area, g.constant('rshape', int64([3], [-1, 1, 1]))], {}, { name: 'area3' }), g.constant('tiny', float32([], [1e-8]))], {}, { name: 'area_safe' });
    return g.op('Div', [ffT, g.op('Mul', [channels, safe], {}, { name: 'count' })], {}, { name: 'g' });
  });
}
