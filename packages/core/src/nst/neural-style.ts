import { ImpastoError, invalidParam } from '../errors';
import { checkBlendWeights } from '../util/blend-weights';
import { checkMemory, estimateMemory, planRun } from '../runtime/memory';
import { outOfMemoryHint } from '../runtime/out-of-memory';
import { keepLuminance, matchColors } from '../image/color';
import { loadImage, loadImageAtSide } from '../image/pipeline';
import { type RawImage, imageToTensor, isRawImage, regionToTensor, tensorToImage } from '../image/raw-image';
import { planTiles } from '../tiles/plan';
import { tiledObjective } from './tiled-objective';
import { type FeatureNet } from '../nets/feature-net';
import { LOSS_NET_DEFAULTS, LOSS_NET_MODEL, type LossNetName, loadLossNet, lossNetMinSide } from '../nets/loss-nets';
import { encodeModel } from '../onnx/serialize';
import { float32, type TensorData } from '../onnx/tensor';
import { Adam } from '../optim/adam';
import { Lbfgs } from '../optim/lbfgs';
import { optimize } from '../optim/loop';
import { Rng } from '../optim/rng';
import type { Objective, Optimizer } from '../optim/types';
import type {
  NeuralStyleLoadOptions,
  NeuralStyleOptions,
  NeuralStyleRunOptions,
  ResolvedNeuralStyleLoadOptions,
  ResolvedNeuralStyleRunOptions,
} from '../options/generated';
import { resolveOptions } from '../options/schema';
import { now } from '../platform';
import type { Session } from '../runtime/backend';
import { graphKey, openCachedGraph } from '../runtime/graph-cache';
import { type CallContext, type Platform, admitted, boundPlatform, checkContext } from '../runtime/platform';
import { getModel } from '../store/catalogue';
import { combinedHash } from '../store/hash';
import type { ModelStore } from '../store/model-store';
import { type Run, startRun } from '../util/run';
import { OBJECTIVE_IO, buildObjectiveGraph, buildTargetGraph } from './objective';
import { NST_LOAD_KEYS, NST_LOAD_SCHEMA, NST_RUN_SCHEMA, NST_SCHEMA } from './options';
import { type LossTerm, contentTerm, styleTerm, tvTerm } from './terms';

/** One iteration's report. Terms are weighted, as they add up to `loss`, keyed by term name. */
export interface NstProgress {
  readonly type: 'progress';
  readonly iteration: number;
  readonly iterations: number;
  readonly loss: number;
  readonly terms: Readonly<Record<string, number>>;
  readonly msPerIteration: number;
  readonly etaMs: number;
  readonly evaluations: number;
  /** With `startSize`: which scale (1-based) of how many, and its longest side. */
  readonly scale?: NstScale;
}

/** One scale of a coarse-to-fine run. */
export interface NstScale {
  readonly index: number;
  readonly scales: number;
  readonly size: number;
}

/** The current image every `checkpointEvery` iterations (of each scale, with `startSize`). */
export interface NstCheckpoint {
  readonly type: 'checkpoint';
  readonly iteration: number;
  readonly image: RawImage;
  readonly scale?: NstScale;
}

export type NstEvent = NstProgress | NstCheckpoint;

/** One of several paintings of a run, with the weight of its style loss. */
export interface WeightedStyle<In> {
  readonly style: In | RawImage;
  /** At least 0; the weights need not sum to 1 (they scale the style loss). */
  readonly weight: number;
}

/** The images of a run: anything the platform decodes, or `RawImage`s. */
export interface NstInputs<In> {
  /** The photo (not needed for style reconstruction). */
  readonly content?: In | RawImage;
  /**
   * The painting (not needed for content reconstruction), or several with weights: the run then
   * minimises Σ weight·(style loss against each). That equals the style loss against the weighted
   * mean of their Gram matrices, times Σ weight, plus a constant; the loss reported is that form,
   * without the constant. Throws `INVALID_ARGUMENT` for no paintings or weights that are negative
   * or sum to 0.
   */
  readonly style?: In | RawImage | readonly WeightedStyle<In>[];
}

