import * as ort from 'onnxruntime-node';
import { mayHaveProvider } from './provider-probe';
import { ImpastoError, type Backend, type ExecutionProvider, type SessionOptions, type TensorData, wrapOrtSession } from '@impasto/core';

type Provider = Exclude<ExecutionProvider, 'auto'>;

/** Providers `auto` tries, best first. */
const AUTO_ORDER: readonly Provider[] = ['cuda', 'dml', 'webgpu', 'cpu'];

const HOW_TO_ENABLE: Record<Provider, string> = {
  cuda: 'reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12 (needs an NVIDIA GPU with CUDA 12 and cuDNN 9)',
  dml: 'DirectML needs Windows 10 or later with a DirectX 12 GPU',
  webgpu: 'needs a GPU and its Vulkan (Linux), Metal (macOS) or D3D12 (Windows) driver; on Linux also the libvulkan1 package',
  cpu: 'the CPU provider is always bundled; reinstall onnxruntime-node',
  wasm: 'wasm is the browser provider; in Node use cpu',
};

/** Wraps core's plain tensor data (not copied) as this runtime's tensor. */
const toOrt = (t: TensorData) => new ort.Tensor(t.type, t.data as never, t.dims);

async function create(model: Uint8Array, provider: Provider, options: SessionOptions, quiet: boolean): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, {
    executionProviders: [provider],
    intraOpNumThreads: options.intraOpNumThreads ?? 0,
    interOpNumThreads: options.interOpNumThreads ?? 0,
    graphOptimizationLevel: 'all',
    // Probing providers for `auto` is expected to fail; ORT would print each failure as an error.
    logSeverityLevel: quiet ? 4 : 3,
  });
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const line = msg.split('\n').find((l) => l.trim()) ?? msg;
  return line.replace(/^.*?(Failed to get a WebGPU adapter[^.]*|Failed to load shared library|backend not found)/, '$1').slice(0, 200);
}

/** The onnxruntime-node backend: cpu, cuda, dml and webgpu providers. */
export const nodeBackend: Backend = {
  name: 'onnxruntime-node',
  providers: AUTO_ORDER,
  async createSession(model, options = {}) {
    const ep = options.ep ?? 'auto';
    if (ep === 'wasm') {
      throw new ImpastoError('PROVIDER_UNAVAILABLE', `execution provider 'wasm' is not available in Node: ${HOW_TO_ENABLE.wasm}`);
    }
    if (ep !== 'auto') {
      if (!AUTO_ORDER.includes(ep)) {
        throw new ImpastoError('INVALID_ARGUMENT', `Expected one of auto, ${AUTO_ORDER.join(', ')} for ep but received '${ep}'`);
      }
      try {
        return wrapOrtSession(await create(model, ep, options, false), ep, toOrt);
      } catch (e) {
        if (ep === 'cpu') throw new ImpastoError('BAD_MODEL', `ONNX Runtime could not load the model: ${firstLine(e)}`, { cause: e });
        throw new ImpastoError('PROVIDER_UNAVAILABLE', `execution provider '${ep}' failed to load (${firstLine(e)}); ${HOW_TO_ENABLE[ep]}`, { cause: e });
      }
    }
    const errors: string[] = [];
    for (const p of AUTO_ORDER) {
      if (!mayHaveProvider(p)) {
        errors.push(`[${p}] not installed here`);
        continue;
      }
      try {
        return wrapOrtSession(await create(model, p, options, p !== 'cpu'), p, toOrt);
      } catch (e) {
        errors.push(`[${p}] ${firstLine(e)}`);
      }
    }
    throw new ImpastoError('PROVIDER_UNAVAILABLE', `no execution provider could run the model: ${errors.join('; ')}`);
  },
};
