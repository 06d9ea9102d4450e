/** Training fixtures without weights or files: a tiny random loss net and synthetic photos. */
import type { CropSpec, FeatureNet, PhotoSet } from '@impasto/core/platform';
import { float32 } from '@impasto/core/onnx';

/**
 * A two-layer random loss net: 'a' (3x3 conv, relu) at full size, 'b' after a 2x2 max pool; its
 * kernels' standard deviations are `std` ('a', 'b').
 */
export function tinyLossNet(seed = 5, std: readonly [number, number] = [0.02, 0.2]): FeatureNet {
  const next = mulberry32(seed);
  // Uniform in ±√3·std: the standard deviation asked for.
  const random = (n: number, sd: number) => Float32Array.from({ length: n }, () => (next() * 2 - 1) * Math.sqrt(3) * sd);
  const wa = float32([4, 3, 3, 3], random(108, std[0]));
  const wb = float32([5, 4, 3, 3], random(180, std[1]));
  return {
    id: 'tiny',
    layers: ['a', 'b'],
    defaultContentLayer: 'b',
    defaultStyleLayers: ['a', 'b'],
    resolve: (l) => String(l),
    addTo(g, input, wanted) {
      const a = g.op('Relu', [g.op('Conv', [input, g.constant('wa', wa)], { pads: [1, 1, 1, 1] })]);
      const out: Record<string, string> = { a };
      if (wanted.map(String).includes('b')) out.b = g.op('Relu', [g.op('Conv', [g.op('MaxPool', [a], { kernel_shape: [2, 2], strides: [2, 2] }), g.constant('wb', wb)], { pads: [1, 1, 1, 1] })]);
      return out;
    },
  };
}

/** `count` smooth synthetic photos in memory, cropped as each spec says (the specs are kept). */
export function syntheticPhotos(count: number): PhotoSet & { crops: CropSpec[] } {
  const crops: CropSpec[] = [];
  return {
    count,
    crops,
    name: (i) => `photo ${i}`,
    async crop(i, spec) {
      crops.push(spec);
      const s = spec.size;
      const out = new Float32Array(3 * s * s);
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < s; y++)
          for (let x = 0; x < s; x++) out[(c * s + y) * s + x] = 128 + 100 * Math.sin((x + 3 * i + c) / (2 + spec.scale * 3) + (spec.flip ? -y : y) / (3 + i));
      return out;
    },
  };
}

/** A small painting of stripes, as RGB bytes. */
export const STRIPES = { data: Uint8Array.from({ length: 24 * 20 * 3 }, (_, i) => (i * 37) % 256), width: 24, height: 20, channels: 3 } as const;

/** Options for a training run on `tinyLossNet` at 16 px. */
export const TINY_TRAINING = { size: 16, batch: 2, net: 'vgg19' as const, contentLayer: 'b', styleLayers: ['a', 'b'], contentWeight: 1, styleWeight: 10, tvWeight: 1e-3, lr: 1e-2, intraOpNumThreads: 1 };

function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
