import { totalVariation } from '../losses';
import type { ObjectiveTerm } from './term';

/** Total variation of the image: smoothness, no targets. Weight: `tvWeight`. */
export function tvTerm(): ObjectiveTerm {
  return { name: 'tv', weightOption: 'tvWeight', layers: [], key: ['tv'], build: (g, io) => totalVariation(g, io.x) };
}
