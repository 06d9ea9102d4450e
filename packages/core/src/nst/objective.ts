import { addGradients } from '../autodiff/gradients';
import { ImpastoError } from '../errors';
import { type FeatureNet, IMAGE_SHAPE } from '../nets/feature-net';
import { Graph } from '../onnx/graph';
import { gram } from './gram';
import type { LossTerm } from './terms';

/** Input and output names of the objective and target graphs. */
export const OBJECTIVE_IO = {
  image: 'image',
  x: 'x',
  loss: 'loss',
  grad: 'grad',
  weight: (term: string) => `${term}.weight`,
  value: (term: string) => `${term}.loss`,
  target: (term: string, i: number) => `${term}.target_${i}`,
};

function checkTerms(terms: readonly LossTerm[]): void {
  if (!terms.length) throw new ImpastoError('INVALID_ARGUMENT', 'the objective needs at least one term');
  const names = terms.map((t) => t.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ImpastoError('INVALID_ARGUMENT', `two loss terms are named '${dup}'`);
}

const layersOf = (terms: readonly LossTerm[]) => [...new Set(terms.flatMap((t) => [...t.layers, ...t.targets.map((s) => s.layer)]))];

/**
 * The targets, computed once per run: input `image`, one output per term target
 * (`<term>.target_<i>`: features or Gram matrix). Run it on each image, fetching the outputs of
 * the terms that take their targets from that image.
 */
export function buildTargetGraph(net: FeatureNet, terms: readonly LossTerm[]): Graph {
  checkTerms(terms);
  const g = new Graph(`${net.id}_targets`);
  const image = g.input(OBJECTIVE_IO.image, 'float32', IMAGE_SHAPE);
  const feats = net.addTo(g, image, layersOf(terms.filter((t) => t.targets.length)));
  for (const t of terms) {
    t.targets.forEach((s, i) => g.output(s.kind === 'gram' ? gram(g, feats[s.layer]!) : feats[s.layer]!, OBJECTIVE_IO.target(t.name, i)));
  }
  return g;
}

/**
 * The objective Σ weight·term and its gradient with respect to the image `x`, in one graph:
 * inputs `x` (NCHW RGB 0..255), every term's targets and weight; outputs `loss`, `grad` and each
 * weighted term (`<term>.loss`, what progress reports show).
 */
export function buildObjectiveGraph(net: FeatureNet, terms: readonly LossTerm[]): Graph {
  checkTerms(terms);
  const g = new Graph(`${net.id}_objective`);
  const x = g.input(OBJECTIVE_IO.x, 'float32', [1, 3, 'height', 'width']);
  const layers = [...new Set(terms.flatMap((t) => t.layers))];
  const features = layers.length ? net.addTo(g, x, layers) : {};
  let total: string | undefined;
  for (const t of terms) {
    const targets = t.targets.map((s, i) => g.input(OBJECTIVE_IO.target(t.name, i), 'float32', s.kind === 'gram' ? [null, null] : [1, null, null, null]));
    const value = t.build(g, { x, features, targets });
    const weight = g.input(OBJECTIVE_IO.weight(t.name), 'float32', []);
    const weighted = g.output(g.op('Mul', [value, weight], {}, { name: `${t.name}/weighted` }), OBJECTIVE_IO.value(t.name), 'float32', []);
    total = total === undefined ? weighted : g.op('Add', [total, weighted], {}, { name: 'total' });
  }
  const loss = g.output(total!, OBJECTIVE_IO.loss, 'float32', []);
  const grads = addGradients(g, loss, [x]);
  g.output(grads[x]!, OBJECTIVE_IO.grad, 'float32', [1, 3, 'height', 'width']);
  return g;
}
