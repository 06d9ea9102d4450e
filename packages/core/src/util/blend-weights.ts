import { ImpastoError, invalidParam } from '../errors';

/**
 * Checks the weights of a blend of styles (at least one; each finite and at least 0; not all 0)
 * and returns their sum. `name` prefixes the parameter in messages (`styles` → `styles[1].weight`).
 */
export function checkBlendWeights(weights: readonly unknown[], name: string): number {
  if (!weights.length) throw new ImpastoError('INVALID_ARGUMENT', 'blending needs at least one style');
  weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw invalidParam(`${name}[${i}].weight`, 'finite number at least 0', w);
  });
  const total = (weights as number[]).reduce((a, w) => a + w, 0);
  if (!(total > 0)) throw new ImpastoError('INVALID_ARGUMENT', 'the style weights add up to 0; give at least one a positive weight');
  return total;
}
