import { ImpastoError } from '../../errors';
import { intAttr } from '../attrs';
import type { GradRule } from '../types';

/**
 * MaxPool: each output's gradient goes to the input element that won its window, found through
 * the op's own Indices output and scatter-added (overlapping windows may pick the same element).
 */
export const maxPool: GradRule = {
  opType: 'MaxPool',
  differentiable: [0],
  grad({ b, node, dY, replaceNode }) {
    if (b.g.opset < 16) {
      throw new ImpastoError('UNSUPPORTED_OP', `no gradient for ONNX op 'MaxPool' (node '${node.name}') below opset 16 (needs ScatterElements reduction)`);
    }
    const x = node.inputs[0]!;
    let indices = node.outputs[1];
    if (indices === undefined || indices === '') {
      // Indices are flat offsets into X with storage_order 0; let the forward node produce them.
      indices = b.g.fresh(`${node.outputs[0]!}_indices`);
      replaceNode({ ...node, outputs: [node.outputs[0]!, indices], attributes: { ...node.attributes, storage_order: 0 } });
    } else if (intAttr(node, 'storage_order', 0) !== 0) {
      // Someone else reads column-major indices: compute row-major ones separately.
      indices = b.ops('MaxPool', [x], { ...node.attributes, storage_order: 0 }, 2)[1]!;
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
