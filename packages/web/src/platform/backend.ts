import * as ort from 'onnxruntime-web';
import { env } from './env';
import { ImpastoError, type RuntimeAdapter, createBackend, firstLineOf } from '@impasto/core/platform';
import { prepareOrtFiles, startingOrt } from './ort-files';
import { chooseWasmThreads, noteWasmThreads } from './threads';

/** Settings for onnxruntime-web's wasm runtime; they take effect before the first session is created. */
export interface WasmOptions {
  /**
   * Where ONNX Runtime's `ort-wasm-simd-threaded.jsep.mjs` and `.wasm` are served: a URL prefix
   * ending in '/', or explicit file URLs. Unset, the files your bundler emitted (Vite, webpack 5)
   * are used when they are served (the wasm-only `ort-wasm-simd-threaded.mjs` and `.wasm`, half the
   * size, when the first session asks for wasm), else ONNX Runtime looks next to its own script.
   */
  wasmPaths?: ort.Env.WasmPrefixOrFilePaths;
  /**
   * Wasm threads, the main thread included (more than 1 needs a cross-origin isolated page). Unset
   * or 0: every core up to 4 when the page or worker is cross-origin isolated, else 1 (see `wasmThreads`).
   */
  numThreads?: number;
  /** Run the wasm runtime inside a worker that ORT manages. */
  proxy?: boolean;
}

/** Sets onnxruntime-web's wasm options (the browser's counterpart of environment variables). Call before loading a model. */
export function configureWasm(options: WasmOptions): void {
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  if (options.numThreads !== undefined) ort.env.wasm.numThreads = options.numThreads;
  if (options.proxy !== undefined) ort.env.wasm.proxy = options.proxy;
}

interface AdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: { readonly isFallbackAdapter?: boolean };
}
interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}

let adapterProbe: Promise<'none' | 'fallback' | 'gpu'> | undefined;

/** What `navigator.gpu` gives: no adapter, only a software fallback (e.g. SwiftShader), or a GPU (checked once per page). */
export function webGpuAdapterKind(): Promise<'none' | 'fallback' | 'gpu'> {
  adapterProbe ??= (async () => {
    const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
    if (!gpu) return 'none';
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) return 'none';
      return adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter ? 'fallback' : 'gpu';
    } catch {
      return 'none';
    }
  })();
  return adapterProbe;
}

/** Whether `navigator.gpu` gives any adapter, a software fallback included. */
export async function hasWebGpuAdapter(): Promise<boolean> {
  return (await webGpuAdapterKind()) !== 'none';
}

const adapter: RuntimeAdapter = {
  name: 'onnxruntime-web',
  where: 'in the browser',
  providers: ['webgpu', 'wasm'],
  hints: {
    webgpu: 'needs a browser with WebGPU (navigator.gpu) and a GPU adapter; use wasm otherwise',
    wasm: 'the wasm provider needs WebAssembly; check that the ONNX Runtime .wasm file is reachable (see configureWasm)',
    cpu: 'cpu is the Node provider; in the browser use wasm',
    cuda: 'cuda is a Node provider; in the browser use webgpu or wasm',
    dml: 'dml is a Node provider on Windows; in the browser use webgpu or wasm',
  },
  maxThreads: 4 * ((globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency || 4),
  async unavailable(provider) {
    if (provider !== 'webgpu') return undefined;
    const kind = await webGpuAdapterKind();
    // A software adapter runs 40–110x slower than wasm: `auto` never picks it (ep 'webgpu' still can).
    return kind === 'none' ? 'no WebGPU adapter' : kind === 'fallback' ? 'only a software (fallback) WebGPU adapter' : undefined;
  },
  checkOptions(o) {
    if (o.interOpNumThreads !== 0) {
      throw new ImpastoError('INVALID_ARGUMENT', `interOpNumThreads is not supported by onnxruntime-web (received ${o.interOpNumThreads}); use intraOpNumThreads for wasm threads`);
    }
    // onnxruntime-web has one thread pool per page, sized when the first session starts.
    if (o.intraOpNumThreads) ort.env.wasm.numThreads = o.intraOpNumThreads;
  },
  async create(model, provider, _o, quiet, keep = []) {
    if (provider === 'webgpu' && !(await hasWebGpuAdapter())) throw new Error('no WebGPU adapter here');
    // The page's settings, unless configureWasm set them already.
    if (env.wasmPaths !== undefined && ort.env.wasm.wasmPaths === undefined) ort.env.wasm.wasmPaths = env.wasmPaths;
    if (env.threads && !ort.env.wasm.numThreads) ort.env.wasm.numThreads = env.threads;
    await prepareOrtFiles(provider);
    chooseWasmThreads();
    const session = await startingOrt(() => ort.InferenceSession.create(model, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        logSeverityLevel: quiet ? 4 : 3,
        // Outputs the next run takes back stay in GPU memory on webgpu.
        ...(provider === 'webgpu' && keep.length ? { preferredOutputLocation: Object.fromEntries(keep.map((k) => [k, 'gpu-buffer' as const])) } : {}),
      }));
    noteWasmThreads();
    return session;
  },
  tensor: (t) => new ort.Tensor(t.type, t.data as never, t.dims),
  isModelError: (provider, e) => provider === 'wasm' && !/no available backend|\.wasm|WebAssembly/i.test(firstLineOf(e)),
};

/** Platform contract 1: sessions on onnxruntime-web (webgpu when the browser has an adapter, wasm). */
export const webBackend = createBackend(adapter);
