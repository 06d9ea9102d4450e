import { ImpastoError, invalidParam } from '../errors';
import { checkMemory, estimateMemory, planRun } from '../runtime/memory';
import { outOfMemoryHint } from '../runtime/out-of-memory';
import { keepLuminance } from '../image/color';
import { guidedFilter } from '../image/guided-filter';
import { loadImage } from '../image/pipeline';
import { type RawImage, tensorToImage } from '../image/raw-image';
import { float32 } from '../onnx/tensor';
import { Adam } from '../optim/adam';
import { Lbfgs } from '../optim/lbfgs';
import { type OptimizeResult, optimize } from '../optim/loop';
import type { Optimizer } from '../optim/types';
import type { NeuralStyleLoadOptions, NeuralStyleOptions, NeuralStyleRunOptions, ResolvedNeuralStyleLoadOptions, ResolvedNeuralStyleRunOptions } from '../options/generated';
import { resolveOptions } from '../options/schema';
import { now } from '../platform';
import { type Platform, admitted, boundPlatform, checkContext } from '../runtime/platform';
import { type Run, startRun } from '../util/run';
import { type NstEvent, type NstResult, type NstScale, coarseToFineSizes } from './events';
import { type NeuralStyleContext, type NeuralStyleParts, openNeuralStyle } from './open-engine';
import { NST_LOAD_KEYS, NST_RUN_SCHEMA, NST_SCHEMA } from './options';
import { type NstInputs, type RunImages, checkInputs, loadRunImages, weightedStyles } from './run-images';
import { optimizeOnDevice } from './device-loop';
import { runObjective } from './run-objective';
import { startImage } from './start-image';

export * from './events';
export { type NeuralStyleContext, type NeuralStyleParts, openNeuralStyle } from './open-engine';
export type { NstInputs, WeightedStyle } from './run-images';

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
    // Masks decoded once too; each scale brings them to its images' sizes.
    const [contentMask, styleMask] = await Promise.all([inputs.contentMask, inputs.styleMask].map((m) => (m === undefined ? undefined : loadImage(codec, m, { maxPixels: o.maxPixels }))));
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
      const run = await this.optimise({ content: photo, style: paintings && (Array.isArray(inputs.style) ? paintings : paintings[0]!.style), contentMask, styleMask }, { ...o, size, styleSize, iterations: top ? o.topIterations : o.iterations, init }, signal, (e) => emit({ ...e, scale }), t0);
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
    const images = await loadRunImages(this.platform.codec, inputs, mode, o);
    const { content, styles } = images;
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
    else if (images.masks) throw new ImpastoError('INVALID_ARGUMENT', `region masks need the whole ${width}x${height} image in one piece, which does not fit the memory budget: lower the size or raise the budget`);
    const bytes = tile === undefined ? estimateMemory(engine, big.width, big.height) : plan.bytes;
    return admitted(this.platform, { bytes, threads: this.parts.options.intraOpNumThreads ?? 0, what, signal }, () => this.optimiseAdmitted(o, images, shape, tile, signal, emit, t0));
  }

  /** `optimise` once the run's memory and cores are reserved. */
  private async optimiseAdmitted(
    o: ResolvedNeuralStyleRunOptions,
    images: RunImages,
    shape: RawImage,
    tile: number | undefined,
    signal: { readonly aborted: boolean } | undefined,
    emit: (e: NstEvent) => Promise<void>,
    t0: number,
  ): Promise<{ result: NstResult; optimised: RawImage }> {
    const { net } = this.parts.options;
    const { content, masks } = images;
    const { width, height } = shape;
    // What the result shows: the photo's chroma for luminance-only transfer; the guided filter's smoothing.
    const shown = (img: RawImage) => {
      const smoothed = content && o.smooth ? guidedFilter(content, img, { radius: o.smoothRadius, epsilon: o.smoothEpsilon }) : img;
      return content && o.preserveColors === 'luminance' ? keepLuminance(smoothed, content) : smoothed;
    };
    try {
      const run = await runObjective(this.parts, images, o, width, height, tile);
      const x = startImage(o, shape, images);
      const startupMs = now() - t0;
      const checkpoint = async (iteration: number, iterations: number, image: () => Promise<Float32Array>) => {
        if (o.checkpointEvery && iteration % o.checkpointEvery === 0 && iteration < iterations) {
          await emit({ type: 'checkpoint', iteration, image: shown(tensorToImage(float32([1, 3, height, width], await image()))) });
        }
      };
      const deviceStep = this.parts.deviceStep;
      let r: OptimizeResult;
      const stepsOnDevice = !!deviceStep && !!run.feeds && o.optimizer === 'adam';
      if (stepsOnDevice) {
        // On a GPU the image and Adam's moments stay in device memory between iterations.
        const d = await optimizeOnDevice(deviceStep!, run.feeds!, x, [1, 3, height, width], this.parts.terms, {
          iterations: o.iterations,
          lr: o.lr,
          signal,
          hooks: {
            yieldToEventLoop: () => this.platform.yieldToEventLoop(),
            onIteration: async (rep, terms, image) => {
              await emit({ type: 'progress', ...rep, terms });
              await checkpoint(rep.iteration, rep.iterations, image);
            },
          },
        });
        x.set(d.x);
        r = d;
      } else {
        const optimizer: Optimizer = o.optimizer === 'adam' ? new Adam({ lr: o.lr }) : new Lbfgs({ lr: o.lr, historySize: o.historySize });
        r = await optimize(x, run.objective, optimizer, {
          iterations: o.iterations,
          signal,
          hooks: {
            // Adam works in pixel space: keeping pixels displayable stops it wandering where no image is.
            afterStep: o.optimizer === 'adam' ? (v) => v.forEach((p, i) => (v[i] = p < 0 ? 0 : p > 255 ? 255 : p)) : undefined,
            yieldToEventLoop: () => this.platform.yieldToEventLoop(),
            onIteration: async (rep, v) => {
              await emit({ type: 'progress', ...rep, terms: run.terms() });
              await checkpoint(rep.iteration, rep.iterations, async () => v);
            },
          },
        });
      }
      const optimised = tensorToImage(float32([1, 3, height, width], x));
      return {
        result: { image: shown(optimised), loss: r.loss, iterations: r.iterations, provider: this.provider, stepsOnDevice, msPerIteration: r.msPerIteration, startupMs, sizes: [Math.max(width, height)], tile, ...(masks ? { regions: masks.labels } : {}) },
        optimised,
      };
    } catch (e) {
      throw outOfMemoryHint(e, { width, height }, { what: 'neural style transfer', sizeOption: 'size', using: net, tile, extra: net === 'squeezenet' ? undefined : (name) => name('net', 'squeezenet') });
    }
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
    await Promise.all([this.parts.targets.dispose(), this.parts.objective.dispose(), this.parts.deviceStep?.dispose()]);
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
  const split = splitNstOptions(options);
  // Masks need the style loss per region; a one-off knows its inputs, so it builds that engine.
  const load = inputs.contentMask !== undefined ? { ...split.load, regions: true } : split.load;
  const run = split.run;
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
