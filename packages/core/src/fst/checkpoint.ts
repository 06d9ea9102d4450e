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

const MAX_MANIFEST_BYTES = 1 << 20;
/** The largest variable of the network (a 128x128x3x3 kernel) with room to spare. */
const MAX_VARIABLE_ELEMENTS = 1 << 22;

/** A manifest entry as the reader needs it, or a `BAD_MODEL` error saying what is wrong with it. */
function checkEntry(entry: unknown, name: string, where: string): ManifestEntry {
  const e = entry as Partial<ManifestEntry>;
  const bad = (why: string) => new ImpastoError('BAD_MODEL', `manifest.json in ${where}: ${name} ${why}`);
  if (typeof e !== 'object' || e === null) throw bad('is not an entry');
  // Plain file names only: a manifest must not reach outside its checkpoint folder.
  if (typeof e.filename !== 'string' || !/^[\w][\w.-]*$/.test(e.filename)) throw bad(`names '${String(e.filename)}', not a file in the checkpoint folder`);
  if (!Array.isArray(e.shape) || e.shape.length < 1 || e.shape.length > 4 || !e.shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw bad(`has shape ${JSON.stringify(e.shape)}, not 1 to 4 positive integers`);
  }
  if (e.shape.reduce((a, b) => a * b, 1) > MAX_VARIABLE_ELEMENTS) throw bad(`has shape [${e.shape}], larger than any variable of the network`);
  return { filename: e.filename, shape: e.shape };
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
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(utf8Decode(await source.read('manifest.json', { maxBytes: MAX_MANIFEST_BYTES })));
  } catch (e) {
    if (e instanceof ImpastoError) throw e;
    throw new ImpastoError('BAD_MODEL', `manifest.json in ${source.location} is not valid JSON`, { cause: e });
  }
  if (!manifest || typeof manifest !== 'object') throw new ImpastoError('BAD_MODEL', `manifest.json in ${source.location} is not a checkpoint manifest`);
  const names = Array.from({ length: FST_VARIABLE_COUNT }, (_, i) => variableName(i));
  const missing = names.filter((n) => !manifest[n]);
  if (missing.length) {
    throw new ImpastoError('BAD_MODEL', `manifest.json in ${source.location} lacks ${missing.join(', ')}: not a fast-style checkpoint`);
  }
  return Promise.all(
    names.map(async (name) => {
      const { filename, shape } = checkEntry(manifest[name], name, source.location);
      const n = shape.reduce((a, b) => a * b, 1);
      // The manifest bounds every read: a file that is larger (or a device) is refused unread.
      const bytes = await source.read(filename, { maxBytes: n * 4 });
      if (bytes.byteLength !== n * 4) {
        throw new ImpastoError('BAD_MODEL', `${filename} in ${source.location} has ${bytes.byteLength} bytes; shape [${shape}] needs ${n * 4}`);
      }
      // Copy into an aligned buffer: file reads may return views at odd offsets.
      const data = new Float32Array(n);
      new Uint8Array(data.buffer).set(bytes);
      const bad = data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new ImpastoError('BAD_MODEL', `${filename} in ${source.location} holds a non-finite weight (${data[bad]} at ${bad}); the checkpoint is damaged`);
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
