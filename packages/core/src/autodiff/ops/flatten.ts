import { reshapeRule } from './reshape';

/** Flatten: the gradient takes the input's shape again. */
export const flatten = reshapeRule('Flatten');
