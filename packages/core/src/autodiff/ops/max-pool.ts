import { ImpastoError } from '../../errors';
import { float32 } from '../../onnx/tensor';
import { intsAttr } from '../attrs';
import type { GradBuilder } from '../builder';
import { backToInput, readGeometry, resolvePads, staticExtent, type Extent, type Geometry, type Pads } from '../spatial';
import type { GradRule } from '../types';

interface Window {
  b: GradBuilder;
  geo: Geometry;
  pads: Pads;
  ext: Extent;
  inDims: string;
}

/** Spreads each output value over the input positions its window reaches through `kernel`. */
function spread(w: Window, folded: string, kernel: string): string {
  return backToInput(w.b, folded, kernel, w.geo, 1, w.inDims, w.pads, w.ext);
}

/**
 * MaxPool: each output's gradient goes to the input elements equal to the window's maximum. The
 * winners are found by comparing the input with the pooled value spread back over each window,
 * not through MaxPool's Indices output, which onnxruntime's WebGPU provider does not implement.
 * Disjoint windows (VGG's 2x2 stride 2) need one spread; overlapping ones one per kernel offset,
 * so an element that wins several windows collects each of their gradients. Ties share the
 * gradient (every tied element receives it), a subgradient like any other.
 */
export const maxPool: GradRule = {
  opType: 'MaxPool',
  differentiable: [0],
  grad({ b, node, dY }) {
    const k = intsAttr(node, 'kernel_shape');
    if (!k) throw new ImpastoError('BAD_MODEL', `MaxPool node '${node.name}' has no kernel_shape`);
    const x = node.inputs[0]!;
    const y = node.outputs[0]!;
    const geo = readGeometry(node, k.length);
    const extent = k.map((v, i) => (v - 1) * geo.dilations[i]! + 1);
    const ext = staticExtent(b, extent);
    const w: Window = { b, geo, ext, pads: resolvePads(b, geo, x, y, ext), inDims: b.dims(x, 2) };
    // Pool channels independently: fold N and C into the batch and use single-channel kernels.
    const fold = (v: string, dims: string) => b.op('Reshape', [v, b.op('Concat', [b.ints([-1, 1]), dims], { axis: 0 })]);
    const [fy, fdy, fx] = [fold(y, b.dims(y, 2)), fold(dY, b.dims(y, 2)), fold(x, w.inDims)];
    const route = (kernel: string) => {
      const winners = b.op('Cast', [b.op('Equal', [fx, spread(w, fy, kernel)])], { to: 1 }, 'winners');
      return b.op('Mul', [winners, spread(w, fdy, kernel)], {}, 'routed');
    };
    const disjoint = k.every((v, i) => geo.strides[i]! >= extent[i]! && geo.dilations[i] === 1);
    let dx: string;
    if (disjoint) {
      dx = route(b.ones([1, 1, ...k]));
    } else {
      const size = k.reduce((p, v) => p * v, 1);
      const terms = Array.from({ length: size }, (_, o) => {
        const onehot = new Float32Array(size);
        onehot[o] = 1;
        return route(b.g.constant('onehot', float32([1, 1, ...k], onehot)));
      });
      dx = b.sum(terms, 'routed_sum');
    }
    return [b.reshapeLike(dx, x)];
  },
};
