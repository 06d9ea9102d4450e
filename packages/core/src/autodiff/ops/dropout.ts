import { ImpastoError } from '../../errors';
import { optionalInput } from '../attrs';
import type { GradRule } from '../types';

/** Dropout in inference mode (an identity): the gradient passes through. */
export const dropout: GradRule = {
  opType: 'Dropout',
  differentiable: [0],
  grad({ b, node, dY }) {
    const training = optionalInput(node, 2);
    const off = training === undefined || b.info.constant(training)?.data[0] === 0;
    if (!off) throw new ImpastoError('UNSUPPORTED_OP', `no gradient for ONNX op 'Dropout' in training mode (node '${node.name}')`);
    return [dY];
  },
};
