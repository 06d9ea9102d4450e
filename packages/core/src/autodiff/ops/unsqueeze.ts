import { reshapeRule } from './reshape';

/** Unsqueeze: the gradient takes the input's shape again. */
export const unsqueeze = reshapeRule('Unsqueeze');