/** Checks a run's `inputs`: an object of images (which are checked when they are decoded). */
function checkInputs(inputs: unknown): void {
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs) || isRawImage(inputs)) {
    throw invalidParam('inputs', 'an object { content, style } of images', inputs);
  }
}

/** The paintings of `style` with their weights, checked. */
function weightedStyles<In>(style: In | RawImage | readonly WeightedStyle<In>[]): readonly WeightedStyle<In>[] {
  if (!Array.isArray(style)) return [{ style: style as In | RawImage, weight: 1 }];
  const list = style as readonly WeightedStyle<In>[];
  list.forEach((e, i) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw invalidParam(`style[${i}]`, 'a { style, weight } object', e);
  });
  const { total } = checkBlendWeights(list.map((e) => e.weight), 'style');
  // The sum scales the style loss, a float32 in the graph.
  if (!(total <= FLOAT32_MAX)) throw new ImpastoError('INVALID_ARGUMENT', `the style weights add up to ${total}, beyond float32's range; scale them down (their ratios set the blend, their sum scales the style loss)`);
  return list;
}

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

interface WeightedImage { readonly image: RawImage; readonly weight: number }

/** What a finished run gives. */
export interface NstResult {
  readonly image: RawImage;
  readonly loss: number;
  readonly iterations: number;
  readonly provider: string;
  readonly msPerIteration: number;
  /** Milliseconds from the call to the first iteration: loading (one-off runs), decoding, targets. */
  readonly startupMs: number;
  /** The longest side of each scale run (one entry without `startSize`). */
  readonly sizes: readonly number[];
  /** The tile side of a tiled run (the last scale's), or undefined for one piece. */
  readonly tile?: number;
}

/** The sizes of a coarse-to-fine run: `start`, then ×√2 while below `size`, then `size`. */
export function coarseToFineSizes(start: number, size: number): number[] {
  const sizes: number[] = [];
  for (let s = start; Math.round(s) < size; s *= Math.SQRT2) sizes.push(Math.round(s));
  return [...sizes, size];
}

/** Context of an engine: a custom loss net may be given instead of a named one. */
export interface NeuralStyleContext extends CallContext {
  /** A loaded loss net to use instead of `options.net` (its graphs are built, not cached). */
  readonly net?: FeatureNet;
}

/** What `openNeuralStyle` hands a platform's `NeuralStyle` constructor. */
export interface NeuralStyleParts {
  readonly options: ResolvedNeuralStyleLoadOptions;
  readonly terms: readonly LossTerm[];
  readonly targets: Session;
  readonly objective: Session;
  /** Milliseconds the load took (graphs from the cache make it short). */
  readonly loadMs: number;
  /** The smallest image side the loss net takes for these layers. */
  readonly minSide: number;
}

function requestedLayers(o: ResolvedNeuralStyleLoadOptions, net: LossNetName): { content: readonly (string | number)[]; style: readonly (string | number)[] } {
  const d = LOSS_NET_DEFAULTS[net];
  return {
    content: o.mode === 'style' ? [] : (o.contentLayers ?? [d.content]),
    style: o.mode === 'content' ? [] : (o.styleLayers ?? d.style),
  };
}

function termsFor(net: FeatureNet, layers: { content: readonly (string | number)[]; style: readonly (string | number)[] }): LossTerm[] {
  const terms: LossTerm[] = [];
  if (layers.content.length) terms.push(contentTerm(layers.content.map((l) => net.resolve(l))));
  if (layers.style.length) terms.push(styleTerm(layers.style.map((l) => net.resolve(l))));
  // Always present (weight 0 costs next to nothing), so every mode's runs may smooth.
  terms.push(tvTerm());
  return terms;
}

/** The terms of a cached objective, by name only (their graphs are already built). */
function cachedTerms(layers: { content: readonly unknown[]; style: readonly unknown[] }): LossTerm[] {
  const stub = (name: string, image: string | undefined, n: number, kind: 'features' | 'gram'): LossTerm => ({
    name,
    image,
    layers: [],
    targets: Array.from({ length: n }, () => ({ kind, layer: '' })),
    key: name,
    build: () => {
      throw new ImpastoError('INVALID_ARGUMENT', 'a cached term cannot be rebuilt');
    },
  });
  return [
    ...(layers.content.length ? [stub('content', 'content', layers.content.length, 'features')] : []),
    ...(layers.style.length ? [stub('style', 'style', layers.style.length, 'gram')] : []),
    stub('tv', undefined, 0, 'features'),
  ];
}

