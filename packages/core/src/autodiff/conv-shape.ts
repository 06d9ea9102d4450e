import type { NodeDef } from '../onnx/graph';
import { intsAttr } from './attrs';
import type { GradBuilder } from './builder';
import { staticExtent, type Extent, type Geometry } from './spatial';

/** Number of spatial axes of a Conv or ConvTranspose node (attributes first, then weight or input ranks). */
export function convSpatialRank(b: GradBuilder, node: NodeDef, x: string, w: string): number {
  const fromAttrs = intsAttr(node, 'kernel_shape')?.length ?? intsAttr(node, 'strides')?.length ?? intsAttr(node, 'dilations')?.length;
  if (fromAttrs !== undefined) return fromAttrs;
  const pads = intsAttr(node, 'pads');
  if (pads) return pads.length / 2;
  const r = b.info.rank(w) ?? b.info.rank(x);
  return r === undefined ? 2 : r - 2; // images
}

/** The dilated kernel extent of a Conv-family node: static when kernel_shape or W's shape is known. */
export function kernelExtent(b: GradBuilder, node: NodeDef, w: string, geo: Geometry): Extent {
  const k = intsAttr(node, 'kernel_shape') ?? b.info.shape(w)?.slice(2);
  if (k) {
    const e = k.map((v, i) => (v - 1) * geo.dilations[i]! + 1);
    return staticExtent(b, e);
  }
  const scaled = b.op('Mul', [b.op('Sub', [b.dims(w, 2), b.int(1)]), b.ints(geo.dilations)]);
  return { value: b.op('Add', [scaled, b.int(1)], {}, 'extent') };
}
