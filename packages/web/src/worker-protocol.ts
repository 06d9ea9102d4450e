import type { ExecutionProvider, ImpastoErrorCode, NstOptions, NstProgress, RawImage } from '@impasto/core';

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

/** Options of an NST run in the worker (plain data; core's `NstOptions` less the signal and a custom init image). */
export interface WorkerNstOptions extends Omit<NstOptions, 'signal' | 'init'> {
  init?: 'noise' | 'content';
  /** Loss network [squeezenet]. */
  net?: 'squeezenet' | 'vgg19' | 'vgg19-f32';
  pooling?: 'max' | 'avg';
  ep?: ExecutionProvider;
  weightsBaseUrl?: string;
  wasmPaths?: string;
  numThreads?: number;
  cache?: boolean;
}

/** What an NST run reports as it goes: core's progress, or a checkpoint image. */
export type WireNstEvent = NstProgress | { type: 'checkpoint'; iteration: number; image: WireImage };

/** Messages to the worker. Every request has an `id`; its answers carry the same `id`. */
export type WorkerRequest =
  | { type: 'load'; id: number; style: string; options: WorkerLoadOptions }
  | { type: 'stylize'; id: number; image: WireImage }
  /** Neural style transfer (optimisation): content and style already sized (longest side = the run's size). */
  | { type: 'nst'; id: number; content?: WireImage; style?: WireImage; options: WorkerNstOptions }
  /** Cancels request `target`: a load stops fetching; a stylize's result is dropped; an nst run stops between iterations. */
  | { type: 'abort'; id: number; target: number }
  | { type: 'dispose'; id: number };

export type WorkerStage = 'weights' | 'graph' | 'inference';

/** Messages from the worker. */
export type WorkerResponse =
  | { type: 'progress'; id: number; stage: WorkerStage; done: number; total: number; message?: string }
  | { type: 'loaded'; id: number; style: string; provider: Exclude<ExecutionProvider, 'auto'> }
  | { type: 'result'; id: number; image: WireImage; inferenceMs: number }
  | { type: 'nst-event'; id: number; event: WireNstEvent }
  | { type: 'nst-result'; id: number; image: WireImage; loss: number; iterations: number; provider: string; msPerIteration: number }
  | { type: 'disposed'; id: number }
  | { type: 'error'; id: number; code: ImpastoErrorCode | 'INTERNAL'; message: string };

export function toWire(img: RawImage): WireImage {
  return { data: img.data, width: img.width, height: img.height, channels: img.channels };
}
