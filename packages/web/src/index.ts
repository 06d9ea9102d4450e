// @impasto/web: Impasto on onnxruntime-web, as an app meets it: the product, DOM helpers and a Web
// Worker. What tools build on (the platform's backend, codec and stores) is in @impasto/web/platform.
import { imageIO } from '@impasto/core/platform';
import { webPlatform } from './platform';

export * from '@impasto/core';
export { env } from './platform/env';
export { stylize, engines } from './stylize';
export { FastStyle } from './fast-style';
export { NeuralStyle, neuralStyle, recolor } from './neural-style';
export { ArbitraryStyle } from './arbitrary-style';
export { configureWasm, hasWebGpuAdapter, type WasmOptions } from './platform/backend';
export { wasmThreads } from './platform/threads';
export { fromImageData, toImageData, type ImageInput } from './platform/image-codec';
export { ModelStore, clearCaches, type ModelStoreOptions, type WebStoreOptions } from './platform/cache-store';
export { ImpastoClient, type ImpastoClientOptions, type JobRequest, type JobResult, type JobView, type JobEvent } from '@impasto/core/client';
export { FastStyleWorker, type VideoCallOptions, type WorkerCallOptions, type WorkerLike, type WorkerProgress } from './worker-client';
export { stylizeVideo, type WebVideoOptions, type WebVideoResult, type StylizeVideoOptions, type StylizeVideoResult } from './video';
// The WebCodecs source and sink stay internal: their types are mediabunny's, which would pull
// mediabunny's and @types/dom-webcodecs' declarations into every consumer's type check.
export type { VideoContainer, AudioHandling, EncodedVideoCodec } from './platform/video-codec';
export type { WorkerRequest, WorkerResponse, WorkerStage, WorkerWasmOptions } from './worker-protocol';

/** Decodes a Blob, canvas, bitmap, `<img>`, ImageData or `RawImage` to pixels; encodes pixels to a Blob. */
export const { decodeImage, encodeImage } = imageIO(webPlatform);
