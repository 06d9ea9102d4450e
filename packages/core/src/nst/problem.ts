import { addGradients } from '../autodiff/gradients';
import { ImpastoError } from '../errors';
import type { FeatureNet } from '../nets/feature-net';
import { Graph } from '../onnx/graph';
import { IMAGE_SHAPE } from '../nets/feature-net';
import { gram } from './gram';
import { composeLoss, contentLoss, styleLoss, totalVariation, type LossTerm } from './losses';

/** What the loss looks at: canonical layer names and weights. Empty lists drop a term. */
export interface LossSpec {
  readonly contentLayers: readonly string[];
  readonly styleLayers: readonly string[];
  readonly contentWeight: number;
  readonly styleWeight: number;
  readonly tvWeight: number;
  /** Per-style-layer weights (default: equal, summing to 1 as in Gatys et al.). */
  readonly styleLayerWeights?: readonly number[];
}

/** Input and output names of the graphs below. */
export const NST_IO = {
  image: 'image',
  x: 'x',
  loss: 'loss',
  grad: 'grad',
  contentTarget: (i: number) => `content_target_${i}`,
  gramTarget: (i: number) => `gram_target_${i}`,
  terms: ['loss_content', 'loss_style', 'loss_tv'] as const,
};

/**
 * The targets, computed once: for an image, the content layers' features and the style layers'
 * Gram matrices (`content_target_i`, `gram_target_i`). Run it on the content image for the first
 * and on the style image for the second.
 */
export function buildTargetGraph(net: FeatureNet, spec: LossSpec): Graph {
  const g = new Graph(`${net.id}_targets`);
  const image = g.input(NST_IO.image, 'float32', IMAGE_SHAPE);
  const feats = net.addTo(g, image, [...spec.contentLayers, ...spec.styleLayers]);
  spec.contentLayers.forEach((l, i) => g.output(feats[l]!, NST_IO.contentTarget(i)));
  spec.styleLayers.forEach((l, i) => g.output(gram(g, feats[l]!), NST_IO.gramTarget(i)));
  return g;
}

function sum(g: Graph, values: readonly string[], weights?: readonly number[]): string {
  if (!weights) return values.reduce((a, b) => g.op('Add', [a, b]));
  return composeLoss(g, values.map((value, i) => ({ value, weight: weights[i]! }))).total;
}

/**
 * The loss and its gradient with respect to the image `x` (NCHW RGB 0..255), in one graph:
 * inputs `x` and the targets, outputs `loss`, `grad` and the weighted terms
 * `loss_content`, `loss_style`, `loss_tv` (those that are used).
 */
export function buildLossGraph(net: FeatureNet, spec: LossSpec): Graph {
  const { contentLayers, styleLayers } = spec;
  if (!contentLayers.length && !styleLayers.length) {
    throw new ImpastoError('INVALID_ARGUMENT', 'the loss needs at least one content or style layer');
  }
  const g = new Graph(`${net.id}_loss`);
  const x = g.input(NST_IO.x, 'float32', [1, 3, 'height', 'width']);
  const contentTargets = contentLayers.map((_, i) => g.input(NST_IO.contentTarget(i), 'float32', [1, null, null, null]));
  const gramTargets = styleLayers.map((_, i) => g.input(NST_IO.gramTarget(i), 'float32', [null, null]));
  const feats = net.addTo(g, x, [...contentLayers, ...styleLayers]);
  const terms: (LossTerm & { name: string })[] = [];
  if (contentLayers.length) {
    const c = sum(g, contentLayers.map((l, i) => contentLoss(g, feats[l]!, contentTargets[i]!)));
    terms.push({ value: c, weight: spec.contentWeight, name: NST_IO.terms[0] });
  }
  if (styleLayers.length) {
    const w = spec.styleLayerWeights ?? styleLayers.map(() => 1 / styleLayers.length);
    if (w.length !== styleLayers.length) throw new ImpastoError('INVALID_ARGUMENT', `${styleLayers.length} style layers need as many styleLayerWeights, got ${w.length}`);
    const s = sum(g, styleLayers.map((l, i) => styleLoss(g, gram(g, feats[l]!), gramTargets[i]!)), w);
    terms.push({ value: s, weight: spec.styleWeight, name: NST_IO.terms[1] });
  }
  if (spec.tvWeight > 0) terms.push({ value: totalVariation(g, x), weight: spec.tvWeight, name: NST_IO.terms[2] });
  const { total } = composeLoss(g, terms, { outputs: true, totalName: NST_IO.loss });
  const grads = addGradients(g, total, [x]);
  g.output(grads[x]!, NST_IO.grad, 'float32', [1, 3, 'height', 'width']);
  return g;
}
