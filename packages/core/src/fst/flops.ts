import { checkInt } from '../errors';
import { graphFlops } from '../onnx/flops';
import type { Graph } from '../onnx/graph';
import { FST_INPUT, buildFastStyleGraph } from './network';

let network: Graph | undefined;

/**
 * Floating-point operations of one fast-style pass on an H x W image, counted on the network's graph:
 * convolutions only, two per multiply-add, proportional to H x W (the padding of sizes that are not
 * multiples of 4 is not counted; see `graphFlops`).
 */
export function fastStyleFlops(height: number, width: number): number {
  // Parameter inputs declare the kernel shapes graphFlops reads, so no weights need making.
  network ??= buildFastStyleGraph(undefined, { bind: 'input' });
  return graphFlops(network, { [FST_INPUT]: [1, 3, checkInt('height', height, 1), checkInt('width', width, 1)] });
}
