/**
 * What the photorealism issue's targets measure, on decoded images: how far the result's colours
 * moved toward the style photo's (mean and covariance), and how far it is from a locally affine
 * colour transform of the content photo (least-squares residual over 3×3 windows).
 */
import type { RawImage } from '@impasto/core/platform';

/** Mean (3) and covariance (3×3) of an image's RGB on 0..1. */
export function colorMoments(img: RawImage): { mean: number[]; cov: number[] } {
  const n = img.width * img.height;
  const mean = [0, 0, 0];
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) mean[c]! += img.data[p * img.channels + c]! / 255 / n;
  const cov = new Array<number>(9).fill(0);
  for (let p = 0; p < n; p++) {
    const d = [0, 1, 2].map((c) => img.data[p * img.channels + c]! / 255 - mean[c]!);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) cov[a * 3 + b]! += (d[a]! * d[b]!) / n;
  }
  return { mean, cov };
}

/** Euclidean distances between two images' colour means and (Frobenius) covariances. */
export function colorDistance(a: RawImage, b: RawImage): { mean: number; cov: number } {
  const x = colorMoments(a);
  const y = colorMoments(b);
  return { mean: Math.hypot(...x.mean.map((v, i) => v - y.mean[i]!)), cov: Math.hypot(...x.cov.map((v, i) => v - y.cov[i]!)) };
}

/**
 * The mean squared residual (0..1 pixels) of the best affine fit out_c ≈ aᵀ·I + b over every 3×3
 * window of `guide` (the content photo), all channels: 0 when `out` is locally an affine colour
 * transform of the photo. A 1e-6 ridge on a keeps flat windows' fits defined.
 */
export function affineResidual(out: RawImage, guide: RawImage): number {
  if (out.width !== guide.width || out.height !== guide.height) throw new Error(`sizes differ: ${out.width}x${out.height} and ${guide.width}x${guide.height}`);
  const { width: W, height: H } = out;
  const px = (img: RawImage, p: number, c: number) => img.data[p * img.channels + c]! / 255;
  let total = 0;
  let count = 0;
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      // Normal equations of the 9 × 4 design [I, 1].
      const A = new Float64Array(16);
      const B = [new Float64Array(4), new Float64Array(4), new Float64Array(4)];
      const ys: number[][] = [];
      const xs: number[][] = [];
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const p = (y + dy) * W + x + dx;
          const row = [px(guide, p, 0), px(guide, p, 1), px(guide, p, 2), 1];
          const t = [px(out, p, 0), px(out, p, 1), px(out, p, 2)];
          xs.push(row);
          ys.push(t);
          for (let i = 0; i < 4; i++) {
            for (let j = 0; j < 4; j++) A[i * 4 + j]! += row[i]! * row[j]!;
            for (let c = 0; c < 3; c++) B[c]![i]! += row[i]! * t[c]!;
          }
        }
      for (let i = 0; i < 3; i++) A[i * 4 + i]! += 1e-6;
      const sol = B.map((b) => solve4(A, b));
      for (let k = 0; k < 9; k++)
        for (let c = 0; c < 3; c++) {
          const f = sol[c]!.reduce((s, v, i) => s + v * xs[k]![i]!, 0);
          total += (ys[k]![c]! - f) ** 2;
        }
      count += 27;
    }
  }
  return total / count;
}

/** x with A x = b for a symmetric positive definite 4×4 A (Gaussian elimination, partial pivoting). */
function solve4(A0: Float64Array, b0: Float64Array): number[] {
  const A = Array.from({ length: 4 }, (_, i) => [...A0.subarray(i * 4, i * 4 + 4), b0[i]!]);
  for (let c = 0; c < 4; c++) {
    let p = c;
    for (let r = c + 1; r < 4; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r;
    [A[c], A[p]] = [A[p]!, A[c]!];
    for (let r = c + 1; r < 4; r++) {
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k < 5; k++) A[r]![k]! -= f * A[c]![k]!;
    }
  }
  const x = [0, 0, 0, 0];
  for (let r = 3; r >= 0; r--) x[r] = (A[r]![4]! - [0, 1, 2, 3].slice(r + 1).reduce((s, k) => s + A[r]![k]! * x[k]!, 0)) / A[r]![r]!;
  return x;
}
