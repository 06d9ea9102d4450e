import {
  ImpastoError,
  SQUEEZENET_DEFAULT_CONTENT_LAYER,
  SQUEEZENET_DEFAULT_STYLE_LAYERS,
  VGG19_DEFAULT_CONTENT_LAYER,
  VGG19_DEFAULT_STYLE_LAYERS,
  loadSqueezeNet,
  loadVgg19,
  neuralStyleTransfer,
  type FeatureNet,
  type NstCheckpoint,
  type NstOptions,
  type NstProgress,
  type NstResult,
  type RawImage,
  type SessionOptions,
  type WeightSource,
} from '@impasto/core';
import { configureWasm, webBackend, type WasmOptions } from './backend';
import { type ImageInput, readImage, toImageData } from './image';
import { fetchSource } from './weights';

/** Loss networks in the browser: SqueezeNet 1.1 (default, fast), VGG19 (uint8 weights) or VGG19 float32. */
export const WEB_NET_NAMES = ['squeezenet', 'vgg19', 'vgg19-f32'] as const;
export type WebNetName = (typeof WEB_NET_NAMES)[number];

/** Catalogue model id of each net. */
const NET_MODEL: Record<WebNetName, string> = {
  squeezenet: 'squeezenet1_1-caffe',
  vgg19: 'vgg19-tfjs-uint8',
  'vgg19-f32': 'vgg19-tfjs',
};

/** Default longest side in the browser (smaller than Node's 512: wasm is slower and memory is tighter). */
export const WEB_NST_DEFAULT_SIZE = 256;

export interface LoadNetOptions {
  mode?: NstOptions['mode'];
  contentLayers?: readonly (string | number)[];
  styleLayers?: readonly (string | number)[];
  /** Pooling inside VGG19 [max]. */
  pooling?: 'max' | 'avg';
  /** URL prefix of a weights mirror (`<base>/<model id>/…`); unset, the catalogue's public URL. */
  weightsBaseUrl?: string;
  /** Your own source of the net's files (rooted at the model's folder), instead of fetching them. */
  source?: WeightSource;
  /** Keep fetched weights in Cache Storage (default true). */
  cache?: boolean;
  /** Called as each verified weight file arrives. */
  onFile?: (path: string, bytes: number) => void;
  signal?: AbortSignal;
}

function layersFor(defaults: { content: string; style: readonly string[] }, o: LoadNetOptions): (string | number)[] {
  const mode = o.mode ?? 'transfer';
  const content = mode === 'style' ? [] : (o.contentLayers ?? [defaults.content]);
  const style = mode === 'content' ? [] : (o.styleLayers ?? defaults.style);
  return [...content, ...style];
}

/**
 * Loads a loss network over the web weight source, reading only the files the run's layers need
 * (the same choice of layers as Node's `loadFeatureNet`).
 */
export async function loadNeuralStyleNet(name: WebNetName, o: LoadNetOptions = {}): Promise<FeatureNet> {
  if (!(WEB_NET_NAMES as readonly string[]).includes(name)) {
    throw new ImpastoError('INVALID_ARGUMENT', `Expected one of ${WEB_NET_NAMES.join(', ')} for net but received '${String(name)}'`);
  }
  const source = o.source ?? fetchSource(NET_MODEL[name], { baseUrl: o.weightsBaseUrl, cache: o.cache, signal: o.signal, onFile: o.onFile });
  if (name === 'squeezenet') {
    return loadSqueezeNet(source, { layers: layersFor({ content: SQUEEZENET_DEFAULT_CONTENT_LAYER, style: SQUEEZENET_DEFAULT_STYLE_LAYERS }, o) });
  }
  return loadVgg19(source, {
    variant: name === 'vgg19' ? 'uint8' : 'float32',
    layers: layersFor({ content: VGG19_DEFAULT_CONTENT_LAYER, style: VGG19_DEFAULT_STYLE_LAYERS }, o),
    pooling: o.pooling,
  });
}

/** A browser NST run: images as anything `FastStyle.stylize` accepts, the rest as core's `NstOptions`. */
export interface NeuralStyleOptions extends Omit<NstOptions, 'signal'>, SessionOptions, WasmOptions, Omit<LoadNetOptions, 'source' | 'signal'> {
  /** Content photo; not needed for style reconstruction. */
  content?: ImageInput;
  /** Style painting; not needed for content reconstruction. */
  style?: ImageInput;
  /** Loss network: `squeezenet` (default in the browser), `vgg19`, `vgg19-f32`, or a loaded `FeatureNet`. */
  net?: WebNetName | FeatureNet;
  /** Your own source of the net's files (used when `net` is a name). */
  netSource?: WeightSource;
  /** Longest side of the result in pixels; the content image is resized to it [256]. */
  size?: number;
  /** Longest side the style image is resized to [size]. */
  styleSize?: number;
  /** Stops the run between iterations (and weight fetches); the run then throws `ABORTED`. */
  signal?: AbortSignal;
}

