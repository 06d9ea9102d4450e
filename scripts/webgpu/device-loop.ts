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
import { OBJECTIVE_IO, withAdamStep } from '@impasto/core/nst';
import { encodeModel } from '@impasto/core/onnx';
import { ModelStore } from '@impasto/node';
import { nodeBackend } from '@impasto/node/platform';
import { weightsDir } from '../paths';
import { bake, runSteps } from './device-steps';
import { objectiveSetup } from './objective-check';

export const DEVICE_LOOP_MARKER = 'DEVICE_LOOP_JSON ';
export const ITERATIONS = 6;
const LR = 2;

async function main() {
  const cacheDir = mkdtempSync(join(tmpdir(), 'impasto-device-loop-'));
  try {
    const store = new ModelStore({ mirror: weightsDir(), cacheDir, download: false });
    const { graph, feeds } = await objectiveSetup(nodeBackend, store, 'cpu');
    const x0 = feeds[OBJECTIVE_IO.x]!;
    const constants = Object.fromEntries(Object.entries(feeds).filter(([k]) => k !== OBJECTIVE_IO.x));
    const bytes = encodeModel(bake(withAdamStep(graph, { lr: LR }), constants));
    const device = await runSteps(bytes, x0, 'webgpu', true, ITERATIONS);
    const cpu = await runSteps(bytes, x0, 'cpu', false, ITERATIONS);
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
