/**
 * Browser benchmark page (driven by scripts/bench-web.ts): fast style transfer (wave) on one photo,
 * with @impasto/web on onnxruntime-web's wasm provider and with TensorFlow.js + tfjs-backend-wasm
 * (ml5.js's stack), in the same page. Median of N runs after one warm-up each.
 *
 * Query: size (512), runs (3), threads (navigator.hardwareConcurrency), style (wave), image (URL).
 */
import { FastStyle, ModelStore, configureWasm } from '@impasto/web';
import * as ort from 'onnxruntime-web';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fetchCheckpoint, tfjsFastStyle } from './fst-tfjs-browser';

const q = new URLSearchParams(location.search);
const SIZE = Number(q.get('size') ?? 512);
const RUNS = Number(q.get('runs') ?? 3);
const THREADS = Number(q.get('threads') ?? navigator.hardwareConcurrency);
const STYLE = q.get('style') ?? 'wave';
const IMAGE = q.get('image') ?? '/images/skimage_chelsea.png';

const logEl = document.getElementById('log')!;
const log = (s: string) => { logEl.textContent += `${s}\n`; console.log(s); };
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

export interface EngineResult { engine: string; threads: number; loadMs: number; warmupMs: number; runsMs: number[]; medianMs: number }

async function photoRgb(): Promise<Uint8ClampedArray> {
  const bitmap = await createImageBitmap(await (await fetch(IMAGE)).blob());
  const canvas = new OffscreenCanvas(SIZE, SIZE);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, SIZE, SIZE);
  const rgba = ctx.getImageData(0, 0, SIZE, SIZE).data;
  const rgb = new Uint8ClampedArray(SIZE * SIZE * 3);
  for (let p = 0; p < SIZE * SIZE; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = rgba[p * 4 + c]!;
  return rgb;
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await f();
  return [performance.now() - t0, r];
}

async function benchOrt(rgb: Uint8ClampedArray): Promise<[EngineResult, Uint8Array | Uint8ClampedArray]> {
  configureWasm({ wasmPaths: '/ort/', numThreads: THREADS });
  const [loadMs, fst] = await timed(() => FastStyle.load(STYLE, { ep: 'wasm' }, {
    store: new ModelStore({ weightsBaseUrl: '/weights/', cache: false }),
  }));
  const image = { data: rgb, width: SIZE, height: SIZE, channels: 3 as const };
  const [warmupMs, first] = await timed(() => fst.stylizeRaw(image));
  const runsMs: number[] = [];
  for (let i = 0; i < RUNS; i++) runsMs.push((await timed(() => fst.stylizeRaw(image)))[0]);
  const threads = ort.env.wasm.numThreads ?? 1;
  await fst.dispose();
  const r = { engine: '@impasto/web, onnxruntime-web wasm', threads, loadMs, warmupMs, runsMs, medianMs: median(runsMs) };
  log(JSON.stringify(r));
  return [r, first.data];
}

async function benchTfjs(rgb: Uint8ClampedArray): Promise<[EngineResult, Float32Array]> {
  setWasmPaths('/tfjs-wasm/');
  setThreadsCount(THREADS);
  const [loadMs, net] = await timed(async () => {
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
    await tf.ready();
    return tfjsFastStyle(await fetchCheckpoint(`/weights/fst/${STYLE}/`));
  });
  const input = Float32Array.from(rgb);
  const [warmupMs, first] = await timed(() => net.run(input, SIZE, SIZE));
  const runsMs: number[] = [];
  for (let i = 0; i < RUNS; i++) runsMs.push((await timed(() => net.run(input, SIZE, SIZE)))[0]);
  net.dispose();
  const r = { engine: 'TF.js + tfjs-backend-wasm (ml5.js stack)', threads: getThreadsCount(), loadMs, warmupMs, runsMs, medianMs: median(runsMs) };
  log(JSON.stringify(r));
  return [r, first];
}

async function main() {
  log(`crossOriginIsolated ${self.crossOriginIsolated}, hardwareConcurrency ${navigator.hardwareConcurrency}, ${SIZE}x${SIZE}, ${RUNS} runs`);
  const rgb = await photoRgb();
  const [ortResult, ortOut] = await benchOrt(rgb);
  const [tfjsResult, tfjsOut] = await benchTfjs(rgb);
  // The two engines must compute the same picture (uint8 output vs clamped, rounded float).
  let sum = 0;
  const n = SIZE * SIZE;
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) {
    const t = Math.round(Math.min(255, Math.max(0, tfjsOut[p * 3 + c]!)));
    sum += Math.abs(ortOut[p * 3 + c]! - t);
  }
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    size: SIZE, runs: RUNS, style: STYLE, image: IMAGE,
    tfjsVersion: tf.version_core,
    ortVersion: ort.env.versions.web,
    engines: [ortResult, tfjsResult],
    speedup: tfjsResult.medianMs / ortResult.medianMs,
    meanAbsDiff: sum / (3 * n),
  };
}

const w = window as unknown as { benchResult?: unknown; benchError?: string };
main().then((r) => { w.benchResult = r; log('done'); }, (e: unknown) => { w.benchError = e instanceof Error ? `${e.message}\n${e.stack}` : String(e); log(`error: ${w.benchError}`); });
