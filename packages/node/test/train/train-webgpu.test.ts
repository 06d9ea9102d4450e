/**
 * Training with its state on the GPU (webgpu on SwiftShader, no GPU needed): parameters and Adam's
 * moments stay in GPU buffers between steps, and a step's loss and gradients equal the cpu provider's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SWIFTSHADER_ICD } from '@impasto/test-support/webgpu/placement';
import { TRAIN_DEVICE_MARKER } from '@impasto/test-support/webgpu/train-device-check';

const ROOT = resolve(__dirname, '../../../..');
const missing = existsSync(SWIFTSHADER_ICD) ? undefined : `${SWIFTSHADER_ICD} not found (SwiftShader's Vulkan driver: apt-get install -y chromium)`;
if (missing && process.env.CI) throw new Error(`the webgpu training test needs SwiftShader in CI: ${missing}`);
if (missing) console.warn(`SKIPPED the webgpu training test: ${missing}`);

(missing ? describe.skip : describe)('training steps on the GPU (webgpu on SwiftShader)', () => {
  it('keeps parameters and moments in GPU buffers; a step matches the cpu step', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || mkdtempSync(join(tmpdir(), 'impasto-xdg-')) };
    delete env.VK_DRIVER_FILES;
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/webgpu/train-device-check.ts')], { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 });
    const line = r.stdout.split('\n').find((l) => l.startsWith(TRAIN_DEVICE_MARKER));
    if (r.status !== 0 || !line) throw new Error(`train-device-check exited ${r.status ?? r.signal}:\n${r.stderr.slice(-3000)}`);
    const got = JSON.parse(line.slice(TRAIN_DEVICE_MARKER.length)) as { providers: string[]; lossesCpu: number[]; lossesDevice: number[]; location: string; stepLoss: number[]; gradScale: number; gradDiff: number };
    expect(got.providers).toEqual(['webgpu', 'cpu']);
    expect(got.location).toBe('gpu-buffer');
    // The first step starts from the same state on both.
    expect(Math.abs(got.lossesDevice[0]! - got.lossesCpu[0]!) / got.lossesCpu[0]!).toBeLessThan(1e-4);
    expect(got.lossesDevice.every(Number.isFinite)).toBe(true);
    expect(Math.abs(got.stepLoss[0]! - got.stepLoss[1]!) / got.stepLoss[1]!).toBeLessThan(1e-4);
    expect(got.gradScale).toBeGreaterThan(0);
    expect(got.gradDiff).toBeLessThan(1e-3 * got.gradScale);
  }, 300_000);
});
