import type { NodeDef } from '../../onnx/graph';
import { ImpastoError } from '../../errors';
import { intAttr, intsAttr } from '../attrs';
import type { GradBuilder } from '../builder';
import { backToInput, padSpatial, readGeometry, resolvePads, spatialAxes, staticExtent, type Geometry, type Pads } from '../spatial';
import type { GradRule } from '../types';

/**
 * 1 / divisor of every output window, as a [1, 1, out...] tensor. The divisor depends on
 * count_include_pad and, with ceil_mode, on how windows hanging past the padding are clipped, so
 * rather than re-deriving the runtime's rule it is measured: AveragePool of ones gives
 * valid/divisor per window, and a Conv of the valid-input mask gives valid.
 */
function inverseDivisor(b: GradBuilder, node: NodeDef, geo: Geometry, pads: Pads, kernel: string, extent: readonly number[]): string {
  const x = node.inputs[0]!;
  const inDims = b.dims(x, 2);
  const ones = b.fill(b.op('Concat', [b.ints([1, 1]), inDims], { axis: 0 }), 1);
  const ratio = b.op('AveragePool', [ones], node.attributes, 'valid_ratio');
  const out = b.dims(node.outputs[0]!, 2);
  // Zeros before the input (the leading padding) and after it, far enough that every output
  // window, even one hanging past the padding under ceil_mode, fits.
  const span = b.op('Add', [b.op('Mul', [b.op('Sub', [out, b.int(1)]), b.ints(geo.strides)]), b.ints(extent)]);
  const tail = b.op('Max', [b.op('Sub', [b.op('Sub', [span, pads.begin]), inDims]), b.int(0)]);
  const extended = padSpatial(b, ones, { begin: pads.begin, end: tail });
  const counted = b.op('Conv', [extended, kernel], { strides: [...geo.strides], dilations: [...geo.dilations] }, 'valid_count');
  const valid = b.op('Slice', [counted, b.ints(new Array<number>(geo.nsp).fill(0)), out, b.ints(spatialAxes(geo.nsp))]);
  return b.op('Div', [ratio, b.op('Max', [valid, b.float(1)])], {}, 'inv_divisor');
}

/** AveragePool: each output's gradient, divided by its window's divisor, spread over the window. */
export const averagePool: GradRule = {
  opType: 'AveragePool',
  grad({ b, node, dY }) {
    const k = intsAttr(node, 'kernel_shape');
    if (!k) throw new ImpastoError('BAD_MODEL', `AveragePool node '${node.name}' has no kernel_shape`);
    const x = node.inputs[0]!;
    const geo = readGeometry(node, k.length);
    const extent = k.map((v, i) => (v - 1) * geo.dilations[i]! + 1);
    const ext = staticExtent(b, extent);
    const pads = resolvePads(b, geo, x, node.outputs[0]!, ext);
    const kernel = b.ones([1, 1, ...k]);
    const s = pads.static;
    const unpadded = s !== undefined && [...s.begin, ...s.end].every((p) => p === 0);
    // Without ceil_mode every window lies inside the padded input, so with padding counted (or
    // none to count) every divisor is the kernel size.
    const uniform = intAttr(node, 'ceil_mode', 0) === 0 && s !== undefined && (unpadded || intAttr(node, 'count_include_pad', 0) === 1);
    const scale = uniform ? b.float(1 / k.reduce((p, v) => p * v, 1)) : inverseDivisor(b, node, geo, pads, kernel, extent);
    const scaled = b.op('Mul', [dY, scale]);
    // Pool channels independently: fold N and C into the batch and use a single-channel kernel.
    const folded = b.op('Reshape', [scaled, b.op('Concat', [b.ints([-1, 1]), b.dims(dY, 2)], { axis: 0 })]);
    const dx = backToInput(b, folded, kernel, geo, 1, b.dims(x, 2), pads, ext);
    return [b.reshapeLike(dx, x)];
  },
};
