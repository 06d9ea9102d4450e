import { ImpastoError, throwIfAborted } from '../errors';
import { keepLuminance } from '../image/color';
import { checkFormat, loadImage, saveImage } from '../image/pipeline';
import type { RawImage } from '../image/raw-image';
import type { FastStyleLoadOptions, ResolvedFastStyleLoadOptions, ResolvedStylizeOptions, StylizeOptions } from '../options/generated';
import { resolveOptions } from '../options/schema';
import { now } from '../platform';
import { planRun } from '../runtime/memory';
import type { ExecutionProvider, Provider } from '../runtime/session-options';
import { type StylizeResult, retryInTiles } from '../tiles/retry-in-tiles';
import { checkRawImage } from '../image/raw-image';
import { type CallContext, type Platform, admitted, boundPlatform, checkBudgetBytes, checkContext, checkWeightSource } from '../runtime/platform';
import { getModel } from '../store/catalogue';
import { combinedHash } from '../store/hash';
import type { WeightSource } from '../store/source';
import { FST_TILE_OVERLAP, FastStyleModel } from './fast-style-model';
import { FAST_STYLE_LOAD_SCHEMA, STYLIZE_SCHEMA } from './options';
import { type StyleInfo, type StyleName, getStyle } from './styles';
import type { StylizeContext } from '../tiles/tiled-run';

export type { StylizeContext, StylizeResult };

/** What `openFastStyle` hands a platform's `FastStyle` constructor. */
export interface FastStyleParts {
  readonly model: FastStyleModel;
  /** The catalogued style, or undefined for a checkpoint of the user's own. */
  readonly style: StyleInfo | undefined;
}

/**
 * Loads a pretrained style by id, or a checkpoint from `style` as a `WeightSource`, on
 * `platform`: options are validated first, then the built graph comes from the store's cache
 * (no weights read) or is built from the weights and cached.
 */
export async function openFastStyle<In, Enc>(platform: Platform<In, Enc>, style: StyleName | WeightSource, options: FastStyleLoadOptions = {}, context: CallContext = {}): Promise<FastStyleParts> {
  const { precision, ...session } = resolveOptions<ResolvedFastStyleLoadOptions>(FAST_STYLE_LOAD_SCHEMA, options, { platform: platform.kind });
  const store = context.store ?? platform.defaultStore();
  const backend = context.backend ?? platform.backend;
  if (precision === 'int8') session.ep = int8Provider(backend.providers, session.ep);
  if (typeof style === 'string') style = platform.checkpointFolder?.(style) ?? style;
  if (typeof style !== 'string') return { model: await FastStyleModel.create(backend, style, session, { precision }), style: undefined };
  const info = getStyle(style);
  const model = await FastStyleModel.create(backend, store.source(info.model, { signal: context.signal, onFile: context.onFile }), session, {
    graphCache: store.graphs,
    weightsKey: await combinedHash(getModel(info.model).files),
    precision,
  });
  return { model, style: info };
}

/** int8 runs on the CPU: `auto` means this platform's CPU provider, a GPU one is refused. */
function int8Provider(providers: readonly Provider[], ep: ExecutionProvider): Provider {
  const cpu = providers.find((p) => p === 'cpu' || p === 'wasm');
  if (!cpu) throw new ImpastoError('PROVIDER_UNAVAILABLE', "precision 'int8' needs a CPU provider (cpu or wasm), and this runtime has none");
  if (ep === 'auto' || ep === cpu) return cpu;
  throw new ImpastoError('INVALID_ARGUMENT', `precision 'int8' runs on the ${cpu} provider, not ${ep}: use ep '${cpu}' or 'auto', or precision 'fp32'`);
}

/** How `stylizeRaw` runs: `tile` as `StylizeOptions.tile`. */
export interface RawStylizeOptions extends StylizeContext {
  readonly tile?: number;
}

/** A `FastStyle` class bound to a platform (what `load` is called on). */
export interface FastStyleClass<T> {
  new (platform: Platform<never, never>, parts: FastStyleParts): T;
  readonly platform?: Platform<unknown, unknown>;
}

/**
 * Fast style transfer (Johnson et al. 2016): one pass of a network trained for one style. Each
 * platform package exports a subclass that names its `platform`; `FastStyle.load` is this one.
 */
export class FastStyle<In, Encoded> {
  /** The platform `load` opens sessions on; set by each platform package's subclass. */
  static readonly platform?: Platform<unknown, unknown>;

  /**
   * Loads a pretrained style by id (see `listStyles()`), a checkpoint folder by path (Node), or a
   * checkpoint from a `WeightSource`. Options are checked first; the built graph comes from the
   * store's cache when it is there (no weights read). Errors: `UNKNOWN_STYLE` listing the valid
   * ones, `INVALID_ARGUMENT`, the store's `MISSING_FILE` / `HASH_MISMATCH` / `DOWNLOAD_FAILED` /
   * `ABORTED`, `PROVIDER_UNAVAILABLE`.
   */
  static async load<T>(this: FastStyleClass<T>, style: StyleName | WeightSource, options: FastStyleLoadOptions = {}, context: CallContext = {}): Promise<T> {
    const platform = boundPlatform(this.platform, 'FastStyle');
    if (typeof style !== 'string') checkWeightSource(style, 'style', 'a style id (see listStyles()), a checkpoint folder or a WeightSource');
    checkContext(context);
    throwIfAborted(context.signal, `loading ${typeof style === 'string' ? style : style.location}`);
    return new this(platform as Platform<never, never>, await openFastStyle(platform, style, options, context));
  }

