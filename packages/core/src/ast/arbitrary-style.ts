import { ImpastoError, invalidParam, throwIfAborted } from '../errors';
import { keepLuminance, matchColors } from '../image/color';
import { checkFormat, loadImage, loadImageAtSide, saveImage } from '../image/pipeline';
import type { RawImage } from '../image/raw-image';
import { decodeModel, encodeModel } from '../onnx/serialize';
import type { TensorData } from '../onnx/tensor';
import type { ArbitraryStyleLoadOptions, ArbitraryStylizeOptions, ResolvedArbitraryStyleLoadOptions, ResolvedArbitraryStylizeOptions, ResolvedStyleCodeOptions, StyleCodeOptions } from '../options/generated';
import { resolveOptions } from '../options/schema';
import { now, utf8Encode } from '../platform';
import type { Backend, Session } from '../runtime/backend';
import { graphKey, openCachedGraph } from '../runtime/graph-cache';
import { checkMemory, estimateMemory, planRun } from '../runtime/memory';
import type { Graph } from '../onnx/graph';
import { type StylizeContext, type TiledRunResult, runTiled, subgraphSessions } from '../tiles/tiled-run';
import { type StylizeResult, retryInTiles } from '../tiles/retry-in-tiles';
import { type CallContext, type Platform, admitted, boundPlatform, checkContext } from '../runtime/platform';
import { getModel } from '../store/catalogue';
import { combinedHash, sha256Hex } from '../store/hash';
import {
  MICROAST_CONTENT_INPUT,
  MICROAST_FILES,
  MICROAST_NORM_LAYERS,
  MICROAST_OUTPUT,
  MICROAST_STYLE_CODE,
  MICROAST_STYLE_CODE_SHAPE,
  MICROAST_STYLE_INPUT,
  MICROAST_TILE_CORE,
  type MicroAstStylizeWeights,
  buildSharedStylizeGraph,
  buildStyleCodeGraph,
  buildStylizeGraph,
} from './network';
import { AST_LOAD_SCHEMA, AST_STYLIZE_SCHEMA, STYLE_CODE_SCHEMA } from './options';
import { type StyleCode, blendStyleCodes, isStyleCode } from './style-code';
import { readTorchCheckpoint } from './torch-checkpoint';

/** The catalogue model holding MicroAST's four checkpoints. */
export const MICROAST_MODEL = 'microast';

/** Context each tile reads around the part it owns (MicroAST's receptive field is about 45 px). */
export const AST_TILE_OVERLAP = 64;

/** The smallest side either image may have (the 9x9 convolutions' reflection padding needs 5; a margin). */
export const AST_MIN_SIDE = 8;

/** A style as a call takes it: an image, a code made before, or several of them with weights. */
export type StyleInput<In> = In | RawImage | StyleCode;
export type StyleArgument<In> = StyleInput<In> | readonly { readonly style: StyleInput<In>; readonly weight: number }[];

/** What `openArbitraryStyle` hands a platform's `ArbitraryStyle` constructor. */
export interface ArbitraryStyleParts {
  readonly styleCode: Session;
  readonly stylize: Session;
  /** The stylize graph's ONNX bytes: tiling rebuilds it with shared statistics from them. */
  readonly stylizeGraph: Uint8Array;
  readonly backend: Backend;
  readonly sessionOptions: ResolvedArbitraryStyleLoadOptions;
}

/** A checkpoint file is about 0.6 MB; anything far larger is not one. */
const MAX_CHECKPOINT_BYTES = 8 << 20;

/**
 * Loads MicroAST on `platform`: both graphs from the store's cache (no weights read), or the four
 * checkpoints read (never executed: see torch-checkpoint.ts), built and cached.
 */
