import { floatAttr } from '../attrs';
import type { GradRule } from '../types';

/**
 * InstanceNormalization y = scale·x̂ + B with x̂ = (x - mean) / sqrt(var + eps) per (n, c).
 * Works on x viewed as [N, C, S] so any number of spatial axes is handled. With g = dY·scale:
 * dx = (g - mean(g) - x̂·mean(g·x̂)) / sqrt(var + eps); dscale = Σ dY·x̂; dB = Σ dY.
 */
export const instanceNormalization: GradRule = {
  opType: 'InstanceNormalization',
  grad({ b, node, dY, needs }) {
    const [x, scale] = node.inputs as [string, string, string];
    const eps = floatAttr(node, 'epsilon', 1e-5);
    const ncs = b.ints([0, 0, -1]);
    const x3 = b.op('Reshape', [x, ncs], {}, 'x_ncs');
    const dy3 = b.op('Reshape', [dY, ncs], {}, 'dy_ncs');
    const centred = b.op('Sub', [x3, b.reduceMean(x3, [2], true)], {}, 'centred');
    const variance = b.reduceMean(b.op('Mul', [centred, centred]), [2], true);
    const invStd = b.op('Reciprocal', [b.op('Sqrt', [b.op('Add', [variance, b.float(eps)])])], {}, 'inv_std');
    const xHat = b.op('Mul', [centred, invStd], {}, 'x_hat');
    const dx = () => {
      const g = b.op('Mul', [dy3, b.op('Reshape', [scale, b.ints([1, -1, 1])])]);
      const meanG = b.reduceMean(g, [2], true);
      const meanGx = b.reduceMean(b.op('Mul', [g, xHat]), [2], true);
      const inner = b.op('Sub', [b.op('Sub', [g, meanG]), b.op('Mul', [xHat, meanGx])]);
      return b.reshapeLike(b.op('Mul', [inner, invStd]), x);
    };
    return [
      needs[0] ? dx() : undefined,
      needs[1] ? b.reduceSum(b.op('Mul', [dy3, xHat]), [0, 2], false) : undefined,
      needs[2] ? b.reduceSum(dy3, [0, 2], false) : undefined,
    ];
  },
};
