import { existsSync, statSync } from 'node:fs';
import {
  FastStyleModel,
  combinedHash,
  getModel,
  getStyle,
  type RawImage,
  type SessionOptions,
  type StyleInfo,
  type WeightSource,
} from '@impasto/core';
import { nodeBackend } from './backend';
import { type DecodeOptions, type OutputFormat, decodeImage, encodeImage, formatFromPath, writeFileAtomic } from './image-io';
import { ModelStore, type ModelStoreOptions } from './store/model-store';

export interface FastStyleLoadOptions extends SessionOptions {
  /** A store to share between models; otherwise one is made from `storeOptions`. */
  store?: ModelStore;
  storeOptions?: ModelStoreOptions;
}

export interface StylizeOptions extends DecodeOptions {
  /** Output format (default: from the output file's extension, else png). */
  format?: OutputFormat;
  /** JPEG/WebP/AVIF quality 1–100. */
  quality?: number;
}

/** Result of `stylizeFile`. */
export interface StylizeResult {
  readonly output: string;
  readonly width: number;
  readonly height: number;
  readonly format: OutputFormat;
  /** Milliseconds inside the network. */
  readonly inferenceMs: number;
}

/**
 * Fast style transfer (Johnson et al. 2016) in Node.
 * @example
 * const fst = await FastStyle.load('wave', { ep: 'auto' });
 * await fst.stylizeFile('in.jpg', 'out.png');
 */
export class FastStyle {
  private constructor(
    private readonly model: FastStyleModel,
    /** The catalogued style, or undefined for a checkpoint folder of the user's own. */
    readonly style: StyleInfo | undefined,
  ) {}

  /** Loads a pretrained style by id (see `listStyles()`), or a checkpoint folder by path. */
  static async load(styleOrPath: string, options: FastStyleLoadOptions = {}): Promise<FastStyle> {
    const store = options.store ?? new ModelStore(options.storeOptions);
    const isFolder = /[\\/]/.test(styleOrPath) && existsSync(styleOrPath) && statSync(styleOrPath).isDirectory();
    let source: WeightSource;
    let style: StyleInfo | undefined;
    let weightsKey: string | undefined;
    if (isFolder) {
      source = ModelStore.folder(styleOrPath);
    } else {
      style = getStyle(styleOrPath);
      source = store.source(style.model);
      weightsKey = await combinedHash(getModel(style.model).files);
    }
    const graphCache = { get: (k: string) => store.getGraph(k), put: (k: string, b: Uint8Array) => store.putGraph(k, b) };
    const model = await FastStyleModel.create(nodeBackend, source, { ...options, graphCache, weightsKey });
    return new FastStyle(model, style);
  }

  /** The execution provider actually used (`auto` resolved). */
  get provider() {
    return this.model.provider;
  }

  /** Stylizes decoded pixels. */
  stylizeRaw(image: RawImage): Promise<RawImage> {
    return this.model.stylize(image);
  }

  /** Stylizes an encoded image (file path or bytes) and returns encoded bytes (PNG by default). */
  async stylize(input: string | Uint8Array, options: StylizeOptions = {}): Promise<Buffer> {
    const image = await decodeImage(input, options);
    return encodeImage(await this.model.stylize(image), options.format ?? 'png', options);
  }

  /** Stylizes `input` into `output`; the output appears whole or not at all, and never replaces the input. */
  async stylizeFile(input: string, output: string, options: StylizeOptions = {}): Promise<StylizeResult> {
    const format = options.format ?? formatFromPath(output) ?? 'png';
    const image = await decodeImage(input, options);
    const t0 = performance.now();
    const result = await this.model.stylize(image);
    const inferenceMs = performance.now() - t0;
    await writeFileAtomic(output, await encodeImage(result, format, options), [input]);
    return { output, width: result.width, height: result.height, format, inferenceMs };
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}
