import { float32 } from '../onnx/tensor';
import type { GradBuilder } from './builder';
import { padSpatial, spatialAxes, type Geometry, type Pads } from './spatial';

export interface FilterGradArgs {
  readonly x: string;
  readonly w: string;
  readonly dY: string;
  readonly geo: Geometry;
  readonly group: number;
  readonly pads: Pads;
}

/**
 * d(loss)/d(W) of a Conv: the correlation of the padded input with dY, summed over the batch.
 * Ungrouped 2-D convs with a known kernel take it as one batched GEMM over an unfolded copy of the
 * side with fewer channel planes; the rest as one Conv (`correlationGradient`).
 */
export function filterGradient(b: GradBuilder, args: FilterGradArgs): string {
  const shape = args.group === 1 && args.geo.nsp === 2 ? b.info.shape(args.w) : undefined;
  if (shape?.length === 4) {
    const [m, c, kh, kw] = shape as [number, number, number, number];
    const taps = kh * kw;
    // Shifting dY instead of the input needs unit strides and dilations.
    const unit = [...args.geo.strides, ...args.geo.dilations].every((v) => v === 1);
    if (unit && m < c && taps * m <= MAX_UNFOLDED_PLANES) return unfoldedDyGradient(b, args, [m, c, kh, kw]);
    if (taps <= 9 || taps * c <= MAX_UNFOLDED_PLANES) return unfoldedInputGradient(b, args, [c, kh, kw]);
  }
  return correlationGradient(b, args);
}

/**
 * How many channel planes an unfolded copy may hold beyond 3×3 kernels (which unfold at 9 per
 * channel whatever the channels): fast style's 9×9 layers to and from RGB take 243.
 */
const MAX_UNFOLDED_PLANES = 256;

/**
 * `x` unfolded: [N, C·T, Ho, Wo] whose channel c·T + t holds kernel tap t of channel c at every
 * output pixel: every channel as an image of its own ([N·C, 1, H, W]) through one Conv with T
 * one-hot kernels (strides, dilations and pads as given). `flip` takes the taps mirrored (tap
 * (i, j) reads the kernel's (kh−1−i, kw−1−j)). Not a depthwise Conv with T kernels a channel:
 * ONNX Runtime's WebGPU provider computes that one wrongly for 128 channels.
 */
function unfold(b: GradBuilder, x: string, [c, kh, kw]: [number, number, number], conv: { strides: number[]; dilations: number[]; pads?: Pads }, flip = false): string {
  const taps = kh * kw;
  const onehot = float32([taps, 1, kh, kw]);
  for (let t = 0; t < taps; t++) onehot.data[t * taps + (flip ? taps - 1 - t : t)] = 1;
  const kernel = b.g.constant('unfold_kernel', onehot);
  const planes = b.op('Reshape', [x, b.op('Concat', [b.ints([-1, 1]), b.dims(x, 2)], { axis: 0 })], {}, 'planes'); // [N·C, 1, H, W]
  const s = conv.pads?.static;
  const attrs = { strides: conv.strides, dilations: conv.dilations };
  const taken =
    !conv.pads || s
      ? b.op('Conv', [planes, kernel], { ...attrs, ...(s ? { pads: [...s.begin, ...s.end] } : {}) }, 'unfold')
      : b.op('Conv', [padSpatial(b, planes, conv.pads), kernel], attrs, 'unfold'); // [N·C, T, Ho, Wo]
  return b.op('Reshape', [taken, b.op('Concat', [b.dims(x, 0, 1), b.ints([c * taps, 0, 0])], { axis: 0 })], {}, 'unfolded');
}

/**
 * dW = Σ over the batch and output pixels of dY · (the input's taps): the input unfolded
 * ([N, C·T, Ho, Wo]) times dY ([N, M, Ho·Wo]) as one batched GEMM whose inner dimension is the
 * output pixels. ONNX Runtime's CPU Conv runs the equivalent correlation (an image-sized kernel,
 * a 3×3 output) about 6× slower.
 */
function unfoldedInputGradient(b: GradBuilder, { x, dY, geo, pads }: FilterGradArgs, [c, kh, kw]: [number, number, number]): string {
  const cols = b.op('Reshape', [unfold(b, x, [c, kh, kw], { strides: [...geo.strides], dilations: [...geo.dilations], pads }), b.ints([0, 0, -1])], {}, 'tap_cols');
  const rows = b.op('Reshape', [dY, b.ints([0, 0, -1])], {}, 'dy_rows'); // [N, M, Ho·Wo]
  const perImage = b.op('MatMul', [rows, b.op('Transpose', [cols], { perm: [0, 2, 1] }, 'tap_cols_t')], {}, 'dw_taps'); // [N, M, C·T]
  return b.op('Reshape', [b.reduceSum(perImage, [0], false), b.ints([0, c, kh, kw])], {}, 'dw');
}