export async function openArbitraryStyle<In, Enc>(platform: Platform<In, Enc>, options: ArbitraryStyleLoadOptions = {}, context: CallContext = {}): Promise<ArbitraryStyleParts> {
  const o = resolveOptions<ResolvedArbitraryStyleLoadOptions>(AST_LOAD_SCHEMA, options, { platform: platform.kind });
  const store = context.store ?? platform.defaultStore();
  const backend = context.backend ?? platform.backend;
  const key = await graphKey('ast', [await combinedHash(getModel(MICROAST_MODEL).files)]);
  const [codeBytes, stylizeBytes] = await Promise.all([store.graphs.get(`${key}-style-code`), store.graphs.get(`${key}-stylize`)]);
  const cachedCode = await openCachedGraph(backend, codeBytes, o);
  const cachedStylize = cachedCode && (await openCachedGraph(backend, stylizeBytes, o));
  if (cachedCode && cachedStylize) return { styleCode: cachedCode, stylize: cachedStylize, stylizeGraph: stylizeBytes!, backend, sessionOptions: o };
  await cachedCode?.dispose();
  const source = store.source(MICROAST_MODEL, { signal: context.signal, onFile: context.onFile });
  const read = async (file: string) => readTorchCheckpoint(await source.read(file, { maxBytes: MAX_CHECKPOINT_BYTES }), `${source.location}/${file}`);
  const [contentEncoder, styleEncoder, modulator, decoder] = await Promise.all(
    [MICROAST_FILES.contentEncoder, MICROAST_FILES.styleEncoder, MICROAST_FILES.modulator, MICROAST_FILES.decoder].map(read),
  );
  const code = encodeModel(buildStyleCodeGraph({ styleEncoder: styleEncoder!, modulator: modulator! }));
  const stylize = encodeModel(buildStylizeGraph({ contentEncoder: contentEncoder!, decoder: decoder! }));
  const parts = { styleCode: await backend.createSession(code, o), stylize: await backend.createSession(stylize, o), stylizeGraph: stylize, backend, sessionOptions: o };
  await Promise.all([store.graphs.put(`${key}-style-code`, code), store.graphs.put(`${key}-stylize`, stylize)]);
  return parts;
}

/** RGB(A) bytes to float32 NCHW on 0..1, the scale MicroAST was trained on. */
function toUnit(img: RawImage): TensorData<'float32'> {
  const { data, width, height, channels } = img;
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let p = 0, i = 0; p < plane; p++, i += channels) {
    out[p] = data[i]! / 255;
    out[plane + p] = data[i + 1]! / 255;
    out[2 * plane + p] = data[i + 2]! / 255;
  }
  return { type: 'float32', dims: [1, 3, height, width], data: out };
}

/** The network's 0..1 output (unclamped) blended with the content by `strength`, back to bytes; alpha kept. */
function toImage(y: Float32Array, content: RawImage, strength: number): RawImage {
  const { width, height, channels } = content;
  const plane = width * height;
  const out = new Uint8Array(plane * channels);
  for (let p = 0, o = 0; p < plane; p++, o += channels) {
    for (let c = 0; c < 3; c++) {
      const v = strength * y[c * plane + p]! * 255 + (1 - strength) * content.data[o + c]!;
      out[o + c] = Math.min(255, Math.max(0, v + 0.5));
    }
    if (channels === 4) out[o + 3] = content.data[o + 3]!;
  }
  return { data: out, width, height, channels };
}

/**
 * Refuses an image with a side under `AST_MIN_SIDE`; when shrinking it to `shrunkBy` (`maxSize`) made
 * it so, says which value keeps the short side wide enough (`original`: its size before).
 */
function checkSides(img: RawImage, which: string, shrunkBy?: { option: 'maxSize'; original: { width: number; height: number } }): void {
  if (Math.min(img.width, img.height) >= AST_MIN_SIDE) return;
  const { original } = shrunkBy ?? {};
  const short = original && Math.min(original.width, original.height);
  const works = short !== undefined && short >= AST_MIN_SIDE ? Math.ceil((AST_MIN_SIDE * Math.max(original!.width, original!.height)) / short) : undefined;
  throw new ImpastoError('INVALID_ARGUMENT', (name) =>
    `the ${which} image is ${img.width}x${img.height} px; arbitrary style transfer needs at least ${AST_MIN_SIDE} px on each side${works !== undefined ? `: its ${original!.width}x${original!.height} px fit with ${name(shrunkBy!.option, works)} or more` : ''}`,
  );
}

const isThin = (img: RawImage) => Math.min(img.width, img.height) < AST_MIN_SIDE;

/**
 * The longest side a painting is shrunk to: `styleSize`, unless that would leave its short side
 * under `AST_MIN_SIDE` (a long thin painting), when it keeps the short side at that minimum instead.
 */
export function styleSideFor(width: number, height: number, styleSize: number): number {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (long <= styleSize || short < AST_MIN_SIDE) return styleSize;
  return Math.max(styleSize, Math.ceil((AST_MIN_SIDE * long) / short));
}

