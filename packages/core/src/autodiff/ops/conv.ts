import { intAttr } from '../attrs';
import { filterGradient } from '../conv-filter';
import { convSpatialRank, kernelExtent } from '../conv-shape';
import { backToInput, readGeometry, resolvePads, spatialAxes } from '../spatial';
import type { GradRule } from '../types';

/** Conv: input gradient by ConvTranspose, weight gradient by a batch-summed correlation. */
export const conv: GradRule = {
  opType: 'Conv',
  grad({ b, node, dY, needs }) {
    const x = node.inputs[0]!;
    const w = node.inputs[1]!;
    const nsp = convSpatialRank(b, node, x, w);
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
