import * as ort from 'onnxruntime-web';
import { ImpastoError } from '@impasto/core/platform';

/**
 * onnxruntime-web's runtime (its Emscripten module and .wasm), named so that bundlers see the files:
 * Vite (build and dev server; tested) and webpack 5 (documented) resolve `new URL('<package>/<file>', import.meta.url)`
 * through the package's exports and emit the file beside the app.
 *
 * Why not ORT's default: its default build starts its wasm threads from its own `import.meta.url`,
 * which once bundled is the app's chunk, so every thread runs the app (`document is not defined`)
 * and ORT waits for them forever. Loaded from its own file, the runtime starts threads from that file.
 */
function bundledFiles(): { mjs: string; wasm: string } {
  return {
    mjs: new URL('onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs', import.meta.url).href,
    wasm: new URL('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm', import.meta.url).href,
  };
}

/** Whether `url` serves a JavaScript module (not a 404, nor a dev server's index.html fallback). */
async function servesScript(url: string): Promise<boolean> {
  try {
    // GET, not HEAD: dev servers answer HEAD from their index.html fallback.
    const r = await fetch(url);
    void r.body?.cancel();
    return r.ok && /javascript/i.test(r.headers.get('content-type') ?? '');
  } catch {
    return false;
  }
}

let prepared: Promise<void> | undefined;

/**
 * Points ORT at the bundler-emitted runtime files when they are served, once per page or worker and
 * before the first session. Paths set with `configureWasm` win; where the files are not served
 * (no bundler, or one that does not emit them), ORT keeps its default, which works unbundled.
 */
export function prepareOrtFiles(): Promise<void> {
  prepared ??= (async () => {
    if (ort.env.wasm.wasmPaths !== undefined) return;
    const files = bundledFiles();
    if (await servesScript(files.mjs)) ort.env.wasm.wasmPaths = files;
  })();
  return prepared;
}

let started = false;

/**
 * Runs the first session creation (which starts ORT's wasm runtime and its threads) so that a
 * thread that fails to start rejects it at once with what to do, instead of the hang ORT gives.
 * ORT names its thread workers "em-pthread"; only those are watched, and only until ORT is up.
 */
export async function startingOrt<T>(create: () => Promise<T>): Promise<T> {
  const Native = (globalThis as { Worker?: typeof Worker }).Worker;
  if (started || !Native) return create();
  let fail!: (e: ImpastoError) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const onError = (ev: ErrorEvent) => fail(threadError(ev));
  class WatchedWorker extends Native {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      if (options?.name?.startsWith('em-pthread')) this.addEventListener('error', onError);
    }
  }
  (globalThis as { Worker: typeof Worker }).Worker = WatchedWorker;
  try {
    const session = await Promise.race([create(), failed]);
    started = true;
    return session;
  } finally {
    (globalThis as { Worker: typeof Worker }).Worker = Native;
  }
}

function threadError(ev: ErrorEvent): ImpastoError {
  const where = ev.filename ? ` from ${ev.filename}` : '';
  return new ImpastoError(
    'PROVIDER_UNAVAILABLE',
    `onnxruntime-web's wasm threads could not start (a thread loaded${where} and failed: ${ev.message || 'error'}); ` +
      'a bundler put ONNX Runtime into the app\'s script without emitting its runtime files: serve ' +
      'onnxruntime-web/dist/ort-wasm-simd-threaded.jsep.mjs and .jsep.wasm and call configureWasm({ wasmPaths: { mjs, wasm } }), ' +
      'or configureWasm({ numThreads: 1 })',
  );
}
