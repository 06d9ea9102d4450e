import { ImpastoError } from '../errors';
import { now } from '../platform';
import type { Objective, Optimizer } from './types';

/** One iteration as the loop reports it to its hooks. */
export interface IterationReport {
  readonly iteration: number;
  readonly iterations: number;
  readonly loss: number;
  readonly evaluations: number;
  readonly msPerIteration: number;
  readonly etaMs: number;
}

/** Where a caller plugs into the loop; each hook is optional. */
export interface OptimizeHooks {
  /** After each step, before reporting: e.g. clamp pixels to 0..255. */
  afterStep?(x: Float32Array): void;
  /** After each step: progress, checkpoints (may be async: the loop waits). */
  onIteration?(report: IterationReport, x: Float32Array): void | Promise<void>;
  /** Between iterations: let the event loop run so an abort or a message gets in. */
  yieldToEventLoop?(): Promise<void>;
}

export interface OptimizeResult {
  readonly loss: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly msPerIteration: number;
}

/**
 * Runs `optimizer` on `x` (in place) for up to `iterations` steps or until it converges, checking
 * `signal` before every step (`ABORTED` names how far it got).
 */
export async function optimize(
  x: Float32Array,
  objective: Objective,
  optimizer: Optimizer,
  opts: { iterations: number; signal?: { readonly aborted: boolean }; hooks?: OptimizeHooks },
): Promise<OptimizeResult> {
  const { iterations, signal, hooks = {} } = opts;
  const t0 = now();
  let loss = NaN;
  let evaluations = 0;
  let iteration = 0;
  while (iteration < iterations) {
    await hooks.yieldToEventLoop?.();
    if (signal?.aborted) throw new ImpastoError('ABORTED', `stopped after ${iteration} of ${iterations} iterations`);
    const step = await optimizer.iterate(x, objective);
    iteration++;
    evaluations += step.evaluations;
    loss = step.lossAfter ?? step.loss;
    hooks.afterStep?.(x);
    const ms = (now() - t0) / iteration;
    await hooks.onIteration?.({ iteration, iterations, loss, evaluations, msPerIteration: ms, etaMs: ms * (iterations - iteration) }, x);
    if (step.converged) break;
  }
  return { loss, iterations: iteration, evaluations, msPerIteration: (now() - t0) / Math.max(1, iteration) };
}
