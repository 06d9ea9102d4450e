/**
 * The WebGPU half of packages/node/test/webgpu.test.ts, in its own process: onnxruntime-node's
 * Vulkan loader reads VK_ICD_FILENAMES once, when the native addon starts, so a test that wants
 * SwiftShader's Vulkan driver (/usr/lib/chromium/vk_swiftshader_icd.json) runs this with the
 * variable set. The test computes the same `check(ep)` in-process on cpu and compares.
 *
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npx tsx scripts/webgpu-check.ts webgpu
 *   npx tsx scripts/webgpu-check.ts auto-only        # only which provider `ep: 'auto'` picks
 *
 * Prints one line of JSON on stdout (after the marker `WEBGPU_CHECK_JSON `).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExecutionProvider, FastStyle, ModelStore, type RawImage } from '../packages/node/src';
import { nodeBackend } from '../packages/node/src/platform-entry';
import { imageToTensor } from '@impasto/core/platform';
import type { TensorData } from '@impasto/core/onnx';
import { FST_SIZE, type ObjectiveResult, objectiveCheck, pattern } from './webgpu/objective-check';
import { weightsDir } from './paths';

export const MARKER = 'WEBGPU_CHECK_JSON ';
export { FST_SIZE, NST_SIZE } from './webgpu/objective-check';

const toTensor = (img: RawImage): TensorData<'float32'> => imageToTensor(img);

export interface CheckResult {
  ep: string;
  fst: { provider: string; dims: number[]; output: number[]; ms: number };
  /** The objective graph (content + style + tv on SqueezeNet) on one image: loss, terms, gradient. */
  objective: ObjectiveResult;
  /** What `ep: 'auto'` picked for FastStyle in this process. */
  auto?: string;
  env: { VK_ICD_FILENAMES: string | null };
}

/** Runs the whole check on `ep` ('cpu' or 'webgpu'), plus `auto` when asked. */
export async function check(ep: ExecutionProvider, opts: { auto?: boolean } = {}): Promise<CheckResult> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'impasto-webgpu-check-'));
  try {
    const store = new ModelStore({ mirror: weightsDir(), cacheDir, download: false });
    const ctx = { store };

    const t0 = performance.now();
    const fst = await FastStyle.load('wave', { ep }, ctx);
    const out = await fst.model.run(toTensor(pattern(FST_SIZE, FST_SIZE, 3)));
    const fstResult = { provider: fst.provider, dims: [...out.dims], output: Array.from(out.data), ms: performance.now() - t0 };
    await fst.dispose();

    const objectiveResult = await objectiveCheck(nodeBackend, store, ep, 'cpu');

    return { ep, fst: fstResult, objective: objectiveResult, ...(opts.auto ? { auto: await autoProvider(store) } : {}), env: { VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? null } };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** The provider `ep: 'auto'` picks for FastStyle 'wave' here. */
export async function autoProvider(store?: ModelStore): Promise<string> {
  const cacheDir = store ? undefined : mkdtempSync(join(tmpdir(), 'impasto-webgpu-check-'));
  try {
    const fst = await FastStyle.load('wave', { ep: 'auto' }, { store: store ?? new ModelStore({ mirror: weightsDir(), cacheDir, download: false }) });
    const p = fst.provider;
    await fst.dispose();
    return p;
  } finally {
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const mode = process.argv[2] ?? 'webgpu';
  const result =
    mode === 'auto-only'
      ? { auto: await autoProvider(), env: { VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? null } }
      : await check(mode as ExecutionProvider, { auto: process.argv.includes('--auto') });
  process.stdout.write(`${MARKER}${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  });
}
