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
import { type ExecutionProvider, FastStyle, ModelStore, type RawImage, imageToTensor, nodeBackend } from '../packages/node/src';
import { LOSS_NET_DEFAULTS, LOSS_NET_MODEL, OBJECTIVE_IO, buildObjectiveGraph, buildTargetGraph, contentTerm, loadLossNet, styleTerm, tvTerm } from '@impasto/core/nst';
import { type TensorData, encodeModel, float32 } from '@impasto/core/onnx';
import { weightsDir } from './paths';

export const MARKER = 'WEBGPU_CHECK_JSON ';
/** The sizes: tiny, since SwiftShader runs 50–100× slower than the cpu provider. */
export const FST_SIZE = 64;
export const NST_SIZE = 32;

/** Deterministic pixels (0..255), the same in every process. */
export function pattern(width: number, height: number, salt: number): RawImage & { data: Uint8Array; channels: 3 } {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 4 + y * salt) & 255;
      data[i + 1] = (y * 4 + ((x * y) >> 3) + salt * 11) & 255;
      data[i + 2] = Math.round(128 + 127 * Math.sin((x + salt) / 5) * Math.cos(y / 7));
    }
  }
  return { data, width, height, channels: 3 };
}

const toTensor = (img: RawImage): TensorData<'float32'> => imageToTensor(img);

export interface CheckResult {
  ep: string;
  fst: { provider: string; dims: number[]; output: number[]; ms: number };
  /** The objective graph (content + style + tv on SqueezeNet) on one image: loss, terms, gradient. */
  objective: { provider: string; loss: number; terms: Record<string, number>; grad: number[]; ms: number };
  /** What `ep: 'auto'` picked for FastStyle in this process. */
  auto?: string;
  env: { VK_ICD_FILENAMES: string | null };
}

const TERM_WEIGHTS: Record<string, number> = { content: 1, style: 1e3, tv: 0.1 };

/** Runs the whole check on `ep` ('cpu' or 'webgpu'), plus `auto` when asked. */
export async function check(ep: ExecutionProvider, opts: { auto?: boolean } = {}): Promise<CheckResult> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'impasto-webgpu-check-'));
  try {
    const store = new ModelStore({ mirror: weightsDir(), cacheDir, download: false });
    const ctx = { store };

    let t0 = performance.now();
    const fst = await FastStyle.load('wave', { ep }, ctx);
    const out = await fst.model.run(toTensor(pattern(FST_SIZE, FST_SIZE, 3)));
    const fstResult = { provider: fst.provider, dims: [...out.dims], output: Array.from(out.data), ms: performance.now() - t0 };
    await fst.dispose();

    t0 = performance.now();
    const d = LOSS_NET_DEFAULTS.squeezenet;
    const net = await loadLossNet('squeezenet', store.source(LOSS_NET_MODEL.squeezenet), [d.content, ...d.style]);
    const terms = [contentTerm([net.resolve(d.content)]), styleTerm(d.style.map((l) => net.resolve(l))), tvTerm()];
    // Targets on cpu in every process, so both sides feed the objective the same numbers.
    const targets = await nodeBackend.createSession(encodeModel(buildTargetGraph(net, terms)), { ep: 'cpu' });
    const content = toTensor(pattern(NST_SIZE, NST_SIZE, 1));
    const style = toTensor(pattern(NST_SIZE, NST_SIZE, 9));
    const fromContent = await targets.run({ [OBJECTIVE_IO.image]: content });
    const fromStyle = await targets.run({ [OBJECTIVE_IO.image]: style });
    await targets.dispose();
    const feeds: Record<string, TensorData> = { [OBJECTIVE_IO.x]: toTensor(pattern(NST_SIZE, NST_SIZE, 5)) };
    for (const t of terms) {
      feeds[OBJECTIVE_IO.weight(t.name)] = float32([], [TERM_WEIGHTS[t.name]!]);
      t.targets.forEach((_, i) => {
        const name = OBJECTIVE_IO.target(t.name, i);
        feeds[name] = (t.image === 'style' ? fromStyle : fromContent)[name]!;
      });
    }
    const objective = await nodeBackend.createSession(encodeModel(buildObjectiveGraph(net, terms)), { ep });
    const r = await objective.run(feeds);
    const objectiveResult = {
      provider: objective.provider,
      loss: (r[OBJECTIVE_IO.loss]!.data as Float32Array)[0]!,
      terms: Object.fromEntries(terms.map((t) => [t.name, (r[OBJECTIVE_IO.value(t.name)]!.data as Float32Array)[0]!])),
      grad: Array.from(r[OBJECTIVE_IO.grad]!.data as Float32Array),
      ms: performance.now() - t0,
    };
    await objective.dispose();

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
