import type { Graph } from '../onnx/graph';
import { int64 } from '../onnx/tensor';

/**
 * Adds the outputs a tile reports for one norm layer of a network with shared statistics:
 * `<layer>.deviation` and `<layer>.square`, the per-channel mean of `x − mean` and of its square
 * over the tile's core (`core`: [top, left, bottom, right] in input pixels, multiples of 4),
 * `x` being `scale` input pixels a pixel. Moments about the fed mean are small numbers, so the
 * host's float64 pooling (`StatisticsPool`) loses nothing to cancellation.
 */
export function reportCoreMoments(g: Graph, layer: string, x: string, mean: string, core: string, scale: number, channels: number): void {
  const step = g.constant('core_scale', int64([1], [scale]));
  const corner = (at: number) => g.op('Div', [g.op('Slice', [core, g.constant('core_at', int64([1], [at])), g.constant('core_to', int64([1], [at + 2]))]), step]);
  const owned = g.op('Sub', [g.op('Slice', [x, corner(0), corner(2), g.constant('core_axes', int64([2], [2, 3]))]), mean]);
  const moment = (v: string) => g.op('ReduceMean', [v], { axes: [0, 2, 3], keepdims: 0 });
  g.output(moment(owned), `${layer}.deviation`, 'float32', [channels]);
  g.output(moment(g.op('Mul', [owned, owned])), `${layer}.square`, 'float32', [channels]);
}
