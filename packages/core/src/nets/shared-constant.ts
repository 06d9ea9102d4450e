import type { Graph } from '../onnx/graph';
import type { TensorData } from '../onnx/tensor';

const byGraph = new WeakMap<Graph, WeakMap<TensorData, string>>();

/**
 * Like `g.constant`, but a tensor added twice to the same graph becomes one initializer: the NST
 * engine runs a feature network on several images in one graph, and VGG19's weights are 80 MB.
 */
export function sharedConstant(g: Graph, hint: string, tensor: TensorData): string {
  let names = byGraph.get(g);
  if (!names) byGraph.set(g, (names = new WeakMap()));
  const known = names.get(tensor);
  if (known !== undefined && g.initializers.get(known) === tensor) return known;
  const name = g.constant(hint, tensor);
  names.set(tensor, name);
  return name;
}
