/**
 * NST iterations kept on the GPU: the objective with `withAdamStep` appended, its targets and
 * weights baked in as constants, run `ITERATIONS` times on onnxruntime-node's webgpu provider with
 * the image and Adam's moments left in GPU memory between runs (`preferredOutputLocation:
 * 'gpu-buffer'`, fed straight back) and read back once at the end; compared with the same
 * iterations on cpu. Run with VK_ICD_FILENAMES naming SwiftShader's driver (no GPU needed) or on a
 * real GPU. Prints one JSON line after `DEVICE_LOOP_JSON `.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ADAM_STEP_IO, OBJECTIVE_IO, withAdamStep } from '@impasto/core/nst';
import { Graph, type TensorData, encodeModel } from '@impasto/core/onnx';
import { ModelStore, nodeBackend } from '@impasto/node';
import { weightsDir } from '../paths';
import { objectiveSetup } from './objective-check';

export const DEVICE_LOOP_MARKER = 'DEVICE_LOOP_JSON ';
export const ITERATIONS = 6;
const LR = 2;

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

/** Runs the loop on `ep`; `gpu`: keep x, m and v on the device between runs. */
async function loop(bytes: Uint8Array, x0: TensorData, ep: 'cpu' | 'webgpu', gpu: boolean): Promise<{ x: Float32Array; losses: number[]; ms: number }> {
  const keep = { [ADAM_STEP_IO.xNext]: 'gpu-buffer', [ADAM_STEP_IO.mNext]: 'gpu-buffer', [ADAM_STEP_IO.vNext]: 'gpu-buffer' } as const;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: [ep], ...(gpu ? { preferredOutputLocation: keep } : {}) });
  const zeros = () => new ort.Tensor('float32', new Float32Array(x0.data.length), [...x0.dims]);
  let [x, m, v]: [ort.Tensor, ort.Tensor, ort.Tensor] = [tensor(x0), zeros(), zeros()];
  const losses: number[] = [];
  const t0 = performance.now();
  for (let t = 1; t <= ITERATIONS; t++) {
    const out = await session.run({ [OBJECTIVE_IO.x]: x, [ADAM_STEP_IO.m]: m, [ADAM_STEP_IO.v]: v, [ADAM_STEP_IO.t]: new ort.Tensor('float32', Float32Array.of(t), []) });
    if (gpu && out[ADAM_STEP_IO.xNext]!.location !== 'gpu-buffer') throw new Error(`x_next came back in ${out[ADAM_STEP_IO.xNext]!.location}, not gpu-buffer`);
    // The previous step's device tensors are inputs no more.
    if (t > 1 && gpu) for (const old of [x, m, v]) old.dispose();
    [x, m, v] = [out[ADAM_STEP_IO.xNext]!, out[ADAM_STEP_IO.mNext]!, out[ADAM_STEP_IO.vNext]!];
    losses.push((out[OBJECTIVE_IO.loss]!.data as Float32Array)[0]!);
  }
  const data = gpu ? await readBack(x) : (x.data as Float32Array);
  const ms = performance.now() - t0;
  await session.release();
  return { x: Float32Array.from(data), losses, ms };
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

async function main() {
  const cacheDir = mkdtempSync(join(tmpdir(), 'impasto-device-loop-'));
  try {
    const store = new ModelStore({ mirror: weightsDir(), cacheDir, download: false });
    const { graph, feeds } = await objectiveSetup(nodeBackend, store, 'cpu');
    const x0 = feeds[OBJECTIVE_IO.x]!;
    const constants = Object.fromEntries(Object.entries(feeds).filter(([k]) => k !== OBJECTIVE_IO.x));
    const bytes = encodeModel(bake(withAdamStep(graph, { lr: LR }), constants));
    const device = await loop(bytes, x0, 'webgpu', true);
    const cpu = await loop(bytes, x0, 'cpu', false);
    let maxAbs = 0;
    let moved = 0;
    for (let i = 0; i < cpu.x.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(cpu.x[i]! - device.x[i]!));
      moved = Math.max(moved, Math.abs(cpu.x[i]! - (x0.data as Float32Array)[i]!));
    }
    process.stdout.write(`${DEVICE_LOOP_MARKER}${JSON.stringify({ iterations: ITERATIONS, maxAbs, moved, lossesCpu: cpu.losses, lossesDevice: device.losses, msDevice: device.ms, msCpu: cpu.ms })}\n`);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  });
}
