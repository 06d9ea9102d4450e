import type {
  FastStyleLoadOptions,
  ImpastoErrorCode,
  NeuralStyleOptions,
  NstEvent,
  NstResult,
  Provider,
  RawImage,
  StylizeOptions,
  VideoProgress,
  WeightedStyle,
} from '@impasto/core/platform';
import type { WebStoreOptions } from './platform/cache-store';
import type { WebVideoOptions, WebVideoResult } from './video';

// One typed message union each way, from the same option types the library takes: the worker
// accepts exactly what FastStyle and NeuralStyle accept, less what is not data.

/** onnxruntime-web's wasm settings, as plain data. */
export interface WorkerWasmOptions {
  wasmPaths?: string;
  numThreads?: number;
}

/** Where the worker's store looks, and how ORT's wasm is set up. */
export interface WorkerSetup {
  store?: WebStoreOptions;
  wasm?: WorkerWasmOptions;
}

/** Messages to the worker. Every request has an `id`; its answers carry the same `id`. */
export type WorkerRequest =
  | { type: 'load'; id: number; style: string; options: FastStyleLoadOptions; setup: WorkerSetup }
  /** Pixels already decoded (and sized) on the page; the buffer is transferred. */
  | { type: 'stylize'; id: number; image: RawImage; options: StylizeOptions }
  /** Neural style transfer: content and style already decoded and sized on the page. */
  | {
      type: 'nst';
      id: number;
      content?: RawImage;
      style?: RawImage | readonly WeightedStyle<RawImage>[];
      /** Region masks, decoded whole (the engine brings them to the images' sizes). */
      contentMask?: RawImage;
      styleMask?: RawImage;
      options: Omit<NeuralStyleOptions, 'init'> & { init?: 'noise' | 'content' | 'colors' };
      setup: WorkerSetup;
    }
  /**
   * A video (the Blob is shared, not copied) stylized with the loaded model, frame by frame;
   * `stylize` applies to each frame (e.g. `preserveColors`), `previewEvery` puts a frame on every
   * n-th progress event.
   */
  | { type: 'video'; id: number; input: Blob; options: WebVideoOptions; stylize?: StylizeOptions; previewEvery?: number }
  /** Cancels request `target`: a load stops fetching; a stylize's result is dropped; an nst run stops between iterations; a video stops between frames. */
  | { type: 'abort'; id: number; target: number }
  | { type: 'dispose'; id: number };

export type WorkerStage = 'weights' | 'inference';

/** Messages from the worker. */
export type WorkerResponse =
  | { type: 'progress'; id: number; stage: WorkerStage; done: number; total: number; message?: string }
  /** `threads`: the wasm threads of the worker's ONNX Runtime (1 where the worker is not cross-origin isolated). */
  | { type: 'loaded'; id: number; style: string; provider: Provider; threads: number }
  | { type: 'result'; id: number; image: RawImage; inferenceMs: number }
  | { type: 'nst-event'; id: number; event: NstEvent }
  | { type: 'nst-result'; id: number; result: NstResult }
  /** One per frame written; a `preview`'s buffer is transferred. */
  | { type: 'video-event'; id: number; event: VideoProgress }
  | { type: 'video-result'; id: number; result: WebVideoResult }
  | { type: 'disposed'; id: number }
  /** `id` is null when the message answered had no usable id (it was not a request at all). */
  | { type: 'error'; id: number | null; code: ImpastoErrorCode | 'INTERNAL'; message: string };
