import type { Graph } from '../../onnx/graph';

/** The sum of scalar values, as one graph value. */
export function sumOf(g: Graph, values: readonly string[]): string {
  return values.reduce((a, b) => g.op('Add', [a, b], {}, { name: 'sum' }));
}
