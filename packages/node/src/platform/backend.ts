import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { type Provider, type RuntimeAdapter, createBackend } from '@impasto/core/platform';
import { Graph, type TensorData, encodeModel } from '@impasto/core/onnx';
import { env } from './env';

// Trying a provider whose native pieces are absent makes ONNX Runtime and Dawn print errors on
// stderr that no log level silences, so `auto` first looks for those pieces on disk.

function libDirs(): string[] {
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  return [...fromEnv, '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib64', '/lib', '/usr/local/lib'];
}

function ortBinDir(): string | undefined {
  try {
    const req = createRequire(import.meta.url);
    return join(dirname(req.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

function hasGpuDevice(): boolean {
  const list = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  return list('/dev/dri').some((f) => f.startsWith('renderD')) || list('/dev').some((f) => /^nvidia\d/.test(f));
}

/** Why `provider` cannot initialise here, or undefined if it may (what `auto` skips). */
export function providerUnavailable(provider: Provider): string | undefined {
  switch (provider) {
    case 'cuda': {
      const dir = ortBinDir();
      return dir && existsSync(join(dir, 'libonnxruntime_providers_cuda.so')) ? undefined : 'not installed here';
    }
    case 'dml':
      return process.platform === 'win32' ? undefined : 'needs Windows';
    case 'webgpu':
      if (process.platform !== 'linux') return undefined;
      if (!libDirs().some((d) => existsSync(join(d, 'libvulkan.so.1')))) return 'no Vulkan loader (libvulkan.so.1)';
      // A driver named in the environment is the user's choice, unless it is a software one
      // (SwiftShader, lavapipe): far slower than cpu, so `auto` skips it (ep 'webgpu' still uses it).
      const named = process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES;
      if (named) return /swiftshader|lvp|lavapipe|llvmpipe/i.test(named) ? `only a software Vulkan driver (${named})` : undefined;
      // Mesa installs Vulkan drivers without any GPU behind them; Dawn then probes each and warns.
      return hasGpuDevice() ? undefined : 'no GPU device (/dev/dri/renderD*, /dev/nvidia*)';
    default:
      return undefined;
  }
}

/** `IMPASTO_VERBOSE=1` (the CLI's `--verbose`) lets ONNX Runtime's warnings through. */
const verbose = () => env.verbose;

const adapter: RuntimeAdapter = {
  name: 'onnxruntime-node',
  where: 'in Node',
  providers: ['cuda', 'dml', 'webgpu', 'cpu'],
  hints: {
    cuda: 'reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12 (needs an NVIDIA GPU with CUDA 12 and cuDNN 9)',
    dml: 'DirectML needs Windows 10 or later with a DirectX 12 GPU',
    webgpu: 'needs a GPU and its Vulkan (Linux), Metal (macOS) or D3D12 (Windows) driver; on Linux also the libvulkan1 package',
    cpu: 'the CPU provider is always bundled; reinstall onnxruntime-node',
    wasm: 'wasm is the browser provider; in Node use cpu',
  },
  unavailable: providerUnavailable,
  maxThreads: 4 * availableParallelism(),
  create: (model, provider, o, quiet, keep = []) => {
    // The process-wide level is read when ONNX Runtime's environment starts: the first session.
    ort.env.logLevel = verbose() ? 'warning' : 'fatal';
    return ort.InferenceSession.create(model, {
      executionProviders: [provider],
      // ONNX Runtime's own default (0) counts physical cores and runs one thread on this project's
      // 2-core VM, where two run fast style 1.6x faster: so 0 means one per core here, as in TensorFlow.
      intraOpNumThreads: o.intraOpNumThreads || env.threads || availableParallelism(),
      interOpNumThreads: o.interOpNumThreads,
      graphOptimizationLevel: 'all',
      // Worker threads that spin between operators (ONNX Runtime's default) took fast style at
      // 256² from 64 to 91 ms on this project's 2-core VM (int8: 39 to 61): they contend with the
      // thread that runs the sequential parts. Without spinning, 512² and 1024² ran as fast.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
      // The memory pattern plans one arena per input shape and keeps it: every new non-square size
      // allocated its activations again (+523 MiB on a second 1448x724 stylize; 21 MiB without it),
      // at no measurable cost in speed here.
      enableMemPattern: false,
      // ONNX Runtime's own log lines (ANSI-coloured, multi-line) reach the terminal only when asked
      // for: its errors become one-line ImpastoErrors anyway, and probing for `auto` is expected to fail.
      logSeverityLevel: verbose() && !quiet ? 2 : 4,
      // Outputs the next run takes back stay in GPU memory (webgpu); other providers hand them back on the host.
      ...(provider === 'webgpu' && keep.length ? { preferredOutputLocation: Object.fromEntries(keep.map((k) => [k, 'gpu-buffer' as const])) } : {}),
    });
  },
  download: (t) => readBack(t as ort.Tensor),
  tensor: (t) => new ort.Tensor(t.type, t.data as never, t.dims),
  isModelError: (provider) => provider === 'cpu',
};

const readers = new Map<string, Promise<ort.InferenceSession>>();

/**
 * A webgpu tensor brought to the host through a one-node session: onnxruntime-node 1.30 has no
 * download for gpu-buffer tensors (`getData()` aborts the process), but a session whose output
 * lives on the CPU copies its input over. One such session per element type and rank.
 */
async function readBack(t: ort.Tensor): Promise<TensorData> {
  const key = `${t.type}:${t.dims.length}`;
  let reader = readers.get(key);
  if (!reader) {
    const g = new Graph('read_back');
    const dims = t.dims.map((_, i) => `d${i}`);
    g.output(g.op('Identity', [g.input('device', t.type as 'float32', dims)]), 'host', t.type as 'float32', dims);
    reader = ort.InferenceSession.create(encodeModel(g), { executionProviders: ['webgpu'], logSeverityLevel: 4 });
    readers.set(key, reader);
  }
  const host = (await (await reader).run({ device: t })).host!;
  return { type: host.type as TensorData['type'], dims: [...host.dims], data: host.data as never };
}

/** Platform contract 1: sessions on onnxruntime-node (cpu, cuda, dml, webgpu). */
export const nodeBackend = createBackend(adapter);
