import { ImpastoError } from '../errors';
import type { RawImage } from '../image/raw-image';

/**
 * What the matting Laplacian of a photo (Levin et al. 2008, 3×3 windows) needs to be applied to
 * any image without being built: per window k (centred on each interior pixel), the guide's mean
 * μ_k and (Σ_k + ε/9·I)⁻¹ / 9, Σ_k the guide's covariance in the window. Planes are
 * [3, h, w] and [9, h, w] with h = H − 2, w = W − 2, row-major 3×3 matrices.
 */
export interface MattingWindows {
  readonly width: number;
  readonly height: number;
  /** The photo on 0..1, [3, H, W]. */
  readonly guide: Float32Array;
  readonly mean: Float32Array;
  readonly inverse: Float32Array;
}

/** The ε of Levin et al. and Luan et al. (on 0..1 pixels). */
export const MATTING_EPSILON = 1e-7;

/**
 * The window statistics of `photo` for the matting Laplacian, computed in float64 and stored in
 * float32 once per run. Throws `INVALID_ARGUMENT` for an image under 3×3 or ε ≤ 0.
 */
export function mattingWindows(photo: RawImage, epsilon = MATTING_EPSILON): MattingWindows {
  const { width: W, height: H, channels: ch, data } = photo;
  if (W < 3 || H < 3) throw new ImpastoError('INVALID_ARGUMENT', `the photorealism term needs an image of at least 3x3 px, received ${W}x${H}`);
  if (!(epsilon > 0)) throw new ImpastoError('INVALID_ARGUMENT', `Expected a positive epsilon but received ${epsilon}`);
  const plane = W * H;
  const guide = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) guide[c * plane + p] = data[p * ch + c]! / 255;
  const w = W - 2;
  const h = H - 2;
  const n = w * h;
  const mean = new Float32Array(3 * n);
  const inverse = new Float32Array(9 * n);
  const reg = epsilon / 9;
  const v = [0, 0, 0];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let m0 = 0, m1 = 0, m2 = 0, s00 = 0, s01 = 0, s02 = 0, s11 = 0, s12 = 0, s22 = 0;
      for (let dy = 0; dy < 3; dy++) {
        for (let dx = 0; dx < 3; dx++) {
          const p = (y + dy) * W + x + dx;
          for (let c = 0; c < 3; c++) v[c] = data[p * ch + c]! / 255;
          m0 += v[0]!; m1 += v[1]!; m2 += v[2]!;
          s00 += v[0]! * v[0]!; s01 += v[0]! * v[1]!; s02 += v[0]! * v[2]!;
          s11 += v[1]! * v[1]!; s12 += v[1]! * v[2]!; s22 += v[2]! * v[2]!;
        }
      }
      m0 /= 9; m1 /= 9; m2 /= 9;
      // Δ = Σ + ε/9·I (values are exact multiples of 1/255, so the float64 sums lose nothing that matters)
      const a = s00 / 9 - m0 * m0 + reg, b = s01 / 9 - m0 * m1, c = s02 / 9 - m0 * m2;
      const d = s11 / 9 - m1 * m1 + reg, e = s12 / 9 - m1 * m2, f = s22 / 9 - m2 * m2 + reg;
      const c00 = d * f - e * e, c01 = c * e - b * f, c02 = b * e - c * d;
      const c11 = a * f - c * c, c12 = b * c - a * e, c22 = a * d - b * b;
      const det = a * c00 + b * c01 + c * c02;
      const k = y * w + x;
      const s = 1 / (9 * det);
      const inv = [c00, c01, c02, c01, c11, c12, c02, c12, c22];
      for (let i = 0; i < 9; i++) inverse[i * n + k] = inv[i]! * s;
      mean[k] = m0; mean[n + k] = m1; mean[2 * n + k] = m2;
    }
  }
  return { width: W, height: H, guide, mean, inverse };
}
