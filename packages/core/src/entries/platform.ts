// @impasto/core/platform: everything a platform package (@impasto/node, @impasto/web) and a
// service (@impasto/server) build on: the three contracts, option schemas, the engines' building
// blocks and helpers. Apps import the product from the package roots instead.

// Settings: one object per platform (`env`), read by its defaults.
export type { ImpastoEnv } from '../config/env';

// Errors: every error Impasto throws on purpose.
export { ImpastoError, isImpastoError, firstLine as firstLineOf, describeValue, invalidParam, libraryOptionNames, throwIfAborted, type ImpastoErrorCode, type OptionNamer, type AdvisedMessage } from '../errors';

// Options: one schema per operation (defaults, validation, docs, CLI flags).
export type * from '../options/generated';
export { resolveOptions, defineSchema, checkField, expectedText, kebab, type Field, type Fields, type Schema, type PlatformKind, type ResolveContext } from '../options/schema';
export { defaultText } from '../options/render-types';
export { OPTION_SCHEMAS } from '../options/catalog';
export { SESSION_SCHEMA, PROVIDERS, type Provider, type ExecutionProvider } from '../runtime/session-options';
export { COLOR_SCHEMA, DECODE_SCHEMA, ENCODE_SCHEMA, MEMORY_SCHEMA, STYLE_SCALE_SCHEMA, TILE_SCHEMA, OUTPUT_FORMATS, DEFAULT_MAX_PIXELS, type OutputFormat } from '../image/options';
export { keepLuminance, matchColors, matchColorsByRegion, colorStats, PRESERVE_COLORS, type PreserveColors } from '../image/color';
export { guidedFilter } from '../image/guided-filter';
export { psnr } from '../image/psnr';
export { FAST_STYLE_LOAD_SCHEMA, STYLIZE_SCHEMA } from '../fst/options';
export { NST_LOAD_SCHEMA, NST_RUN_SCHEMA, NST_SCHEMA, RECOLOR_SCHEMA, NST_MODES, type NstMode } from '../nst/options';
export { NST_PRESETS, type NstPreset } from '../nst/presets';

// Platform contracts: Backend, ImageCodec, CacheStore (and the Platform that bundles them).
export { type Backend, type Session, type DeviceTensor, type Feed, type SessionPlacement, isDeviceTensor } from '../runtime/backend';
export { createBackend, type RuntimeAdapter } from '../runtime/create-backend';
export type { OrtSessionLike, OrtTensorLike } from '../runtime/ort-session';
export { isOutOfMemory, outOfMemoryHint } from '../runtime/out-of-memory';
export { MEMORY_MODELS, MAX_AUTO_TILE, MIN_TILE, checkMemory, estimateMemory, planRun, planTileSize, type RunPlan, type MemoryEngine, type MemoryModel, type SizeOption } from '../runtime/memory';
export { type Platform, type CallContext, type Admission, admitted, checkContext } from '../runtime/platform';
export { MemoryBudget, type MemoryLease } from '../runtime/memory-budget';
export { ThreadBudget, type ThreadLease } from '../runtime/thread-budget';
export type { ImageCodec, CodecDecodeOptions } from '../image/codec';
export { type CacheStore, type FileTree, checkCacheKey, memoryCacheStore, memoryTree } from '../store/cache-store';
export { ModelStore, treeSource, type ModelStoreParts, type LookupContext } from '../store/model-store';
export type { DownloadProgress, FetchLike, ResponseLike } from '../store/download';
export { type WeightSource, memorySource } from '../store/source';
export { getModel, modelIds, FST_LICENCE, type ModelEntry } from '../store/catalogue';
export type { GraphCache } from '../runtime/graph-cache';

// Images.
export { type RawImage, isRawImage, checkRawImage, fitInside, imageToTensor, regionToTensor, tensorToImage } from '../image/raw-image';
export { loadImage, saveImage, checkFormat, imageIO, type ImageIO } from '../image/pipeline';

// Fast style transfer.
export { FastStyle, openFastStyle, type FastStyleParts, type StylizeContext, type StylizeResult, type RawStylizeOptions } from '../fst/fast-style';
export type { TileProgress } from '../tiles/tiled-run';
export { listStyles, getStyle, isStyleId, STYLE_IDS, type StyleId, type StyleName, type StyleInfo } from '../fst/styles';

// Neural style transfer.
export {
  NeuralStyle,
  openNeuralStyle,
  runNeuralStyle,
  splitNstOptions,
  type NeuralStyleParts,
  type NeuralStyleContext,
  type NstEvent,
  type NstProgress,
  type NstCheckpoint,
  type NstResult,
  type NstInputs,
  type WeightedStyle,
  type NstScale,
  coarseToFineSizes,
} from '../nst/neural-style';
export { recolorImage, type RecolorResult } from '../nst/recolor';
export { checkInputs as checkNstInputs } from '../nst/run-images';
export { LOSS_NETS, type LossNetName } from '../nets/loss-nets';
export type { FeatureNet } from '../nets/feature-net';

// Training fast styles.
export { trainFastStyle, type TrainEvent, type TrainProgress, type TrainCheckpointEvent, type TrainCheckpoint, type TrainResult, type TrainInputs, type TrainHooks } from '../train/train-fast-style';
export { TRAIN_SCHEMA } from '../train/options';
export { TRAIN_STATE_FILES } from '../train/checkpoint-state';
export type { PhotoSet, CropSpec } from '../train/photo-batches';
export { readFstCheckpoint, fstParameters } from '../fst/checkpoint';

// Arbitrary style transfer (MicroAST).
export { ArbitraryStyle, openArbitraryStyle, type ArbitraryStyleParts, type StyleArgument, type StyleInput } from '../ast/arbitrary-style';
export { type StyleCode, blendStyleCodes, isStyleCode } from '../ast/style-code';
export { AST_LOAD_SCHEMA, AST_STYLIZE_SCHEMA, STYLE_CODE_SCHEMA } from '../ast/options';

// Long calls.
export { type Run, relayRun, startRun } from '../util/run';
export { type AbortSignalLike, onAbort, raceAbort } from '../util/abort';

// Video: the shared pipeline, temporal stabilization and its measurement; platforms bring decoders and encoders.
export { VIDEO_SCHEMA } from '../video/options';
export { runVideo, type VideoProgress, type VideoResult, type RunVideoOptions, type RunVideoContext } from '../video/run-video';
export type { Frame, FrameSink, FrameSource, FrameStylizer, VideoInfo } from '../video/frames';
export { videoFrameSize } from '../video/frame-size';
export { frameStylizer, withVideoEngine, type OpenedEngine, type VideoEngine } from '../video/engines';
export { TemporalStabilizer, type StabilizerOptions } from '../video/stabilizer';
export { WarpErrorMeter, meanAbsDifference } from '../video/warp-error';
export type { FlowEstimator, FlowField, FlowFrame } from '../video/flow';

// Engines shared by the calls of a process (a service, the one-call API).
export { EnginePool, engineKey, type EnginePoolOptions, type PoolableEngine } from '../pool/engine-pool';
export { arbitraryStyleKey, fastStyleKey, neuralStyleKey } from '../pool/engine-keys';

// One call for the common case (each platform binds it to its engines and pool).
export { oneCallStylize, type OneCallOptions, type OneCallParts, type StyleChoice } from '../one-call/stylize';
