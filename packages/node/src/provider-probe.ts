import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

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

/** Whether `provider` could possibly initialise here; `false` means trying it is pointless. */
export function mayHaveProvider(provider: string): boolean {
  switch (provider) {
    case 'cuda': {
      const dir = ortBinDir();
      return !!dir && existsSync(join(dir, 'libonnxruntime_providers_cuda.so'));
    }
    case 'dml':
      return process.platform === 'win32';
    case 'webgpu':
      if (process.platform !== 'linux') return true;
      return libDirs().some((d) => existsSync(join(d, 'libvulkan.so.1')));
    default:
      return true;
  }
}