/** A `ArbitraryStyle` class bound to a platform. */
export interface ArbitraryStyleClass<T> {
  new (platform: Platform<never, never>, parts: ArbitraryStyleParts): T;
  readonly platform?: Platform<unknown, unknown>;
}

/** Style codes kept per engine, by the pixels they came from (a batch or a video reuses one painting). */
const CODE_CACHE_SIZE = 8;

/**
 * Arbitrary style transfer in one pass (MicroAST, Wang et al. AAAI 2023): any painting as the
 * style, no training, no optimisation. A style is encoded once into a `StyleCode` (kept by the
 * engine for its last few paintings); each photo then pays only the content path.
 */
export class ArbitraryStyle<In, Encoded> {
  /** The platform `load` opens sessions on; set by each platform package's subclass. */
  static readonly platform?: Platform<unknown, unknown>;

  /** Loads MicroAST (graphs from the cache when built before). Errors: the store's, `BAD_MODEL`, `PROVIDER_UNAVAILABLE`. */
  static async load<T>(this: ArbitraryStyleClass<T>, options: ArbitraryStyleLoadOptions = {}, context: CallContext = {}): Promise<T> {
    const platform = boundPlatform(this.platform, 'ArbitraryStyle');
    checkContext(context);
    throwIfAborted(context.signal, 'loading the arbitrary-style network');
    return new this(platform as Platform<never, never>, await openArbitraryStyle(platform, options, context));
  }

  private sharedStylize?: Graph;
  private readonly codes = new Map<string, StyleCode>();
  private disposed = false;

  constructor(
    protected readonly platform: Platform<In, Encoded>,
    private readonly parts: ArbitraryStyleParts,
  ) {}

  /** The provider that runs the network. */
  get provider() {
    return this.parts.stylize.provider;
  }

  /** Encodes a painting (shrunk to `styleSize`) into a reusable `StyleCode`. */
  async encodeStyle(style: In | RawImage, options: StyleCodeOptions = {}): Promise<StyleCode> {
    this.checkOpen();
    return this.codeOf(style, resolveOptions<ResolvedStyleCodeOptions>(STYLE_CODE_SCHEMA, options, { platform: this.platform.kind }));
  }

  /**
   * Stylizes `content` with `style`: an image, a `StyleCode`, or several with weights (their codes
   * blended). Returns the content's pixels at its size (after `maxSize`), alpha kept. Options are
   * checked before anything is decoded.
   */
  async stylize(content: In | RawImage, style: StyleArgument<In>, options: ArbitraryStylizeOptions = {}, context: StylizeContext = {}): Promise<RawImage> {
    return (await this.stylizeWithInfo(content, style, options, context)).image;
  }

  /** `stylize`, with this call's own measurements: `{ image, inferenceMs, tiles }` (style encoding not in `inferenceMs`). */
  async stylizeWithInfo(content: In | RawImage, style: StyleArgument<In>, options: ArbitraryStylizeOptions = {}, context: StylizeContext = {}): Promise<StylizeResult> {
    this.checkOpen();
    const o = resolveOptions<ResolvedArbitraryStylizeOptions>(AST_STYLIZE_SCHEMA, options, { platform: this.platform.kind });
    checkContext(context);
    return this.run(content, style, o, context);
  }

  /** Like `stylize`, then encoded (PNG unless `format` says otherwise): a Buffer in Node, a Blob in the browser. */
  async stylizeEncoded(content: In | RawImage, style: StyleArgument<In>, options: ArbitraryStylizeOptions = {}, context: StylizeContext = {}): Promise<Encoded> {
    this.checkOpen();
    const o = resolveOptions<ResolvedArbitraryStylizeOptions>(AST_STYLIZE_SCHEMA, options, { platform: this.platform.kind });
    checkContext(context);
    checkFormat(this.platform.codec.formats, o.format);
    return saveImage(this.platform.codec, (await this.run(content, style, o, context)).image, o);
  }

