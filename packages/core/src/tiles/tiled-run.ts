import { ImpastoError } from '../errors';
import { type RawImage, regionToTensor } from '../image/raw-image';
import { int64, type TensorData } from '../onnx/tensor';
import { type Graph, subgraph } from '../onnx/graph';
import { encodeModel } from '../onnx/serialize';
import type { SessionOptions } from '../options/generated';
import type { Backend, Session } from '../runtime/backend';
import { TileCompositor } from './compositor';
import { type Span, planTiles, spanReach, spanWeights } from './plan';
import { type LayerStatistics, StatisticsPool, statisticsFeeds } from './shared-statistics';

/** A network built with shared normalisation statistics (see `FST_TILE_CORE`). */
export interface SharedNormNetwork {
  /** Opens a session computing only `outputs` (the part of the network they need). */
  open(outputs: readonly string[]): Promise<Session>;
  readonly input: string;
  readonly output: string;
  readonly core: string;
  /** The norm layers in order: inputs `<name>.mean`, `<name>.var`; outputs `<name>.deviation`, `<name>.square`. */
  readonly layers: readonly { name: string; channels: number }[];
  /** The network's total stride: tiles start on multiples of it. */
  readonly align: number;
  /** Further feeds every run needs (a style code, say). */
  readonly feeds?: Readonly<Record<string, TensorData>>;
}

/**
 * `SharedNormNetwork.open` for `graph` on `backend`: a session on the part of the graph that the
 * outputs need (ONNX Runtime runs every node of a session, whatever is fetched).
 */
export function subgraphSessions(backend: Backend, graph: Graph, options: SessionOptions): (outputs: readonly string[]) => Promise<Session> {
  return (outputs) => backend.createSession(encodeModel(subgraph(graph, outputs)), options);
}

/** Where a tiled run is. */
export interface TileProgress {
  /** 1-based: one pass per norm layer measures its statistics, the last writes the result. */
  readonly pass: number;
  readonly passes: number;
  /** Tiles done in this pass, and in each pass. */
  readonly tile: number;
  readonly tiles: number;
}

/** Callbacks of one stylize call (fast or arbitrary style). */
export interface StylizeContext {
  /** Called after each tile of a tiled run (see the `tile` option). */
  readonly onProgress?: (p: TileProgress) => void;
  /** Aborts a tiled run between tiles (`ABORTED`). */
  readonly signal?: { readonly aborted: boolean };
}

export interface TiledRunOptions {
  /** Largest core side in pixels, a multiple of the network's stride. */
  readonly tile: number;
  /** Context read around each core, in pixels (multiple of the stride). */
  readonly overlap: number;
  readonly onProgress?: (p: TileProgress) => void;
  readonly signal?: { readonly aborted: boolean };
}

/** What `runTiled` did. */
export interface TiledRunResult {
  readonly image: RawImage;
  readonly passes: number;
  readonly tiles: number;
}

/**
 * Runs `net` over `image` tile by tile with every norm layer using the whole image's statistics,
 * as one pass over the whole image would, so tiles agree where they meet. Layer k's statistics
 * depend on layers 1..k-1 normalised exactly, so they are measured in order: pass k runs the
 * network up to layer k over every tile (earlier layers fed what was measured) and pools layer
 * k's moments; the last pass runs it all and blends the tiles. Cheaper schemes that refine every
 * layer at once from per-tile statistics diverge on real networks (measured on fast style), so
 * the cost is about the sum of the network's prefixes: 8-9 one-pass runs for fast style. Where
 * one tile covers the image, the plain network is the same and far cheaper.
 */
export async function runTiled(net: SharedNormNetwork, image: RawImage, o: TiledRunOptions): Promise<TiledRunResult> {
  const { width, height } = image;
  const plan = planTiles(width, height, { tile: o.tile, overlap: o.overlap, align: net.align });
  const tiles = plan.rows.length * plan.columns.length;
  const measured = net.layers;
  const passes = measured.length + 1;
  const stats = new Map<string, LayerStatistics>();
  const core = (row: Span, column: Span) => coreFeed(ownedRegion(row, height, net.align), ownedRegion(column, width, net.align));
  const region = (row: Span, column: Span) => regionToTensor(image, column.readStart, row.readStart, column.readEnd - column.readStart, row.readEnd - row.readStart);

  // Visits every tile in row order with a session computing `outputs`; `after` closes each row.
  const pass = async (index: number, outputs: readonly string[], each: (r: Readonly<Record<string, TensorData>>, row: number, column: number) => void, after?: (row: number) => void) => {
    const session = await net.open(outputs);
    try {
      const feeds = pick({ ...net.feeds, ...statisticsFeeds(net.layers, stats) }, session.inputNames);
      let done = 0;
      for (const [r, row] of plan.rows.entries()) {
        for (const [c, column] of plan.columns.entries()) {
          if (o.signal?.aborted) throw new ImpastoError('ABORTED', 'the tiled run was aborted');
          each(await session.run({ ...feeds, [net.input]: region(row, column), ...pick({ [net.core]: core(row, column) }, session.inputNames) }, outputs), r, c);
          o.onProgress?.({ pass: index, passes, tile: ++done, tiles });
        }
        after?.(r);
      }
    } finally {
      await session.dispose();
    }
  };

  for (const [k, layer] of measured.entries()) {
    const pool = new StatisticsPool([layer]);
    // The owned region's area, padding included, as the network counts it.
    const extent = ([a, b]: [number, number]) => b - a;
    const at = (r: number, c: number) => extent(ownedRegion(plan.rows[r]!, height, net.align)) * extent(ownedRegion(plan.columns[c]!, width, net.align));
    await pass(k + 1, [`${layer.name}.deviation`, `${layer.name}.square`], (result, r, c) => pool.add(result, at(r, c), stats));
    stats.set(layer.name, pool.result().get(layer.name)!);
  }

  const wx = plan.columns.map((s) => spanWeights(s, width, plan.feather));
  const wy = plan.rows.map((s) => spanWeights(s, height, plan.feather));
  const out = new TileCompositor(width, height, image);
  await pass(
    passes,
    [net.output],
    (result, r, c) => out.add(result[net.output] as TensorData<'float32'>, plan.columns[c]!.readStart, plan.rows[r]!.readStart, wx[c]!, wy[r]!, spanReach(plan.columns[c]!, width, plan.feather), spanReach(plan.rows[r]!, height, plan.feather)),
    (r) => {
      const next = plan.rows[r + 1];
      out.flush(next ? spanReach(next, height, plan.feather)[0] : height);
    },
  );
  return { image: out.image, passes, tiles };
}

function pick<T>(feeds: Readonly<Record<string, T>>, names: readonly string[]): Record<string, T> {
  return Object.fromEntries(Object.entries(feeds).filter(([k]) => names.includes(k)));
}

/**
 * The core in the tile's own pixels as [start, end]; at the image's far edge the end is the
 * tile's size rounded up to the stride, as the network pads it, so the padding counts like it
 * does when the whole image is run at once.
 */
function ownedRegion(s: Span, length: number, align: number): [number, number] {
  const end = s.coreEnd === length ? Math.ceil((s.readEnd - s.readStart) / align) * align : s.coreEnd - s.readStart;
  return [s.coreStart - s.readStart, end];
}

/** [top, left, bottom, right], as the network takes it. */
function coreFeed([top, bottom]: [number, number], [left, right]: [number, number]): TensorData<'int64'> {
  return int64([4], [top, left, bottom, right]);
}
