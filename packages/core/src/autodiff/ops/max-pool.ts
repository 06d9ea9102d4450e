import { ImpastoError } from '../../errors';
import type { NodeDef } from '../../onnx/graph';
import { intAttr, intsAttr, stringAttr } from '../attrs';
import type { GradRule } from '../types';

/** Whether no two windows share an element, and MaxUnpool accepts the input's shape as output. */
function unpoolable(node: NodeDef): boolean {
  const k = intsAttr(node, 'kernel_shape') ?? [];
  const strides = intsAttr(node, 'strides') ?? k.map(() => 1);
  const dilations = intsAttr(node, 'dilations') ?? k.map(() => 1);
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  const disjoint = k.length > 0 && k.every((v, i) => strides[i]! >= (v - 1) * dilations[i]! + 1);
  // MaxUnpool insists that the size it infers, (out - 1)·stride + kernel - pads, fits in its
  // output, which windows hanging past the input (ceil_mode, SAME padding) break.
  return disjoint && intAttr(node, 'ceil_mode', 0) === 0 && (autoPad === 'NOTSET' || autoPad === 'VALID' || autoPad === '');
}

/**
 * MaxPool: each output's gradient goes to the input element that won its window, found through
 * the op's own Indices output. Disjoint windows use MaxUnpool (about twice as fast); overlapping
 * ones scatter-add, as one element may win several windows and then collects every gradient.
 */
export const maxPool: GradRule = {
  opType: 'MaxPool',
  differentiable: [0],
  grad({ b, node, dY, replaceNode }) {
    const x = node.inputs[0]!;
    const unpool = unpoolable(node);
    if (!unpool && b.g.opset < 16) {
      throw new ImpastoError('UNSUPPORTED_OP', `no gradient for ONNX op 'MaxPool' (node '${node.name}') with overlapping windows below opset 16`);
    }
    let indices = node.outputs[1];
    if (indices === undefined || indices === '') {
      // Indices are flat offsets into X with storage_order 0; let the forward node produce them.
      indices = b.g.fresh(`${node.outputs[0]!}_indices`);
      replaceNode({ ...node, outputs: [node.outputs[0]!, indices], attributes: { ...node.attributes, storage_order: 0 } });
    } else if (intAttr(node, 'storage_order', 0) !== 0) {
      // Someone else reads column-major indices: compute row-major ones separately.
      indices = b.ops('MaxPool', [x], { ...node.attributes, storage_order: 0 }, 2)[1]!;
    }
    if (unpool) {
      const k = intsAttr(node, 'kernel_shape')!;
      const strides = intsAttr(node, 'strides') ?? k.map(() => 1);
      const pads = stringAttr(node, 'auto_pad', 'NOTSET') === 'VALID' ? undefined : intsAttr(node, 'pads');
      return [b.op('MaxUnpool', [dY, indices, b.shape(x)], { kernel_shape: k, strides, ...(pads ? { pads } : {}) }, 'unpool')];
    }
    const flat = b.op(
      'ScatterElements',
      [b.fill(b.numel(x), 0), b.op('Reshape', [indices, b.ints([-1])]), b.op('Reshape', [dY, b.ints([-1])])],
      { axis: 0, reduction: 'add' },
      'scatter',
    );
    return [b.reshapeLike(flat, x)];
  },
};
