import { ImpastoError } from '../errors';
import { utf8Decode } from '../platform';
import { transpose, type TensorData } from '../onnx/tensor';
import type { WeightSource } from '../store/source';

/**
 * The transformer's layers in the order lengstrom/fast-style-transfer creates their variables; each
 * creates three: kernel, instance-norm shift (beta), instance-norm scale (gamma).
 */
export const FST_CHECKPOINT_LAYERS = [
  'conv1', 'conv2', 'conv3',
  'res1.conv1', 'res1.conv2',
  'res2.conv1', 'res2.conv2',
  'res3.conv1', 'res3.conv2',
  'res4.conv1', 'res4.conv2',
  'res5.conv1', 'res5.conv2',
  'deconv1', 'deconv2', 'conv4',
] as const;

/** Parameter names of `Variable`, `Variable_1`, … in order: `conv1.kernel`, `conv1.beta`, `conv1.gamma`, … */
const PARAMETER_NAMES = FST_CHECKPOINT_LAYERS.flatMap((layer) => [`${layer}.kernel`, `${layer}.beta`, `${layer}.gamma`]);

/** Number of variables in a Johnson transformer checkpoint: 16 layers x (kernel, beta, gamma). */
export const FST_VARIABLE_COUNT = PARAMETER_NAMES.length;

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

/**
 * Names the variables of `readFstCheckpoint` (`conv1.kernel`, `res3.conv2.gamma`, …) and moves the
 * kernels from TensorFlow layout to ONNX's: conv [kh, kw, in, out] to [out, in, kh, kw], and
 * conv-transpose [kh, kw, out, in] to ConvTranspose's [in, out, kh, kw] (one permutation serves both).
 */
export function fstParameters(variables: readonly TensorData<'float32'>[]): Record<string, TensorData<'float32'>> {
  if (variables.length !== FST_VARIABLE_COUNT) {
    throw new ImpastoError('BAD_MODEL', `a fast-style checkpoint has ${FST_VARIABLE_COUNT} variables, got ${variables.length}`);
  }
  return Object.fromEntries(
    PARAMETER_NAMES.map((name, i) => {
      const v = variables[i]!;
      return [name, name.endsWith('.kernel') ? transpose(v, [3, 2, 0, 1]) : v];
    }),
  );
}