  /** Releases the sessions; later calls fail with `INVALID_ARGUMENT`. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.codes.clear();
    this.sharedStylize = undefined;
    await Promise.all([this.parts.styleCode.dispose(), this.parts.stylize.dispose()]);
  }

  protected async run(content: In | RawImage, style: StyleArgument<In>, o: ResolvedArbitraryStylizeOptions, context: StylizeContext = {}): Promise<StylizeResult> {
    throwIfAborted(context.signal, 'stylize');
    const image = await loadImage(this.platform.codec, content, o);
    if (isThin(image) && o.maxSize !== undefined && Math.max(image.width, image.height) === o.maxSize) {
      // Shrunk too thin: the message says which maxSize keeps it wide enough, from the full size.
      checkSides(image, 'content', { option: 'maxSize', original: await loadImage(this.platform.codec, content, { maxPixels: o.maxPixels }) });
    }
    checkSides(image, 'content');
    const side = o.styleScale === undefined ? undefined : Math.max(8, Math.round(o.styleScale * Math.max(image.width, image.height)));
    const code = await this.styleOf(style, o, o.preserveColors === 'histogram' ? image : undefined, side);
    const budget = o.memoryBudget ? o.memoryBudget * 2 ** 20 : this.platform.memory.capacity;
    const plan = planRun('ast', 'arbitrary style transfer', image.width, image.height, budget, { tile: o.tile, overlap: AST_TILE_OVERLAP, imageBytesPerPixel: image.channels, bandBytesPerPixel: 12 });
    const feeds: Record<string, TensorData> = {};
    for (const name of MICROAST_STYLE_CODE) feeds[name] = { type: 'float32', dims: [...MICROAST_STYLE_CODE_SHAPE], data: code.tensors[name] };
    throwIfAborted(context.signal, 'stylize');
    const admission = { bytes: plan.bytes, threads: this.threads, what: 'arbitrary style transfer', signal: context.signal };
    const { image: result, tiles, inferenceMs } = await admitted(this.platform, admission, async () => {
      const t0 = now();
      const r = await retryInTiles(image, plan.tile, o, {
      what: 'arbitrary style transfer',
      onePass: async () => {
        const out = await this.parts.stylize.run({ ...feeds, [MICROAST_CONTENT_INPUT]: toUnit(image) }, [MICROAST_OUTPUT]);
        return { image: toImage(out[MICROAST_OUTPUT]!.data as Float32Array, image, o.strength), tiles: 1 };
      },
      tiled: async (t) => {
        const r = await this.stylizeTiled(image, feeds, t, context);
        return { image: blendWith(r.image, image, o.strength), tiles: r.tiles };
      },
      trim: () => this.parts.stylize.trim(),
      });
      return { ...r, inferenceMs: now() - t0 };
    });
    return { image: o.preserveColors === 'luminance' ? keepLuminance(result, image) : result, tiles, inferenceMs };
  }

  /** The sessions' intra-op threads (0: one per core). */
  private get threads(): number {
    return this.parts.sessionOptions.intraOpNumThreads ?? 0;
  }

  /**
   * The style code of `style`; with `recolorTo`, of the style image recoloured to that photo's
   * colours; with `side`, of the style image resized to that longest side (`styleScale`).
   */
  private async styleOf(style: StyleArgument<In>, o: ResolvedStyleCodeOptions, recolorTo?: RawImage, side?: number): Promise<StyleCode> {
    if (style === undefined || style === null) throw invalidParam('style', 'a style image, a StyleCode or a list of { style, weight }', style);
    if (Array.isArray(style)) {
      const list = style as readonly { style: StyleInput<In>; weight: number }[];
      list.forEach((s, i) => {
        if (typeof s !== 'object' || s === null || Array.isArray(s)) throw invalidParam(`style[${i}]`, 'a { style, weight } object', s);
      });
      return blendStyleCodes(await Promise.all(list.map(async (s) => ({ code: await this.styleOf(s.style, o, recolorTo, side), weight: s.weight }))));
    }
    if (isStyleCode(style) && (recolorTo || side !== undefined)) {
      const what = recolorTo ? "preserveColors 'histogram' recolours the style image" : 'styleScale resizes the style image';
      throw new ImpastoError('INVALID_ARGUMENT', `${what}, and a style code has none: pass the image${recolorTo ? ", or use 'luminance'" : ', or encode it with styleSize'}`);
    }
    return isStyleCode(style) ? style : this.codeOf(style as In | RawImage, o, recolorTo, side);
  }

