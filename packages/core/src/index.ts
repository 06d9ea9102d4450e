// @impasto/core: the product, written once, as apps meet it. Platform packages (@impasto/node,
// @impasto/web) re-export this and bind the engines to their runtime; what they build on is in
// @impasto/core/platform, the building blocks in /fst, /nst, /onnx, /autodiff, /ast, /flow, /client.

export type { ImpastoEnv } from './config/env';
export { ImpastoError, isImpastoError, type ImpastoErrorCode, type OptionNamer } from './errors';

// Options: plain data, one interface per operation (TSDoc'd from the schemas).
export type * from './options/generated';
export { PROVIDERS, type Provider, type ExecutionProvider } from './runtime/session-options';
export { OUTPUT_FORMATS, DEFAULT_MAX_PIXELS, type OutputFormat } from './image/options';
export { PRESERVE_COLORS, type PreserveColors } from './image/color';

// Images and styles.
export { type RawImage, isRawImage } from './image/raw-image';
export { listStyles, getStyle, isStyleId, STYLE_IDS, type StyleId, type StyleName, type StyleInfo } from './fst/styles';
export type { WeightSource } from './store/source';
export type { DownloadProgress } from './store/download';
export type { CallContext } from './runtime/platform';
export type { AbortSignalLike } from './util/abort';

// The engines (each platform exports them bound to its runtime) and what their calls return.
export { FastStyle, type StylizeContext, type StylizeResult } from './fst/fast-style';
export type { TileProgress } from './tiles/tiled-run';
export { NeuralStyle, type NeuralStyleContext, type NstEvent, type NstProgress, type NstCheckpoint, type NstResult, type NstInputs, type WeightedStyle, type NstScale } from './nst/neural-style';
export { NST_PRESETS, type NstPreset } from './nst/presets';
export type { RecolorResult } from './nst/recolor';
export { LOSS_NETS, type LossNetName } from './nets/loss-nets';
export { ArbitraryStyle, type StyleArgument, type StyleInput } from './ast/arbitrary-style';
export { type StyleCode, blendStyleCodes, isStyleCode } from './ast/style-code';
export type { OneCallOptions, StyleChoice } from './one-call/stylize';
export type { Run } from './util/run';
export type { TrainEvent, TrainProgress, TrainCheckpointEvent, TrainResult } from './train/train-fast-style';
export type { PhotoSet, CropSpec } from './train/photo-batches';
export type { VideoProgress, VideoResult } from './video/run-video';
export type { VideoEngine } from './video/engines';