/**
 * Builds an engine on `platform`: validates the options, then takes the target and objective
 * graphs from the store's cache (no weights read at all) or loads the loss net's weights, builds
 * both graphs once and caches them. The sessions live as long as the engine.
 */
export async function openNeuralStyle<In, Enc>(platform: Platform<In, Enc>, options: NeuralStyleLoadOptions = {}, context: NeuralStyleContext = {}): Promise<NeuralStyleParts> {
  const t0 = now();
  const o = resolveOptions<ResolvedNeuralStyleLoadOptions>(NST_LOAD_SCHEMA, options, { platform: platform.kind });
  checkContext(context);
  const backend = context.backend ?? platform.backend;
  const store: ModelStore = context.store ?? platform.defaultStore();
  const layers = requestedLayers(o, o.net);
  const graphs = store.graphs;
  const key = context.net
    ? undefined
    : await graphKey('nst', [await combinedHash(getModel(LOSS_NET_MODEL[o.net]).files), o.net, o.pooling, layers]);

  const open = async (terms: LossTerm[], targetBytes?: Uint8Array, objectiveBytes?: Uint8Array): Promise<NeuralStyleParts | undefined> => {
    const session = { ep: o.ep, intraOpNumThreads: o.intraOpNumThreads, interOpNumThreads: o.interOpNumThreads };
    const targets = await openCachedGraph(backend, targetBytes, session);
    const objective = targets && (await openCachedGraph(backend, objectiveBytes, session));
    if (!targets || !objective) {
      await targets?.dispose();
      return undefined;
    }
    return { options: o, terms, targets, objective, loadMs: now() - t0, minSide: context.net ? 1 : lossNetMinSide(o.net, [...layers.content, ...layers.style]) };
  };
  if (key) {
    const [t, f] = await Promise.all([graphs.get(`${key}-targets`), graphs.get(`${key}-objective`)]);
    const hit = t && f ? await open(cachedTerms(layers), t, f) : undefined;
    if (hit) return hit;
  }
  if (context.signal?.aborted) throw new ImpastoError('ABORTED', 'loading the loss network was aborted');
  const net = context.net ?? (await loadLossNet(o.net, store.source(LOSS_NET_MODEL[o.net], { signal: context.signal, onFile: context.onFile }), [...layers.content, ...layers.style], o.pooling));
  const terms = termsFor(net, layers);
  const targetBytes = encodeModel(buildTargetGraph(net, terms));
  const objectiveBytes = encodeModel(buildObjectiveGraph(net, terms));
  const parts = await open(terms, targetBytes, objectiveBytes);
  if (!parts) throw new ImpastoError('BAD_MODEL', 'ONNX Runtime could not load the built NST graphs');
  if (key) await Promise.all([graphs.put(`${key}-targets`, targetBytes), graphs.put(`${key}-objective`, objectiveBytes)]);
  return parts;
}

function noise(width: number, height: number, seed: number): Float32Array {
  // The seed's white noise (Gaussian x 0.256) lives in mean-subtracted space; here that is mid-grey.
  const x = new Float32Array(3 * width * height);
  new Rng(seed).fillGaussian(x, 0.256, 127.5);
  return x;
}

const WEIGHT_OPTION: Readonly<Record<string, keyof ResolvedNeuralStyleRunOptions>> = { content: 'contentWeight', style: 'styleWeight', tv: 'tvWeight' };

/**
 * Gatys et al. neural style transfer as an engine: one loss net, its target and objective graphs
 * and their sessions, reused by every `run` (a service or a video loop pays the set-up once).
 * Runs on one engine take turns. The platform packages export it as `NeuralStyle.load(options)`.
 */
export class NeuralStyle<In, Encoded> {
  /** The platform `load` and `transfer` run on; set by each platform package's subclass. */
  static readonly platform?: Platform<unknown, unknown>;

