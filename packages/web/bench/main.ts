/**
 * Browser benchmark page (driven by scripts/bench-web.ts): fast style transfer (wave) on one photo,
 * on one engine per page load, since both wasm runtimes size their thread pools once per page:
 * @impasto/web on onnxruntime-web's wasm provider, or TensorFlow.js + tfjs-backend-wasm (ml5.js's
 * stack). Each size: one warm-up, then the median of N runs.
 *
 * Query: engine (ort | worker | tfjs; worker: ORT in @impasto/web's worker), threads (unset: each engine's own default),
 * sizes (256,512), runs (3), profile (1: ORT's per-node profile of one run per size, timings not
 * kept), style (wave), image (URL).
 */
import { FastStyle, FastStyleWorker, ModelStore, configureWasm, wasmThreads, type StyleName } from '@impasto/web';
import * as ort from 'onnxruntime-web';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fetchCheckpoint, tfjsFastStyle } from './fst-tfjs-browser';
import { type OpTime, captureProfile } from './ort-profile';

const q = new URLSearchParams(location.search);
const ENGINE = q.get('engine') ?? 'ort';
const THREADS = q.get('threads') ? Number(q.get('threads')) : undefined;
const SIZES = (q.get('sizes') ?? '256,512').split(',').map(Number);
const RUNS = Number(q.get('runs') ?? 3);
const PROFILE = q.get('profile') === '1';
const STYLE = q.get('style') ?? 'wave';
const IMAGE = q.get('image') ?? '/images/skimage_chelsea.png';
/** The real count, before benchTfjs may change what the page reports. */
const CORES = navigator.hardwareConcurrency;

const logEl = document.getElementById('log')!;
const log = (s: string) => { logEl.textContent += `${s}\n`; console.log(s); };
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

export interface SizeResult {
  size: number; warmupMs: number; runsMs: number[]; medianMs: number;
  /** The stylized pixels (RGB, rounded and clamped), base64, so the driver can compare engines. */
  rgb: string;
  /** ORT only, with profile=1: milliseconds per op type in one run. */
  ops?: OpTime[];
}