  private async codeOf(style: In | RawImage, o: ResolvedStyleCodeOptions, recolorTo?: RawImage, side?: number): Promise<StyleCode> {
    const codec = this.platform.codec;
    let decoded = side === undefined ? await loadImage(codec, style, { maxSize: o.styleSize, maxPixels: o.maxPixels }) : await loadImageAtSide(codec, style, side, o.maxPixels);
    if (isThin(decoded) && side === undefined && Math.max(decoded.width, decoded.height) === o.styleSize) {
      // A long thin painting shrunk to styleSize lost its short side: shrink it only as far as keeps that.
      const full = await loadImage(codec, style, { maxPixels: o.maxPixels });
      decoded = await loadImage(codec, full, { maxSize: styleSideFor(full.width, full.height, o.styleSize), maxPixels: o.maxPixels });
    }
    const image = recolorTo ? matchColors(decoded, recolorTo) : decoded;
    checkSides(image, 'style');
    const key = await pixelKey(image);
    const hit = this.codes.get(key);
    if (hit) {
      this.codes.delete(key);
      this.codes.set(key, hit);
      return hit;
    }
    checkMemory('ast', 'encoding the style', image.width, image.height, this.platform.memory.capacity, 'styleSize');
    const admission = { bytes: estimateMemory('ast', image.width, image.height), threads: this.threads, what: 'encoding the style' };
    const out = await admitted(this.platform, admission, () => this.parts.styleCode.run({ [MICROAST_STYLE_INPUT]: toUnit(image) }, [...MICROAST_STYLE_CODE]));
    const tensors = Object.fromEntries(MICROAST_STYLE_CODE.map((n) => [n, (out[n]!.data as Float32Array).slice()])) as StyleCode['tensors'];
    const code: StyleCode = { kind: 'microast-style-code', tensors };
    this.codes.set(key, code);
    if (this.codes.size > CODE_CACHE_SIZE) this.codes.delete(this.codes.keys().next().value!);
    return code;
  }

  /** The network over `image` in tiles sharing whole-image AdaIN statistics (see `runTiled`). */
  private async stylizeTiled(image: RawImage, code: Record<string, TensorData>, tile: number, context: StylizeContext): Promise<TiledRunResult> {
    const { backend, sessionOptions, stylizeGraph } = this.parts;
    // Built once per engine from the stylize graph's parameters (so tiling needs no checkpoints).
    this.sharedStylize ??= buildSharedStylizeGraph(stylizeWeightsOf(decodeModel(stylizeGraph)));
    const net = {
      open: subgraphSessions(backend, this.sharedStylize, sessionOptions),
      input: MICROAST_CONTENT_INPUT,
      output: MICROAST_OUTPUT,
      core: MICROAST_TILE_CORE,
      layers: MICROAST_NORM_LAYERS,
      align: 4,
      feeds: code,
    };
    return runTiled(net, image, { tile, overlap: AST_TILE_OVERLAP, onProgress: context.onProgress, signal: context.signal });
  }

  private checkOpen(): void {
    if (this.disposed) throw new ImpastoError('INVALID_ARGUMENT', 'this ArbitraryStyle was disposed; load it again');
  }
}

/** The stylize graph's parameters back from its initializers (`content_encoder.…`, `decoder.…`). */
function stylizeWeightsOf(g: Graph): MicroAstStylizeWeights {
  const part = (prefix: string) =>
    new Map([...g.initializers].filter(([k]) => k.startsWith(`${prefix}.`) && k.includes('.conv_layer.')).map(([k, t]) => [k.slice(prefix.length + 1), t as TensorData<'float32'>]));
  return { contentEncoder: part('content_encoder'), decoder: part('decoder') };
}

/** `image` (the network's result, 8-bit) blended with `content` by `strength`, as `toImage` does. */
function blendWith(image: RawImage, content: RawImage, strength: number): RawImage {
  if (strength === 1) return image;
  const out = new Uint8Array(image.data.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = (i + 1) % image.channels === 0 && image.channels === 4 ? image.data[i]! : Math.min(255, Math.max(0, strength * image.data[i]! + (1 - strength) * content.data[i]! + 0.5));
  }
  return { ...image, data: out };
}

/** Identifies an image by its size and pixels (the style-code cache's key). */
async function pixelKey(img: RawImage): Promise<string> {
  const head = utf8Encode(`${img.width}x${img.height}x${img.channels}:`);
  const all = new Uint8Array(head.length + img.data.length);
  all.set(head);
  all.set(img.data, head.length);
  return sha256Hex(all);
}

