import {
  FastStyleModel,
  combinedHash,
  getModel,
  getStyle,
  type GraphCache,
  type RawImage,
  type SessionOptions,
  type StyleInfo,
  type WeightSource,
} from '@impasto/core';
import { configureWasm, webBackend, type WasmOptions } from './backend';
import { type ImageInput, type ReadImageOptions, encodeImage, readImage, toImageData } from './image';
import { cacheStorageGraphCache, fetchSource } from './weights';

export interface FastStyleLoadOptions extends SessionOptions, WasmOptions {
  /**
   * URL prefix of a weights mirror laid out like `shared/weights` (`<base>/fst/<style>/…`).
   * Unset, the public URL from the catalogue.
   */
  weightsBaseUrl?: string;
  /** Your own source of the checkpoint files, instead of fetching them. */
  source?: WeightSource;
  /** Keep weights and built graphs in Cache Storage (default true). */
  cache?: boolean;
  /** A graph cache of your own (default: Cache Storage, when `cache` is not false). */
  graphCache?: GraphCache;
  signal?: AbortSignal;
}

export interface StylizeTimings {
  /** Milliseconds inside the network (tensor conversion included). */
  readonly inferenceMs: number;
}

/**
 * Fast style transfer (Johnson et al. 2016) in the browser, on onnxruntime-web.
 * @example
 * const fst = await FastStyle.load('wave', { ep: 'auto', weightsBaseUrl: '/weights/' });
 * ctx.putImageData(await fst.stylize(file), 0, 0);
 */
export class FastStyle {
  /** Timing of the last `stylize` call. */
  lastTimings: StylizeTimings | undefined;

  private constructor(
    private readonly model: FastStyleModel,
    readonly style: StyleInfo,
  ) {}

  /** Loads a pretrained style by id (see `listStyles()`). */
  static async load(styleId: string, options: FastStyleLoadOptions = {}): Promise<FastStyle> {
    const style = getStyle(styleId);
    configureWasm(options);
    const source = options.source ?? fetchSource(style.model, { baseUrl: options.weightsBaseUrl, cache: options.cache, signal: options.signal });
    const graphCache = options.graphCache ?? (options.cache === false ? undefined : cacheStorageGraphCache());
    const weightsKey = await combinedHash(getModel(style.model).files);
    const model = await FastStyleModel.create(webBackend, source, {
      ep: options.ep ?? 'auto',
      intraOpNumThreads: options.intraOpNumThreads,
      interOpNumThreads: options.interOpNumThreads,
      graphCache,
      weightsKey,
    });
    return new FastStyle(model, style);
  }

  /** The execution provider actually used (`auto` resolved): `webgpu` or `wasm`. */
  get provider() {
    return this.model.provider;
  }

  /** Stylizes decoded pixels (RGB or RGBA; alpha is kept). */
  async stylizeRaw(image: RawImage): Promise<RawImage> {
    const t0 = performance.now();
    const out = await this.model.stylize(image);
    this.lastTimings = { inferenceMs: performance.now() - t0 };
    return out;
  }

  /** Stylizes an image, canvas, bitmap, ImageData or Blob/File and returns ImageData. */
  async stylize(input: ImageInput, options: ReadImageOptions = {}): Promise<ImageData> {
    return toImageData(await this.stylizeRaw(await readImage(input, options)));
  }

  /** Like `stylize`, but returns an encoded Blob (PNG by default). */
  async stylizeToBlob(input: ImageInput, options: ReadImageOptions & { type?: string; quality?: number } = {}): Promise<Blob> {
    return encodeImage(await this.stylizeRaw(await readImage(input, options)), options.type, options.quality);
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}
