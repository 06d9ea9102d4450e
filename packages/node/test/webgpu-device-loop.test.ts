/**
 * NST iterations that stay on the GPU: the objective with Adam's step appended (`withAdamStep`),
 * run on onnxruntime-node's webgpu provider (SwiftShader, no GPU needed) with the image and the
 * moments left in GPU buffers between runs and read back once, against the same iterations on cpu.
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
  it('image and moments stay in GPU buffers between runs and the result is the cpu loop within 0.05', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD, IMPASTO_WEIGHTS: weightsDir(), XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || mkdtempSync(join(tmpdir(), 'impasto-xdg-')) };
    delete env.VK_DRIVER_FILES;
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/webgpu/device-loop.ts')], { cwd: ROOT, env, encoding: 'utf8', timeout: 150_000 });
    const line = r.stdout.split('\n').find((l) => l.startsWith(DEVICE_LOOP_MARKER));
    if (r.status !== 0 || !line) throw new Error(`device-loop exited ${r.status ?? r.signal}:\n${r.stderr.slice(-3000)}`);
    const got = JSON.parse(line.slice(DEVICE_LOOP_MARKER.length)) as { iterations: number; maxAbs: number; moved: number; lossesCpu: number[]; lossesDevice: number[]; msDevice: number };
    console.log(`device loop: ${got.iterations} iterations on webgpu in ${(got.msDevice / 1000).toFixed(1)} s, max |x_gpu - x_cpu| ${got.maxAbs.toExponential(2)} (pixels moved up to ${got.moved.toFixed(1)})`);
    expect(got.moved).toBeGreaterThan(1);
    expect(got.maxAbs).toBeLessThan(0.05);
    got.lossesCpu.forEach((l, i) => expect(Math.abs(got.lossesDevice[i]! - l) / l).toBeLessThan(1e-4));
    // The loss fell: the steps were Adam's, not a no-op.
    expect(got.lossesDevice.at(-1)!).toBeLessThan(got.lossesDevice[0]! * 0.8);
  }, 180_000);
});
