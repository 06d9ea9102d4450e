import { ImpastoError } from '../../errors';
import { intAttr } from '../attrs';
import type { GradRule } from '../types';

const INT64 = 7; // TensorProto.INT64

/** Gather along axis 0: scatter-add dY rows back to the rows they were taken from. */
export const gather: GradRule = {
  opType: 'Gather',
  differentiable: [0],
  grad({ b, node, dY }) {
    const [data, indices] = node.inputs as [string, string];
    const axis = intAttr(node, 'axis', 0);
    const rank = b.info.rank(data);
    if (b.g.opset < 16 || (axis !== 0 && (rank === undefined || axis + rank !== 0))) {
      throw new ImpastoError('UNSUPPORTED_OP', `no gradient for ONNX op 'Gather' (node '${node.name}') except along axis 0 from opset 16`);
    }
    const i64 = b.op('Cast', [indices], { to: INT64 });
    // A scalar row count, so scalar indices stay scalars.
    const rowCount = b.op('Gather', [b.shape(data), b.int(0)], { axis: 0 }, 'rows');
    const wrapped = b.op('Where', [b.op('Less', [i64, b.int(0)]), b.op('Add', [i64, rowCount]), i64]);
    const rows = b.unsqueeze(wrapped, [-1]);
    return [b.op('ScatterND', [b.zerosLike(data), rows, dY], { reduction: 'add' }, 'gather_grad')];
  },
};
