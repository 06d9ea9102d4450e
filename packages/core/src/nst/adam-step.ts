import { resolveAdam, type AdamOptions } from '../optim/adam';
import { addAdamUpdate } from '../optim/adam-graph';
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
  /** Input: float32 scalar, the step size. */
  lr: 'adam.lr',
  mNext: 'adam.m_next',
  vNext: 'adam.v_next',
  /** Output: `x` after the step, clamped to 0..255. */
  xNext: 'x_next',
};

/**
 * The objective graph with one Adam step (with bias correction, as `Adam.step`) and the clamp to
 * 0..255 the NST loop applies, appended: x, m, v, t, lr → x_next, m_next, v_next, loss. Fed its own
 * outputs, a run is one whole NST iteration, so on a GPU the image and the moments can stay in
 * device memory between runs (ONNX Runtime's `preferredOutputLocation: 'gpu-buffer'`) and the
 * image is read back only when a checkpoint wants it.
 */
export function withAdamStep(objective: Graph, options: Omit<AdamOptions, 'lr'> = {}): Graph {
  const { lr: _lr, ...moments } = resolveAdam(options);
  const g = decodeModel(encodeModel(objective));
  g.scoped('adam', () => {
    const c = (hint: string, v: number) => g.constant(hint, { type: 'float32', dims: [], data: Float32Array.of(v) });
    const shape = [1, 3, 'height', 'width'] as const;
    const step = addAdamUpdate(
      g,
      {
        param: OBJECTIVE_IO.x,
        grad: OBJECTIVE_IO.grad,
        m: g.input(ADAM_STEP_IO.m, 'float32', [...shape]),
        v: g.input(ADAM_STEP_IO.v, 'float32', [...shape]),
        t: g.input(ADAM_STEP_IO.t, 'float32', []),
        lr: g.input(ADAM_STEP_IO.lr, 'float32', []),
      },
      moments,
    );
    g.output(g.op('Clip', [step.next, c('lo', 0), c('hi', 255)]), ADAM_STEP_IO.xNext, 'float32', [...shape]);
    g.output(step.mNext, ADAM_STEP_IO.mNext, 'float32', [...shape]);
    g.output(step.vNext, ADAM_STEP_IO.vNext, 'float32', [...shape]);
  });
  return g;
}
