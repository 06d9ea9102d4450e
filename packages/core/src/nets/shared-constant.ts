import type { Graph } from '../onnx/graph';
import type { TensorData } from '../onnx/tensor';

const byGraph = new WeakMap<Graph, WeakMap<TensorData, string>>();

/**
 * Like `g.constant`, but a tensor added twice to the same graph becomes one initializer: the NST
 * engine runs a feature network on several images in one graph, and VGG19's weights are 80 MB.
 * `exact`: name it `hint` itself when that is free rather than a name under the current scope.
 */
export function sharedConstant(g: Graph, hint: string, tensor: TensorData, { exact = false } = {}): string {
  let names = byGraph.get(g);
  if (!names) byGraph.set(g, (names = new WeakMap()));
  const known = names.get(tensor);
  if (known !== undefined && g.initializers.get(known) === tensor) return known;
  // exact: the hint itself when free (a network's parameter keeps its name), not a scoped one.
  let name: string;
  if (exact && !g.has(hint)) g.initializers.set((name = g.reserve(hint)), tensor);
  else name = g.constant(hint, tensor);
  names.set(tensor, name);
  return name;
}
