import type { AdamOptions } from '../optim/adam';
import type { Graph } from '../onnx/graph';
import { decodeModel, encodeModel } from '../onnx/serialize';
import { OBJECTIVE_IO } from './objective';

/** Names of the values `withAdamStep` adds. */
export const ADAM_STEP_IO = {
  /** Input: the first-moment estimate, shaped like `x`; output `adam.m_next`. */
  m: 'adam.m',
  /** Input: the second-moment estimate, shaped like `x`; output `adam.v_next`. */
  v: 'adam.v',
  /** Input: float32 scalar, the number of this step (1 for the first). */
  t: 'adam.t',
  mNext: 'adam.m_next',
  vNext: 'adam.v_next',
  /** Output: `x` after the step, clamped to 0..255. */
  xNext: 'x_next',
};

/**
 * The objective graph with one Adam step (with bias correction, as `Adam.step`) and the clamp to
 * 0..255 the NST loop applies, appended: x, m, v → x_next, m_next, v_next, loss. Fed its own
 * outputs, a run is one whole NST iteration, so on a GPU the image and the moments can stay in
 * device memory between runs (ONNX Runtime's `preferredOutputLocation: 'gpu-buffer'`) and the
 * image is read back only when a checkpoint wants it.
 */
export function withAdamStep(objective: Graph, options: AdamOptions = {}): Graph {
  const { lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = options;
  const g = decodeModel(encodeModel(objective));
  g.scoped('adam', () => {
    const c = (hint: string, v: number) => g.constant(hint, { type: 'float32', dims: [], data: Float32Array.of(v) });
    const [x, grad] = [OBJECTIVE_IO.x, OBJECTIVE_IO.grad];
    const shape = [1, 3, 'height', 'width'] as const;
    const m = g.input(ADAM_STEP_IO.m, 'float32', [...shape]);
    const v = g.input(ADAM_STEP_IO.v, 'float32', [...shape]);
    const t = g.input(ADAM_STEP_IO.t, 'float32', []);
    const one = c('one', 1);
    const mNext = g.op('Add', [g.op('Mul', [m, c('beta1', beta1)]), g.op('Mul', [grad, c('one_minus_beta1', 1 - beta1)])]);
    const vNext = g.op('Add', [g.op('Mul', [v, c('beta2', beta2)]), g.op('Mul', [g.op('Mul', [grad, grad]), c('one_minus_beta2', 1 - beta2)])]);
    // Bias corrections 1 − βᵗ, from the step number fed in.
    const c1 = g.op('Sub', [one, g.op('Pow', [c('b1', beta1), t])]);
    const c2 = g.op('Sub', [one, g.op('Pow', [c('b2', beta2), t])]);
    const denom = g.op('Add', [g.op('Sqrt', [g.op('Div', [vNext, c2])]), c('eps', eps)]);
    const update = g.op('Div', [g.op('Mul', [g.op('Div', [mNext, c1]), c('lr', lr)]), denom]);
    const stepped = g.op('Clip', [g.op('Sub', [x, update]), c('lo', 0), c('hi', 255)]);
    g.output(stepped, ADAM_STEP_IO.xNext, 'float32', [...shape]);
    g.output(mNext, ADAM_STEP_IO.mNext, 'float32', [...shape]);
    g.output(vNext, ADAM_STEP_IO.vNext, 'float32', [...shape]);
  });
  return g;
}
