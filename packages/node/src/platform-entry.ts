// @impasto/node/platform: what tools and services build on besides the product: Node's platform
// (its backend, codec and stores), the memory readings, files written whole, ffmpeg.
export { nodePlatform } from './platform';
export { nodeBackend } from './platform/backend';
export { defaultMemoryBudget, memoryLeft, type MemoryReadings } from './platform/memory-budget';
export { nodeCodec } from './platform/image-codec';
export { fileCacheStore, folderTree } from './platform/cache-store';
export { checkOutputPath, checkRunFiles, formatFromPath, outputFormat, writeFileAtomic, writeStylized } from './files';
export { findFfmpeg, type FfmpegTools } from './video/ffmpeg';
export { farnebackFlow } from './video/optical-flow';
export type { FarnebackOptions } from '@impasto/core/flow';
