import { Graph } from '../onnx/graph';
import { addGradients } from './gradients';

/** A copy of `src` sharing its (immutable) node, input and tensor objects. */
function copyGraph(src: Graph): Graph {
  const g = new Graph(src.name);
  g.opset = src.opset;
  for (const i of src.inputs) {
    g.inputs.push(i);
    g.reserve(i.name);
  }
  for (const [name, t] of src.initializers) g.initializers.set(g.reserve(name), t);
  for (const n of src.nodes) {
    g.nodes.push(n);
    g.reserve(n.name);
    for (const o of n.outputs) if (o !== '') g.reserve(o);
  }
  return g;
}

/**
 * A copy of `forward` extended with the gradient of `loss` with respect to `wrt`; its outputs are
 * `loss` and the gradient (named `gradName`). `forward` itself is not changed.
 */
export function gradientGraph(forward: Graph, loss: string, wrt: string, gradName = 'grad'): Graph {
  const g = copyGraph(forward);
  const grad = addGradients(g, loss, [wrt])[wrt]!;
  g.output(loss);
  g.output(grad, gradName);
  return g;
}
