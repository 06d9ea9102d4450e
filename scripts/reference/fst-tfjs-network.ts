/**
 * The Johnson et al. fast-style network exactly as ml5.js runs it (ml5-library
 * src/StyleTransfer/index.js), on TF.js, over the 48 checkpoint tensors. Pure tfjs-core, so the Node
 * reference (fst-tfjs.ts) and the browser benchmark share it. Independent of the project's code on
 * purpose: tests and benchmarks compare the project against it.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface TfjsFastStyle {
  /**
   * rgb: HWC, 0..255. Returns HWC tanh(x)*150+127.5, before any clamping or rounding. Like ml5, the
   * output is (4*ceil(H/4)) x (4*ceil(W/4)) x 3: the same size as the input when H, W are multiples of 4.
   */
  run(rgb: Float32Array, height: number, width: number): Promise<Float32Array>;
  dispose(): void;
}

/** Builds the network over checkpoint tensors (kernel, beta, gamma triples, as in ml5); `before` runs ahead of each call. */
export function tfjsFastStyle(v: tf.Tensor[], before?: () => Promise<void>): TfjsFastStyle {
  const at = (id: number): tf.Tensor => v[id]!;

  // Variables come in triples (kernel, beta, gamma); `id` is the kernel's index, as in ml5.
  const instanceNorm = (x: tf.Tensor3D, id: number): tf.Tensor3D => {
    const { mean, variance } = tf.moments(x, [0, 1]); // biased variance, like tf.nn.moments
    const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3)));
    return tf.add(tf.mul(at(id + 1), normalized), at(id)) as tf.Tensor3D;
  };
  const conv = (x: tf.Tensor3D, stride: number, relu: boolean, id: number): tf.Tensor3D => {
    const y = instanceNorm(tf.conv2d(x, at(id) as tf.Tensor4D, stride, 'same'), id + 1);
    return relu ? tf.relu(y) : y;
  };
  const residual = (x: tf.Tensor3D, id: number): tf.Tensor3D =>
    tf.add(conv(conv(x, 1, true, id), 1, false, id + 3), x);
  const convT = (x: tf.Tensor3D, outChannels: number, id: number): tf.Tensor3D => {
    const [h, w] = x.shape;
    const y = tf.conv2dTranspose(x, at(id) as tf.Tensor4D, [h * 2, w * 2, outChannels], 2, 'same');
    return tf.relu(instanceNorm(y, id + 1));
  };

  return {
    async run(rgb, height, width) {
      if (rgb.length !== height * width * 3) throw new Error(`run: ${rgb.length} values for ${height}x${width}x3`);
      await before?.();
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
