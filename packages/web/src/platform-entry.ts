// @impasto/web/platform: what tools build on besides the product: the browser's platform (its
// backend, codec and stores), thread and adapter probes, the video pipeline's pieces.
export { webPlatform, yieldToEventLoop } from './platform';
export { webBackend, webGpuAdapterKind } from './platform/backend';
export { defaultWasmThreads } from './platform/threads';
export { webCodec } from './platform/image-codec';
export { cacheStorageStore, httpTree, CACHE_NAME } from './platform/cache-store';
export { runBlobVideo, resolveWebVideoOptions, WEB_VIDEO_SCHEMA, type ResolvedWebVideoOptions } from './video';
export { farnebackFlow } from './platform/optical-flow';
export type { FarnebackOptions } from '@impasto/core/flow';
