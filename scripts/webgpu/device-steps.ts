/**
 * NST iterations as runs of one graph (`withAdamStep`) on onnxruntime-node, with the image and
 * Adam's moments left in GPU memory between runs when asked: shared by the SwiftShader test
 * (device-loop.ts) and the GPU benchmark (scripts/device/gpu-bench.ts).
 */
import * as ort from 'onnxruntime-node';
import { ADAM_STEP_IO, OBJECTIVE_IO } from '@impasto/core/nst';
import { Graph, type TensorData, encodeModel } from '@impasto/core/onnx';

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

const tensor = (t: TensorData) => new ort.Tensor(t.type as 'float32', t.data as Float32Array, [...t.dims]);

/**
 * Runs `iterations` NST iterations of the step graph `bytes` from `x0` on `ep`; `gpu`: keep x, m
 * and v on the device between runs (each step's loss, a scalar, still comes back).
 */
export async function runSteps(bytes: Uint8Array, x0: TensorData, ep: 'cpu' | 'webgpu', gpu: boolean, iterations: number): Promise<{ x: Float32Array; losses: number[]; ms: number; stepMs: number[] }> {
  const keep = { [ADAM_STEP_IO.xNext]: 'gpu-buffer', [ADAM_STEP_IO.mNext]: 'gpu-buffer', [ADAM_STEP_IO.vNext]: 'gpu-buffer' } as const;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: [ep], ...(gpu ? { preferredOutputLocation: keep } : {}) });
  const zeros = () => new ort.Tensor('float32', new Float32Array(x0.data.length), [...x0.dims]);
  let [x, m, v]: [ort.Tensor, ort.Tensor, ort.Tensor] = [tensor(x0), zeros(), zeros()];
  const losses: number[] = [];
  const t0 = performance.now();
  const stepMs: number[] = [];
  for (let t = 1; t <= iterations; t++) {
    const s0 = performance.now();
    const out = await session.run({ [OBJECTIVE_IO.x]: x, [ADAM_STEP_IO.m]: m, [ADAM_STEP_IO.v]: v, [ADAM_STEP_IO.t]: new ort.Tensor('float32', Float32Array.of(t), []) });
    if (gpu && out[ADAM_STEP_IO.xNext]!.location !== 'gpu-buffer') throw new Error(`x_next came back in ${out[ADAM_STEP_IO.xNext]!.location}, not gpu-buffer`);
    // The previous step's device tensors are inputs no more.
    if (t > 1 && gpu) for (const old of [x, m, v]) old.dispose();
    [x, m, v] = [out[ADAM_STEP_IO.xNext]!, out[ADAM_STEP_IO.mNext]!, out[ADAM_STEP_IO.vNext]!];
    losses.push((out[OBJECTIVE_IO.loss]!.data as Float32Array)[0]!);
    stepMs.push(performance.now() - s0);
  }
  const data = gpu ? await readBack(x) : (x.data as Float32Array);
  const ms = performance.now() - t0;
  await session.release();
  return { x: Float32Array.from(data), losses, ms, stepMs };
}

/**
 * Copies a device tensor to the CPU through a one-node session: onnxruntime-node 1.30 has no
 * download for gpu-buffer tensors (`getData()` aborts the process), but a session whose output
 * lives on the CPU copies its input over.
 */
export async function readBack(t: ort.Tensor): Promise<Float32Array> {
  const g = new Graph('read_back');
  g.output(g.op('Identity', [g.input('device', 'float32', [...t.dims])]), 'host', 'float32', [...t.dims]);
  const s = await ort.InferenceSession.create(encodeModel(g), { executionProviders: ['webgpu'] });
  try {
    return (await s.run({ device: t })).host!.data as Float32Array;
  } finally {
    await s.release();
  }
}