/** A checkpoint with its pixels also as ImageData, ready for `putImageData`. */
export interface WebNstCheckpoint extends NstCheckpoint {
  readonly imageData: ImageData;
}
export type WebNstEvent = NstProgress | WebNstCheckpoint;
export interface WebNstResult extends NstResult {
  readonly imageData: ImageData;
}

/**
 * Lets the event loop run tasks (messages, clicks, an abort) before the next iteration. ONNX
 * Runtime's wasm `run` can settle through microtasks only, so without this a worker would never
 * see an `abort` message and a page would not repaint until the whole run ended.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

const OOM = /failed to allocate|out of memory|allocation failed|cannot enlarge memory|could not allocate|Aborted\(OOM\)|bad_alloc/i;

/** Whether `e` (or its cause chain) is a wasm/ORT allocation failure. */
export function isOutOfMemory(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    if (x instanceof RangeError && !/Maximum call stack/i.test(x.message)) return true;
    const msg = x instanceof Error ? x.message : typeof x === 'string' ? x : '';
    if (OOM.test(msg) && !/Maximum call stack/i.test(msg)) return true;
  }
  return false;
}

/** The `IMAGE_TOO_LARGE` error a run at `width`x`height` gets when memory runs out. */
export function outOfMemoryError(e: unknown, width: number, height: number, net: string): ImpastoError {
  const longest = Math.max(width, height);
  const suggest = Math.max(16, Math.floor(longest / 2 / 16) * 16);
  const msg = e instanceof Error ? e.message.split('\n')[0]!.slice(0, 160) : String(e).slice(0, 160);
  return new ImpastoError(
    'IMAGE_TOO_LARGE',
    `ran out of memory for neural style transfer at ${width}x${height} with ${net} (${msg}); ` +
      `try size ${suggest} (half the current ${longest}), or the squeezenet net`,
    { cause: e },
  );
}

/**
 * Gatys et al. neural style transfer in the browser, on onnxruntime-web (wasm, or webgpu). Iterate
 * it for progress (iteration, loss, terms, ms/iteration, ETA) and checkpoints; the value it returns
 * holds the final image. Mirrors `@impasto/node`'s `transfer()`.
 * @example
 * const run = neuralStyle({ content: photoFile, style: paintingFile, iterations: 100, weightsBaseUrl: '/weights/' });
 * for (let r = await run.next(); ; r = await run.next()) {
 *   if (r.done) { ctx.putImageData(r.value.imageData, 0, 0); break; }
 *   if (r.value.type === 'checkpoint') preview.putImageData(r.value.imageData, 0, 0);
 * }
 */
export async function* neuralStyle(options: NeuralStyleOptions): AsyncGenerator<WebNstEvent, WebNstResult> {
  configureWasm(options);
  const size = options.size ?? WEB_NST_DEFAULT_SIZE;
  const content: RawImage | undefined = options.content !== undefined ? await readImage(options.content, { maxSize: size }) : undefined;
  const style: RawImage | undefined = options.style !== undefined ? await readImage(options.style, { maxSize: options.styleSize ?? size }) : undefined;
  const netName = typeof options.net === 'object' ? options.net.id : (options.net ?? 'squeezenet');
  const net = typeof options.net === 'object'
    ? options.net
    : await loadNeuralStyleNet(options.net ?? 'squeezenet', { ...options, source: options.netSource, signal: options.signal });
  const shape = content ?? (typeof options.init === 'object' ? options.init : style);
  const run = neuralStyleTransfer(webBackend, net, { content, style }, { ...options, ep: options.ep ?? 'auto' });
  try {
    for (;;) {
      const r = await run.next();
      if (r.done) return { ...r.value, imageData: toImageData(r.value.image) };
      const ev = r.value;
      yield ev.type === 'checkpoint' ? { ...ev, imageData: toImageData(ev.image) } : ev;
      if (ev.type === 'progress') await yieldToEventLoop();
    }
  } catch (e) {
    if (isOutOfMemory(e) && shape) throw outOfMemoryError(e, shape.width, shape.height, netName);
    throw e;
  } finally {
    // Releases the sessions when the caller stops iterating early.
    await run.return(undefined as never).catch(() => undefined);
  }
}

/** Runs `neuralStyle` to the end, calling `onEvent` for each progress report and checkpoint. */
export async function runNeuralStyle(options: NeuralStyleOptions & { onEvent?: (e: WebNstEvent) => void }): Promise<WebNstResult> {
  const run = neuralStyle(options);
  for (;;) {
    const r = await run.next();
    if (r.done) return r.value;
    options.onEvent?.(r.value);
  }
}
