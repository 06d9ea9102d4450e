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
    if (isTiling(node, geo, k)) return [tilingGrad(b, x, y, dY, k)];
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

/**
 * Windows that tile the input exactly (stride = kernel, no dilation, no padding, floor mode: VGG's
 * 2×2 pools), in two spatial dimensions. The Resize path's opset (13+) is assumed too.
 */
function isTiling(node: { attributes: Readonly<Record<string, unknown>> }, geo: ReturnType<typeof readGeometry>, k: readonly number[]): boolean {
  return (
    k.length === 2 &&
    k.every((v, i) => geo.strides[i] === v && geo.dilations[i] === 1) &&
    geo.autoPad === 'NOTSET' &&
    geo.pads.every((p) => p === 0) &&
    !node.attributes.ceil_mode
  );
}

/**
 * The tiling case without spreading through a ConvTranspose: y and dY enlarged by nearest-neighbour
 * Resize onto the covered part of x, the gradient routed to the elements equal to their window's
 * maximum, and zero-padded over the rows and columns no window reached. Exactly the general rule's
 * result, in fewer full-size passes.
 */
function tilingGrad(b: GradBuilder, x: string, y: string, dY: string, k: readonly number[]): string {
  const up = (v: string) =>
    b.op('Resize', [v, '', b.g.constant('scales', float32([4], [1, 1, ...k]))], { mode: 'nearest', nearest_mode: 'floor', coordinate_transformation_mode: 'asymmetric' }, 'window_max');
  const covered = b.op('Mul', [b.dims(y, 2), b.ints(k)], {}, 'covered');
  const xc = b.op('Slice', [x, b.ints([0, 0]), covered, b.ints([2, 3])], {}, 'covered_x');
  const winners = b.op('Cast', [b.op('Equal', [xc, up(y)])], { to: 1 }, 'winners');
  const routed = b.op('Mul', [winners, up(dY)], {}, 'routed');
  const rest = b.op('Sub', [b.dims(x, 2), covered], {}, 'uncovered');
  const pads = b.op('Concat', [b.ints([0, 0, 0, 0, 0, 0]), rest], { axis: 0 }, 'pads');
  return b.op('Pad', [routed, pads], {}, 'tiling_grad');
}
