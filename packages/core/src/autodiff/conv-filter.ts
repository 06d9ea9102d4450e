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
export function filterGradient(b: GradBuilder, { x, w, dY, geo, group, pads }: FilterGradArgs): string {
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