async function photoRgb(size: number): Promise<Uint8Array> {
  const bitmap = await createImageBitmap(await (await fetch(IMAGE)).blob());
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, size, size);
  const rgba = ctx.getImageData(0, 0, size, size).data;
  const rgb = new Uint8Array(size * size * 3);
  for (let p = 0; p < size * size; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = rgba[p * 4 + c]!;
  return rgb;
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await f();
  return [performance.now() - t0, r];
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Warm-up and timed runs of `run` at every size. */
async function sizes(run: (rgb: Uint8Array, size: number) => Promise<Uint8Array>): Promise<SizeResult[]> {
  const out: SizeResult[] = [];
  for (const size of SIZES) {
    const rgb = await photoRgb(size);
    const [warmupMs, first] = await timed(() => run(rgb, size));
    const runsMs: number[] = [];
    for (let i = 0; i < RUNS; i++) runsMs.push((await timed(() => run(rgb, size)))[0]);
    const r: SizeResult = { size, warmupMs, runsMs, medianMs: median(runsMs), rgb: base64(first) };
    log(`${size}²: median ${r.medianMs.toFixed(0)} ms (runs ${runsMs.map((x) => x.toFixed(0)).join(', ')}; warm-up ${warmupMs.toFixed(0)})`);
    out.push(r);
  }
  return out;
}

async function benchOrt() {
  configureWasm({ wasmPaths: '/ort/', ...(THREADS !== undefined ? { numThreads: THREADS } : {}) });
  // With profile=1 every session profiles its nodes; one run per size then gives the per-op table.
  const profiler = PROFILE ? captureProfile() : undefined;
  const [loadMs, fst] = await timed(() => FastStyle.load(STYLE as StyleName, { ep: 'wasm' }, {
    store: new ModelStore({ weightsBaseUrl: '/weights/', cache: false }),
  }));
  const run = async (rgb: Uint8Array, size: number) => (await fst.stylizeRaw({ data: rgb, width: size, height: size, channels: 3 })).data as Uint8Array;
  const results = await sizes(run);
  if (profiler) {
    // Each size made 1 + RUNS runs, in order: keep the last of each (the rest are warm-ups).
    const runs = profiler.summarise();
    if (runs.length !== results.length * (1 + RUNS)) throw new Error(`profile: ${runs.length} runs, expected ${results.length * (1 + RUNS)}`);
    results.forEach((r, i) => { r.ops = runs[(i + 1) * (1 + RUNS) - 1]; });
  }
  await fst.dispose();
  return { engine: '@impasto/web, onnxruntime-web wasm', threads: wasmThreads() ?? 0, loadMs, sizes: results };
}

/** The same on @impasto/web's Web Worker (where wasm threads may block instead of spinning). */
async function benchOrtWorker() {
  const worker = new Worker(new URL('../dist/worker.js', import.meta.url), { type: 'module', name: 'impasto-bench' });
  const w = new FastStyleWorker(worker, { store: { weightsBaseUrl: '/weights/', cache: false }, wasm: { wasmPaths: '/ort/', ...(THREADS !== undefined ? { numThreads: THREADS } : {}) } });
  const [loadMs] = await timed(() => w.load(STYLE, { ep: 'wasm' }));
  const run = async (rgb: Uint8Array, size: number) => (await w.stylize({ data: rgb, width: size, height: size, channels: 3 })).data as Uint8Array;
  const results = await sizes(run);
  const threads = w.threads ?? 0;
  await w.dispose();
  return { engine: '@impasto/web worker, onnxruntime-web wasm', threads, loadMs, sizes: results };
}

async function benchTfjs() {
  setWasmPaths('/tfjs-wasm/');
  if (THREADS !== undefined) {
    setThreadsCount(THREADS);
    // tfjs-backend-wasm caps its pool at navigator.hardwareConcurrency / 2 whatever it is asked
    // (its backend.cc assumes 2 hardware threads a core): 1 on 2 cores. Reporting twice the threads
    // asked to it, before its module starts, lets it run as many threads as ORT is given.
    if (THREADS > Math.floor(CORES / 2)) Object.defineProperty(navigator, 'hardwareConcurrency', { configurable: true, get: () => 2 * THREADS });
  }
  const [loadMs, net] = await timed(async () => {
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
    await tf.ready();
    return tfjsFastStyle(await fetchCheckpoint(`/weights/fst/${STYLE}/`));
  });
  const run = async (rgb: Uint8Array, size: number) => {
    const y = await net.run(Float32Array.from(rgb), size, size);
    return Uint8Array.from(y, (v) => Math.round(Math.min(255, Math.max(0, v))));
  };
  const results = await sizes(run);
  net.dispose();
  return { engine: 'TF.js + tfjs-backend-wasm (ml5.js stack)', threads: getThreadsCount(), loadMs, sizes: results };
}

async function main() {
  log(`${ENGINE}: crossOriginIsolated ${self.crossOriginIsolated}, hardwareConcurrency ${CORES}, threads ${THREADS ?? 'default'}, sizes ${SIZES.join(', ')}, ${RUNS} runs`);
  const r = ENGINE === 'tfjs' ? await benchTfjs() : ENGINE === 'worker' ? await benchOrtWorker() : await benchOrt();
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: CORES,
    threadsAsked: THREADS ?? null,
    runs: RUNS, style: STYLE, image: IMAGE,
    version: ENGINE === 'tfjs' ? `tfjs ${tf.version_core}` : `onnxruntime-web ${ort.env.versions.web}`,
    ...r,
  };
}

const w = window as unknown as { benchResult?: unknown; benchError?: string };
main().then((r) => { w.benchResult = r; log('done'); }, (e: unknown) => { w.benchError = e instanceof Error ? `${e.message}\n${e.stack}` : String(e); log(`error: ${w.benchError}`); });
