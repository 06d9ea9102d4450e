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
 * It is itself a Conv, with batch and channels swapped and the roles of strides and dilations
 * exchanged (kernel taps step by the dilation, output positions by the stride).
 */
export function filterGradient(b: GradBuilder, args: FilterGradArgs): string {
  const kernel = args.group === 1 && args.geo.nsp === 2 ? b.info.shape(args.w)?.slice(2) : undefined;
  if (kernel && kernel.length === 2 && kernel[0]! * kernel[1]! <= MAX_GEMM_TAPS) return tapsGradient(b, args, kernel as [number, number]);
  return correlationGradient(b, args);
}

/**
 * Kernels of at most this many taps take the GEMM form (`tapsGradient`), which holds that many
 * copies of the input: 3×3 ones do; a 9×9 one would hold 81.
 */
const MAX_GEMM_TAPS = 9;

/**
 * The filter gradient of an ungrouped 2-D conv as one batched GEMM: each kernel tap's strided
 * slice of the padded input, stacked on the channel axis, times dY over all output pixels.
 * The same sums as `correlationGradient`, but as a product whose inner dimension is the output
 * pixels: ONNX Runtime's CPU Conv runs a correlation with an image-sized kernel and a 3×3
 * output about 6× slower than this GEMM.
 */
function tapsGradient(b: GradBuilder, { x, dY, geo, pads }: FilterGradArgs, [kh, kw]: [number, number]): string {
  const xp = padSpatial(b, x, pads);
  const out = b.dims(dY, 2); // [Ho, Wo]
  const span = b.op('Mul', [out, b.ints(geo.strides)], {}, 'tap_span');
  const taps: string[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const start = [i * geo.dilations[0]!, j * geo.dilations[1]!];
      const end = b.op('Add', [span, b.ints(start)], {}, 'tap_end');
      taps.push(b.op('Slice', [xp, b.ints(start), end, b.ints([2, 3]), b.ints(geo.strides)], {}, 'tap'));
    }
  }
  const stacked = taps.length === 1 ? taps[0]! : b.op('Concat', taps, { axis: 1 }, 'taps'); // [N, T·C, Ho, Wo]
  const cols = b.op('Reshape', [stacked, b.ints([0, 0, -1])], {}, 'tap_cols');
  const rows = b.op('Reshape', [dY, b.ints([0, 0, -1])], {}, 'dy_rows'); // [N, M, Ho·Wo]
  const perImage = b.op('MatMul', [rows, b.op('Transpose', [cols], { perm: [0, 2, 1] }, 'tap_cols_t')], {}, 'dw_taps'); // [N, M, T·C]
  const summed = b.reduceSum(perImage, [0], false); // [M, T·C]
  const byTap = b.op('Reshape', [summed, b.op('Concat', [b.dims(summed, 0, 1), b.ints([kh, kw, -1])], { axis: 0 })], {}, 'dw_by_tap');
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
