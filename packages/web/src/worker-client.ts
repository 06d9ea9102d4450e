import {
  checkNstInputs,
  type FastStyleLoadOptions,
  ImpastoError,
  type ImpastoErrorCode,
  NST_SCHEMA,
  type NeuralStyleOptions,
  type NstEvent,
  type NstInputs,
  type NstResult,
  type Provider,
  type RawImage,
  type ResolvedNeuralStyleOptions,
  type ResolvedDecodeOptions,
  type Run,
  type WeightedStyle,
  DECODE_SCHEMA,
  STYLIZE_SCHEMA,
  type StylizeOptions,
  type VideoProgress,
  loadImage,
  resolveOptions,
  startRun,
} from '@impasto/core/platform';
import { type ImageInput, webCodec } from './platform/image-codec';
import { type WebVideoOptions, type WebVideoResult, resolveWebVideoOptions } from './video';
import type { WorkerRequest, WorkerResponse, WorkerSetup, WorkerStage } from './worker-protocol';

export interface WorkerProgress {
  stage: WorkerStage;
  done: number;
  total: number;
  message?: string;
}

export interface WorkerCallOptions {
  onProgress?: (p: WorkerProgress) => void;
  /**
   * Aborting rejects the call at once with `ABORTED`. A load stops fetching weights; an NST run
   * stops between iterations; a running inference cannot be interrupted inside ONNX Runtime, so
   * its result is dropped (or, with `terminateOnAbort`, the worker is terminated).
   */
  signal?: AbortSignal;
}

/** The parts of `Worker` the client uses, so tests can pass a fake. */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent<WorkerResponse>) => void): void;
  addEventListener(type: 'error', listener: (ev: ErrorEvent) => void): void;
  terminate(): void;
}

interface Pending {
  resolve(msg: WorkerResponse): void;
  reject(e: ImpastoError): void;
  onProgress?: (p: WorkerProgress) => void;
  /** Events of a run (`nst-event`, `video-event`), fed to its `Run`. */
  onEvent?: (e: never) => Promise<void>;
}

/** A video call's options besides the video's own. */
export interface VideoCallOptions extends WorkerCallOptions {
  /** Put the frame just written on every n-th progress event, for a live preview (default: none). */
  previewEvery?: number;
  /** Per-frame stylize options (e.g. `preserveColors: 'luminance'`); sizing comes from the video's `maxSize`. */
  stylize?: Pick<StylizeOptions, 'preserveColors' | 'tile'>;
}

/** A copy of `img` whose buffer can be transferred without detaching the caller's pixels. */
function copy(img: RawImage): RawImage {
  return { data: new Uint8Array(img.data), width: img.width, height: img.height, channels: img.channels };
}

/**
 * Impasto in a Web Worker (see worker.ts): the same `FastStyle` and `NeuralStyle` with the same
 * options, decoded on the page and run off the main thread, with progress and abort.
 * @example
 * const w = new FastStyleWorker(new Worker(new URL('@impasto/web/worker', import.meta.url), { type: 'module' }), { store: { weightsBaseUrl: '/weights/' } });
 * await w.load('wave', { ep: 'wasm' }, { onProgress: (p) => console.log(p) });
 * ctx.putImageData(toImageData(await w.stylize(file)), 0, 0);
 */
export class FastStyleWorker {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: ImpastoError | undefined;
  /** Provider of the loaded model. */
  provider: Provider | undefined;
  /** Wasm threads of the worker's ONNX Runtime, known once a model is loaded (see `wasmThreads`). */
  threads: number | undefined;
  /** Milliseconds inside the network in the last `stylize`. */
  lastInferenceMs: number | undefined;

  constructor(
    private readonly worker: WorkerLike,
    private readonly options: WorkerSetup & { terminateOnAbort?: boolean } = {},
  ) {
    worker.addEventListener('message', (ev: MessageEvent<WorkerResponse>) => this.onMessage(ev.data));
    worker.addEventListener('error', (ev: ErrorEvent) => this.kill(new ImpastoError('IO', `the worker failed: ${ev.message || 'script error'}`)));
  }

