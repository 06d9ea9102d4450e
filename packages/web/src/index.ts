// @impasto/web: Impasto on onnxruntime-web. The product is core's; this package adds its three
// platform contracts (platform/), DOM helpers and a Web Worker.
import { imageIO } from '@impasto/core';
import { webPlatform } from './platform';

export * from '@impasto/core';
export { webPlatform, yieldToEventLoop } from './platform';
export { env } from './platform/env';
export { webBackend, configureWasm, hasWebGpuAdapter, webGpuAdapterKind, type WasmOptions } from './platform/backend';
export { wasmThreads, defaultWasmThreads } from './platform/threads';
export { webCodec, fromImageData, toImageData, type ImageInput } from './platform/image-codec';
export { ModelStore, cacheStorageStore, httpTree, clearCaches, CACHE_NAME, type ModelStoreOptions, type WebStoreOptions } from './platform/cache-store';
export { stylize, engines } from './stylize';
export { FastStyle } from './fast-style';
export { NeuralStyle, neuralStyle } from './neural-style';
export { ArbitraryStyle } from './arbitrary-style';
export { ImpastoClient, type ImpastoClientOptions, type JobRequest, type JobResult, type JobView, type JobEvent } from '@impasto/core/client';
export { FastStyleWorker, type VideoCallOptions, type WorkerCallOptions, type WorkerLike, type WorkerProgress } from './worker-client';
export {
  stylizeVideo,
  runBlobVideo,
  resolveWebVideoOptions,
  WEB_VIDEO_SCHEMA,
  type WebVideoOptions,
  type ResolvedWebVideoOptions,
  type WebVideoResult,
  type StylizeVideoOptions,
  type StylizeVideoResult,
} from './video';
// The WebCodecs source and sink stay internal: their types are mediabunny's, which would pull
// mediabunny's and @types/dom-webcodecs' declarations into every consumer's type check.
export type { VideoContainer, AudioHandling, EncodedVideoCodec } from './platform/video-codec';
export type { WorkerRequest, WorkerResponse, WorkerStage, WorkerWasmOptions } from './worker-protocol';

/** Decodes a Blob, canvas, bitmap, `<img>`, ImageData or `RawImage` to pixels; encodes pixels to a Blob. */
export const { decodeImage, encodeImage } = imageIO(webPlatform);
