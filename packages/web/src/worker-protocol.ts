import type {
  FastStyleLoadOptions,
  ImpastoErrorCode,
  NeuralStyleOptions,
  NstEvent,
  NstResult,
  Provider,
  RawImage,
  StylizeOptions,
  WeightedStyle,
} from '@impasto/core';
import type { WebStoreOptions } from './platform/cache-store';

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
  | { type: 'nst'; id: number; content?: RawImage; style?: RawImage | readonly WeightedStyle<RawImage>[]; options: Omit<NeuralStyleOptions, 'init'> & { init?: 'noise' | 'content' }; setup: WorkerSetup }
  /** Cancels request `target`: a load stops fetching; a stylize's result is dropped; an nst run stops between iterations. */
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
  | { type: 'disposed'; id: number }
  | { type: 'error'; id: number; code: ImpastoErrorCode | 'INTERNAL'; message: string };