  private get setup(): WorkerSetup {
    return { store: this.options.store, wasm: this.options.wasm };
  }

  private onMessage(msg: WorkerResponse): void {
    if (msg.id === null) return; // an answer to a message this client did not send
    const p = this.pending.get(msg.id);
    if (!p) return; // aborted earlier
    if (msg.type === 'progress') {
      p.onProgress?.({ stage: msg.stage, done: msg.done, total: msg.total, message: msg.message });
      return;
    }
    if (msg.type === 'nst-event' || msg.type === 'video-event') {
      void (p.onEvent as ((e: unknown) => Promise<void>) | undefined)?.(msg.event);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.type === 'error') p.reject(new ImpastoError(msg.code === 'INTERNAL' ? 'IO' : (msg.code as ImpastoErrorCode), msg.message));
    else p.resolve(msg);
  }

  private kill(e: ImpastoError): void {
    this.dead = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private call<E>(req: WorkerRequest, transfer: Transferable[], opts: WorkerCallOptions = {}, onEvent?: (e: E) => Promise<void>): Promise<WorkerResponse> {
    if (this.dead) return Promise.reject(this.dead);
    if (opts.signal?.aborted) return Promise.reject(new ImpastoError('ABORTED', `${req.type} was aborted`));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(req.id)) return;
        reject(new ImpastoError('ABORTED', `${req.type} was aborted`));
        if (this.options.terminateOnAbort) {
          this.worker.terminate();
          this.kill(new ImpastoError('ABORTED', 'the worker was terminated by an abort'));
        } else {
          this.worker.postMessage({ type: 'abort', id: this.nextId++, target: req.id } satisfies WorkerRequest);
        }
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => opts.signal?.removeEventListener('abort', onAbort);
      this.pending.set(req.id, {
        resolve: (m) => {
          done();
          resolve(m);
        },
        reject: (e) => {
          done();
          reject(e);
        },
        onProgress: opts.onProgress,
        onEvent: onEvent as ((e: never) => Promise<void>) | undefined,
      });
      this.worker.postMessage(req, transfer);
    });
  }

  private answer<T extends WorkerResponse['type']>(msg: WorkerResponse, type: T): Extract<WorkerResponse, { type: T }> {
    if (msg.type !== type) throw new ImpastoError('IO', `unexpected answer ${msg.type} from the worker`);
    return msg as Extract<WorkerResponse, { type: T }>;
  }

  /** Loads style `style` in the worker (replacing any loaded one); resolves to the provider used. */
  async load(style: string, options: FastStyleLoadOptions = {}, call: WorkerCallOptions = {}): Promise<Provider> {
    const msg = this.answer(await this.call({ type: 'load', id: this.nextId++, style, options, setup: this.setup }, [], call), 'loaded');
    this.provider = msg.provider;
    this.threads = msg.threads;
    return msg.provider;
  }

  /**
   * Decodes `input` on this thread (`maxSize`, `maxPixels`), stylizes it in the worker (the other
   * options, `tile` and `preserveColors` among them, apply there; a tiled run reports stage
   * `inference` tile by tile) and returns the pixels. Options are checked at the call.
   */
  async stylize(input: ImageInput | RawImage, options: StylizeOptions = {}, call: WorkerCallOptions = {}): Promise<RawImage> {
    resolveOptions(STYLIZE_SCHEMA, options, { platform: 'web' });
    const { maxSize, maxPixels, format: _format, quality: _quality, ...rest } = options;
    const o = resolveOptions<ResolvedDecodeOptions>(DECODE_SCHEMA, { maxSize, maxPixels }, { platform: 'web' });
    const image = copy(await loadImage(webCodec, input, o));
    const msg = this.answer(await this.call({ type: 'stylize', id: this.nextId++, image, options: rest }, [image.data.buffer as ArrayBuffer], call), 'result');
    this.lastInferenceMs = msg.inferenceMs;
    return msg.image;
  }

  /**
   * Neural style transfer in the worker: images are decoded and sized here, the engine (SqueezeNet
   * by default) is loaded once per worker and options, and `events` brings each iteration's
   * progress and every `checkpointEvery`-th image. Bad options throw here, at the call.
   */
  neuralStyle(inputs: NstInputs<ImageInput>, options: NeuralStyleOptions = {}, call: WorkerCallOptions = {}): Run<NstEvent, NstResult> {
    const o = resolveOptions<ResolvedNeuralStyleOptions>(NST_SCHEMA, options, { platform: 'web', mode: options.mode ?? 'transfer' });
    if (typeof options.init === 'object') throw new ImpastoError('INVALID_ARGUMENT', "a worker run starts from 'noise', 'content' or 'colors'; pass init images to NeuralStyle on the page");
    checkNstInputs(inputs);
    const wire = { ...options, init: options.init as 'noise' | 'content' | 'colors' | undefined };
    return startRun(async (emit) => {
      const decode = async (img: ImageInput | RawImage | undefined, maxSize?: number) =>
        img === undefined ? undefined : copy(await loadImage(webCodec, img, { maxSize, maxPixels: o.maxPixels }));
      const content = await decode(inputs.content, o.size);
      const list = Array.isArray(inputs.style) ? (inputs.style as readonly WeightedStyle<ImageInput>[]) : undefined;
      const style = list
        ? await Promise.all(list.map(async (e) => ({ style: (await decode(e.style, o.styleSize))!, weight: e.weight })))
        : await decode(inputs.style as ImageInput | RawImage | undefined, o.styleSize);
      const [contentMask, styleMask] = await Promise.all([decode(inputs.contentMask), decode(inputs.styleMask)]);
      const images = [content, ...(Array.isArray(style) ? style.map((e) => e.style) : [style]), contentMask, styleMask];
      const transfer = images.flatMap((w) => (w ? [w.data.buffer as ArrayBuffer] : []));
      const req: WorkerRequest = { type: 'nst', id: this.nextId++, content, style, contentMask, styleMask, options: wire, setup: this.setup };
      return this.answer(await this.call(req, transfer, call, emit), 'nst-result').result;
    });
  }

  /**
   * Stylizes the video `input` (a File or Blob: MP4, MOV, WebM, MKV, MPEG-TS) in the worker with
   * the loaded style, through core's `runVideo` (see `stylizeVideo`): the Blob is shared with the
   * worker, not copied; decoding, the network, stabilization and encoding all run there. `events`
   * brings one `VideoProgress` per frame (frame, frames, fps, etaMs; a `preview` every
   * `previewEvery` frames); the result holds the MP4 or WebM Blob. Aborting `call.signal` rejects at
   * once with `ABORTED` and stops the worker's run at the next frame (nothing is kept). Bad options
   * throw here, at the call.
   */
  stylizeVideo(input: Blob, options: WebVideoOptions = {}, call: VideoCallOptions = {}): Run<VideoProgress, WebVideoResult> {
    resolveWebVideoOptions(options);
    if (call.previewEvery !== undefined && (!Number.isInteger(call.previewEvery) || call.previewEvery < 1)) {
      throw new ImpastoError('INVALID_ARGUMENT', `Expected a positive integer for previewEvery but received ${String(call.previewEvery)}`);
    }
    if (call.stylize) resolveOptions(STYLIZE_SCHEMA, call.stylize, { platform: 'web' });
    return startRun(async (emit) => {
      const req: WorkerRequest = { type: 'video', id: this.nextId++, input, options, stylize: call.stylize, previewEvery: call.previewEvery };
      return this.answer(await this.call(req, [], call, emit), 'video-result').result;
    });
  }

  /** Releases the models and terminates the worker. */
  async dispose(): Promise<void> {
    if (!this.dead) {
      try {
        await this.call({ type: 'dispose', id: this.nextId++ }, []);
      } catch {
        // Terminating below is what matters.
      }
    }
    this.worker.terminate();
    this.kill(new ImpastoError('INVALID_ARGUMENT', 'this FastStyleWorker was disposed'));
  }
}
