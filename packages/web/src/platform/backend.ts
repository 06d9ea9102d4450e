import * as ort from 'onnxruntime-web';
import { ImpastoError, type Backend, type ExecutionProvider, type SessionOptions, type TensorData, wrapOrtSession } from '@impasto/core';

type Provider = Exclude<ExecutionProvider, 'auto'>;
type WebProvider = 'webgpu' | 'wasm';

/** Providers `auto` tries, best first. */
const AUTO_ORDER: readonly WebProvider[] = ['webgpu', 'wasm'];

const HOW_TO_ENABLE: Record<Provider, string> = {
  webgpu: 'needs a browser with WebGPU (navigator.gpu) and a GPU adapter; use wasm otherwise',
  wasm: 'the wasm provider needs WebAssembly; check that the ONNX Runtime .wasm file is reachable (see configureWasm)',
  cpu: 'cpu is the Node provider; in the browser use wasm',
  cuda: 'cuda is a Node provider; in the browser use webgpu or wasm',
  dml: 'dml is a Node provider on Windows; in the browser use webgpu or wasm',
};

/** Settings for onnxruntime-web's wasm runtime; they take effect before the first session is created. */
export interface WasmOptions {
  /**
   * Where the `ort-wasm-*.wasm` (and `.mjs`) files are served: a URL prefix ending in '/', or
   * explicit file URLs. Unset, ONNX Runtime loads them next to its own script (bundlers that follow
   * `new URL(..., import.meta.url)` copy them there).
   */
  wasmPaths?: ort.Env.WasmPrefixOrFilePaths;
  /** Worker threads for wasm (needs a cross-origin isolated page for more than 1; 0 lets ORT decide). */
  numThreads?: number;
  /** Run the wasm runtime inside a worker that ORT manages. */
  proxy?: boolean;
}

/** Sets onnxruntime-web's wasm options. Call before loading a model. */
export function configureWasm(options: WasmOptions): void {
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  if (options.numThreads !== undefined) ort.env.wasm.numThreads = options.numThreads;
  if (options.proxy !== undefined) ort.env.wasm.proxy = options.proxy;
}

interface GpuLike {
  requestAdapter(): Promise<unknown | null>;
}

let adapterProbe: Promise<boolean> | undefined;

/** Whether `navigator.gpu` exists and gives an adapter (checked once per page). */
export function hasWebGpuAdapter(): Promise<boolean> {
  adapterProbe ??= (async () => {
    const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
    if (!gpu) return false;
    try {
      return (await gpu.requestAdapter()) != null;
    } catch {
      return false;
    }
  })();
  return adapterProbe;
}

/** Wraps core's plain tensor data (not copied) as this runtime's tensor. */
const toOrt = (t: TensorData) => new ort.Tensor(t.type, t.data as never, t.dims);

async function create(model: Uint8Array, provider: WebProvider, quiet: boolean): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    logSeverityLevel: quiet ? 4 : 3,
  });
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split('\n').find((l) => l.trim()) ?? msg).slice(0, 200);
}

/** The onnxruntime-web backend: webgpu (when the browser gives an adapter) and wasm providers. */
export const webBackend: Backend = {
  name: 'onnxruntime-web',
  providers: AUTO_ORDER,
  async createSession(model, options: SessionOptions = {}) {
    const ep = options.ep ?? 'auto';
    if (options.intraOpNumThreads) ort.env.wasm.numThreads = options.intraOpNumThreads;
    if (ep === 'cpu' || ep === 'cuda' || ep === 'dml') {
      throw new ImpastoError('PROVIDER_UNAVAILABLE', `execution provider '${ep}' is not available in the browser: ${HOW_TO_ENABLE[ep]}`);
    }
    if (ep !== 'auto') {
      if (!AUTO_ORDER.includes(ep)) {
        throw new ImpastoError('INVALID_ARGUMENT', `Expected one of auto, ${AUTO_ORDER.join(', ')} for ep but received '${String(ep)}'`);
      }
      if (ep === 'webgpu' && !(await hasWebGpuAdapter())) {
        throw new ImpastoError('PROVIDER_UNAVAILABLE', `execution provider 'webgpu' has no adapter here; ${HOW_TO_ENABLE.webgpu}`);
      }
      try {
        return wrapOrtSession(await create(model, ep, false), ep, toOrt);
      } catch (e) {
        if (ep === 'wasm' && !/no available backend|\.wasm|WebAssembly/i.test(firstLine(e))) {
          throw new ImpastoError('BAD_MODEL', `ONNX Runtime could not load the model: ${firstLine(e)}`, { cause: e });
        }
        throw new ImpastoError('PROVIDER_UNAVAILABLE', `execution provider '${ep}' failed to load (${firstLine(e)}); ${HOW_TO_ENABLE[ep]}`, { cause: e });
      }
    }
    const errors: string[] = [];
    for (const p of AUTO_ORDER) {
      if (p === 'webgpu' && !(await hasWebGpuAdapter())) {
        errors.push('[webgpu] no adapter');
        continue;
      }
      try {
        return wrapOrtSession(await create(model, p, p !== 'wasm'), p, toOrt);
      } catch (e) {
        errors.push(`[${p}] ${firstLine(e)}`);
      }
    }
    throw new ImpastoError('PROVIDER_UNAVAILABLE', `no execution provider could run the model: ${errors.join('; ')}`);
  },
};
