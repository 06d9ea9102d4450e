import type { NodeDef } from '../../onnx/graph';
import { ImpastoError } from '../../errors';
import { float32 } from '../../onnx/tensor';
import { intAttr, intsAttr, optionalInput, stringAttr } from '../attrs';
import { edgePadAdjoint } from '../border';
import type { GradBuilder } from '../builder';
import { interpolationMatrix, type AxisSizes } from '../resize-matrix';
import { SHIFT_INVARIANT, phaseKernel, type ResizeMode } from '../resize-phases';
import type { GradRule } from '../types';

const COORDS: readonly string[] = ['half_pixel', 'pytorch_half_pixel', 'asymmetric', 'align_corners', 'tf_half_pixel_for_nn'];
const NEAREST: readonly string[] = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

const unsupported = (node: NodeDef, why: string) => new ImpastoError('UNSUPPORTED_OP', `no gradient for ONNX op 'Resize' ${why} (node '${node.name}')`);

function readMode(node: NodeDef): ResizeMode {
  const mode = stringAttr(node, 'mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear') throw unsupported(node, `in mode '${mode}' (only nearest and linear)`);
  const coord = stringAttr(node, 'coordinate_transformation_mode', 'half_pixel');
  if (!COORDS.includes(coord)) throw unsupported(node, `with coordinate_transformation_mode '${coord}'`);
  const nearest = stringAttr(node, 'nearest_mode', 'round_prefer_floor');
  if (mode === 'nearest' && !NEAREST.includes(nearest)) throw unsupported(node, `with nearest_mode '${nearest}'`);
  if (intAttr(node, 'antialias', 0) !== 0) throw unsupported(node, 'with antialias');
  return { mode, coord, nearest } as ResizeMode;
}

/** Rejects resizes of other axes than the last two, as far as that can be seen before run time. */
function checkAxes(b: GradBuilder, node: NodeDef, scales: readonly number[] | undefined): void {
  const rank = b.info.rank(node.inputs[0]!);
  const axes = intsAttr(node, 'axes');
  if (axes) {
    const norm = axes.map((a) => (a < 0 && rank !== undefined ? a + rank : a));
    const ok = norm.length === 2 && (rank === undefined ? norm[0] === -2 && norm[1] === -1 : norm[0] === rank - 2 && norm[1] === rank - 1);
    if (!ok) throw unsupported(node, `along axes [${axes.join(', ')}] (only the last two, H and W)`);
    return;
  }
  if (scales?.slice(0, -2).some((s) => s !== 1)) throw unsupported(node, `with scales [${scales.join(', ')}] (only H and W may be resized)`);
  if (rank !== undefined && rank < 2) throw unsupported(node, `of a rank-${rank} input`);
}

/**
 * Integer upsampling in a shift-invariant mode: one strided Conv of the folded dY with the outer
 * product of the two axes' phase kernels, then the adjoint of the edge padding that stands in
 * for border clamping. O(taps) per element, against O(size) for the dense matrices.
 */
function byConv(b: GradBuilder, mode: ResizeMode, x: string, dY: string, sh: number, sw: number): string {
  const [kh, kw] = [phaseKernel(mode, sh), phaseKernel(mode, sw)];
  const identity = (k: typeof kh) => k.kernel.length === 1 && k.kernel[0] === 1 && k.before + k.after + k.padBegin + k.padEnd === 0;
  if (identity(kh) && identity(kw)) return dY;
  const weights = float32([1, 1, kh.kernel.length, kw.kernel.length], kh.kernel.flatMap((a) => kw.kernel.map((c) => a * c)));
  const folded = b.op('Reshape', [dY, b.op('Concat', [b.ints([-1, 1]), b.dims(dY, -2)], { axis: 0 })], {}, 'fold');
  const pads = [kh.padBegin, kw.padBegin, kh.padEnd, kw.padEnd];
  let dx = b.op('Conv', [folded, b.g.constant('resize_kernel', weights)], { strides: [sh, sw], pads }, 'resize_back');
  dx = edgePadAdjoint(b, dx, 2, kh.before, kh.after);
  dx = edgePadAdjoint(b, dx, 3, kw.before, kw.after);
  return b.reshapeLike(dx, x);
}

