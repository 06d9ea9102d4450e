import { ImpastoError } from '../../errors';
import { floatAttr, intAttr } from '../attrs';
import type { GradRule } from '../types';

/**
 * BatchNormalization in inference mode, y = scale·(x - mean)/sqrt(var + eps) + B with stored
 * statistics: a per-channel affine map. Viewed as [N, C, S] so any rank works.
 */
export const batchNormalization: GradRule = {
  opType: 'BatchNormalization',
  differentiable: [0, 1, 2],
  grad({ b, node, dY, needs }) {
    if (intAttr(node, 'training_mode', 0) !== 0 || node.outputs.length > 1) {
      throw new ImpastoError('UNSUPPORTED_OP', `no gradient for ONNX op 'BatchNormalization' in training mode (node '${node.name}')`);
    }
    const [x, scale, , mean, variance] = node.inputs as [string, string, string, string, string];
    const channel = b.ints([1, -1, 1]);
    const invStd = b.op('Reciprocal', [b.op('Sqrt', [b.op('Add', [variance, b.float(floatAttr(node, 'epsilon', 1e-5))])])], {}, 'inv_std');
    const dy3 = b.op('Reshape', [dY, b.ints([0, 0, -1])], {}, 'dy_ncs');
    const dx = () => b.reshapeLike(b.op('Mul', [dy3, b.op('Reshape', [b.op('Mul', [scale, invStd]), channel])]), x);
    const dScale = () => {
      const x3 = b.op('Reshape', [x, b.ints([0, 0, -1])], {}, 'x_ncs');
      const xHat = b.op('Mul', [b.op('Sub', [x3, b.op('Reshape', [mean, channel])]), b.op('Reshape', [invStd, channel])]);
      return b.reduceSum(b.op('Mul', [dy3, xHat]), [0, 2], false);
    };
    return [needs[0] ? dx() : undefined, needs[1] ? dScale() : undefined, needs[2] ? b.reduceSum(dy3, [0, 2], false) : undefined];
  },
};
