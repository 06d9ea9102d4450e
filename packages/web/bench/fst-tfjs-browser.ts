/**
 * Johnson et al. fast style transfer exactly as ml5.js runs it (ml5-library src/StyleTransfer),
 * on TensorFlow.js, for the browser: fed with the checkpoint's bytes (fetched by the caller) instead
 * of files. Independent of @impasto/web on purpose (the benchmark compares the two); the network itself is
 * scripts/reference/fst-tfjs-network.ts, shared with the Node reference.
 */
import * as tf from '@tensorflow/tfjs-core';

export { tfjsFastStyle, type TfjsFastStyle } from '../../../scripts/reference/fst-tfjs-network';

/** manifest.json of an ml5 checkpoint folder: Variable, Variable_1, … → raw little-endian float32 file. */
export type Ml5Manifest = Record<string, { filename: string; shape: number[] }>;

/** Fetches an ml5 checkpoint folder (`<baseUrl>manifest.json` and its 48 variables) as tensors. */
export async function fetchCheckpoint(baseUrl: string): Promise<tf.Tensor[]> {
  const manifest = (await (await fetch(`${baseUrl}manifest.json`)).json()) as Ml5Manifest;
  const names = Array.from({ length: 48 }, (_, id) => (id === 0 ? 'Variable' : `Variable_${id}`));
  const buffers = await Promise.all(names.map(async (name) => {
    const entry = manifest[name];
    if (!entry) throw new Error(`${baseUrl}: manifest lacks ${name}`);
    const res = await fetch(`${baseUrl}${entry.filename}`);
    if (!res.ok) throw new Error(`${baseUrl}${entry.filename}: HTTP ${res.status}`);
    return { entry, bytes: await res.arrayBuffer() };
  }));
  return buffers.map(({ entry, bytes }) => {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (bytes.byteLength !== size * 4) throw new Error(`${entry.filename}: ${bytes.byteLength} bytes, want ${size * 4}`);
    return tf.tensor(new Float32Array(bytes), entry.shape, 'float32');
  });
}
