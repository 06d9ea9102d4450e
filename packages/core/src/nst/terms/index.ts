import type { NstMode } from '../options';
import { contentTerm } from './content';
import { photorealismTerm } from './photorealism';
import { styleTerm } from './style';
import type { ObjectiveTerm } from './term';
import { tvTerm } from './tv';

export { contentTerm } from './content';
export { photorealismTerm } from './photorealism';
export { styleTerm } from './style';
export { tvTerm } from './tv';
export type { ObjectiveTerm, TermFeeds, TermGraph, TermInput, TermRun, TermTargets, TermValue, WeightOption } from './term';

/**
 * The terms of a mode's objective: a transfer has content, style, TV and photorealism (weight 0
 * unless asked for: then its part of an iteration is a few elementwise passes over the image);
 * a reconstruction has its own loss and TV. `regions`: the style loss per region, for masks.
 */
export function defaultTerms(mode: NstMode, layers: { content: readonly (string | number)[]; style: readonly (string | number)[] }, o: { regions?: boolean } = {}): ObjectiveTerm[] {
  return [
    ...(mode !== 'style' ? [contentTerm(layers.content)] : []),
    ...(mode !== 'content' ? [styleTerm(layers.style, { regions: o.regions })] : []),
    tvTerm(),
    ...(mode === 'transfer' ? [photorealismTerm()] : []),
  ];
}
