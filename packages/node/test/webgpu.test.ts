/**
 * onnxruntime-node's webgpu provider computes what its cpu provider computes, without a GPU: on
 * SwiftShader's Vulkan driver (Debian's chromium package ships it), named by VK_ICD_FILENAMES.
 * The Vulkan loader reads that variable when the native addon starts, so the webgpu half runs in a
 * child process (scripts/webgpu-check.ts); this process computes the same on cpu and compares:
 * FastStyle 'wave' at 64x64 (the network's float output, max |d| ≤ 5e-3 on 0–255) and the NST
 * objective (content + style + tv on SqueezeNet) at 32x32: loss within 1e-3 relative, gradient max
 * |d| ≤ 5e-3. SwiftShader is 50–100× slower than cpu: correctness only, tiny sizes.
 * Also: `ep: 'auto'` must not pick webgpu on this GPU-less machine, with or without the variable.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { weightsDir } from '@impasto/test-support/paths';
import { type CheckResult, FST_SIZE, MARKER, NST_SIZE, check } from '@impasto/test-support/webgpu-check';
import { absDiff } from '@impasto/test-support/pixel-diff';

const ROOT = resolve(__dirname, '../../..');
const SCRIPT = join(ROOT, 'scripts', 'webgpu-check.ts');
const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const missing = existsSync(ICD)
  ? existsSync(join(weightsDir(), 'fst', 'wave')) && existsSync(join(weightsDir(), 'squeezenet1_1-caffe'))
    ? undefined
    : `no weights mirror at ${weightsDir()} (set IMPASTO_WEIGHTS)`
  : `${ICD} not found (SwiftShader's Vulkan driver: apt-get install -y chromium)`;
// CI installs Chromium and has the weights: there a missing piece fails instead of hiding the webgpu tests.
if (missing && process.env.CI) throw new Error(`the webgpu tests need SwiftShader and the weights in CI: ${missing}`);
if (missing) console.warn(`SKIPPED the node webgpu tests: ${missing}`);

/** Runs scripts/webgpu-check.ts in a child with `env` (added to, or with `undefined` removing from, this one's). */
function child<T>(args: string[], env: Record<string, string | undefined>): Promise<T> {
  const full: NodeJS.ProcessEnv = { ...process.env, IMPASTO_WEIGHTS: weightsDir() };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete full[k];
    else full[k] = v;
  }
  return new Promise((resolvePromise, reject) => {
    // cwd: the repository, so tsx maps @impasto/* to the sources as jest does (tsconfig.json paths).
    const p = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: ROOT, env: full, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 150_000);
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(MARKER));
      if (code !== 0 || !line) return reject(new Error(`webgpu-check ${args.join(' ')} exited ${code ?? signal}:\n${stderr.slice(-4000)}`));
      resolvePromise(JSON.parse(line.slice(MARKER.length)) as T);
    });
  });
}


const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);

(missing ? describe.skip : describe)('webgpu in Node on SwiftShader agrees with cpu', () => {
  let cpu: CheckResult;
  let gpu: CheckResult;
  let autoUnset: { auto: string; env: { VK_ICD_FILENAMES: string | null } };
  let runtimeDir: string;

  beforeAll(async () => {
    // SwiftShader warns on stderr without a runtime dir; give the child a private one.
    runtimeDir = mkdtempSync(join(tmpdir(), 'impasto-xdg-'));
    const t0 = performance.now();
    const gpuRun = child<CheckResult>(['webgpu', '--auto'], { VK_ICD_FILENAMES: ICD, VK_DRIVER_FILES: undefined, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || runtimeDir });
    const autoRun = child<typeof autoUnset>(['auto-only'], { VK_ICD_FILENAMES: undefined, VK_DRIVER_FILES: undefined });
    // The cpu side meanwhile, here (the children are separate processes).
    const gotCpu = check('cpu');
    [cpu, gpu, autoUnset] = await Promise.all([gotCpu, gpuRun, autoRun]);
    console.log(
      `node webgpu check: ${((performance.now() - t0) / 1000).toFixed(1)} s in all; webgpu FST ${FST_SIZE}² ${(gpu.fst.ms / 1000).toFixed(1)} s, ` +
        `objective ${NST_SIZE}² ${(gpu.objective.ms / 1000).toFixed(1)} s (cpu ${cpu.fst.ms.toFixed(0)} / ${cpu.objective.ms.toFixed(0)} ms)`,
    );
  }, 180_000);

  afterAll(() => {
    if (runtimeDir) rmSync(runtimeDir, { recursive: true, force: true });
  });

  it('the webgpu provider ran the sessions (no silent cpu fallback)', () => {
    expect(gpu.env.VK_ICD_FILENAMES).toBe(ICD);
    expect(gpu.fst.provider).toBe('webgpu');
    expect(gpu.objective.provider).toBe('webgpu');
    expect(cpu.fst.provider).toBe('cpu');
    expect(cpu.objective.provider).toBe('cpu');
  });

  it(`FastStyle wave ${FST_SIZE}²: webgpu's float output is cpu's within 5e-3 on 0–255`, () => {
    expect(gpu.fst.dims).toEqual([1, 3, FST_SIZE, FST_SIZE]);
    expect(cpu.fst.dims).toEqual(gpu.fst.dims);
    const d = absDiff(gpu.fst.output, cpu.fst.output).max;
    console.log(`node FST wave ${FST_SIZE}²: webgpu vs cpu max |d| ${d.toExponential(2)} (0–255)`);
    expect(d).toBeLessThanOrEqual(5e-3);
  });

  it(`NST objective on SqueezeNet ${NST_SIZE}²: loss within 1e-3 relative, gradient within 5e-3`, () => {
    const lossRel = rel(gpu.objective.loss, cpu.objective.loss);
    const termRel = Object.fromEntries(Object.keys(cpu.objective.terms).map((k) => [k, rel(gpu.objective.terms[k]!, cpu.objective.terms[k]!)]));
    const g = absDiff(gpu.objective.grad, cpu.objective.grad).max;
    const gScale = Math.max(...cpu.objective.grad.map(Math.abs));
    console.log(
      `node NST objective ${NST_SIZE}²: loss ${cpu.objective.loss} (cpu) vs ${gpu.objective.loss} (webgpu), rel ${lossRel.toExponential(2)}; ` +
        `terms rel ${JSON.stringify(Object.fromEntries(Object.entries(termRel).map(([k, v]) => [k, Number(v.toExponential(2))])))}; ` +
        `gradient max |d| ${g.toExponential(2)} (max |grad| ${gScale.toExponential(2)})`,
    );
    expect(lossRel).toBeLessThanOrEqual(1e-3);
    for (const v of Object.values(termRel)) expect(v).toBeLessThanOrEqual(1e-3);
    expect(g).toBeLessThanOrEqual(5e-3);
  });

  it("ep 'auto' does not pick webgpu without a GPU device (VK_ICD_FILENAMES unset)", () => {
    expect(autoUnset.env.VK_ICD_FILENAMES).toBeNull();
    expect(autoUnset.auto).toBe('cpu');
  });

  it("ep 'auto' does not pick webgpu on a software Vulkan driver (VK_ICD_FILENAMES = SwiftShader)", () => {
    console.log(`node ep 'auto' with VK_ICD_FILENAMES=${ICD} picked '${gpu.auto}'`);
    expect(gpu.auto).toBe('cpu');
  });
});
