/** How far two images (or any two number arrays) are apart: the tests' one measure of agreement. */

import { psnr as corePsnr } from '@impasto/core/platform';

type Values = ArrayLike<number> | { readonly data: ArrayLike<number> };

const valuesOf = (v: Values): ArrayLike<number> => ('data' in v ? v.data : v);

/** Mean and max absolute difference, element by element; arrays of different lengths are an error. */
export function absDiff(a: Values, b: Values): { mean: number; max: number } {
  const [x, y] = [valuesOf(a), valuesOf(b)];
  if (x.length !== y.length) throw new Error(`lengths differ: ${x.length} vs ${y.length}`);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i]! - y[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: x.length ? sum / x.length : 0, max };
}

/** Mean and max absolute difference over the RGB channels of two interleaved images of `n` pixels (RGBA or RGB). */
export function rgbDiff(a: ArrayLike<number>, aChannels: number, b: ArrayLike<number>, bChannels: number, n: number): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(a[p * aChannels + c]! - b[p * bChannels + c]!);
      sum += d;
      if (d > max) max = d;
    }
  }
  return { mean: sum / (3 * n), max };
}

/** Peak signal-to-noise ratio in dB of `b` against `a` (core's `psnr`); arrays of different lengths are an error. */
export function psnr(a: Values, b: Values): number {
  const [x, y] = [valuesOf(a), valuesOf(b)];
  if (x.length !== y.length) throw new Error(`psnr of ${x.length} and ${y.length} values`);
  return corePsnr(x, y);
}
