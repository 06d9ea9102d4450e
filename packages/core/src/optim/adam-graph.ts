import type { Graph } from '../onnx/graph';
import { resolveAdam, type AdamOptions } from './adam';

/** The values one in-graph Adam update reads: the parameter, its gradient, its moments, the step. */
export interface AdamGraphInputs {
  readonly param: string;
  readonly grad: string;
  readonly m: string;
  readonly v: string;
  /** float32 scalar: the number of this step (1 for the first). */
  readonly t: string;
  /** float32 scalar: the step size (a schedule may feed a new one each step). */
  readonly lr: string;
}

/**
 * Adds one Adam update to `g`, the same arithmetic as `Adam.step` (bias-corrected moments;
 * β₁, β₂ and ε from `options` with `Adam`'s defaults), so a step can run where its parameters
 * live: on a GPU, parameters and moments stay in device memory between runs. Returns the
 * updated parameter and moments.
 */
export function addAdamUpdate(g: Graph, x: AdamGraphInputs, options: Omit<AdamOptions, 'lr'> = {}): { next: string; mNext: string; vNext: string } {
  const { beta1, beta2, eps } = resolveAdam(options);
  const c = (hint: string, v: number) => g.constant(hint, { type: 'float32', dims: [], data: Float32Array.of(v) });
  const one = c('one', 1);
  const mNext = g.op('Add', [g.op('Mul', [x.m, c('beta1', beta1)]), g.op('Mul', [x.grad, c('one_minus_beta1', 1 - beta1)])]);
  const vNext = g.op('Add', [g.op('Mul', [x.v, c('beta2', beta2)]), g.op('Mul', [g.op('Mul', [x.grad, x.grad]), c('one_minus_beta2', 1 - beta2)])]);
  // Bias corrections 1 − βᵗ, from the step number fed in.
  const c1 = g.op('Sub', [one, g.op('Pow', [c('b1', beta1), x.t])]);
  const c2 = g.op('Sub', [one, g.op('Pow', [c('b2', beta2), x.t])]);
  const denom = g.op('Add', [g.op('Sqrt', [g.op('Div', [vNext, c2])]), c('eps', eps)]);
  const update = g.op('Div', [g.op('Mul', [g.op('Div', [mNext, c1]), x.lr]), denom]);
  return { next: g.op('Sub', [x.param, update]), mNext, vNext };
}
