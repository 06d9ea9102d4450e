import { checkNumber, ImpastoError } from '../errors';
import type { Objective, Optimizer, StepResult } from './types';

export interface AdamOptions {
  /** Step size (default 0.001). */
  lr?: number;
  /** Decay of the first-moment average (default 0.9, as in the seed). */
  beta1?: number;
  /** Decay of the second-moment average (default 0.999, as in the seed). */
  beta2?: number;
  /** Added to √v̂ so that flat directions do not divide by zero (default 1e-8). */
  eps?: number;
}

/** Adam's running state, exposed so a run can be checkpointed and resumed. */
export interface AdamState {
  /** Steps taken. */
  t: number;
  /** First-moment estimate. */
  m: Float32Array;
  /** Second-moment estimate. */
  v: Float32Array;
}

/** Adam's options with their defaults, checked: one definition for `Adam` and `addAdamUpdate`. */
export function resolveAdam(options: AdamOptions = {}): Required<AdamOptions> {
  return {
    lr: checkNumber('lr', options.lr ?? 1e-3, Number.MIN_VALUE),
    // beta < 1 so the bias corrections 1 − βᵗ are never zero.
    beta1: checkNumber('beta1', options.beta1 ?? 0.9, 0, 1 - Number.EPSILON),
    beta2: checkNumber('beta2', options.beta2 ?? 0.999, 0, 1 - Number.EPSILON),
    eps: checkNumber('eps', options.eps ?? 1e-8, 0),
  };
}

/** Adam (Kingma & Ba 2015) with bias correction: the seed's optimiser. */
export class Adam implements Optimizer {
  /** Step size; a schedule may change it between steps. */
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  state: AdamState | null = null;

  constructor(options: AdamOptions = {}) {
    ({ lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps } = resolveAdam(options));
  }

  /** Applies one Adam update to `x` in place, given the gradient at `x`. */
  step(x: Float32Array, grad: Float32Array): void {
    if (grad.length !== x.length) throw new ImpastoError('INVALID_ARGUMENT', `gradient has ${grad.length} values for ${x.length} parameters`);
    let s = this.state;
    if (s === null) s = this.state = { t: 0, m: new Float32Array(x.length), v: new Float32Array(x.length) };
    else if (s.m.length !== x.length) throw new ImpastoError('INVALID_ARGUMENT', `Adam state holds ${s.m.length} parameters, x has ${x.length}`);
    s.t++;
    const { beta1: b1, beta2: b2, eps } = this;
    const c1 = 1 - b1 ** s.t;
    const c2 = 1 - b2 ** s.t;
    const { m, v } = s;
    for (let i = 0; i < x.length; i++) {
      const gi = grad[i]!;
      const mi = b1 * m[i]! + (1 - b1) * gi;
      const vi = b2 * v[i]! + (1 - b2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      x[i] = x[i]! - (this.lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
    }
  }

  /** Evaluates `f` at `x` once and takes one step. */
  async iterate(x: Float32Array, f: Objective): Promise<StepResult> {
    const { loss, grad } = await f(x);
    if (!Number.isFinite(loss)) throw new ImpastoError('NUMERIC', `objective is ${loss} at iteration ${(this.state?.t ?? 0) + 1}`);
    this.step(x, grad);
    return { loss, evaluations: 1, converged: false };
  }

  reset(): void {
    this.state = null;
  }
}
