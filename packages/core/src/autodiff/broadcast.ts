import { int64 } from '../onnx/tensor';
import type { GradBuilder } from './builder';

/** Output shape of numpy-style broadcasting, or undefined if the shapes do not broadcast. */
function broadcastShape(shapes: readonly (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const k = s[s.length - rank + i] ?? 1;
      if (k === 1) continue;
      if (d !== 1 && d !== k) return undefined;
      d = k;
    }
    out.push(d);
  }
  return out;
}

/**
 * Sums the gradient `dy` of a broadcasting op's output down to the shape of its input `x`.
 * `others` are the op's other inputs: when their static shapes prove that the output has x's
 * shape, `dy` is returned as is; otherwise the broadcast axes are found at run time.
 */
export function unbroadcast(b: GradBuilder, dy: string, x: string, others: readonly string[]): string {
  const rest = others.filter((o) => o !== x);
  if (rest.length === 0) return dy;
  const shapes = rest.map((o) => b.info.shape(o));
  const xRank = b.info.rank(x);
  const known = shapes.every((s): s is readonly number[] => s !== undefined);
  // Operands of all-one dims and no more axes than x never change x's shape.
  if (known && shapes.every((s) => s.every((d) => d === 1) && (s.length === 0 || (xRank !== undefined && s.length <= xRank)))) return dy;
  const xShape = b.info.shape(x);
  if (known && xShape) {
    const out = broadcastShape([xShape, ...shapes]);
    if (out) {
      const pad = out.length - xShape.length;
      const axes = out.map((_, i) => i).filter((i) => i < pad || xShape[i - pad] !== out[i]);
      if (axes.length === 0) return dy;
      const summed = b.reduceSum(dy, axes, true);
      return b.op('Reshape', [summed, b.g.constant('shape', int64([xShape.length], xShape))], {}, 'unbroadcast');
    }
  }
  return dynamicUnbroadcast(b, dy, x);
}

/** Run-time form: axes where Shape(x), left-padded with ones, differs from Shape(dy). */
function dynamicUnbroadcast(b: GradBuilder, dy: string, x: string): string {
  const sy = b.shape(dy);
  const sx = b.shape(x);
  const missing = b.op('Sub', [b.op('Shape', [sy]), b.op('Shape', [sx])], {}, 'rank_diff');
  const lead = b.op('ConstantOfShape', [missing], { value: int64([1], [1]) }, 'lead_ones');
  const padded = b.op('Concat', [lead, sx], { axis: 0 }, 'padded_shape');
  // NonZero of the int64 difference, not of a boolean Not(Equal): the WebGPU provider takes
  // boolean ops itself, and the result would travel back to the CPU for NonZero.
  const differs = b.op('Sub', [padded, sy], {}, 'shape_diff');
  const axes = b.op('Reshape', [b.op('NonZero', [differs]), b.ints([-1])], {}, 'broadcast_axes');
  // With no broadcast axes the sum is a no-op instead of a reduction over everything.
  const summed = b.op('ReduceSum', [dy, axes], { keepdims: 1, noop_with_empty_axes: 1 }, 'unbroadcast_sum');
  return b.op('Reshape', [summed, sx], {}, 'unbroadcast');
}
