import { addGradients } from '../autodiff/gradients';
import { ImpastoError } from '../errors';
import { type FeatureNet, IMAGE_SHAPE } from '../nets/feature-net';
import { Graph } from '../onnx/graph';
import { type ObjectiveTerm, type TermValue, keyedFeatures } from './terms/term';

/** Input and output names of the objective and target graphs. */
export const OBJECTIVE_IO = {
  image: 'image',
  x: 'x',
  loss: 'loss',
  grad: 'grad',
  weight: (term: string) => `${term}.weight`,
  value: (term: string) => `${term}.loss`,
  target: (term: string, i: number) => `${term}.target_${i}`,
  /** A term's own input (`ObjectiveTerm.inputs`, `TermTargets.inputs`). */
  input: (term: string, name: string) => `${term}.${name}`,
};

function checkTerms(terms: readonly ObjectiveTerm[]): void {
  if (!terms.some((t) => t.build)) throw new ImpastoError('INVALID_ARGUMENT', 'the objective needs at least one term in the graph');
  const odd = terms.find((t) => !t.build === !t.host);
  if (odd) throw new ImpastoError('INVALID_ARGUMENT', `the loss term '${odd.name}' must have either build (in the graph) or host (on the host)`);
  if (terms.some((t) => t.host && (t.targets || t.inputs || t.layers.length))) throw new ImpastoError('INVALID_ARGUMENT', 'a host term reads no loss-net layers, targets or graph inputs');
  const names = terms.map((t) => t.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ImpastoError('INVALID_ARGUMENT', `two loss terms are named '${dup}'`);
}

/**
 * The targets, computed once per run: input `image` and the terms' target inputs
 * (`<term>.<input>`), one output per term target (`<term>.target_<i>`). Run it on each image,
 * fetching the outputs of the terms that take their targets from that image.
 */
export function buildTargetGraph(net: FeatureNet, terms: readonly ObjectiveTerm[]): Graph {
  checkTerms(terms);
  const g = new Graph(`${net.id}_targets`);
  const image = g.input(OBJECTIVE_IO.image, 'float32', IMAGE_SHAPE);
  const withTargets = terms.filter((t) => t.targets);
  const layers = [...new Set(withTargets.flatMap((t) => t.targets!.layers))];
  const feats = net.addTo(g, image, layers);
  for (const t of withTargets) {
    const spec = t.targets!;
    const inputs = Object.fromEntries((spec.inputs ?? []).map((i) => [i.name, g.input(OBJECTIVE_IO.input(t.name, i.name), 'float32', i.dims)]));
    const outs = g.scoped(t.name, () => spec.build(g, keyedFeatures(spec.layers, (l) => net.resolve(l), feats), inputs));
    outs.forEach((v, i) => g.output(v, OBJECTIVE_IO.target(t.name, i)));
  }
  return g;
}

/**
 * The objective Σ weight·term and its gradient with respect to the image `x`, in one graph:
 * inputs `x` (NCHW RGB 0..255), every term's targets, inputs and weight; outputs `loss`, `grad`
 * and each weighted term (`<term>.loss`, what progress reports show). Terms that give their own
 * gradient are left out of the autodiff and their weighted gradients added to its.
 */
export function buildObjectiveGraph(net: FeatureNet, terms: readonly ObjectiveTerm[]): Graph {
  checkTerms(terms);
  const g = new Graph(`${net.id}_objective`);
  const x = g.input(OBJECTIVE_IO.x, 'float32', [1, 3, 'height', 'width']);
  const layers = [...new Set(terms.flatMap((t) => t.layers))];
  const features = layers.length ? net.addTo(g, x, layers) : {};
  let differentiated: string | undefined;
  let total: string | undefined;
  const own: { grad: string; weight: string }[] = [];
  const add = (a: string | undefined, b: string, name: string) => (a === undefined ? b : g.op('Add', [a, b], {}, { name }));
  for (const t of terms.filter((t) => t.build)) {
    const targets = (t.targets?.dims ?? []).map((dims, i) => g.input(OBJECTIVE_IO.target(t.name, i), 'float32', dims));
    const inputs = Object.fromEntries((t.inputs ?? []).map((i) => [i.name, g.input(OBJECTIVE_IO.input(t.name, i.name), 'float32', i.dims)]));
    const built = t.build!(g, { x, features: keyedFeatures(t.layers, (l) => net.resolve(l), features), targets, inputs });
    const { value, grad }: TermValue = typeof built === 'string' ? { value: built } : built;
    const weight = g.input(OBJECTIVE_IO.weight(t.name), 'float32', []);
    const weighted = g.output(g.op('Mul', [value, weight], {}, { name: `${t.name}/weighted` }), OBJECTIVE_IO.value(t.name), 'float32', []);
    total = add(total, weighted, 'total');
    if (grad) own.push({ grad, weight });
    else differentiated = add(differentiated, weighted, 'differentiated');
  }
  g.output(total!, OBJECTIVE_IO.loss, 'float32', []);
  let grad = differentiated === undefined ? undefined : addGradients(g, differentiated, [x])[x]!;
  for (const o of own) grad = add(grad, g.op('Mul', [o.grad, o.weight], {}, { name: 'own_grad' }), 'grad_sum');
  g.output(grad!, OBJECTIVE_IO.grad, 'float32', [1, 3, 'height', 'width']);
  return g;
}
