// @impasto/node: Impasto on onnxruntime-node and sharp. The product is core's; this package adds
// its three platform contracts (platform/), files and the `impasto` CLI.
import { imageIO } from '@impasto/core';
import { nodePlatform } from './platform';

export * from '@impasto/core';
export { nodePlatform };
export { env } from './platform/env';
export { nodeBackend } from './platform/backend';
export { defaultMemoryBudget, memoryLeft } from './platform/memory-budget';
export { imageInfo, nodeCodec, type NodeImageInput } from './platform/image-codec';
export { ModelStore, fileCacheStore, folderTree, type ModelStoreOptions } from './platform/cache-store';
export { stylize, engines } from './stylize';
export { FastStyle, type StylizeFileResult } from './fast-style';
export { NeuralStyle, neuralStyle } from './neural-style';
export { ArbitraryStyle } from './arbitrary-style';
export { checkOutputPath, checkRunFiles, formatFromPath, outputFormat, writeFileAtomic, writeStylized } from './files';

/** Decodes a file path, bytes or `RawImage` to pixels; encodes pixels to a Buffer. */
export const { decodeImage, encodeImage } = imageIO(nodePlatform);
export { stylizeVideo, type StylizeVideoOptions, type StylizeVideoResult } from './video/stylize-video';
export { findFfmpeg, type FfmpegTools } from './video/ffmpeg';
export { farnebackFlow, type FarnebackOptions } from '@impasto/core/flow';
export { ImpastoClient, type ImpastoClientOptions, type JobRequest, type JobResult, type JobView, type JobEvent } from '@impasto/core/client';
