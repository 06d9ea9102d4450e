import { ImpastoError } from '../errors';
import { utf8Decode } from '../platform';
import type { TensorData } from '../onnx/tensor';
import type { WeightSource } from '../store/source';

/** Number of variables in a Johnson transformer checkpoint: 16 layers x (kernel, beta, gamma). */
export const FST_VARIABLE_COUNT = 48;

interface ManifestEntry {
  filename: string;
  shape: number[];
}

/** The file names a checkpoint consists of (the manifest and one file per variable). */
export function fstCheckpointFiles(): string[] {
  return ['manifest.json', ...Array.from({ length: FST_VARIABLE_COUNT }, (_, i) => variableName(i))];
}

function variableName(i: number): string {
  return i === 0 ? 'Variable' : `Variable_${i}`;
}

/**
 * Reads an ml5/deeplearn.js checkpoint (`manifest.json` plus raw little-endian float32 files) and
 * returns the variables in creation order, in TensorFlow layout.
 */
export async function readFstCheckpoint(source: WeightSource): Promise<TensorData<'float32'>[]> {
  let manifest: Record<string, ManifestEntry>;
  try {
    manifest = JSON.parse(utf8Decode(await source.read('manifest.json')));
  } catch (e) {
    if (e instanceof ImpastoError) throw e;
    throw new ImpastoError('BAD_MODEL', `manifest.json in ${source.location} is not valid JSON`, { cause: e });
  }
  const names = Array.from({ length: FST_VARIABLE_COUNT }, (_, i) => variableName(i));
  const missing = names.filter((n) => !manifest[n]);
  if (missing.length) {
    throw new ImpastoError('BAD_MODEL', `manifest.json in ${source.location} lacks ${missing.join(', ')}: not a fast-style checkpoint`);
  }
  return Promise.all(
    names.map(async (name) => {
      const { filename, shape } = manifest[name]!;
      const bytes = await source.read(filename);
      const n = shape.reduce((a, b) => a * b, 1);
      if (bytes.byteLength !== n * 4) {
        throw new ImpastoError('BAD_MODEL', `${filename} in ${source.location} has ${bytes.byteLength} bytes; shape [${shape}] needs ${n * 4}`);
      }
      // Copy into an aligned buffer: file reads may return views at odd offsets.
      const data = new Float32Array(n);
      new Uint8Array(data.buffer).set(bytes);
      return { type: 'float32' as const, dims: shape, data };
    }),
  );
}
