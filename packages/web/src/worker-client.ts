import { ImpastoError, type ExecutionProvider, type ImpastoErrorCode, type NstProgress, type RawImage } from '@impasto/core';
import { type ImageInput, type ReadImageOptions, readImage, toImageData } from './image';
import { WEB_NST_DEFAULT_SIZE } from './neural-style';
import type { WireImage, WireNstEvent, WorkerLoadOptions, WorkerNstOptions, WorkerRequest, WorkerResponse, WorkerStage } from './worker-protocol';

export interface WorkerProgress {
  stage: WorkerStage;
  done: number;
  total: number;
  message?: string;
}

export interface WorkerCallOptions {
  onProgress?: (p: WorkerProgress) => void;
  /**
   * Aborting rejects the call at once with `ABORTED`. A load stops fetching weights; a running
   * inference cannot be interrupted inside ONNX Runtime, so its result is dropped (or, with
   * `terminateOnAbort`, the worker is terminated and this client becomes unusable).
   */
  signal?: AbortSignal;
}

/** A checkpoint of an NST run in the worker, ready for `putImageData`. */
export interface WorkerNstCheckpoint {
  type: 'checkpoint';
  iteration: number;
  imageData: ImageData;
}
export type WorkerNstEvent = NstProgress | WorkerNstCheckpoint;

export interface WorkerNstRunOptions extends WorkerNstOptions, WorkerCallOptions {
  /** Content photo (decoded and resized on this thread); not needed for style reconstruction. */
  content?: ImageInput;
  /** Style painting; not needed for content reconstruction. */
  style?: ImageInput;
  /** Longest side of the result [256]. */
  size?: number;
  /** Longest side the style image is resized to [size]. */
  styleSize?: number;
  /** Each iteration's progress and each checkpoint. */
  onEvent?: (e: WorkerNstEvent) => void;
}

export interface WorkerNstResult {
  imageData: ImageData;
  loss: number;
  iterations: number;
  provider: string;
  msPerIteration: number;
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
  onNstEvent?: (e: WireNstEvent) => void;
}

/**
 * Fast style transfer in a Web Worker (see worker.ts), with progress and abort.
 * @example
 * const w = new FastStyleWorker(new Worker(new URL('@impasto/web/worker', import.meta.url), { type: 'module' }));
 * await w.load('wave', { weightsBaseUrl: '/weights/' }, { onProgress: (p) => console.log(p) });
 * const out = await w.stylize(file);
 */
export class FastStyleWorker {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: ImpastoError | undefined;
  /** Provider of the loaded model. */
  provider: Exclude<ExecutionProvider, 'auto'> | undefined;
  /** Milliseconds inside the network in the last `stylize`. */
  lastInferenceMs: number | undefined;

  constructor(
    private readonly worker: WorkerLike,
    private readonly options: { terminateOnAbort?: boolean } = {},
  ) {
    worker.addEventListener('message', (ev: MessageEvent<WorkerResponse>) => this.onMessage(ev.data));
    worker.addEventListener('error', (ev: ErrorEvent) => this.kill(new ImpastoError('IO', `the worker failed: ${ev.message || 'script error'}`)));
  }

  private onMessage(msg: WorkerResponse): void {
    const p = this.pending.get(msg.id);
    if (!p) return; // aborted earlier
    if (msg.type === 'progress') {
      p.onProgress?.({ stage: msg.stage, done: msg.done, total: msg.total, message: msg.message });
      return;
    }
    if (msg.type === 'nst-event') {
      p.onNstEvent?.(msg.event);
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

  private call(
    req: WorkerRequest,
    transfer: Transferable[],
    opts: WorkerCallOptions = {},
    onNstEvent?: (e: WireNstEvent) => void,
  ): Promise<WorkerResponse> {
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
        resolve: (m) => { done(); resolve(m); },
        reject: (e) => { done(); reject(e); },
        onProgress: opts.onProgress,
        onNstEvent,
      });
      this.worker.postMessage(req, transfer);
    });
  }

  /** Loads style `style` in the worker (replacing any loaded one); resolves to the provider used. */
  async load(style: string, options: WorkerLoadOptions = {}, call: WorkerCallOptions = {}): Promise<Exclude<ExecutionProvider, 'auto'>> {
    const msg = await this.call({ type: 'load', id: this.nextId++, style, options }, [], call);
    if (msg.type !== 'loaded') throw new ImpastoError('IO', `unexpected answer ${msg.type} from the worker`);
    this.provider = msg.provider;
    return msg.provider;
  }

  /** Stylizes decoded pixels in the worker. The input's buffer is copied, not transferred. */
  async stylizeRaw(image: RawImage, call: WorkerCallOptions = {}): Promise<RawImage> {
    const copy: WireImage = { data: new Uint8Array(image.data), width: image.width, height: image.height, channels: image.channels };
    const msg = await this.call({ type: 'stylize', id: this.nextId++, image: copy }, [copy.data.buffer as ArrayBuffer], call);
    if (msg.type !== 'result') throw new ImpastoError('IO', `unexpected answer ${msg.type} from the worker`);
    this.lastInferenceMs = msg.inferenceMs;
    return msg.image;
  }

  /** Decodes `input` on this thread (canvas), stylizes it in the worker, and returns ImageData. */
  async stylize(input: ImageInput, options: ReadImageOptions & WorkerCallOptions = {}): Promise<ImageData> {
    return toImageData(await this.stylizeRaw(await readImage(input, options), options));
  }

  /**
   * Neural style transfer (Gatys et al., optimisation) in the worker: images are decoded and resized
   * here, the loss net (SqueezeNet by default) is fetched and kept in the worker, and each
   * iteration's progress and every `checkpointEvery`-th image come through `onEvent`. Aborting
   * rejects at once; the worker stops at the end of the iteration it is in.
   */
  async neuralStyle(options: WorkerNstRunOptions): Promise<WorkerNstResult> {
    const { content: contentIn, style: styleIn, size = WEB_NST_DEFAULT_SIZE, styleSize, onEvent, onProgress, signal, ...rest } = options;
    const wire = (img: RawImage): WireImage => ({ data: new Uint8Array(img.data), width: img.width, height: img.height, channels: img.channels });
    const content = contentIn !== undefined ? wire(await readImage(contentIn, { maxSize: size })) : undefined;
    const style = styleIn !== undefined ? wire(await readImage(styleIn, { maxSize: styleSize ?? size })) : undefined;
    const transfer = [content, style].flatMap((w) => (w ? [w.data.buffer as ArrayBuffer] : []));
    const onNst = (e: WireNstEvent) => {
      if (!onEvent) return;
      onEvent(e.type === 'checkpoint' ? { type: 'checkpoint', iteration: e.iteration, imageData: toImageData(e.image) } : e);
    };
    const msg = await this.call({ type: 'nst', id: this.nextId++, content, style, options: rest }, transfer, { onProgress, signal }, onNst);
    if (msg.type !== 'nst-result') throw new ImpastoError('IO', `unexpected answer ${msg.type} from the worker`);
    return { imageData: toImageData(msg.image), loss: msg.loss, iterations: msg.iterations, provider: msg.provider, msPerIteration: msg.msPerIteration };
  }

  /** Releases the model and terminates the worker. */
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
