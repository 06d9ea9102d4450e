/**
 * NST iterations as runs of one graph (`withAdamStep`) through core's Backend contract, with the
 * image and Adam's moments left where they are computed (`Session.runKept`: GPU memory on webgpu)
 * when asked: what the GPU benchmark (scripts/device/gpu-bench.ts) times.
 */
import { ADAM_STEP_IO, OBJECTIVE_IO } from '@impasto/core/nst';
import { type Backend, type Feed, isDeviceTensor } from '@impasto/core/platform';
import { Graph, type TensorData, float32 } from '@impasto/core/onnx';

/** `g` with each input named in `constants` turned into an initializer of that value. */
export function bake(g: Graph, constants: Record<string, TensorData>): Graph {
  for (const [name, t] of Object.entries(constants)) {
    const i = g.inputs.findIndex((v) => v.name === name);
    if (i < 0) continue;
    g.inputs.splice(i, 1);
    g.initializers.set(name, t);
  }
  return g;
}

/**
 * Runs `iterations` NST iterations of the step graph `bytes` from `x0` on `ep` at step size `lr`;
 * `keep`: leave x, m and v where they are computed between runs (each step's loss still comes back).
 */
export async function runSteps(backend: Backend, bytes: Uint8Array, x0: TensorData, ep: 'cpu' | 'webgpu', keep: boolean, iterations: number, lr: number): Promise<{ x: Float32Array; losses: number[]; ms: number; stepMs: number[] }> {
  const keepOnDevice = keep ? [ADAM_STEP_IO.xNext, ADAM_STEP_IO.mNext, ADAM_STEP_IO.vNext] : [];
  const session = await backend.createSession(bytes, { ep }, { keepOnDevice });
  let state: Record<string, Feed> = { [OBJECTIVE_IO.x]: x0, [ADAM_STEP_IO.m]: float32(x0.dims), [ADAM_STEP_IO.v]: float32(x0.dims) };
  const losses: number[] = [];
  const stepMs: number[] = [];
  const t0 = performance.now();
  for (let t = 1; t <= iterations; t++) {
    const s0 = performance.now();
    const out = await session.runKept({ ...state, [ADAM_STEP_IO.t]: float32([], [t]), [ADAM_STEP_IO.lr]: float32([], [lr]) });
    if (keep && ep === 'webgpu') {
      const x = out[ADAM_STEP_IO.xNext]!;
      if (!isDeviceTensor(x) || x.location !== 'gpu-buffer') throw new Error(`x_next came back in ${isDeviceTensor(x) ? x.location : 'host memory'}, not gpu-buffer`);
    }
    for (const old of Object.values(state)) if (isDeviceTensor(old)) old.dispose();
    state = { [OBJECTIVE_IO.x]: out[ADAM_STEP_IO.xNext]!, [ADAM_STEP_IO.m]: out[ADAM_STEP_IO.mNext]!, [ADAM_STEP_IO.v]: out[ADAM_STEP_IO.vNext]! };
    losses.push(((out[OBJECTIVE_IO.loss] as TensorData).data as Float32Array)[0]!);
    stepMs.push(performance.now() - s0);
  }
  const x = state[OBJECTIVE_IO.x]!;
  const data = (isDeviceTensor(x) ? await x.read() : x).data as Float32Array;
  const ms = performance.now() - t0;
  for (const f of Object.values(state)) if (isDeviceTensor(f)) f.dispose();
  await session.dispose();
  return { x: Float32Array.from(data), losses, ms, stepMs };
}
