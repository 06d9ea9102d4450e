import * as ort from 'onnxruntime-web';
import { ImpastoError } from '@impasto/core/platform';

/**
 * onnxruntime-web's runtime (its Emscripten module and .wasm), named so that bundlers see the files:
 * Vite 7 and 8 (build and dev server) and webpack 5 resolve `new URL('<package>/<file>', import.meta.url)`
 * through the package's exports and emit the file beside the app; with esbuild the app copies them
 * next to its bundle (all tested in the consumer test).
 *
 * Why not ORT's default: its default build starts its wasm threads from its own `import.meta.url`,
 * which once bundled is the app's chunk, so every thread runs the app (`document is not defined`)
 * and ORT waits for them forever. Loaded from its own file, the runtime starts threads from that file.
 */
/**
 * ONNX Runtime's two wasm builds: `jsep` runs webgpu and wasm (29.5 MB of .wasm), `plain` only wasm
 * (14.8 MB). One runtime per page or worker, so the first session picks it.
 */
export type OrtBuild = 'jsep' | 'plain';

function bundledFiles(build: OrtBuild): { mjs: string; wasm: string } | undefined {
  // Literal URLs, one pair per build: a bundler only emits what it can read.
  const files = build === 'jsep'
    ? {
        mjs: new URL('onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs', import.meta.url).href,
        wasm: new URL('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm', import.meta.url).href,
      }
    : {
        mjs: new URL('onnxruntime-web/ort-wasm-simd-threaded.mjs', import.meta.url).href,
        wasm: new URL('onnxruntime-web/ort-wasm-simd-threaded.wasm', import.meta.url).href,
      };
  const asWritten = /\/onnxruntime-web\/ort-wasm-[\w.-]+$/.test(new URL(files.mjs).pathname);
  if (!asWritten) return files;
  // Left as written: no bundler read it. Served from node_modules (a dev server's pre-bundled
  // dependencies), ORT's own default works; else (esbuild) the files are looked for next to the
  // bundle, where the README's recipe copies them. Nothing is probed that cannot exist: a 404
  // shows in the console.
  const here = import.meta.url;
  if (new URL(here).pathname.includes('/node_modules/')) return undefined;
  const beside = (url: string) => new URL(url.slice(url.lastIndexOf('/') + 1), here).href;
  return { mjs: beside(files.mjs), wasm: beside(files.wasm) };
}

/** Whether `url` serves a JavaScript module (not a 404, nor a dev server's index.html fallback). */
async function servesScript(url: string): Promise<boolean> {
  try {
    // GET, not HEAD: dev servers answer HEAD from their index.html fallback. Read to the end (the
    // glue is 50 KB and ORT imports it next, from the cache): a cancelled body shows in the
    // console as a failed request.
    const r = await fetch(url);
    await r.arrayBuffer();
    return r.ok && /javascript/i.test(r.headers.get('content-type') ?? '');
  } catch {
    return false;
  }
}

let prepared: { build: OrtBuild; ready: Promise<void> } | undefined;

/**
 * Points ORT at the bundler-emitted runtime files when they are served, once per page or worker and
 * before the first session: the wasm-only build when that session asks for wasm, else the one with
 * WebGPU. Paths set with `configureWasm` win; where the files are not served (no bundler, or one
 * that does not emit them), ORT keeps its default, which works unbundled. Errors:
 * `PROVIDER_UNAVAILABLE` for webgpu after the wasm-only build started.
 */
export function prepareOrtFiles(provider: string): Promise<void> {
  const build: OrtBuild = provider === 'wasm' ? 'plain' : 'jsep';
  if (!prepared) {
    const state: { build: OrtBuild; ready: Promise<void> } = { build, ready: Promise.resolve() };
    prepared = state;
    state.ready = (async () => {
      if (ort.env.wasm.wasmPaths !== undefined) {
        state.build = 'jsep'; // the caller's files: whichever build they are, never refuse webgpu for them
        return;
      }
      const files = bundledFiles(build);
      if (files && (await servesScript(files.mjs))) ort.env.wasm.wasmPaths = files;
      else state.build = 'jsep'; // ORT's own default is its build with WebGPU
    })();
    return state.ready;
  }
  const first = prepared;
  return first.ready.then(() => {
    if (build === 'jsep' && first.build === 'plain') {
      throw new ImpastoError(
        'PROVIDER_UNAVAILABLE',
        "webgpu is not in the ONNX Runtime build this page started (the wasm-only one, which its first session asked for); load a webgpu or 'auto' engine first",
      );
    }
  });
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
