// @impasto/core/fst: fast style transfer and its building blocks (no NST, no autodiff).
export { FastStyle, openFastStyle, type FastStyleParts } from '../fst/fast-style';
export { FastStyleModel, type FastStyleGraphOptions } from '../fst/fast-style-model';
export * from '../fst/network';
export * from '../fst/checkpoint';
export * from '../fst/flops';
export * from '../fst/styles';
export { FAST_STYLE_LOAD_SCHEMA, STYLIZE_SCHEMA } from '../fst/options';
