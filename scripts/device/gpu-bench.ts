/**
 * The GPU check, run once on the lent machine (see scripts/device/run.sh): the fast-style network
 * and the NST loss + gradient on onnxruntime-node's webgpu provider against its cpu provider, speed
 * and agreement. Bundled with esbuild so the machine needs only node and onnxruntime-node.
 * Usage: node gpu-bench.cjs <weights dir> <out json>
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { type PhotoSet, type Session, trainFastStyle } from '@impasto/core/platform';
import { FST_INPUT, FST_OUTPUT, buildFastStyleGraph, optimizeFastStyleGraph, fastStyleFlops, readFstCheckpoint } from '@impasto/core/fst';
import {
  LOSS_NET_DEFAULTS,
  LOSS_NET_MODEL,
  OBJECTIVE_IO,
  buildObjectiveGraph,
  buildTargetGraph,
  contentTerm,
  loadLossNet,
  styleTerm,
  tvTerm,
} from '@impasto/core/nst';
import { MICROAST_CONTENT_INPUT, MICROAST_FILES, MICROAST_OUTPUT, MICROAST_STYLE_CODE, MICROAST_STYLE_CODE_SHAPE, buildStylizeGraph, readTorchCheckpoint } from '@impasto/core/ast';
import { withAdamStep } from '@impasto/core/nst';
import { type TensorData, encodeModel, float32 } from '@impasto/core/onnx';
import { bake, runSteps } from '../webgpu/device-steps';
import { ModelStore, loadNeuralStyle, nodeBackend, rawPlatform } from './raw-platform';

const [weights, outFile] = process.argv.slice(2) as [string, string];
// GPU_BENCH_SMOKE=1 runs the same code here, tiny and on cpu only, to check the script before the lease.
const smoke = process.env.GPU_BENCH_SMOKE === '1';
const GPU = smoke ? 'cpu' : 'webgpu';
const FST_SIZES = smoke ? [32, 64] : [512, 1024];
const NST_SIZES = smoke ? [32] : [256, 512];
const LOOP = smoke ? 64 : 512;
const AST_SIZES = smoke ? [32] : [1024, 2048];
const DEVICE_STEPS = smoke ? 4 : 30;
const TRAIN_SIZE = smoke ? 32 : 256;
const TRAIN_STEPS = smoke ? 4 : 12;
const results: Record<string, unknown> = { cpu: cpus()[0]?.model, cores: cpus().length };
const log = (k: string, v: unknown) => {
  results[k] = v;
  console.log(k, JSON.stringify(v));
  writeFileSync(outFile, JSON.stringify(results, null, 2));
};

async function median(fn: () => Promise<unknown>, reps: number): Promise<number> {
  await fn();
  await fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[reps >> 1]!;
}

function noise(dims: number[], scale = 255, seed = 12345): TensorData<'float32'> {
  let s = seed;
  const d = new Float32Array(dims.reduce((a, b) => a * b, 1)).map(() => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * scale);
  return float32(dims, d);
}

function maxAbs(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function relL2(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i]! - b[i]!) ** 2;
    n += b[i]! ** 2;
  }
  return Math.sqrt(d / n);
}

async function main() {
  const store = new ModelStore({ mirror: weights, download: false, cacheDir: '/tmp/impasto-cache' });
  // Fast style transfer.
  const fst = encodeModel(optimizeFastStyleGraph(buildFastStyleGraph(await readFstCheckpoint(store.source('fst/wave')))));
  const sessions: Record<string, Session> = {
    cpu: await nodeBackend.createSession(fst, { ep: 'cpu' }),
    webgpu: await nodeBackend.createSession(fst, { ep: GPU }),
  };
  for (const size of FST_SIZES) {
    const x = noise([1, 3, size, size]);
    const outs: Record<string, Float32Array> = {};
    for (const [ep, s] of Object.entries(sessions)) {
      const ms = await median(async () => (outs[ep] = (await s.run({ [FST_INPUT]: x }))[FST_OUTPUT]!.data as Float32Array), size >= 1024 ? 5 : 9);
      log(`fst_${size}_${ep}_ms`, ms);
      log(`fst_${size}_${ep}_gflops`, fastStyleFlops(size, size) / 1e9 / (ms / 1000));
    }
    log(`fst_${size}_maxabs_cpu_vs_webgpu`, maxAbs(outs.cpu!, outs.webgpu!));
  }
  for (const s of Object.values(sessions)) await s.dispose();

  // NST loss + gradient, VGG19 and SqueezeNet: the engine's objective graph with its default
  // terms and weights, targets from one noise image.
  const WEIGHTS: Record<string, number> = { content: 1, style: 1e3, tv: 0.1 };
  for (const netName of ['vgg19', 'squeezenet'] as const) {
    const d = LOSS_NET_DEFAULTS[netName];
    const net = await loadLossNet(netName, store.source(LOSS_NET_MODEL[netName]), [d.content, ...d.style]);
    const terms = [contentTerm([d.content]), styleTerm(d.style), tvTerm()];
    const objectiveBytes = encodeModel(buildObjectiveGraph(net, terms));
    const targets = await nodeBackend.createSession(encodeModel(buildTargetGraph(net, terms)), { ep: 'cpu' });
    const weights: Record<string, TensorData> = {};
    for (const t of terms) weights[OBJECTIVE_IO.weight(t.name)] = float32([], [WEIGHTS[t.name]!]);
    for (const size of NST_SIZES) {
      const img = noise([1, 3, size, size]);
      const feeds: Record<string, TensorData> = { ...(await targets.run({ [OBJECTIVE_IO.image]: img })), ...weights, [OBJECTIVE_IO.x]: noise([1, 3, size, size]) };
      const grads: Record<string, Float32Array> = {};
      for (const ep of ['cpu', 'webgpu'] as const) {
        const s = await nodeBackend.createSession(objectiveBytes, { ep: ep === 'webgpu' ? GPU : ep });
        const ms = await median(async () => (grads[ep] = (await s.run(feeds))[OBJECTIVE_IO.grad]!.data as Float32Array), 5);
        log(`nst_${netName}_${size}_${ep}_ms_per_iteration`, ms);
        await s.dispose();
      }
      log(`nst_${netName}_${size}_grad_rel_l2_cpu_vs_webgpu`, relL2(grads.webgpu!, grads.cpu!));
      if (netName !== 'vgg19') continue;
      // Whole iterations on the device: objective + Adam step in one graph, targets baked in, the
      // image and moments kept in GPU buffers between runs (only the loss scalar comes back).
      // Started away from the targets' image, so the loss has somewhere to fall.
      const { [OBJECTIVE_IO.x]: _x, ...constants } = feeds;
      const stepBytes = encodeModel(bake(withAdamStep(buildObjectiveGraph(net, terms)), constants));
      const onDevice = await runSteps(nodeBackend, stepBytes, noise([1, 3, size, size], 255, 777), GPU, GPU === 'webgpu', DEVICE_STEPS, 2);
      const steady = onDevice.stepMs.slice(3).sort((a, b) => a - b);
      log(`nst_vgg19_${size}_${GPU}_device_loop_ms_per_iteration`, steady[steady.length >> 1]);
      log(`nst_vgg19_${size}_device_loop_loss_first_last`, [onDevice.losses[0], onDevice.losses.at(-1)]);
    }
    await targets.dispose();
  }

  // Arbitrary style (MicroAST): the content path with a style code fed in, webgpu against cpu.
  const ast = store.source('microast');
  const read = async (f: string) => readTorchCheckpoint(await ast.read(f), f);
  const astBytes = encodeModel(buildStylizeGraph({ contentEncoder: await read(MICROAST_FILES.contentEncoder), decoder: await read(MICROAST_FILES.decoder) }));
  const code: Record<string, TensorData> = Object.fromEntries(MICROAST_STYLE_CODE.map((n, i) => [n, float32([...MICROAST_STYLE_CODE_SHAPE], noise([64], i % 2 ? 1 : 0.5).data)]));
  for (const size of AST_SIZES) {
    const x = noise([1, 3, size, size], 1);
    const outs: Record<string, Float32Array> = {};
    for (const ep of ['cpu', 'webgpu'] as const) {
      const s = await nodeBackend.createSession(astBytes, { ep: ep === 'webgpu' ? GPU : ep });
      log(`ast_${size}_${ep}_ms`, await median(async () => (outs[ep] = (await s.run({ [MICROAST_CONTENT_INPUT]: x, ...code }))[MICROAST_OUTPUT]!.data as Float32Array), 5));
      await s.dispose();
    }
    log(`ast_${size}_maxabs_cpu_vs_webgpu`, maxAbs(outs.cpu!, outs.webgpu!));
  }

  // Training a fast style (issue 24): core's trainFastStyle, the bench's step (batch 4 at 256²,
  // VGG19, Adam in the graph) on cpu and on the device, where parameters and Adam's moments stay
  // between steps. Steady ms per step: the median gap between progress events after the second.
  const photos: PhotoSet = { count: 8, name: (i) => `noise-${i}`, crop: async (i, spec) => noise([3, spec.size, spec.size], 255, 100 + i).data as Float32Array };
  const painting = { width: 256, height: 256, channels: 3 as const, data: Uint8Array.from(noise([256 * 256 * 3], 255, 99).data) };
  for (const ep of ['cpu', GPU] as const) {
    const run = trainFastStyle(rawPlatform(store), { painting, photos }, { ep, iterations: TRAIN_STEPS, size: TRAIN_SIZE, batch: 4, checkpointEvery: 0 }, { onCheckpoint: async () => undefined, store });
    const gaps: number[] = [];
    const losses: number[] = [];
    let last = performance.now();
    for await (const e of run.events) {
      if (e.type !== 'progress') continue;
      const t = performance.now();
      if (e.iteration > 2) gaps.push(t - last);
      last = t;
      losses.push(e.loss);
    }
    const r = await run.result;
    gaps.sort((a, b) => a - b);
    log(`train_${TRAIN_SIZE}_batch4_${ep}`, { msPerStep: gaps[gaps.length >> 1], provider: r.provider, firstLoss: losses[0], lastLoss: losses.at(-1) });
    if (ep === GPU && smoke) break;
  }

  // The whole NST loop on webgpu: 20 Adam iterations at 512², loss must fall.
  const content = { data: new Uint8Array(LOOP * LOOP * 3).map((_, i) => (i * 7) % 256), width: LOOP, height: LOOP, channels: 3 as const };
  const style = { data: new Uint8Array(LOOP * LOOP * 3).map((_, i) => ((i >> 9) * 37) % 256), width: LOOP, height: LOOP, channels: 3 as const };
  const nst = await loadNeuralStyle(store, { net: 'vgg19', ep: GPU });
  const run = nst.run({ content, style }, { size: LOOP, iterations: 20, checkpointEvery: 0 });
  const losses: number[] = [];
  for await (const e of run.events) if (e.type === 'progress') losses.push(e.loss);
  const r = await run.result;
  log(`nst_loop_vgg19_${LOOP}_${GPU}`, { msPerIteration: r.msPerIteration, provider: r.provider, firstLoss: losses[0], lastLoss: r.loss });
  await nst.dispose();
}

main().catch((e) => {
  console.error(e);
  log('error', String(e?.stack ?? e));
  process.exit(1);
});
