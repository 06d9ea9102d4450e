import type { NodeDef } from '../../onnx/graph';
import { ImpastoError } from '../../errors';
import { intAttr, intsAttr } from '../attrs';
import type { GradBuilder } from '../builder';
import { filterGradient } from '../conv-filter';
import { convSpatialRank, kernelExtent } from '../conv-shape';
import { padSpatial, readGeometry, spatialAxes, type Extent, type Geometry, type Pads } from '../spatial';
import type { GradRule } from '../types';

function staticPads(b: GradBuilder, begin: readonly number[], end: readonly number[]): Pads {
  // Getters: the fast path uses only the numbers, and unused constants would linger in the graph.
  return {
    get begin() {
      return b.ints(begin);
    },
    get end() {
      return b.ints(end);
    },
    static: { begin, end },
  };
}

/** Splits per-axis total padding as the spec does: SAME_UPPER puts the odd one at the end. */
function split(b: GradBuilder, total: readonly number[] | string, upper: boolean): Pads {
  if (typeof total !== 'string') {
    const begin = total.map((t) => (upper ? Math.floor(t / 2) : t - Math.floor(t / 2)));
    return staticPads(b, begin, total.map((t, i) => t - begin[i]!));
  }
  const half = b.op('Div', [total, b.int(2)]);
  const begin = upper ? half : b.op('Sub', [total, half], {}, 'pad_begin');
  return { begin, end: b.op('Sub', [total, begin], {}, 'pad_end') };
}

/**
 * How much the forward op cut from each side of the full transposed convolution (whose length per
 * axis is stride·(in - 1) + extent + output_padding). It follows the ONNX spec, which
 * onnxruntime 1.30 matches (older releases split SAME and output_shape padding the other way);
 * the finite-difference tests check it against the runtime.
 */
function outputCrop(b: GradBuilder, node: NodeDef, geo: Geometry, x: string, w: string, outPad: readonly number[]): Pads {
  const { nsp, strides, autoPad } = geo;
  const outputShape = intsAttr(node, 'output_shape')?.slice(-nsp);
  const extent = (): Extent => kernelExtent(b, node, w, geo);
  if (outputShape) {
    // total = stride·(in - 1) + output_padding + extent - out: in is only known at run time.
    const full = b.op('Add', [b.op('Mul', [b.op('Sub', [b.dims(x, 2), b.int(1)]), b.ints(strides)]), extent().value]);
    const total = b.op('Sub', [b.op('Add', [full, b.ints(outPad)]), b.ints(outputShape)], {}, 'pad_total');
    return split(b, total, autoPad === 'SAME_UPPER');
  }
  const zeros = new Array<number>(nsp).fill(0);
  if (autoPad === 'VALID') return staticPads(b, zeros, zeros);
  if (autoPad === 'NOTSET') {
    if (geo.pads.some((p) => p < 0)) {
      throw new ImpastoError('UNSUPPORTED_OP', `no gradient for ONNX op 'ConvTranspose' with negative pads (node '${node.name}')`);
    }
    return staticPads(b, geo.pads.slice(0, nsp), geo.pads.slice(nsp, 2 * nsp));
  }
  // SAME: out = in·stride, so total = extent + output_padding - stride. onnxruntime clamps a
  // negative total to 0 (keeping the full output) rather than padding negatively.
  const e = extent();
  if (e.static) return split(b, e.static.map((v, i) => Math.max(0, v + outPad[i]! - strides[i]!)), autoPad === 'SAME_UPPER');
  const total = b.op('Max', [b.op('Sub', [b.op('Add', [e.value, b.ints(outPad)]), b.ints(strides)]), b.int(0)], {}, 'pad_total');
  return split(b, total, autoPad === 'SAME_UPPER');
}

/**
 * d(loss)/d(X): ConvTranspose(·, W) is the adjoint of Conv(·, W) with the same strides, dilations
 * and group, so the gradient is that Conv of dY, padded by what the forward op cropped. Its size
 * comes out as the input's (the output_padding rows only add to the floor division's remainder).
 */
function inputGradient(b: GradBuilder, dY: string, w: string, x: string, geo: Geometry, group: number, pads: Pads, outPad: readonly number[]): string {
  const common = { strides: [...geo.strides], dilations: [...geo.dilations], group };
  const s = pads.static;
  const dx = s
    ? b.op('Conv', [dY, w], { ...common, pads: [...s.begin, ...s.end] }, 'convt_dx')
    : b.op('Conv', [padSpatial(b, dY, pads), w], common, 'convt_dx');
  // A spec-valid output_padding of at least the stride (allowed under a larger dilation) would
  // leave extra rows; onnxruntime rejects it, but cropping costs nothing when it is absent.
  if (outPad.every((p, i) => p < geo.strides[i]!)) return dx;
  return b.op('Slice', [dx, b.ints(new Array<number>(geo.nsp).fill(0)), b.dims(x, 2), b.ints(spatialAxes(geo.nsp))], {}, 'convt_dx_crop');
}

/**
 * ConvTranspose (any spatial rank, groups, dilations, output_padding, explicit, VALID, SAME_* or
 * output_shape padding). The weight gradient is Conv's filter gradient with the roles of input
 * and output gradient exchanged: ⟨ConvT(X, W), dY⟩ = ⟨X, Conv(dY, W)⟩, so dW correlates the
 * padded dY with X. Negative pads (outside the spec) are rejected.
 */
export const convTranspose: GradRule = {
  opType: 'ConvTranspose',
  grad({ b, node, dY, needs }) {
    const x = node.inputs[0]!;
    const w = node.inputs[1]!;
    const nsp = convSpatialRank(b, node, x, w);
    const geo = readGeometry(node, nsp);
    const group = intAttr(node, 'group', 1);
    const outPad = intsAttr(node, 'output_padding') ?? new Array<number>(nsp).fill(0);
    const pads = needs[0] || needs[1] ? outputCrop(b, node, geo, x, w, outPad) : undefined;
    return [
      pads && needs[0] ? inputGradient(b, dY, w, x, geo, group, pads, outPad) : undefined,
      pads && needs[1] ? filterGradient(b, { x: dY, w, dY: x, geo, group, pads }) : undefined,
      needs[2] ? b.reduceSum(dY, [0, ...spatialAxes(nsp)], false) : undefined,
    ];
  },
};
