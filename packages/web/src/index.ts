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
export { FastStyleWorker, type WorkerCallOptions, type WorkerLike, type WorkerProgress } from './worker-client';
export type { WorkerLoadOptions, WorkerRequest, WorkerResponse, WorkerStage, WireImage } from './worker-protocol';
