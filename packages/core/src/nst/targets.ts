import { ImpastoError } from '../errors';
import { type RawImage, imageToTensor, regionToTensor } from '../image/raw-image';
import { type TensorData, float32 } from '../onnx/tensor';
import type { ResolvedNeuralStyleRunOptions } from '../options/generated';
import type { Session } from '../runtime/backend';
import { cutPlanes } from '../tiles/cut-planes';
import { planTiles } from '../tiles/plan';
import { checkBlendWeights } from '../util/blend-weights';
import { OBJECTIVE_IO } from './objective';
import type { WeightedImage } from './run-images';
import type { ObjectiveTerm, TermFeeds } from './terms';
import type { TileRegion } from './tiled-objective';

/** What computing a run's targets needs: the target graph, the terms and what they prepared. */
export interface TargetContext {
  readonly session: Session;
  readonly terms: readonly ObjectiveTerm[];
  readonly prepared: ReadonlyMap<string, TermFeeds>;
  readonly minSide: number;
}

/** A term's own feeds under the graph's names. */
export function prefixed(term: string, feeds: Readonly<Record<string, TensorData>> | undefined): Record<string, TensorData> {
  return Object.fromEntries(Object.entries(feeds ?? {}).map(([k, v]) => [OBJECTIVE_IO.input(term, k), v]));
}

/** Every term's own feeds of one kind (`pick`), under the graph's names. */
export function termFeeds(terms: readonly ObjectiveTerm[], prepared: ReadonlyMap<string, TermFeeds>, pick: (f: TermFeeds) => Readonly<Record<string, TensorData>> | undefined): Record<string, TensorData> {
  const feeds: Record<string, TensorData> = {};
  for (const t of terms) {
    const f = prepared.get(t.name);
    Object.assign(feeds, prefixed(t.name, f && pick(f)));
  }
  return feeds;
}

/**
 * The target graph's inputs for one run of it: `own` (the inputs of the terms whose targets are
 * fetched), and for every other target input a one-element stand-in (its outputs are not fetched,
 * but ONNX Runtime wants every input).
 */
function withStandIns(ctx: TargetContext, own: Record<string, TensorData>): Record<string, TensorData> {
  const feeds: Record<string, TensorData> = {};
  for (const t of ctx.terms) {
    for (const i of t.targets?.inputs ?? []) {
      const name = OBJECTIVE_IO.input(t.name, i.name);
      feeds[name] = own[name] ?? float32(i.dims.map((d) => (typeof d === 'number' ? d : 1)), new Float32Array(i.dims.reduce<number>((n, d) => n * (typeof d === 'number' ? d : 1), 1)).fill(1));
    }
  }
  return { ...feeds, ...own };
}

/** Runs the target graph on `image` (NCHW) with the given term inputs, fetching `names`. */
export function runTargets(ctx: TargetContext, image: TensorData, inputs: Record<string, TensorData>, names: readonly string[]): Promise<Record<string, TensorData>> {
  return ctx.session.run({ ...withStandIns(ctx, inputs), [OBJECTIVE_IO.image]: image }, names);
}

/** The names of a term's targets in the graphs. */
export const targetNames = (t: ObjectiveTerm) => (t.targets?.dims ?? []).map((_, i) => OBJECTIVE_IO.target(t.name, i));

/**
 * The terms' targets and weights, as feeds of the objective; the targets of the terms in
 * `perTile` are left for each tile. With `tile`, pooled targets (Gram matrices) of larger images
 * are the area-weighted mean of their tiles' (exact but for the features at tile edges, which see
 * padding instead of their neighbours).
 */
