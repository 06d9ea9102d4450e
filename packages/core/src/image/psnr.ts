/**
 * Peak signal-to-noise ratio in dB of `b` against `a`, both on 0..255 and clamped to it first,
 * as pixels are. Identical inputs give a large finite value (not Infinity), so scores still sort.
 */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  const clamp = (v: number) => Math.min(255, Math.max(0, v));
  for (let i = 0; i < a.length; i++) sum += (clamp(a[i]!) - clamp(b[i]!)) ** 2;
  return 10 * Math.log10((255 * 255) / (sum / a.length || 1e-30));
}
