/**
 * Reference: the Gatys et al. style-transfer loss on VGG19 and its gradient w.r.t. the image, on
 * TF.js (tf.valueAndGrad), from the uint8-quantized TF.js layers model. Independent of the project's
 * code on purpose: the NST tests and benchmark compare the project against it.
 *
 * loss = contentWeight * sum((F - P)^2) / (C*H*W)                       at relu4_2
 *      + styleWeight * sum over relu1_1 … relu5_1 of sum((G - A)^2) / C^2,  G = F^T F / (C*H*W)
 * (the five style layers are summed with equal weight 1).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type TfjsBackend } from './tfjs-backend';
import { registerLossGradients } from './tfjs-grads';

export interface TfjsVggLoss {
  /** content, style: HWC RGB 0..255, both h x w; the image passed to lossAndGrad has that size too. */
  setTargets(content: Float32Array, style: Float32Array, h: number, w: number): void;
  /** x: HWC RGB 0..255. grad: d loss / d x, HWC. */
  lossAndGrad(x: Float32Array): Promise<{ loss: number; grad: Float32Array }>;
  /** The loss alone (no backward pass), e.g. for finite differences. */
  loss(x: Float32Array): Promise<number>;
  dispose(): void;
}

export interface TfjsVggLossOptions {
  /** Weight of the summed style terms (content weight is 1). Default 1. */
  styleWeight?: number;
}

/** VGG19 up to block5_conv1 (relu5_1); 'pool' is max pool 2x2 stride 2, 'valid' as in Keras. */
const LAYERS = [
  'block1_conv1', 'block1_conv2', 'pool',
  'block2_conv1', 'block2_conv2', 'pool',
  'block3_conv1', 'block3_conv2', 'block3_conv3', 'block3_conv4', 'pool',
  'block4_conv1', 'block4_conv2', 'block4_conv3', 'block4_conv4', 'pool',
  'block5_conv1',
] as const;
const CONTENT_LAYER = 'block4_conv2'; // relu4_2 (each conv here includes its relu)
const STYLE_LAYERS = ['block1_conv1', 'block2_conv1', 'block3_conv1', 'block4_conv1', 'block5_conv1'];
const CAFFE_MEAN_BGR = [103.939, 116.779, 123.68];

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale: number; min: number };
}

/**
 * Loads the conv kernels and biases up to block5_conv1. Tensors are concatenated in manifest order
 * across the shards, so only the leading shards that cover those tensors are read.
 */
function loadConvWeights(dir: string): Map<string, tf.Tensor> {
  const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    weightsManifest: { paths: string[]; weights: ManifestEntry[] }[];
  };
  const group = model.weightsManifest[0];
  if (!group) throw new Error(`${dir}/model.json: no weights manifest`);
  const wanted = new Set(LAYERS.filter((l) => l !== 'pool').flatMap((l) => [`${l}/kernel`, `${l}/bias`]));

  // Byte range of each wanted tensor in the concatenated weight stream.
  const spans: { entry: ManifestEntry; offset: number; size: number; bytes: number }[] = [];
  let offset = 0;
  for (const entry of group.weights) {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    const bytesPer = entry.quantization ? { uint8: 1, uint16: 2, float16: 2 }[entry.quantization.dtype] : 4;
    if (bytesPer === undefined || (!entry.quantization && entry.dtype !== 'float32')) {
      throw new Error(`${entry.name}: unsupported dtype ${entry.quantization?.dtype ?? entry.dtype}`);
    }
    if (wanted.has(entry.name)) spans.push({ entry, offset, size, bytes: size * bytesPer });
    offset += size * bytesPer;
  }
  if (spans.length !== wanted.size) throw new Error(`${dir}/model.json: missing some of ${[...wanted].join(', ')}`);
  const needed = Math.max(...spans.map((s) => s.offset + s.bytes));

  const shards: Buffer[] = [];
  let have = 0;
  for (const path of group.paths) {
    if (have >= needed) break;
    const shard = readFileSync(join(dir, path));
    shards.push(shard);
    have += shard.byteLength;
  }
  if (have < needed) throw new Error(`${dir}: shards hold ${have} bytes, the conv layers need ${needed}`);
  const stream = Buffer.concat(shards);

  const weights = new Map<string, tf.Tensor>();
  for (const { entry, offset: at, size } of spans) {
    const values = new Float32Array(size);
    const q = entry.quantization;
    if (q) {
      if (q.dtype !== 'uint8') throw new Error(`${entry.name}: only uint8 quantization is handled`);
      for (let i = 0; i < size; i++) values[i] = stream[at + i]! * q.scale + q.min; // value = q*scale + min
    } else {
      for (let i = 0; i < size; i++) values[i] = stream.readFloatLE(at + 4 * i);
    }
    weights.set(entry.name, tf.tensor(values, entry.shape, 'float32'));
  }
  return weights;
}

