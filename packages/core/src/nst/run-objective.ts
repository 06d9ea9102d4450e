import { ImpastoError } from '../errors';
import { regionToTensor } from '../image/raw-image';
import { type TensorData, float32 } from '../onnx/tensor';
import type { Objective } from '../optim/types';
import type { ResolvedNeuralStyleRunOptions } from '../options/generated';
import { OBJECTIVE_IO } from './objective';
import type { NeuralStyleParts } from './open-engine';
import type { RunImages } from './run-images';
import { type TargetContext, runTargets, shiftedTargets, targetFeeds, targetNames, termFeeds } from './targets';
import type { ObjectiveTerm, TermFeeds } from './terms';
import { tiledObjective } from './tiled-objective';

/** One run's objective, and the weighted terms of its last evaluation (what progress reports). */
export interface RunObjective {
  readonly objective: Objective;
  terms(): Record<string, number>;
  /**
   * An untiled run without host terms: everything the objective graph is fed but the image, so
   * a graph that steps in place (`withAdamStep`) can run the iterations itself.
   */
  readonly feeds?: Readonly<Record<string, TensorData>>;
}

/**
 * The objective of one run: every term's feeds prepared from the run's images, the targets
 * computed, then loss and gradient from the objective graph (whole, or tile by tile with each
 * tile's spatial feeds, content targets and shifted pooled targets), plus the host terms'.
 */
export async function runObjective(parts: NeuralStyleParts, images: RunImages, o: ResolvedNeuralStyleRunOptions, width: number, height: number, tile: number | undefined): Promise<RunObjective> {
  const { content, styles, masks } = images;
  const terms = parts.terms;
  const prepared = new Map<string, TermFeeds>();
  for (const t of terms) if (t.prepare) prepared.set(t.name, t.prepare({ width, height, content, styles: styles.map((s) => s.image), masks, options: o }));
  const ctx: TargetContext = { session: parts.targets, terms, prepared, minSide: parts.minSide };
  // A tiled run feeds each tile its own spatial inputs: nothing of the whole image's is made.
  const own = tile === undefined ? termFeeds(terms, prepared, (f) => f.whole?.()) : {};
  const contentTerms = tile === undefined ? [] : terms.filter((t) => t.targets && !t.targets.pooled && t.targets.image === 'content');
  const feeds = { ...(await targetFeeds(ctx, { content: content && tile === undefined ? [{ image: content, weight: 1 }] : [], style: styles }, o, tile, new Set(contentTerms.map((t) => t.name)))), ...own };
  let reported: Record<string, number> = {};
  const inGraph = terms.filter((t) => t.build);
  const evaluate = async (img: Float32Array, w: number, h: number, tileFeeds: Record<string, TensorData>) => {
    const out = await parts.objective.run({ ...feeds, ...tileFeeds, [OBJECTIVE_IO.x]: float32([1, 3, h, w], img) });
    const loss = (out[OBJECTIVE_IO.loss]!.data as Float32Array)[0]!;
    if (!Number.isFinite(loss)) throw new ImpastoError('NUMERIC', `the loss became ${loss}; lower the learning rate (lr ${o.lr}) or the loss weights`);
    const values: Record<string, number> = {};
    for (const t of inGraph) values[t.name] = (out[OBJECTIVE_IO.value(t.name)]!.data as Float32Array)[0]!;
    return { loss, grad: out[OBJECTIVE_IO.grad]!.data as Float32Array, terms: values };
  };
  const contentNames = contentTerms.flatMap(targetNames);
  // A term summed over pixels counts whole in its tile; the tiling weighs every term by the tile's share.
  const sums = terms.filter((t) => t.reduction === 'sum');
  let shifted: Record<string, TensorData>[] = [];
  const objective: Objective =
    tile === undefined
      ? async (img) => {
          const r = await evaluate(img, width, height, {});
          reported = r.terms;
          return r;
        }
      : tiledObjective(
          width,
          height,
          { tile, minSide: parts.minSide, seed: o.seed },
          async (r, img, i, share) => {
            // Each tile's content targets from the same region of the photo, seen with the same edges.
            const photo = content && contentNames.length ? await runTargets(ctx, regionToTensor(content, r.x, r.y, r.width, r.height), {}, contentNames) : {};
            const spatial = termFeeds(terms, prepared, (f) => f.tile?.(r));
            const weights = Object.fromEntries(sums.map((t) => [OBJECTIVE_IO.weight(t.name), float32([], [(o[t.weightOption] as number) / share])]));
            return evaluate(img, r.width, r.height, { ...photo, ...spatial, ...weights, ...shifted[i] });
          },
          (t) => (reported = t),
          async (tiles) => {
            shifted = await shiftedTargets(ctx, tiles, feeds);
          },
        );
  const host = terms.filter((t) => t.host);
  return {
    objective: withHostTerms(objective, host, o, width, height, prepared, (values) => (reported = { ...reported, ...values })),
    terms: () => reported,
    feeds: tile === undefined && host.length === 0 ? feeds : undefined,
  };
}

/** `objective` plus the host terms' weighted values and gradients over the whole image. */
function withHostTerms(objective: Objective, host: readonly ObjectiveTerm[], o: ResolvedNeuralStyleRunOptions, width: number, height: number, prepared: ReadonlyMap<string, TermFeeds>, report: (values: Record<string, number>) => void): Objective {
  if (!host.length) return objective;
  return async (x) => {
    const r = await objective(x);
    let loss = r.loss;
    const grad = r.grad;
    const values: Record<string, number> = {};
    for (const t of host) {
      const w = o[t.weightOption] as number;
      const h = t.host!(x, width, height, prepared.get(t.name) ?? {});
      values[t.name] = w * h.value;
      loss += w * h.value;
      for (let i = 0; i < grad.length; i++) grad[i]! += w * h.grad[i]!;
    }
    if (!Number.isFinite(loss)) throw new ImpastoError('NUMERIC', `the loss became ${loss}; lower the loss weights`);
    report(values);
    return { loss, grad };
  };
}
