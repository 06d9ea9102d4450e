import { ImpastoError } from '../errors';
import { type RawImage, imageToTensor, tensorToImage } from '../image/raw-image';
import { decodeModel, encodeModel } from '../onnx/serialize';
import type { TensorData } from '../onnx/tensor';
import type { SessionOptions } from '../options/generated';
import type { Backend, Session } from '../runtime/backend';
import { type GraphCache, graphKey, openCachedGraph } from '../runtime/graph-cache';
import type { WeightSource } from '../store/source';
import { readFstCheckpoint } from './checkpoint';
import type { Graph } from '../onnx/graph';
import { type TileProgress, type TiledRunResult, runTiled, subgraphSessions } from '../tiles/tiled-run';
import { quantizeFastStyle } from './int8/quantize';
import { optimizeFastStyleGraph } from './optimize';
import { FST_INPUT, FST_OUTPUT, FST_TILE_CORE, buildFastStyleGraph, fastStyleNormLayers, fastStyleParameterShapes } from './network';

/** Context each tile reads around the part it owns: the result then matches one pass to 0.01 mean |d| (0-255). */
export const FST_TILE_OVERLAP = 64;

/** How `FastStyleModel.stylizeTiled` runs. */
export interface FastStyleTileOptions {
  /** Largest part of the image each tile owns, in pixels; rounded down to a multiple of 4. */
  readonly tile: number;
  /** Context around each tile (default `FST_TILE_OVERLAP`), a multiple of 4. */
  readonly overlap?: number;
  readonly onProgress?: (p: TileProgress) => void;
  readonly signal?: { readonly aborted: boolean };
}

/** Where `FastStyleModel.create` may find and keep its built graph. */
export interface FastStyleGraphOptions {
  readonly graphCache?: GraphCache;
  /** Hash of the weights (e.g. from the catalogue), so a cached graph is found without reading them. */
  readonly weightsKey?: string;
  /** `int8`: the network quantized by `quantizeFastStyle` (default `fp32`). */
  readonly precision?: 'fp32' | 'int8';
}

/** Bump when `quantizeFastStyle`'s output changes, so cached int8 graphs are rebuilt. */
const INT8_VERSION = 5;

/** A fast-style network on one runtime session: tensors or raw pixels in, stylized out. */
export class FastStyleModel {
  private shared?: Graph;

  private constructor(
    private readonly session: Session,
    private readonly backend: Backend,
    private readonly options: SessionOptions,
    private readonly floatGraph: () => Promise<Uint8Array>,
  ) {}

  /**
   * Builds (or takes from the cache) the network for `source`'s checkpoint and opens a session.
   * For `precision: 'int8'` the float graph is quantized (calibration runs on `session`'s
   * provider) and both are cached.
   */
  static async create(backend: Backend, source: WeightSource, session: SessionOptions = {}, graph: FastStyleGraphOptions = {}): Promise<FastStyleModel> {
    const cache = graph.weightsKey ? graph.graphCache : undefined;
    const floatKey = await graphKey('fst', [graph.weightsKey]);
    const buildFloat = async () => encodeModel(optimizeFastStyleGraph(buildFastStyleGraph(await readFstCheckpoint(source))));
    const cachedFloat = async () => cache && (await cache.get(floatKey));
    if ((graph.precision ?? 'fp32') === 'fp32') {
      const cached = await cachedFloat();
      const opened = await openCachedGraph(backend, cached, session);
      if (opened) return new FastStyleModel(opened, backend, session, async () => cached!);
      const bytes = await buildFloat();
      const fresh = await backend.createSession(bytes, session);
      await cache?.put(floatKey, bytes);
      return new FastStyleModel(fresh, backend, session, async () => bytes);
    }
    // int8: the float graph is read (or built) only when quantizing or tiling needs it, once.
    let float: Promise<Uint8Array> | undefined;
    const floatGraph = () =>
      (float ??= (async () => {
        const cached = await cachedFloat();
        if (cached) return cached;
        const bytes = await buildFloat();
        await cache?.put(floatKey, bytes);
        return bytes;
      })());
    const int8Key = await graphKey('fst-int8', [graph.weightsKey, INT8_VERSION]);
    const opened = await openCachedGraph(backend, cache && (await cache.get(int8Key)), session);
    if (opened) return new FastStyleModel(opened, backend, session, floatGraph);
    const bytes = encodeModel(await quantizeFastStyle(backend, decodeModel(await floatGraph()), { session }));
    const fresh = await backend.createSession(bytes, session);
    await cache?.put(int8Key, bytes);
    return new FastStyleModel(fresh, backend, session, floatGraph);
  }

  /** The execution provider that runs the network. */
  get provider(): Session['provider'] {
    return this.session.provider;
  }

  /** The session's intra-op threads (0: one per core). */
  get threads(): number {
    return this.options.intraOpNumThreads ?? 0;
  }

  /** Runs the network on a float32 NCHW [1, 3, H, W] tensor (0..255); returns the unclamped output. */
  async run(image: TensorData<'float32'>): Promise<TensorData<'float32'>> {
    const [n, c, h, w] = image.dims;
    if (image.dims.length !== 4 || n !== 1 || c !== 3 || !h || !w) {
      throw new ImpastoError('INVALID_ARGUMENT', `Expected a [1, 3, H, W] tensor for image but received [${image.dims.join(', ')}]`);
    }
    const out = await this.session.run({ [FST_INPUT]: image });
    return out[FST_OUTPUT] as TensorData<'float32'>;
  }

  /** Stylizes decoded pixels; an alpha channel is carried over unchanged. */
  async stylize(image: RawImage): Promise<RawImage> {
    return tensorToImage(await this.run(imageToTensor(image)), image);
  }

  /**
   * Stylizes `image` in tiles of at most `tile` pixels with every instance norm using the whole
   * image's statistics (see `runTiled`): the result matches one pass (mean |d| 0.01 at the
   * default overlap) while memory follows the tile, not the image: 7.4x one pass's time at 2048².
   */
  async stylizeTiled(image: RawImage, o: FastStyleTileOptions): Promise<TiledRunResult> {
    const net = {
      open: subgraphSessions(this.backend, await this.sharedGraph(), this.options),
      input: FST_INPUT,
      output: FST_OUTPUT,
      core: FST_TILE_CORE,
      layers: fastStyleNormLayers(),
      align: 4,
    };
    return runTiled(net, image, { tile: Math.floor(o.tile / 4) * 4, overlap: o.overlap ?? FST_TILE_OVERLAP, onProgress: o.onProgress, signal: o.signal });
  }

  /**
   * The network with shared statistics, built on first use from the float graph's parameters (so
   * tiling needs no weight files). Tiles run in float32 whatever the precision.
   */
  private async sharedGraph(): Promise<Graph> {
    if (!this.shared) {
      const built = decodeModel(await this.floatGraph());
      const params = Object.fromEntries(Object.keys(fastStyleParameterShapes()).map((p) => [p, built.initializers.get(p) as TensorData<'float32'>]));
      this.shared = optimizeFastStyleGraph(buildFastStyleGraph(params, { norm: 'shared' }));
    }
    return this.shared;
  }

  /** Gives back the memory earlier runs left in the session (see `Session.trim`). */
  trim(): Promise<void> {
    return this.session.trim();
  }

  async dispose(): Promise<void> {
    this.shared = undefined;
    await this.session.dispose();
  }
}
