import { ImpastoError } from '../errors';
import type { Graph } from '../onnx/graph';
import { gram } from './gram';
import { contentLoss, styleLoss, totalVariation } from './losses';

/** A target a term compares against, computed once per run from one of the run's images. */
export interface TargetSpec {
  /** The layer's features, or their Gram matrix. */
  readonly kind: 'features' | 'gram';
  readonly layer: string;
}

/** What a term sees while the objective graph is built. */
export interface TermGraph {
  /** The image being optimised: NCHW RGB 0..255. */
  readonly x: string;
  /** The loss net's features of `x`, by layer. */
  readonly features: Readonly<Record<string, string>>;
  /** This term's targets, in the order of its `targets`. */
  readonly targets: readonly string[];
}

/**
 * One term of the NST objective: a scalar built from the loss net's features of the image and,
 * optionally, targets from one of the run's images. The objective adds `weight · value` over its
 * terms, with each weight fed per run, so changing weights never rebuilds the graph.
 * New terms (temporal consistency, luminance) implement this interface.
 */
export interface LossTerm {
  /** Unique within an objective: names the term's weight, targets and progress entry. */
  readonly name: string;
  /** The run image (`content`, `style`, …) its targets come from; none for image-only terms. */
  readonly image?: string;
  readonly targets: readonly TargetSpec[];
  /** Loss-net layers it reads from the optimised image. */
  readonly layers: readonly string[];
  /** JSON-able identity of the graph it builds (part of the objective's cache key). */
  readonly key: unknown;
  /** Adds the unweighted scalar value to `g`. */
  build(g: Graph, io: TermGraph): string;
}

function sum(g: Graph, values: readonly string[]): string {
  return values.reduce((a, b) => g.op('Add', [a, b], {}, { name: 'sum' }));
}

/** Content loss (the seed's `c_loss`), summed over `layers`, against the content image's features. */
export function contentTerm(layers: readonly string[], opts: { name?: string; image?: string } = {}): LossTerm {
  if (!layers.length) throw new ImpastoError('INVALID_ARGUMENT', 'a content term needs at least one layer');
  return {
    name: opts.name ?? 'content',
    image: opts.image ?? 'content',
    layers,
    targets: layers.map((layer) => ({ kind: 'features', layer })),
    key: ['content', layers],
    build: (g, io) => g.scoped('content', () => sum(g, layers.map((l, i) => contentLoss(g, io.features[l]!, io.targets[i]!)))),
  };
}

/**
 * Style loss (the seed's `s_loss` on Gram matrices) over `layers`, each weighted (default: equal,
 * summing to 1 as in Gatys et al.), against the Gram matrices of one style image.
 */
export function styleTerm(layers: readonly string[], opts: { name?: string; image?: string; layerWeights?: readonly number[] } = {}): LossTerm {
  if (!layers.length) throw new ImpastoError('INVALID_ARGUMENT', 'a style term needs at least one layer');
  const w = opts.layerWeights ?? layers.map(() => 1 / layers.length);
  if (w.length !== layers.length) throw new ImpastoError('INVALID_ARGUMENT', `${layers.length} style layers need as many layer weights, got ${w.length}`);
  return {
    name: opts.name ?? 'style',
    image: opts.image ?? 'style',
    layers,
    targets: layers.map((layer) => ({ kind: 'gram', layer })),
    key: ['style', layers, w],
    build: (g, io) =>
      g.scoped('style', () => {
        const per = layers.map((l, i) => {
          const s = styleLoss(g, gram(g, io.features[l]!), io.targets[i]!);
          return g.op('Mul', [s, g.constant('layer_weight', { type: 'float32', dims: [], data: Float32Array.of(w[i]!) })], {}, { name: 'weighted' });
        });
        return sum(g, per);
      }),
  };
}

/** Total variation of the image: smoothness, no targets. */
export function tvTerm(opts: { name?: string } = {}): LossTerm {
  return { name: opts.name ?? 'tv', targets: [], layers: [], key: ['tv'], build: (g, io) => totalVariation(g, io.x) };
}
