/**
 * Johnson et al. fast style transfer exactly as ml5.js runs it (ml5-library src/StyleTransfer),
 * on TensorFlow.js, for the browser: fed with the checkpoint's bytes (fetched by the caller) instead
 * of files. Independent of @impasto/web on purpose (the benchmark compares the two); mirrors
 * scripts/reference/fst-tfjs.ts, which is the Node version.
 */
import * as tf from '@tensorflow/tfjs-core';

/** manifest.json of an ml5 checkpoint folder: Variable, Variable_1, … → raw little-endian float32 file. */
export type Ml5Manifest = Record<string, { filename: string; shape: number[] }>;

export interface TfjsFastStyle {
  /** rgb: HWC 0..255. Returns HWC tanh(x)*150+127.5 (unclamped), (4*ceil(H/4)) x (4*ceil(W/4)) x 3. */
  run(rgb: Float32Array, height: number, width: number): Promise<Float32Array>;
  dispose(): void;
}

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

/** Builds the network over the 48 checkpoint tensors (kernel, beta, gamma triples, as in ml5). */
export function tfjsFastStyle(v: tf.Tensor[]): TfjsFastStyle {
  const at = (id: number): tf.Tensor => v[id]!;
  const instanceNorm = (x: tf.Tensor3D, id: number): tf.Tensor3D => {
    const { mean, variance } = tf.moments(x, [0, 1]);
    const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3)));
    return tf.add(tf.mul(at(id + 1), normalized), at(id)) as tf.Tensor3D;
  };
  const conv = (x: tf.Tensor3D, stride: 1 | 2, relu: boolean, id: number): tf.Tensor3D => {
    const y = instanceNorm(tf.conv2d(x, at(id) as tf.Tensor4D, stride, 'same'), id + 1);
    return relu ? tf.relu(y) : y;
  };
  const residual = (x: tf.Tensor3D, id: number): tf.Tensor3D => tf.add(conv(conv(x, 1, true, id), 1, false, id + 3), x);
  const convT = (x: tf.Tensor3D, outChannels: number, id: number): tf.Tensor3D => {
    const [h, w] = x.shape;
    const y = tf.conv2dTranspose(x, at(id) as tf.Tensor4D, [h * 2, w * 2, outChannels], 2, 'same');
    return tf.relu(instanceNorm(y, id + 1));
  };
  return {
    async run(rgb, height, width) {
      const out = tf.tidy(() => {
        let x = tf.tensor3d(rgb, [height, width, 3]);
        x = conv(x, 1, true, 0);
        x = conv(x, 2, true, 3);
        x = conv(x, 2, true, 6);
        for (const id of [9, 15, 21, 27, 33]) x = residual(x, id);
        x = convT(x, 64, 39);
        x = convT(x, 32, 42);
        x = conv(x, 1, false, 45);
        return tf.add(tf.mul(tf.tanh(x), 150), 255 / 2);
      });
      try {
        return (await out.data()) as Float32Array;
      } finally {
        out.dispose();
      }
    },
    dispose() {
      for (const t of v) t.dispose();
    },
  };
}
