// @impasto/node: Impasto on onnxruntime-node and sharp: the product, as an app meets it. What the
// service and tools build on (the platform's contracts, files, ffmpeg) is in @impasto/node/platform.
import { imageIO } from '@impasto/core/platform';
import { nodePlatform } from './platform';

export * from '@impasto/core';
export { env } from './platform/env';
export { stylize, engines } from './stylize';
export { FastStyle, type StylizeFileResult } from './fast-style';
export { NeuralStyle, neuralStyle, recolor } from './neural-style';
export { ArbitraryStyle } from './arbitrary-style';
export { trainFastStyle, type TrainFastStyleInputs, type TrainFastStyleContext } from './train/train';
export { ModelStore, type ModelStoreOptions } from './platform/cache-store';
export { imageInfo, type NodeImageInput } from './platform/image-codec';

/** Decodes a file path, bytes or `RawImage` to pixels; encodes pixels to a Buffer. */
export const { decodeImage, encodeImage } = imageIO(nodePlatform);
export { stylizeVideo, type StylizeVideoOptions, type StylizeVideoResult } from './video/stylize-video';
export { ImpastoClient, type ImpastoClientOptions, type JobRequest, type JobResult, type JobView, type JobEvent } from '@impasto/core/client';
