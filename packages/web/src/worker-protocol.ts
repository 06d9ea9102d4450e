import type { ExecutionProvider, ImpastoErrorCode, RawImage } from '@impasto/core';

/** Options the worker accepts for `load` (plain data: it crosses postMessage). */
export interface WorkerLoadOptions {
  ep?: ExecutionProvider;
  weightsBaseUrl?: string;
  wasmPaths?: string;
  numThreads?: number;
  cache?: boolean;
}

/** Pixels as they cross postMessage; the buffer is transferred, not copied. */
export interface WireImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** Messages to the worker. Every request has an `id`; its answers carry the same `id`. */
export type WorkerRequest =
  | { type: 'load'; id: number; style: string; options: WorkerLoadOptions }
  | { type: 'stylize'; id: number; image: WireImage }
  /** Cancels request `target`: a load stops fetching; a stylize's result is dropped. */
  | { type: 'abort'; id: number; target: number }
  | { type: 'dispose'; id: number };

export type WorkerStage = 'weights' | 'graph' | 'inference';

/** Messages from the worker. */
export type WorkerResponse =
  | { type: 'progress'; id: number; stage: WorkerStage; done: number; total: number; message?: string }
  | { type: 'loaded'; id: number; style: string; provider: Exclude<ExecutionProvider, 'auto'> }
  | { type: 'result'; id: number; image: WireImage; inferenceMs: number }
  | { type: 'disposed'; id: number }
  | { type: 'error'; id: number; code: ImpastoErrorCode | 'INTERNAL'; message: string };

export function toWire(img: RawImage): WireImage {
  return { data: img.data, width: img.width, height: img.height, channels: img.channels };
}
