import { ImpastoError } from '../../errors';
import { contentLoss } from '../losses';
import { sumOf } from './sum';
import type { ObjectiveTerm } from './term';

/**
 * Content loss (the seed's `c_loss`), summed over `layers`, against the photo's features there.
 * Weight: `contentWeight`.
 */
export function contentTerm(layers: readonly (string | number)[]): ObjectiveTerm {
  if (!layers.length) throw new ImpastoError('INVALID_ARGUMENT', 'a content term needs at least one layer');
  const keys = layers.map(String);
  return {
    name: 'content',
    weightOption: 'contentWeight',
    layers,
    key: ['content', keys],
    targets: {
      image: 'content',
      layers,
      pooled: false,
      dims: layers.map(() => [1, null, null, null]),
      build: (_g, features) => keys.map((l) => features[l]!),
    },
    build: (g, io) => g.scoped('content', () => sumOf(g, keys.map((l, i) => contentLoss(g, io.features[l]!, io.targets[i]!)))),
  };
}