  private disposed = false;

  constructor(
    protected readonly platform: Platform<In, Encoded>,
    private readonly parts: FastStyleParts,
  ) {}

  /** The catalogued style, or undefined for a checkpoint of the user's own. */
  get style(): StyleInfo | undefined {
    return this.parts.style;
  }

  /** The execution provider that runs the network (`auto` resolved). */
  get provider() {
    return this.parts.model.provider;
  }

  /**
   * Stylizes `input` (anything this platform decodes, or a `RawImage`) and returns its pixels, the
   * input's size after `maxSize`, alpha carried over. Options are checked before anything is
   * decoded; running out of memory is `IMAGE_TOO_LARGE` with a size to try. An image larger than
   * the memory budget allows is stylized in tiles (`tile`), reporting to `context.onProgress`.
   */
  async stylize(input: In | RawImage, options: StylizeOptions = {}, context: StylizeContext = {}): Promise<RawImage> {
    return (await this.stylizeWithInfo(input, options, context)).image;
  }

  /**
   * `stylize`, with this call's own measurements: `{ image, inferenceMs, tiles }` (an engine shared
   * by concurrent calls keeps none of its own).
   */
  async stylizeWithInfo(input: In | RawImage, options: StylizeOptions = {}, context: StylizeContext = {}): Promise<StylizeResult> {
    const o = this.resolve(options);
    checkContext(context);
    return this.stylizeResolved(input, o, context);
  }

  /** Like `stylize`, then encoded (PNG unless `format` says otherwise): a Buffer in Node, a Blob in the browser. */
  async stylizeEncoded(input: In | RawImage, options: StylizeOptions = {}, context: StylizeContext = {}): Promise<Encoded> {
    const o = this.resolve(options);
    checkContext(context);
    checkFormat(this.platform.codec.formats, o.format);
    return saveImage(this.platform.codec, (await this.stylizeResolved(input, o, context)).image, o);
  }

  /**
   * Runs the network on decoded pixels as they are (no resizing): the engine of the calls above.
   * One pass when the image fits `memoryBudgetBytes` (default: the process's budget), else tiles
   * sized to it; what cannot fit even in tiles is refused first (`IMAGE_TOO_LARGE`). The run
   * reserves its estimate from the process's memory budget, waiting while other runs hold it.
   */
  async stylizeRaw(image: RawImage, memoryBudgetBytes?: number, options: RawStylizeOptions = {}): Promise<RawImage> {
    return (await this.runRaw(image, memoryBudgetBytes, options)).image;
  }

  private async runRaw(image: RawImage, memoryBudgetBytes: number | undefined, options: RawStylizeOptions): Promise<StylizeResult> {
    this.checkOpen();
    checkRawImage(image);
    const budget = memoryBudgetBytes === undefined ? this.platform.memory.capacity : checkBudgetBytes(memoryBudgetBytes);
    checkContext(options, 'options');
    const plan = planRun('fst', 'fast style transfer', image.width, image.height, budget, { tile: options.tile, overlap: FST_TILE_OVERLAP, imageBytesPerPixel: image.channels, bandBytesPerPixel: 12 });
    const model = this.parts.model;
    return admitted(this.platform, { bytes: plan.bytes, threads: model.threads, what: 'fast style transfer', signal: options.signal }, async () => {
      const t0 = now();
      const out = await retryInTiles(image, plan.tile, options, {
        what: 'fast style transfer',
        onePass: async () => ({ image: await model.stylize(image), tiles: 1 }),
        tiled: async (t) => {
          const r = await model.stylizeTiled(image, { ...options, tile: t });
          return { image: r.image, tiles: r.tiles };
        },
        trim: () => model.trim(),
      });
      return { ...out, inferenceMs: now() - t0 };
    });
  }

  /** The network itself, on a float32 NCHW [1, 3, H, W] tensor (0..255); output unclamped. */
  get model(): FastStyleModel {
    return this.parts.model;
  }

  /** Releases the session; later calls fail with `INVALID_ARGUMENT`. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.parts.model.dispose();
  }

  protected resolve(options: StylizeOptions): ResolvedStylizeOptions {
    this.checkOpen();
    return resolveOptions<ResolvedStylizeOptions>(STYLIZE_SCHEMA, options, { platform: this.platform.kind });
  }

  protected async stylizeResolved(input: In | RawImage, o: ResolvedStylizeOptions, context: StylizeContext = {}): Promise<StylizeResult> {
    throwIfAborted(context.signal, 'stylize');
    const image = await loadImage(this.platform.codec, input, o);
    throwIfAborted(context.signal, 'stylize');
    const out = await this.runRaw(image, o.memoryBudget ? o.memoryBudget * 2 ** 20 : undefined, { ...context, tile: o.tile });
    return o.preserveColors === 'luminance' ? { ...out, image: keepLuminance(out.image, image) } : out;
  }

  private checkOpen(): void {
    if (this.disposed) throw new ImpastoError('INVALID_ARGUMENT', 'this FastStyle was disposed; load the style again');
  }
}
