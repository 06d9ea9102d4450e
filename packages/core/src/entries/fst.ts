// @impasto/core/fst: fast style transfer and its building blocks (no NST, no autodiff).
export { FastStyle, openFastStyle, type FastStyleParts, type StylizeContext, type RawStylizeOptions } from '../fst/fast-style';
export { FastStyleModel, FST_TILE_OVERLAP, type FastStyleGraphOptions, type FastStyleTileOptions } from '../fst/fast-style-model';
export { runTiled, type SharedNormNetwork, type TileProgress, type TiledRunOptions, type TiledRunResult } from '../tiles/tiled-run';
export { planTiles, spanWeights, type Span, type TilePlan, type TilePlanOptions } from '../tiles/plan';
export * from '../fst/network';
export { optimizeFastStyleGraph } from '../fst/optimize';
export { rowsThenColumns } from '../fst/rows-then-columns';
export * from '../fst/checkpoint';
export * from '../fst/flops';
export * from '../fst/styles';
export { FAST_STYLE_LOAD_SCHEMA, STYLIZE_SCHEMA } from '../fst/options';
export { quantizeFastStyle, INT8_LAYERS, type Int8Calibration } from '../fst/int8/quantize';
export { calibrationImages } from '../fst/int8/calibration-images';
export { upsampleByDepthToSpace } from '../fst/int8/depth-to-space';
