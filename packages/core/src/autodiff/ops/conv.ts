import type { NodeDef } from '../../onnx/graph';
import { intAttr, intsAttr } from '../attrs';
import type { GradBuilder } from '../builder';
import { filterGradient } from '../conv-filter';
import { backToInput, readGeometry, resolvePads, spatialAxes, staticExtent, type Extent, type Geometry } from '../spatial';
import type { GradRule } from '../types';

function spatialRank(b: GradBuilder, node: NodeDef, x: string, w: string): number {
  const fromAttrs = intsAttr(node, 'kernel_shape')?.length ?? intsAttr(node, 'strides')?.length ?? intsAttr(node, 'dilations')?.length;
  if (fromAttrs !== undefined) return fromAttrs;
  const pads = intsAttr(node, 'pads');
  if (pads) return pads.length / 2;
  const r = b.info.rank(w) ?? b.info.rank(x);
  return r === undefined ? 2 : r - 2; // images
}

function kernelExtent(b: GradBuilder, node: NodeDef, w: string, geo: Geometry): Extent {
  const k = intsAttr(node, 'kernel_shape') ?? b.info.shape(w)?.slice(2);
  if (k) {
    const e = k.map((v, i) => (v - 1) * geo.dilations[i]! + 1);
    return staticExtent(b, e);
  }
  const scaled = b.op('Mul', [b.op('Sub', [b.dims(w, 2), b.int(1)]), b.ints(geo.dilations)]);
  return { value: b.op('Add', [scaled, b.int(1)], {}, 'extent') };
}

/** Conv: input gradient by ConvTranspose, weight gradient by a batch-summed correlation. */
export const conv: GradRule = {
  opType: 'Conv',
  grad({ b, node, dY, needs }) {
    const x = node.inputs[0]!;
    const w = node.inputs[1]!;
    const nsp = spatialRank(b, node, x, w);
    const geo = readGeometry(node, nsp);
    const group = intAttr(node, 'group', 1);
    // Only the input and weight gradients need the padding (a bias-only pass builds none of it).
    const extent = needs[0] || needs[1] ? kernelExtent(b, node, w, geo) : undefined;
    const pads = extent && resolvePads(b, geo, x, node.outputs[0]!, extent);
    return [
      extent && pads && needs[0] ? backToInput(b, dY, w, geo, group, b.dims(x, 2), pads, extent) : undefined,
      pads && needs[1] ? filterGradient(b, { x, w, dY, geo, group, pads }) : undefined,
      needs[2] ? b.reduceSum(dY, [0, ...spatialAxes(nsp)], false) : undefined,
    ];
  },
};