export async function loadTfjsVggLoss(
  weightsDir: string,
  backend: TfjsBackend,
  options: TfjsVggLossOptions = {},
): Promise<TfjsVggLoss> {
  const styleWeight = options.styleWeight ?? 1;
  registerLossGradients();
  await useBackend(backend);
  const weights = loadConvWeights(weightsDir);
  const mean = tf.tensor1d(CAFFE_MEAN_BGR);

  /** Activations (after relu) of the content and style layers for x: [1, H, W, 3] RGB 0..255. */
  const features = (x: tf.Tensor4D): Map<string, tf.Tensor4D> => {
    let y = tf.sub(tf.reverse(x, -1), mean) as tf.Tensor4D; // RGB -> BGR, minus the caffe mean
    const out = new Map<string, tf.Tensor4D>();
    for (const layer of LAYERS) {
      if (layer === 'pool') {
        y = tf.maxPool(y, 2, 2, 'valid');
        continue;
      }
      const conv = tf.conv2d(y, weights.get(`${layer}/kernel`) as tf.Tensor4D, 1, 'same');
      y = tf.relu(tf.add(conv, weights.get(`${layer}/bias`)!)) as tf.Tensor4D;
      if (layer === CONTENT_LAYER || STYLE_LAYERS.includes(layer)) out.set(layer, y);
    }
    return out;
  };
  const gram = (f: tf.Tensor4D): tf.Tensor2D => {
    const [, h, w, c] = f.shape;
    const m = tf.reshape(f, [h * w, c]);
    return tf.mul(tf.matMul(m, m, true, false), 1 / (c * h * w));
  };
  const channels = (f: tf.Tensor): number => f.shape[3]!;

  let shape: [number, number, number, number] | null = null;
  let contentTarget: tf.Tensor | null = null;
  let styleTargets: tf.Tensor[] = [];
  const disposeTargets = (): void => {
    contentTarget?.dispose();
    for (const t of styleTargets) t.dispose();
    contentTarget = null;
    styleTargets = [];
  };

  const lossOf = (img: tf.Tensor4D): tf.Scalar => {
    const p = contentTarget;
    if (!p) throw new Error('call setTargets first');
    const f = features(img);
    const fc = f.get(CONTENT_LAYER)!;
    let loss = tf.mul(tf.sum(tf.squaredDifference(fc, p)), 1 / fc.size);
    STYLE_LAYERS.forEach((l, i) => {
      const fs = f.get(l)!;
      const term = tf.sum(tf.squaredDifference(gram(fs), styleTargets[i]!));
      loss = tf.add(loss, tf.mul(term, styleWeight / channels(fs) ** 2));
    });
    return loss as tf.Scalar;
  };
  /** Checks x against the targets' size and makes it a [1, H, W, 3] tensor on this loss's backend. */
  const input = async (x: Float32Array): Promise<tf.Tensor4D> => {
    if (!shape) throw new Error('call setTargets first');
    if (x.length !== shape[1] * shape[2] * 3) throw new Error(`want a ${shape[1]}x${shape[2]}x3 image`);
    await useBackend(backend);
    return tf.tensor4d(x, shape);
  };

  return {
    setTargets(content, style, h, w) {
      if (content.length !== h * w * 3 || style.length !== h * w * 3) throw new Error(`setTargets: want ${h}x${w}x3 images`);
      // setTargets is synchronous; setBackend switches at once for a backend already initialised (the loader did).
      void tf.setBackend(backend);
      if (tf.getBackend() !== backend) throw new Error(`setTargets: could not switch TF.js to ${backend}`);
      disposeTargets();
      shape = [1, h, w, 3];
      const s = shape;
      contentTarget = tf.tidy(() => features(tf.tensor4d(content, s)).get(CONTENT_LAYER)!);
      styleTargets = tf.tidy(() => {
        const f = features(tf.tensor4d(style, s));
        return STYLE_LAYERS.map((l) => gram(f.get(l)!));
      });
    },

    async lossAndGrad(x) {
      const img = await input(x);
      const { value, grad } = tf.tidy(() => tf.valueAndGrad(lossOf)(img));
      img.dispose();
      try {
        const [loss, g] = await Promise.all([value.data(), grad.data()]);
        return { loss: loss[0]!, grad: g as Float32Array };
      } finally {
        value.dispose();
        grad.dispose();
      }
    },

    async loss(x) {
      const img = await input(x);
      const value = tf.tidy(() => lossOf(img));
      img.dispose();
      try {
        return (await value.data())[0]!;
      } finally {
        value.dispose();
      }
    },

    dispose() {
      disposeTargets();
      mean.dispose();
      for (const t of weights.values()) t.dispose();
    },
  };
}