  /**
   * Loads an engine: validates the options, then takes the target and objective graphs from the
   * store's cache (no weights read) or loads the loss net and builds and caches them. Errors:
   * `INVALID_ARGUMENT`, `UNKNOWN_LAYER`, the store's errors, `PROVIDER_UNAVAILABLE`.
   */
  static async load<T>(this: NeuralStyleClass<T>, options: NeuralStyleLoadOptions = {}, context: NeuralStyleContext = {}): Promise<T> {
    const platform = boundPlatform(this.platform, 'NeuralStyle');
    return new this(platform as Platform<never, never>, await openNeuralStyle(platform, options, context));
  }

  /**
   * A one-off transfer: every option is checked at the call (bad ones throw), then an engine is
   * loaded (from the graph cache when it can), run once and released.
   */
  static transfer<In>(this: NeuralStyleClass<NeuralStyle<In, unknown>>, inputs: NstInputs<In>, options: NeuralStyleOptions = {}, context: NeuralStyleContext = {}): Run<NstEvent, NstResult> {
    const platform = boundPlatform(this.platform, 'NeuralStyle');
    return runNeuralStyle(platform as Platform<In, unknown>, (parts) => new this(platform as Platform<never, never>, parts), inputs, options, context);
  }

  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    protected readonly platform: Platform<In, Encoded>,
    private readonly parts: NeuralStyleParts,
  ) {}

  /** The engine's options, defaults filled in. */
  get options(): ResolvedNeuralStyleLoadOptions {
    return this.parts.options;
  }

  /** Milliseconds the engine took to load. */
  get loadMs(): number {
    return this.parts.loadMs;
  }

  /** The provider that runs the objective. */
  get provider() {
    return this.parts.objective.provider;
  }

  /**
   * Starts a run: `events` (progress every iteration, a checkpoint every `checkpointEvery`) and
   * `result` (the final image). Bad options throw here, before any image is decoded; a missing
   * image, a failed decode, a non-finite loss (`NUMERIC`) or an abort (`ABORTED`) reject `result`.
   */
  run(inputs: NstInputs<In>, options: NeuralStyleRunOptions = {}, context: { readonly signal?: { readonly aborted: boolean } } = {}): Run<NstEvent, NstResult> {
    if (this.disposed) throw new ImpastoError('INVALID_ARGUMENT', 'this NeuralStyle was disposed; load it again');
    const o = resolveOptions<ResolvedNeuralStyleRunOptions>(NST_RUN_SCHEMA, options, { platform: this.platform.kind, mode: this.parts.options.mode });
    checkInputs(inputs);
    checkContext(context);
    const many = o.startSize !== undefined && o.startSize < o.size;
    return startRun((emit) => this.exclusive(async () => (many ? this.coarseToFine(inputs, o, context.signal, emit, now()) : (await this.optimise(inputs, o, context.signal, emit, now())).result)));
  }

  /**
   * Runs scale by scale from `startSize` up to `size`: the photo and paintings decoded once at the
   * full size and shrunk for each scale, each scale started from the previous one's optimised
   * image (before any colour preservation) enlarged to it.
   */
  private async coarseToFine(inputs: NstInputs<In>, o: ResolvedNeuralStyleRunOptions, signal: { readonly aborted: boolean } | undefined, emit: (e: NstEvent) => Promise<void>, t0: number): Promise<NstResult> {
    const codec = this.platform.codec;
    if (inputs.content === undefined) throw new ImpastoError('INVALID_ARGUMENT', `a content image is needed for ${this.parts.options.mode}`);
    const content = await loadImage(codec, inputs.content, { maxSize: o.size, maxPixels: o.maxPixels });
    const paintings =
      inputs.style === undefined
        ? undefined
        : await Promise.all(weightedStyles(inputs.style).map(async (e) => ({ style: await loadImage(codec, e.style, { maxSize: o.styleScale ? undefined : o.styleSize, maxPixels: o.maxPixels }), weight: e.weight })));
    // The photo is never enlarged, so scales stop at its own size.
    const sizes = coarseToFineSizes(Math.min(o.startSize!, o.size), Math.min(o.size, Math.max(content.width, content.height)));
    let previous: RawImage | undefined;
    let last: NstResult | undefined;
    let iterations = 0;
    for (const [i, size] of sizes.entries()) {
      const top = i === sizes.length - 1;
      const scale: NstScale = { index: i + 1, scales: sizes.length, size };
      const photo = await loadImage(codec, content, { maxSize: size, maxPixels: o.maxPixels });
      const start = previous ?? (typeof o.init === 'object' ? o.init : undefined);
      const init = start ? await codec.resize(start, photo.width, photo.height) : o.init;
      const styleSize = Math.max(16, Math.round((o.styleSize * size) / o.size));
      const run = await this.optimise({ content: photo, style: paintings && (Array.isArray(inputs.style) ? paintings : paintings[0]!.style) }, { ...o, size, styleSize, iterations: top ? o.topIterations : o.iterations, init }, signal, (e) => emit({ ...e, scale }), t0);
      previous = run.optimised;
      iterations += run.result.iterations;
      last = { ...run.result, startupMs: last?.startupMs ?? run.result.startupMs };
    }
    return { ...last!, iterations, sizes };
  }

  /** Runs `inputs` with resolved options; `t0` is when the caller's clock started (for `startupMs`). */
  private async optimise(
    inputs: NstInputs<In>,
    o: ResolvedNeuralStyleRunOptions,
    signal: { readonly aborted: boolean } | undefined,
    emit: (e: NstEvent) => Promise<void>,
    t0: number,
  ): Promise<{ result: NstResult; optimised: RawImage }> {
    const { mode, net } = this.parts.options;
    if (mode !== 'style' && inputs.content === undefined) throw new ImpastoError('INVALID_ARGUMENT', `a content image is needed for ${mode}`);
    if (mode !== 'content' && inputs.style === undefined) throw new ImpastoError('INVALID_ARGUMENT', `a style image is needed for ${mode}`);
    const codec = this.platform.codec;
    const content = mode !== 'style' ? await loadImage(codec, inputs.content!, { maxSize: o.size, maxPixels: o.maxPixels }) : undefined;
    const entries = mode !== 'content' ? weightedStyles(inputs.style!) : [];
    const styles: WeightedImage[] = [];
    for (const e of entries) {
      const painting =
        o.styleScale !== undefined && content
          ? await loadImageAtSide(codec, e.style, Math.max(16, Math.round(o.styleScale * Math.max(content.width, content.height))), o.maxPixels)
          : await loadImage(codec, e.style, { maxSize: o.styleSize, maxPixels: o.maxPixels });
      // Preserving colours by histogram: the painting recoloured to the photo's before its Gram targets.
      styles.push({ image: content && o.preserveColors === 'histogram' ? matchColors(painting, content) : painting, weight: e.weight });
    }
    const style = styles[0]?.image;
    for (const [which, img] of [['content', content], ...styles.map((st) => ['style', st.image] as const)] as const) {
      if (img && Math.min(img.width, img.height) < this.parts.minSide) {
        throw new ImpastoError('INVALID_ARGUMENT', `the ${which} image is ${img.width}x${img.height} px; ${net} with these layers needs at least ${this.parts.minSide} px on each side`);
      }
    }
    const shape = content ?? (typeof o.init === 'object' ? o.init : style!);
    const { width, height } = shape;
    const budget = o.memoryBudget ? o.memoryBudget * 2 ** 20 : this.platform.memory.capacity;
    const engine = net === 'squeezenet' ? 'nst-squeezenet' : 'nst-vgg19';
    const what = `neural style transfer with ${net}`;
    // Tiled: the image, its gradient and Adam's two moments stay whole (4 x 12 bytes a pixel).
    const plan = planRun(engine, what, width, height, budget, { tile: o.tile, overlap: (t) => Math.ceil(t / 8), imageBytesPerPixel: 48 }, 'size');
    const tile = plan.tile;
    // The optimised image and the larger of the two target passes set the peak.
    const big = [content, ...styles.map((st) => st.image)].reduce<RawImage>((a, b) => (b && b.width * b.height > a.width * a.height ? b : a), shape);
    if (tile === undefined) checkMemory(engine, what, big.width, big.height, budget, 'size');
    else if (o.optimizer !== 'adam') throw invalidParam('optimizer', "'adam' for a tiled run (each iteration tiles the image afresh, which L-BFGS's line search cannot follow)", o.optimizer);
    const bytes = tile === undefined ? estimateMemory(engine, big.width, big.height) : plan.bytes;
    return admitted(this.platform, { bytes, threads: this.parts.options.intraOpNumThreads ?? 0, what, signal }, () => this.optimiseAdmitted(o, content, styles, shape, tile, signal, emit, t0));
  }

  /** `optimise` once the run's memory and cores are reserved. */
  private async optimiseAdmitted(
    o: ResolvedNeuralStyleRunOptions,
    content: RawImage | undefined,
    styles: readonly WeightedImage[],
    shape: RawImage,
    tile: number | undefined,
    signal: { readonly aborted: boolean } | undefined,
    emit: (e: NstEvent) => Promise<void>,
    t0: number,
  ): Promise<{ result: NstResult; optimised: RawImage }> {
    const { net } = this.parts.options;
    const { width, height } = shape;
    // Luminance-only transfer: every image shown keeps the photo's chroma.
    const shown = (img: RawImage) => (content && o.preserveColors === 'luminance' ? keepLuminance(img, content) : img);
    try {
      const contentTerms = tile === undefined ? [] : this.parts.terms.filter((t) => t.image === 'content');
      const feeds = await this.targetFeeds({ content: content && tile === undefined ? [{ image: content, weight: 1 }] : [], style: styles }, o, tile, new Set(contentTerms.map((t) => t.name)));
      const x = this.initialImage(o, shape, content);
      const startupMs = now() - t0;
      let terms: Record<string, number> = {};
      const evaluate = async (img: Float32Array, w: number, h: number, tileFeeds: Record<string, TensorData>) => {
        const out = await this.parts.objective.run({ ...feeds, ...tileFeeds, [OBJECTIVE_IO.x]: float32([1, 3, h, w], img) });
        const loss = (out[OBJECTIVE_IO.loss]!.data as Float32Array)[0]!;
        if (!Number.isFinite(loss)) throw new ImpastoError('NUMERIC', `the loss became ${loss}; lower the learning rate (lr ${o.lr}) or the loss weights`);
        const values: Record<string, number> = {};
        for (const t of this.parts.terms) values[t.name] = (out[OBJECTIVE_IO.value(t.name)]!.data as Float32Array)[0]!;
        return { loss, grad: out[OBJECTIVE_IO.grad]!.data as Float32Array, terms: values };
      };
      const contentNames = contentTerms.flatMap((t) => t.targets.map((_, i) => OBJECTIVE_IO.target(t.name, i)));
      const gramNames = this.parts.terms.filter((t) => t.targets.length && t.targets.every((g) => g.kind === 'gram')).flatMap((t) => t.targets.map((_, i) => OBJECTIVE_IO.target(t.name, i)));
      // Per tile, Gram targets shifted by (its Gram − the whole image's), so its style gradient is the whole image's.
      let shifted: Record<string, TensorData>[] = [];
      const poolGrams = async (tiles: readonly { region: { width: number; height: number }; x: Float32Array; share: number }[]) => {
        const grams = [];
        for (const t of tiles) grams.push(await this.parts.targets.run({ [OBJECTIVE_IO.image]: float32([1, 3, t.region.height, t.region.width], t.x) }, gramNames));
        shifted = grams.map(() => ({}));
        for (const n of gramNames) {
          const whole = new Float32Array(grams[0]![n]!.data.length);
          for (const [i, g] of grams.entries()) for (let k = 0; k < whole.length; k++) whole[k]! += tiles[i]!.share * (g[n]!.data as Float32Array)[k]!;
          const target = feeds[n]!.data as Float32Array;
          for (const [i, g] of grams.entries()) {
            const own = g[n]!.data as Float32Array;
            shifted[i]![n] = float32(feeds[n]!.dims, target.map((a, k) => a + own[k]! - whole[k]!));
          }
        }
      };
      const objective: Objective =
        tile === undefined
          ? async (img) => {
              const r = await evaluate(img, width, height, {});
              terms = r.terms;
              return r;
            }
          : tiledObjective(
              width,
              height,
              { tile, minSide: this.parts.minSide, seed: o.seed },
              // Each tile's content targets from the same region of the photo, seen with the same edges.
              async (r, img, i) => {
                const own = content && contentNames.length ? await this.parts.targets.run({ [OBJECTIVE_IO.image]: regionToTensor(content, r.x, r.y, r.width, r.height) }, contentNames) : {};
                return evaluate(img, r.width, r.height, { ...own, ...shifted[i] });
              },
              (t) => (terms = t),
              gramNames.length ? poolGrams : undefined,
            );
      const optimizer: Optimizer = o.optimizer === 'adam' ? new Adam({ lr: o.lr }) : new Lbfgs({ lr: o.lr, historySize: o.historySize });
      const r = await optimize(x, objective, optimizer, {
        iterations: o.iterations,
        signal,
        hooks: {
          // Adam works in pixel space: keeping pixels displayable stops it wandering where no image is.
          afterStep: o.optimizer === 'adam' ? (v) => v.forEach((p, i) => (v[i] = p < 0 ? 0 : p > 255 ? 255 : p)) : undefined,
          yieldToEventLoop: () => this.platform.yieldToEventLoop(),
          onIteration: async (rep, v) => {
            await emit({ type: 'progress', ...rep, terms });
            if (o.checkpointEvery && rep.iteration % o.checkpointEvery === 0 && rep.iteration < rep.iterations) {
              await emit({ type: 'checkpoint', iteration: rep.iteration, image: shown(tensorToImage(float32([1, 3, height, width], v))) });
            }
          },
        },
      });
      const optimised = tensorToImage(float32([1, 3, height, width], x));
      return { result: { image: shown(optimised), loss: r.loss, iterations: r.iterations, provider: this.provider, msPerIteration: r.msPerIteration, startupMs, sizes: [Math.max(width, height)], tile }, optimised };
    } catch (e) {
      throw outOfMemoryHint(e, { width, height }, { what: 'neural style transfer', sizeOption: 'size', using: net, tile, extra: net === 'squeezenet' ? undefined : (name) => name('net', 'squeezenet') });
    }
  }

  /**
   * The terms' targets (features, Gram matrices) and weights, as feeds of the objective; the
   * targets of the terms in `perTile` are left for each tile. With `tile`, Gram targets of larger
   * images are the area-weighted mean of their tiles' Gram matrices (exact but for the features
   * at tile edges, which see padding instead of their neighbours).
   */
  private async targetFeeds(images: Record<string, readonly WeightedImage[]>, o: ResolvedNeuralStyleRunOptions, tile?: number, perTile: ReadonlySet<string> = new Set()): Promise<Record<string, TensorData>> {
    const feeds: Record<string, TensorData> = {};
    for (const t of this.parts.terms) {
      const option = WEIGHT_OPTION[t.name];
      const weight = option ? (o[option] as number) : 1;
      feeds[OBJECTIVE_IO.weight(t.name)] = float32([], [weight]);
      if (!t.targets.length || perTile.has(t.name)) continue;
      const list = images[t.image!] ?? [];
      if (!list.length) throw new ImpastoError('INVALID_ARGUMENT', `the ${t.name} term needs the ${t.image} image`);
      const names = t.targets.map((_, i) => OBJECTIVE_IO.target(t.name, i));
      const whole = (img: RawImage) => this.parts.targets.run({ [OBJECTIVE_IO.image]: imageToTensor(img) }, names);
      const grams = t.targets.every((x) => x.kind === 'gram');
      const run = (img: RawImage) => (tile !== undefined && grams && Math.max(img.width, img.height) > tile ? this.tiledGrams(img, tile, names) : whole(img));
      if (list.length === 1) {
        Object.assign(feeds, await run(list[0]!.image));
        continue;
      }
      // Σ wₖ·mean((G − Aₖ)²) = W·mean((G − Ā)²) + const, Ā = Σ wₖAₖ / W: one blended target, weight × W.
      if (t.targets.some((x) => x.kind !== 'gram')) throw new ImpastoError('INVALID_ARGUMENT', `the ${t.name} term compares features, which do not blend: give it one image`);
      const { shares, total } = checkBlendWeights(list.map((e) => e.weight), 'style');
      for (const [k, e] of list.entries()) {
        const out = await run(e.image);
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

  /** Gram targets of `img` as the area-weighted mean over tiles of at most `tile` pixels a side. */
  private async tiledGrams(img: RawImage, tile: number, names: readonly string[]): Promise<Record<string, TensorData>> {
    const plan = planTiles(img.width, img.height, { tile: Math.max(this.parts.minSide, tile), overlap: 0, align: 1 });
    const sums: Record<string, TensorData<'float32'>> = {};
    for (const row of plan.rows) {
      for (const col of plan.columns) {
        const [w, h] = [col.coreEnd - col.coreStart, row.coreEnd - row.coreStart];
        const out = await this.parts.targets.run({ [OBJECTIVE_IO.image]: regionToTensor(img, col.coreStart, row.coreStart, w, h) }, names);
        const share = (w * h) / (img.width * img.height);
        for (const n of names) {
          const d = out[n]!.data as Float32Array;
          const acc = (sums[n] ??= float32(out[n]!.dims, new Float32Array(d.length))).data;
          for (let i = 0; i < d.length; i++) acc[i]! += share * d[i]!;
        }
      }
    }
    return sums;
  }

  private initialImage(o: ResolvedNeuralStyleRunOptions, shape: RawImage, content: RawImage | undefined): Float32Array {
    if (o.init === 'content') return imageToTensor(content!).data.slice();
    if (typeof o.init === 'object') {
      if (o.init.width !== shape.width || o.init.height !== shape.height) {
        throw new ImpastoError('INVALID_ARGUMENT', `init image is ${o.init.width}x${o.init.height}; the output is ${shape.width}x${shape.height}`);
      }
      return imageToTensor(o.init).data.slice();
    }
    return noise(shape.width, shape.height, o.seed);
  }

  /** Runs `fn` after every earlier run on this engine has settled. */
  protected exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Releases the sessions (after the runs in progress). Later runs fail with `INVALID_ARGUMENT`. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    await Promise.all([this.parts.targets.dispose(), this.parts.objective.dispose()]);
  }
}

/** A `NeuralStyle` class bound to a platform. */
export interface NeuralStyleClass<T> {
  new (platform: Platform<never, never>, parts: NeuralStyleParts): T;
  readonly platform?: Platform<unknown, unknown>;
}

/** Splits a one-off's options into the engine's and the run's. */
export function splitNstOptions(options: NeuralStyleOptions): { load: NeuralStyleLoadOptions; run: NeuralStyleRunOptions } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalidParam('options', 'an object of neural style transfer options', options);
  const load: Record<string, unknown> = {};
  const run: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) (NST_LOAD_KEYS.includes(k) ? load : run)[k] = v;
  return { load, run };
}

/**
 * A one-off neural style transfer: validates every option at the call (throws), then loads an
 * engine (from the graph cache when it can), runs it once and releases it.
 */
export function runNeuralStyle<In, Enc>(
  platform: Platform<In, Enc>,
  make: (parts: NeuralStyleParts) => NeuralStyle<In, Enc>,
  inputs: NstInputs<In>,
  options: NeuralStyleOptions = {},
  context: NeuralStyleContext = {},
): Run<NstEvent, NstResult> {
  resolveOptions(NST_SCHEMA, options, { platform: platform.kind, mode: options?.mode ?? 'transfer' });
  checkInputs(inputs);
  checkContext(context);
  const { load, run } = splitNstOptions(options);
  return startRun(async (emit) => {
    const engine = make(await openNeuralStyle(platform, load, context));
    try {
      const r = engine.run(inputs, run, context);
      for await (const e of r.events) await emit(e);
      const result = await r.result;
      return { ...result, startupMs: result.startupMs + engine.loadMs };
    } finally {
      await engine.dispose();
    }
  });
}
