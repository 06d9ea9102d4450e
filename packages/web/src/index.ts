export * from '@impasto/core';
export { webBackend, configureWasm, hasWebGpuAdapter, type WasmOptions } from './backend';
export {
  fetchSource,
  cacheStorageGraphCache,
  clearCaches,
  WEIGHTS_CACHE_NAME,
  GRAPHS_CACHE_NAME,
  type FetchSourceOptions,
} from './weights';
export { readImage, fromImageData, toImageData, encodeImage, type ImageInput, type ReadImageOptions } from './image';
export { FastStyle, type FastStyleLoadOptions, type StylizeTimings } from './fast-style';
export {
  neuralStyle,
  runNeuralStyle,
  loadNeuralStyleNet,
  isOutOfMemory,
  outOfMemoryError,
  yieldToEventLoop,
  WEB_NET_NAMES,
  WEB_NST_DEFAULT_SIZE,
  type WebNetName,
  type LoadNetOptions,
  type NeuralStyleOptions,
  type WebNstEvent,
  type WebNstCheckpoint,
  type WebNstResult,
} from './neural-style';
export {
  FastStyleWorker,
  type WorkerCallOptions,
  type WorkerLike,
  type WorkerProgress,
  type WorkerNstEvent,
  type WorkerNstCheckpoint,
  type WorkerNstRunOptions,
  type WorkerNstResult,
} from './worker-client';
export type { WorkerLoadOptions, WorkerNstOptions, WireNstEvent, WorkerRequest, WorkerResponse, WorkerStage, WireImage } from './worker-protocol';