export async function targetFeeds(ctx: TargetContext, images: Readonly<Record<string, readonly WeightedImage[]>>, o: ResolvedNeuralStyleRunOptions, tile?: number, perTile: ReadonlySet<string> = new Set()): Promise<Record<string, TensorData>> {
  const feeds: Record<string, TensorData> = {};
  for (const t of ctx.terms) {
    const weight = o[t.weightOption] as number;
    feeds[OBJECTIVE_IO.weight(t.name)] = float32([], [weight]);
    const spec = t.targets;
    if (!spec || perTile.has(t.name)) continue;
    const list = images[spec.image] ?? [];
    if (!list.length) throw new ImpastoError('INVALID_ARGUMENT', `the ${t.name} term needs the ${spec.image} image`);
    const names = targetNames(t);
    const own = (k: number) => prefixed(t.name, ctx.prepared.get(t.name)?.targets?.(k));
    const run = (img: RawImage, k: number) =>
      tile !== undefined && spec.pooled && Math.max(img.width, img.height) > tile ? tiledTargets(ctx, img, tile, own(k), names) : runTargets(ctx, imageToTensor(img), own(k), names);
    if (list.length === 1) {
      Object.assign(feeds, await run(list[0]!.image, 0));
      continue;
    }
    // Σ wₖ·mean((G − Aₖ)²) = W·mean((G − Ā)²) + const, Ā = Σ wₖAₖ / W: one blended target, weight × W.
    if (!spec.pooled) throw new ImpastoError('INVALID_ARGUMENT', `the ${t.name} term compares features, which do not blend: give it one image`);
    const { shares, total } = checkBlendWeights(list.map((e) => e.weight), 'style');
    for (const [k, e] of list.entries()) {
      const out = await run(e.image, k);
      for (const n of names) {
        const d = out[n]!.data as Float32Array;
        const acc = (feeds[n] ??= float32(out[n]!.dims, new Float32Array(d.length))).data as Float32Array;
        for (let i = 0; i < d.length; i++) acc[i]! += shares[k]! * d[i]!;
      }
    }
    feeds[OBJECTIVE_IO.weight(t.name)] = float32([], [weight * total]);
  }
  return feeds;
}

/** Pooled targets of `img` as the area-weighted mean over tiles of at most `tile` pixels a side. */
async function tiledTargets(ctx: TargetContext, img: RawImage, tile: number, inputs: Record<string, TensorData>, names: readonly string[]): Promise<Record<string, TensorData>> {
  const plan = planTiles(img.width, img.height, { tile: Math.max(ctx.minSide, tile), overlap: 0, align: 1 });
  const sums: Record<string, TensorData<'float32'>> = {};
  for (const row of plan.rows) {
    for (const col of plan.columns) {
      const region = { x: col.coreStart, y: row.coreStart, width: col.coreEnd - col.coreStart, height: row.coreEnd - row.coreStart };
      const own = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, cutPlanes(v, region)]));
      const out = await runTargets(ctx, regionToTensor(img, region.x, region.y, region.width, region.height), own, names);
      const share = (region.width * region.height) / (img.width * img.height);
      for (const n of names) {
        const d = out[n]!.data as Float32Array;
        const acc = (sums[n] ??= float32(out[n]!.dims, new Float32Array(d.length))).data;
        for (let i = 0; i < d.length; i++) acc[i]! += share * d[i]!;
      }
    }
  }
  return sums;
}

/**
 * Per tile of the optimised image, its pooled targets shifted by (its own − the whole image's
 * pooled over the tiles), so each tile's gradient of a pooled term (the style loss) is the whole
 * image's restricted to it.
 */
export async function shiftedTargets(
  ctx: TargetContext,
  tiles: readonly { region: TileRegion; x: Float32Array; share: number }[],
  feeds: Readonly<Record<string, TensorData>>,
): Promise<Record<string, TensorData>[]> {
  const pooled = ctx.terms.filter((t) => t.targets?.pooled);
  const names = pooled.flatMap(targetNames);
  if (!names.length) return tiles.map(() => ({}));
  const own = (r: TileRegion) => termFeeds(pooled, ctx.prepared, (f) => f.tile?.(r));
  const grams = [];
  for (const t of tiles) grams.push(await runTargets(ctx, float32([1, 3, t.region.height, t.region.width], t.x), own(t.region), names));
  const shifted: Record<string, TensorData>[] = grams.map(() => ({}));
  for (const n of names) {
    const whole = new Float32Array(grams[0]![n]!.data.length);
    for (const [i, g] of grams.entries()) for (let k = 0; k < whole.length; k++) whole[k]! += tiles[i]!.share * (g[n]!.data as Float32Array)[k]!;
    const target = feeds[n]!.data as Float32Array;
    for (const [i, g] of grams.entries()) {
      const mine = g[n]!.data as Float32Array;
      shifted[i]![n] = float32(feeds[n]!.dims, target.map((a, k) => a + mine[k]! - whole[k]!));
    }
  }
  return shifted;
}
