import type { Graph } from '../onnx/graph';
import { float32, int64 } from '../onnx/tensor';
import { checkNumber, ImpastoError } from '../errors';
import { dynamicCount } from './gram';

// Every op here is in the set the reverse-mode autodiff supports; squares are Mul(d, d) rather
// than Pow so no exponent gradient (log of a negative base) is ever formed.

function axesUpTo(g: Graph, rank: number): string {
  return g.constant('axes', int64([rank], Array.from({ length: rank }, (_, i) => i)));
}

/** Mean of (a - b)² over all `rank` axes, as a scalar. */
function meanSquaredDiff(g: Graph, a: string, b: string, rank: number): string {
  const d = g.op('Sub', [a, b], {}, { name: 'diff' });
  const sq = g.op('Mul', [d, d], {}, { name: 'sq' });
  const axes = Array.from({ length: rank }, (_, i) => i);
  // opset 17: ReduceMean still takes `axes` as an attribute.
  return g.op('ReduceMean', [sq], { axes, keepdims: 0 }, { name: 'loss' });
}

/**
 * Content loss (the seed's `c_loss`): sum((F − P)²) / (C·H·W) for NCHW features `f` and target
 * `p` of the same shape, N = 1. Returns a float32 scalar.
 */
export function contentLoss(g: Graph, f: string, p: string): string {
  // With N = 1 the mean over all elements is exactly the sum divided by C·H·W.
  return g.scoped('content', () => meanSquaredDiff(g, f, p, 4));
}

/**
 * Style loss for one layer (the seed's `s_loss`): sum((G − A)²) / C² for [C, C] Gram matrices
 * `gramX` (of the image) and `gramTarget` (of the style). Returns a float32 scalar.
 */
export function styleLoss(g: Graph, gramX: string, gramTarget: string): string {
  // A [C, C] matrix has C² entries, so its mean is the sum divided by C².
  return g.scoped('style', () => meanSquaredDiff(g, gramX, gramTarget, 2));
}

/** Sum over all elements of the squared difference of `x` with itself shifted by one along `axis`. */
function squaredStep(g: Graph, x: string, axis: number): string {
  const ax = g.constant('axis', int64([1], [axis]));
  const cut = (start: number | bigint, end: number | bigint) =>
    g.op('Slice', [x, g.constant('start', int64([1], [start])), g.constant('end', int64([1], [end])), ax], {}, { name: 'slice' });
  const d = g.op('Sub', [cut(1, 0x7fffffffffffffffn), cut(0, -1)], {}, { name: 'step' });
  return g.op('ReduceSum', [g.op('Mul', [d, d], {}, { name: 'sq' }), axesUpTo(g, 4)], { keepdims: 0 }, { name: 'sum' });
}

/**
 * Total variation of an NCHW image with N = 1: the sum, over channels, of the squared differences
 * between vertically and horizontally neighbouring pixels, divided by the number of pixels H·W
 * (channels are not counted). The division keeps one weight meaningful across image sizes.
 * Returns a float32 scalar.
 */
export function totalVariation(g: Graph, image: string): string {
  return g.scoped('tv', () => {
    const sum = g.op('Add', [squaredStep(g, image, 2), squaredStep(g, image, 3)], {}, { name: 'sum' });
    return g.op('Div', [sum, dynamicCount(g, image, [2, 3])], {}, { name: 'loss' });
  });
}

/** One term of a composite loss: a scalar graph value and its weight. */
export interface WeightedValue {
  readonly value: string;
  readonly weight: number;
  /** Graph output name for the weighted term when `outputs` is set (default `loss_<index>`). */
  readonly name?: string;
}

export interface ComposeOptions {
  /** Also declare graph outputs: the total and every weighted term (default false). */
  readonly outputs?: boolean;
  /** Output name of the total (default `loss`). */
  readonly totalName?: string;
}

export interface ComposedLoss {
  /** Σ weightᵢ·valueᵢ, a float32 scalar. */
  readonly total: string;
  /** weightᵢ·valueᵢ for each term, in the order given (what a progress report shows). */
  readonly terms: readonly string[];
}

/**
 * Weighted sum of scalar loss terms. Throws `INVALID_ARGUMENT` for no terms or a non-finite
 * weight. With `outputs`, the total and each weighted term also become graph outputs.
 */
export function composeLoss(g: Graph, terms: readonly WeightedValue[], options: ComposeOptions = {}): ComposedLoss {
  if (terms.length === 0) throw new ImpastoError('INVALID_ARGUMENT', 'composeLoss needs at least one term');
  terms.forEach((t, i) => checkNumber(`terms[${i}].weight`, t.weight));
  const weighted = g.scoped('total', () =>
    terms.map((t) => g.op('Mul', [t.value, g.constant('weight', float32([], [t.weight]))], {}, { name: 'term' })),
  );
  let total = weighted[0]!;
  for (const w of weighted.slice(1)) total = g.op('Add', [total, w], {}, { name: 'total/sum' });
  if (options.outputs) {
    const terms2 = weighted.map((w, i) => g.output(w, terms[i]!.name ?? `loss_${i}`, 'float32', []));
    return { total: g.output(total, options.totalName ?? 'loss', 'float32', []), terms: terms2 };
  }
  return { total, terms: weighted };
}
