import { reshapeRule } from './reshape';

/** Squeeze: the gradient takes the input's shape again. */
export const squeeze = reshapeRule('Squeeze');
