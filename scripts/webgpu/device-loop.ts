/**
 * NST iterations kept on the GPU by the engine itself: `NeuralStyle` on onnxruntime-node's webgpu
 * provider runs untiled Adam as one graph per iteration (`withAdamStep`) with the image and the
 * moments left in GPU memory between runs (`Session.runKept`) and read back at the end; compared
 * with the same run on cpu (SqueezeNet, tiny deterministic images). Run with VK_ICD_FILENAMES
 * naming SwiftShader's driver (no GPU needed) or on a real GPU. Prints one JSON line after
 * `DEVICE_LOOP_JSON `.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelStore, NeuralStyle } from '@impasto/node';
import { weightsDir } from '../paths';
import { NST_SIZE, pattern } from './objective-check';

export const DEVICE_LOOP_MARKER = 'DEVICE_LOOP_JSON ';
export const ITERATIONS = 6;

async function run(ep: 'cpu' | 'webgpu', store: ModelStore) {
  const nst = await NeuralStyle.load({ net: 'squeezenet', ep }, { store });
  const losses: number[] = [];
  const content = pattern(NST_SIZE, NST_SIZE, 1);
  const r = nst.run({ content, style: pattern(NST_SIZE, NST_SIZE, 9) }, { size: NST_SIZE, iterations: ITERATIONS, optimizer: 'adam', lr: 2, init: 'content', checkpointEvery: 0 });
  for await (const e of r.events) if (e.type === 'progress') losses.push(e.loss);
  const result = await r.result;
  await nst.dispose();
  return { losses, image: result.image.data, content: content.data, provider: result.provider, stepsOnDevice: result.stepsOnDevice };
}

async function main() {
  const cacheDir = mkdtempSync(join(tmpdir(), 'impasto-device-loop-'));
  try {
    const store = new ModelStore({ mirror: weightsDir(), cacheDir, download: false });
    const device = await run('webgpu', store);
    const cpu = await run('cpu', store);
    let maxAbs = 0;
    let moved = 0;
    for (let i = 0; i < cpu.image.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(cpu.image[i]! - device.image[i]!));
      moved = Math.max(moved, Math.abs(cpu.image[i]! - cpu.content[i]!));
    }
    process.stdout.write(`${DEVICE_LOOP_MARKER}${JSON.stringify({ iterations: ITERATIONS, providers: [device.provider, cpu.provider], stepsOnDevice: [device.stepsOnDevice, cpu.stepsOnDevice], maxAbs, moved, lossesCpu: cpu.losses, lossesDevice: device.losses })}\n`);
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
