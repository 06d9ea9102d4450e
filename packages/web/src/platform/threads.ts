import * as ort from 'onnxruntime-web';

/** The most wasm threads Impasto picks by itself (ONNX Runtime's own cap). */
const MAX_DEFAULT_THREADS = 4;

interface BrowserScope {
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
}

/** A page or worker, as ONNX Runtime tells them (Node has no `self` and keeps ORT's own default). */
function browserScope(): BrowserScope | undefined {
  return typeof self === 'undefined' ? undefined : (self as BrowserScope);
}

/**
 * The wasm threads to start with when nobody chose: every core up to 4 on a cross-origin isolated
 * page or worker, else 1 (SharedArrayBuffer, and so any wasm thread, needs isolation). ONNX
 * Runtime's own default is half the cores, which is 1 on a 2-core machine; there FST wave at 512²
 * ran 1.7–2.0x faster on 2 threads than on 1 (BENCHMARKS.md, browser): Conv, ~87 % of the time,
 * splits across threads. Where other work holds the cores, 1 thread can be faster: choose with
 * `configureWasm({ numThreads })`.
 */
export function defaultWasmThreads(scope: BrowserScope | undefined = browserScope()): number {
  if (!scope?.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(MAX_DEFAULT_THREADS, scope.navigator?.hardwareConcurrency || 1));
}

let noted = false;
let running: number | undefined;

/**
 * Before the first session: sets `ort.env.wasm.numThreads` when neither `configureWasm` nor
 * `intraOpNumThreads` did. Without cross-origin isolation that is 1, said once on the console, as
 * SharedArrayBuffer (and so every wasm thread) needs COOP/COEP; choosing a count silences it.
 */
export function chooseWasmThreads(): void {
  if (running !== undefined) return;
  const scope = browserScope();
  const asked = ort.env.wasm.numThreads;
  if (!scope || (typeof asked === 'number' && asked > 0)) return;
  ort.env.wasm.numThreads = defaultWasmThreads(scope);
  if (!scope.crossOriginIsolated && !noted) {
    noted = true;
    const where = typeof document === 'undefined' ? 'worker' : 'page';
    console.info(
      `@impasto/web: onnxruntime-web runs wasm on 1 thread because this ${where} is not cross-origin isolated; ` +
        'serve it with "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp" for threads ' +
        '(or call configureWasm({ numThreads: 1 }) to keep one thread without this note)',
    );
  }
}

/** After the first session: the thread count ONNX Runtime started with (it drops to 1 where threads cannot run). */
export function noteWasmThreads(): void {
  running ??= ort.env.wasm.numThreads || 1;
}

/**
 * The wasm threads ONNX Runtime runs with on this page or worker (the main thread included), or
 * undefined before the first session. Fixed once ORT has started: later settings do not change it.
 */
export function wasmThreads(): number | undefined {
  return running;
}
