import { ImpastoError, type ExecutionProvider, type ImpastoErrorCode, type RawImage } from '@impasto/core';
import { type ImageInput, type ReadImageOptions, readImage, toImageData } from './image';
import type { WireImage, WorkerLoadOptions, WorkerRequest, WorkerResponse, WorkerStage } from './worker-protocol';

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
    this.pending.delete(msg.id);
    if (msg.type === 'error') p.reject(new ImpastoError(msg.code === 'INTERNAL' ? 'IO' : (msg.code as ImpastoErrorCode), msg.message));
    else p.resolve(msg);
  }

  private kill(e: ImpastoError): void {
    this.dead = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private call(req: WorkerRequest, transfer: Transferable[], opts: WorkerCallOptions = {}): Promise<WorkerResponse> {
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
