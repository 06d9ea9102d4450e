/**
 * NST iterations that stay on the GPU: the `NeuralStyle` engine on onnxruntime-node's webgpu
 * provider (SwiftShader, no GPU needed) runs untiled Adam with the image and the moments left in
 * GPU buffers between iterations (`withAdamStep`, `Session.runKept`), against the same run on cpu.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { weightsDir } from '@impasto/test-support/paths';
import { DEVICE_LOOP_MARKER } from '@impasto/test-support/webgpu/device-loop';
import { SWIFTSHADER_ICD } from '@impasto/test-support/webgpu/placement';

const ROOT = resolve(__dirname, '../../..');
const missing = existsSync(SWIFTSHADER_ICD)
  ? existsSync(join(weightsDir(), 'squeezenet1_1-caffe'))
    ? undefined
    : `no weights mirror at ${weightsDir()} (set IMPASTO_WEIGHTS)`
  : `${SWIFTSHADER_ICD} not found (SwiftShader's Vulkan driver: apt-get install -y chromium)`;
if (missing && process.env.CI) throw new Error(`the webgpu device-loop test needs SwiftShader and the weights in CI: ${missing}`);
if (missing) console.warn(`SKIPPED the webgpu device-loop test: ${missing}`);

(missing ? describe.skip : describe)('NST iterations on the GPU (webgpu on SwiftShader)', () => {
  it('the engine keeps image and moments in GPU buffers between iterations and matches its cpu run', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD, IMPASTO_WEIGHTS: weightsDir(), XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || mkdtempSync(join(tmpdir(), 'impasto-xdg-')) };
    delete env.VK_DRIVER_FILES;
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/webgpu/device-loop.ts')], { cwd: ROOT, env, encoding: 'utf8', timeout: 150_000 });
    const line = r.stdout.split('\n').find((l) => l.startsWith(DEVICE_LOOP_MARKER));
    if (r.status !== 0 || !line) throw new Error(`device-loop exited ${r.status ?? r.signal}:\n${r.stderr.slice(-3000)}`);
    const got = JSON.parse(line.slice(DEVICE_LOOP_MARKER.length)) as { iterations: number; providers: string[]; stepsOnDevice: boolean[]; maxAbs: number; moved: number; lossesCpu: number[]; lossesDevice: number[] };
    expect({ providers: got.providers, stepsOnDevice: got.stepsOnDevice }).toEqual({ providers: ['webgpu', 'cpu'], stepsOnDevice: [true, false] });
    expect(got.moved).toBeGreaterThan(1);
    // Results are bytes: the two runs may round a pixel apart.
    expect(got.maxAbs).toBeLessThanOrEqual(1);
    got.lossesCpu.forEach((l, i) => expect(Math.abs(got.lossesDevice[i]! - l) / l).toBeLessThan(1e-3));
    // The loss fell: the steps were Adam's, not a no-op.
    expect(got.lossesDevice.at(-1)!).toBeLessThan(got.lossesDevice[0]! * 0.9);
  }, 180_000);
});
