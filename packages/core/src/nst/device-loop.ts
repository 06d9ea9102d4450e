import { ImpastoError } from '../errors';
import { type TensorData, float32 } from '../onnx/tensor';
import type { IterationReport } from '../optim/loop';
import type { OptimizeResult } from '../optim/loop';
import { now } from '../platform';
import { type Feed, type Session, hostScalar, isDeviceTensor } from '../runtime/backend';
import { ADAM_STEP_IO } from './adam-step';
import { OBJECTIVE_IO } from './objective';
import type { ObjectiveTerm } from './terms';

export interface DeviceLoopHooks {
  yieldToEventLoop(): Promise<void>;
  /** After each iteration, with the weighted terms; `image` reads the current image back (checkpoints). */
  onIteration(report: IterationReport, terms: Record<string, number>, image: () => Promise<Float32Array>): Promise<void>;
}

/**
 * Adam iterations on the device: each run of `step` (the objective with `withAdamStep`) is one
 * whole iteration, fed the last one's image and moments where they are (GPU memory); only the
 * loss and the terms come back, and the image when a checkpoint or the end reads it. The same
 * steps as `optimize` with `Adam` and the 0..255 clamp, on the host.
 */
export async function optimizeOnDevice(
  step: Session,
  feeds: Readonly<Record<string, TensorData>>,
  x0: Float32Array,
  dims: readonly number[],
  terms: readonly ObjectiveTerm[],
  opts: { iterations: number; lr: number; signal?: { readonly aborted: boolean }; hooks: DeviceLoopHooks },
): Promise<OptimizeResult & { x: Float32Array }> {
  const { iterations, lr, signal, hooks } = opts;
  const t0 = now();
  let state: Record<string, Feed> = { [OBJECTIVE_IO.x]: float32(dims, x0), [ADAM_STEP_IO.m]: float32(dims), [ADAM_STEP_IO.v]: float32(dims) };
  const read = async (f: Feed) => ((isDeviceTensor(f) ? await f.read() : f).data as Float32Array);
  const release = () => Object.values(state).forEach((f) => isDeviceTensor(f) && f.dispose());
  let loss = NaN;
  let iteration = 0;
  try {
    while (iteration < iterations) {
      await hooks.yieldToEventLoop();
      if (signal?.aborted) throw new ImpastoError('ABORTED', `stopped after ${iteration} of ${iterations} iterations`);
      const out = await step.runKept({ ...feeds, ...state, [ADAM_STEP_IO.t]: float32([], [iteration + 1]), [ADAM_STEP_IO.lr]: float32([], [lr]) });
      release();
      state = { [OBJECTIVE_IO.x]: out[ADAM_STEP_IO.xNext]!, [ADAM_STEP_IO.m]: out[ADAM_STEP_IO.mNext]!, [ADAM_STEP_IO.v]: out[ADAM_STEP_IO.vNext]! };
      iteration++;
      loss = hostScalar(out[OBJECTIVE_IO.loss]);
      if (!Number.isFinite(loss)) throw new ImpastoError('NUMERIC', `the loss became ${loss}; lower the learning rate (lr ${lr}) or the loss weights`);
      const values = Object.fromEntries(terms.filter((t) => t.build).map((t) => [t.name, hostScalar(out[OBJECTIVE_IO.value(t.name)])]));
      const ms = (now() - t0) / iteration;
      await hooks.onIteration({ iteration, iterations, loss, evaluations: iteration, msPerIteration: ms, etaMs: ms * (iterations - iteration) }, values, () => read(state[OBJECTIVE_IO.x]!));
    }
    return { x: Float32Array.from(await read(state[OBJECTIVE_IO.x]!)), loss, iterations: iteration, evaluations: iteration, msPerIteration: (now() - t0) / Math.max(1, iteration) };
  } finally {
    release();
  }
}
