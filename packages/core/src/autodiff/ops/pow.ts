import { unbroadcast } from '../broadcast';
import type { GradRule } from '../types';

const FLOAT = 1; // TensorProto.FLOAT

/** Pow: d/da = dY·p·a^(p-1); d/dp = dY·y·ln(a) (only when the exponent itself needs one). */
export const pow: GradRule = {
  opType: 'Pow',
  grad({ b, node, dY, needs }) {
    const [a, p] = node.inputs as [string, string];
    const y = node.outputs[0]!;
    // The exponent may be an integer tensor; the arithmetic below is in float.
    const pf = b.info.constant(p)?.type === 'float32' ? p : b.op('Cast', [p], { to: FLOAT }, 'exponent');
    const da = () => b.op('Mul', [dY, b.op('Mul', [pf, b.op('Pow', [a, b.op('Sub', [pf, b.float(1)])])])]);
    const dp = () => b.op('Mul', [b.op('Mul', [dY, y]), b.op('Log', [a])]);
    return [needs[0] ? unbroadcast(b, da(), a, [p]) : undefined, needs[1] ? unbroadcast(b, dp(), p, [a]) : undefined];
  },
};
