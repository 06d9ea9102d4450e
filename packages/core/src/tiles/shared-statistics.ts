import { float32 } from '../onnx/tensor';
import type { TensorData } from '../onnx/tensor';

/** One norm layer's per-channel statistics over the whole image. */
export interface LayerStatistics {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
}

/** Statistics of every norm layer, by layer name. */
export type ImageStatistics = ReadonlyMap<string, LayerStatistics>;

/**
 * Pools per-tile moments into whole-image means and variances (Chan et al.'s pairwise update, in
 * float64). Each tile reports, per channel, the mean `deviation` and `square` of its core's
 * activations about the fed mean; cores are weighted by their area, which is exact because every
 * core is a whole number of activation pixels at each layer's stride.
 */
export class StatisticsPool {
  private readonly sums = new Map<string, { weight: number; mean: Float64Array; m2: Float64Array }>();

  constructor(private readonly layers: readonly { name: string; channels: number }[]) {}

  /** Adds one tile's outputs (`<layer>.deviation`, `<layer>.square`) measured about `fed`'s means. */
  add(outputs: Readonly<Record<string, TensorData>>, area: number, fed: ImageStatistics | undefined): void {
    for (const { name, channels } of this.layers) {
      const deviation = outputs[`${name}.deviation`]!.data as Float32Array;
      const square = outputs[`${name}.square`]!.data as Float32Array;
      const acc = this.sums.get(name) ?? { weight: 0, mean: new Float64Array(channels), m2: new Float64Array(channels) };
      const total = acc.weight + area;
      for (let c = 0; c < channels; c++) {
        const tileMean = Math.fround(fed?.get(name)?.mean[c] ?? 0) + deviation[c]!;
        const tileM2 = Math.max(0, square[c]! - deviation[c]! * deviation[c]!) * area;
        const delta = tileMean - acc.mean[c]!;
        acc.mean[c]! += (delta * area) / total;
        acc.m2[c]! += tileM2 + (delta * delta * acc.weight * area) / total;
      }
      acc.weight = total;
      this.sums.set(name, acc);
    }
  }

  /** The pooled statistics (biased variance, as instance norm uses). */
  result(): ImageStatistics {
    return new Map([...this.sums].map(([name, { weight, mean, m2 }]) => [name, { mean, variance: m2.map((v) => v / weight) }]));
  }
}

/** The feeds `<layer>.mean` and `<layer>.var` for a network with shared statistics (zeros and ones when none). */
export function statisticsFeeds(layers: readonly { name: string; channels: number }[], stats: ImageStatistics | undefined): Record<string, TensorData<'float32'>> {
  const feeds: Record<string, TensorData<'float32'>> = {};
  for (const { name, channels } of layers) {
    const s = stats?.get(name);
    feeds[`${name}.mean`] = float32([channels], s ? Float32Array.from(s.mean) : new Float32Array(channels));
    feeds[`${name}.var`] = float32([channels], s ? Float32Array.from(s.variance) : new Float32Array(channels).fill(1));
  }
  return feeds;
}
