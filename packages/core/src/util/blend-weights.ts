import { ImpastoError, invalidParam } from '../errors';

/** A blend's weights, checked: each as given, each as a share of the whole, and their sum. */
export interface BlendWeights {
  /** Each weight divided by the sum, computed without overflow (they add up to 1). */
  readonly shares: readonly number[];
  /** The sum of the weights; `Infinity` when it exceeds the largest double (each weight is finite). */
  readonly total: number;
}

/**
 * Checks the weights of a blend of styles (at least one; each finite and at least 0; not all 0)
 * and returns their shares and sum. The shares are computed relative to the largest weight, so
 * weights near the largest double (1e308 twice) blend as equals instead of overflowing to 0.
 * `name` prefixes the parameter in messages (`styles` → `styles[1].weight`).
 */
export function checkBlendWeights(weights: readonly unknown[], name: string): BlendWeights {
  if (!weights.length) throw new ImpastoError('INVALID_ARGUMENT', 'blending needs at least one style');
  weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw invalidParam(`${name}[${i}].weight`, 'finite number at least 0', w);
  });
  const ws = weights as number[];
  const max = Math.max(...ws);
  if (!(max > 0)) throw new ImpastoError('INVALID_ARGUMENT', 'the style weights add up to 0; give at least one a positive weight');
  const relative = ws.map((w) => w / max);
  const sum = relative.reduce((a, w) => a + w, 0);
  return { shares: relative.map((w) => w / sum), total: max * sum };
}
