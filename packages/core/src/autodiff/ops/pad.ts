import { ImpastoError } from '../../errors';
import { intsAttr, optionalInput, stringAttr } from '../attrs';
import type { GradRule } from '../types';

/**
 * Pad (constant mode): the gradient is dY padded by the negated amounts, which crops what was
 * added (and zero-fills whatever negative pads had cropped).
 */
export const pad: GradRule = {
  opType: 'Pad',
  differentiable: [0],
  grad({ b, node, dY }) {
    const mode = stringAttr(node, 'mode', 'constant');
    if (mode !== 'constant') {
      throw new ImpastoError('UNSUPPORTED_OP', `no gradient for ONNX op 'Pad' in mode '${mode}' (node '${node.name}')`);
    }
    const given = optionalInput(node, 1);
    const amounts = given ?? b.ints(intsAttr(node, 'pads') ?? []);
    const axes = optionalInput(node, 3);
    const inputs = [dY, b.op('Neg', [amounts], {}, 'unpad'), ...(axes ? ['', axes] : [])];
    return [b.op('Pad', inputs, {}, 'pad_grad')];
  },
};