/** A 1-D int64 shape entry as a scalar. */
const scalar = (b: GradBuilder, v: string) => b.op('Reshape', [v, b.ints([])], {}, 'length');

/**
 * Any other case: dX = A_Hᵀ · dY · A_W with the interpolation matrices built at run time. Dense
 * (quadratic in each side's length), but exact for every scale, size and coordinate mode.
 */
function byMatrices(b: GradBuilder, node: NodeDef, mode: ResizeMode, dY: string, scales: readonly number[] | undefined): string {
  const [x, y] = [node.inputs[0]!, node.outputs[0]!];
  const scalesInput = optionalInput(node, 2);
  const sizesGiven = optionalInput(node, 3) !== undefined;
  const axis = (a: -2 | -1): AxisSizes | undefined => {
    const s = sizesGiven ? undefined : scales?.at(a);
    // onnxruntime copies an axis of scale 1 unchanged (whatever the coordinate transform).
    if (s === 1) return undefined;
    const n = scalar(b, a === -2 ? b.dims(x, -2, -1) : b.dims(x, -1));
    const m = scalar(b, a === -2 ? b.dims(y, -2, -1) : b.dims(y, -1));
    let scale: string | undefined;
    // A getter: align_corners never reads the scale, and an unused constant would linger.
    const makeScale = () => {
      if (sizesGiven) return b.op('Div', [b.op('Cast', [m], { to: 1 }), b.op('Cast', [n], { to: 1 })], {}, 'scale');
      if (s !== undefined) return b.float(s);
      return b.op('Gather', [scalesInput!, b.int(a)], { axis: 0 }, 'scale');
    };
    return {
      n,
      m,
      get scale() {
        return (scale ??= makeScale());
      },
      maybeUnit: s === undefined,
    };
  };
  const [h, w] = [axis(-2), axis(-1)];
  let dx = dY;
  if (w) dx = b.op('MatMul', [dx, interpolationMatrix(b, mode, w, false)], {}, 'resize_back_w');
  if (h) dx = b.op('MatMul', [interpolationMatrix(b, mode, h, true), dx], {}, 'resize_back_h');
  return dx;
}

/**
 * Resize (opset 11+ inputs X, roi, scales, sizes) of the last two axes, in nearest mode (every
 * nearest_mode) or linear mode, with the half_pixel, pytorch_half_pixel, asymmetric,
 * align_corners or tf_half_pixel_for_nn coordinate transforms. Constant integer upscales in the
 * shift-invariant transforms (the decoders' 2x bilinear or nearest) take a strided Conv; the rest
 * takes dense interpolation matrices, built at run time since the sizes are only known then.
 * Rejected: cubic, antialias, tf_crop_and_resize, half_pixel_symmetric, keep_aspect_ratio_policy
 * other than stretch with sizes, and resizing other axes.
 */
export const resize: GradRule = {
  opType: 'Resize',
  differentiable: [0],
  grad({ b, node, dY }) {
    const mode = readMode(node);
    const scalesInput = optionalInput(node, 2);
    const sizesGiven = optionalInput(node, 3) !== undefined;
    if (sizesGiven && stringAttr(node, 'keep_aspect_ratio_policy', 'stretch') !== 'stretch') throw unsupported(node, 'with keep_aspect_ratio_policy');
    if (!sizesGiven && scalesInput === undefined) throw new ImpastoError('BAD_MODEL', `Resize node '${node.name}' has neither scales nor sizes`);
    const known = sizesGiven || scalesInput === undefined ? undefined : b.info.constant(scalesInput);
    const scales = known ? Array.from(known.data as Float32Array, Number) : undefined;
    checkAxes(b, node, scales);
    const [sh, sw] = [scales?.at(-2), scales?.at(-1)];
    const integral = (s: number | undefined): s is number => s !== undefined && Number.isInteger(s) && s >= 1;
    if (integral(sh) && integral(sw) && SHIFT_INVARIANT.has(mode.coord)) return [byConv(b, mode, node.inputs[0]!, dY, sh, sw)];
    return [byMatrices(b, node, mode, dY, scales)];
  },
};