/**
 * The same with the roles turned (unit strides and dilations), for fewer output channels than
 * input ones: dW[m, c, i, j] = Σ dY[m, p − (i, j)]·Xp[c, p] over the padded input's pixels p,
 * so dY, padded by the kernel's extent less one and unfolded with the taps mirrored, is the copy.
 */
function unfoldedDyGradient(b: GradBuilder, { x, dY, pads }: FilterGradArgs, [m, c, kh, kw]: [number, number, number, number]): string {
  const xp = padSpatial(b, x, pads);
  const edge = [kh - 1, kw - 1, kh - 1, kw - 1];
  const around: Pads = { begin: b.ints(edge.slice(0, 2)), end: b.ints(edge.slice(2)), static: { begin: edge.slice(0, 2), end: edge.slice(2) } };
  const shifted = unfold(b, dY, [m, kh, kw], { strides: [1, 1], dilations: [1, 1], pads: around }, true); // [N, M·T, Hp, Wp]
  const rows = b.op('Reshape', [shifted, b.ints([0, 0, -1])], {}, 'tap_rows');
  const cols = b.op('Reshape', [xp, b.ints([0, 0, -1])], {}, 'x_cols'); // [N, C, Hp·Wp]
  const perImage = b.op('MatMul', [rows, b.op('Transpose', [cols], { perm: [0, 2, 1] }, 'x_cols_t')], {}, 'dw_taps'); // [N, M·T, C]
  const byTap = b.op('Reshape', [b.reduceSum(perImage, [0], false), b.ints([m, kh, kw, c])], {}, 'dw_by_tap');
  return b.op('Transpose', [byTap], { perm: [0, 3, 1, 2] }, 'dw');
}

/** The filter gradient as one Conv: any group, rank and kernel. */
function correlationGradient(b: GradBuilder, { x, w, dY, geo, group, pads }: FilterGradArgs): string {
  const { nsp } = geo;
  const sp = spatialAxes(nsp);
  const xp = padSpatial(b, x, pads);
  let xs: string;
  let ys: string;
  if (group === 1) {
    xs = b.op('Transpose', [xp], { perm: [1, 0, ...sp] }, 'x_t'); // [C, N, S...]
    ys = b.op('Transpose', [dY], { perm: [1, 0, ...sp] }, 'dy_t'); // [M, N, O...]
  } else {
    // Group g reads channels (g, n) of [Cg, G·N, S...] and writes (g, m) of its M = G·Mg outputs.
    const xg = b.op('Reshape', [xp, b.op('Concat', [b.dims(xp, 0, 1), b.ints([group, -1]), b.dims(xp, 2)], { axis: 0 })]);
    const xgt = b.op('Transpose', [xg], { perm: [2, 1, 0, ...sp.map((a) => a + 1)] }); // [Cg, G, N, S...]
    xs = b.op('Reshape', [xgt, b.op('Concat', [b.ints([0, -1]), b.dims(xp, 2)], { axis: 0 })], {}, 'x_t');
    const yg = b.op('Reshape', [dY, b.op('Concat', [b.dims(dY, 0, 1), b.ints([group, -1]), b.dims(dY, 2)], { axis: 0 })]);
    const ygt = b.op('Transpose', [yg], { perm: [1, 2, 0, ...sp.map((a) => a + 1)] }); // [G, Mg, N, O...]
    ys = b.op('Reshape', [ygt, b.op('Concat', [b.ints([-1]), b.dims(dY, 0, 1), b.dims(dY, 2)], { axis: 0 })], {}, 'dy_t');
  }
  const corr = b.op('Conv', [xs, ys], { strides: [...geo.dilations], dilations: [...geo.strides], group }, 'dw_t');
  const dw = b.op('Transpose', [corr], { perm: [1, 0, ...sp] }, 'dw');
  // With unit strides the correlation is exactly kernel-sized; with larger ones, input left over
  // past the last window adds taps that the kernel does not have.
  if (geo.strides.every((s) => s === 1)) return dw;
  return b.op('Slice', [dw, b.ints(new Array<number>(nsp).fill(0)), b.dims(w, 2), b.ints(sp)], {}, 'dw_crop');
}
