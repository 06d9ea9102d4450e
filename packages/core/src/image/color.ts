import { ImpastoError } from '../errors';
import type { RawImage } from './raw-image';

/**
 * Colour preservation (Gatys et al. 2016, "Preserving color in neural artistic style transfer").
 * Both work on decoded pixels, so every engine shares them: `keepLuminance` after the transfer,
 * `matchColors` on the style image before it.
 */

/** How a result keeps the photo's colours: not at all, by luminance-only transfer, or by recolouring the style image first. */
export type PreserveColors = 'none' | 'luminance' | 'histogram';
export const PRESERVE_COLORS: readonly PreserveColors[] = ['none', 'luminance', 'histogram'];

const clampByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

function sameSize(a: RawImage, b: RawImage, what: string): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new ImpastoError('INVALID_ARGUMENT', `${what} needs images of one size, received ${a.width}x${a.height} and ${b.width}x${b.height}`);
  }
}

/**
 * The luminance of `stylized` with the chroma of `content` (full-range BT.601 YCbCr, as JPEG and
 * jcjohnson/neural-style's `-original_colors`): the style's strokes in the photo's colours.
 * Alpha comes from `stylized`. Throws `INVALID_ARGUMENT` when the sizes differ.
 */
export function keepLuminance(stylized: RawImage, content: RawImage): RawImage {
  sameSize(stylized, content, 'keeping the photo\'s colours');
  const { width, height, channels } = stylized;
  const out = new Uint8Array(stylized.data.length);
  const s = stylized.data;
  const c = content.data;
  const cc = content.channels;
  for (let p = 0, i = 0, j = 0; p < width * height; p++, i += channels, j += cc) {
    const y = 0.299 * s[i]! + 0.587 * s[i + 1]! + 0.114 * s[i + 2]!;
    const r = c[j]!;
    const g = c[j + 1]!;
    const b = c[j + 2]!;
    const cb = -0.168736 * r - 0.331264 * g + 0.5 * b;
    const cr = 0.5 * r - 0.418688 * g - 0.081312 * b;
    out[i] = clampByte(y + 1.402 * cr);
    out[i + 1] = clampByte(y - 0.344136 * cb - 0.714136 * cr);
    out[i + 2] = clampByte(y + 1.772 * cb);
    if (channels === 4) out[i + 3] = s[i + 3]!;
  }
  return { data: out, width, height, channels };
}

type Mat3 = [number, number, number, number, number, number, number, number, number];

/** Per-channel mean and 3×3 covariance of an image's RGB (of the pixels where `mask` is 1, with one). */
export function colorStats(img: RawImage, mask?: Float32Array): { mean: [number, number, number]; cov: Mat3; count: number } {
  const n = img.width * img.height;
  const d = img.data;
  const k = img.channels;
  const m = [0, 0, 0];
  let count = 0;
  for (let p = 0, i = 0; p < n; p++, i += k) {
    if (mask && !mask[p]) continue;
    count++;
    for (let a = 0; a < 3; a++) m[a]! += d[i + a]!;
  }
  for (let a = 0; a < 3; a++) m[a]! /= Math.max(count, 1);
  const cov = new Array<number>(9).fill(0) as Mat3;
  for (let p = 0, i = 0; p < n; p++, i += k) {
    if (mask && !mask[p]) continue;
    const x = [d[i]! - m[0]!, d[i + 1]! - m[1]!, d[i + 2]! - m[2]!];
    for (let a = 0; a < 3; a++) for (let b = a; b < 3; b++) cov[a * 3 + b]! += x[a]! * x[b]!;
  }
  for (let a = 0; a < 3; a++) for (let b = a; b < 3; b++) cov[b * 3 + a] = cov[a * 3 + b] = cov[a * 3 + b]! / Math.max(count, 1);
  return { mean: m as [number, number, number], cov, count };
}

/** Eigen-decomposition of a symmetric 3×3 matrix by Jacobi rotations: values and column vectors. */
function symmetricEigen(m: Mat3): { values: number[]; vectors: Mat3 } {
  const a = [...m];
  const v: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[1]! ** 2 + a[2]! ** 2 + a[5]! ** 2;
    if (off < 1e-20 * (a[0]! ** 2 + a[4]! ** 2 + a[8]! ** 2 + 1e-300)) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = a[p * 3 + q]!;
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (a[q * 3 + q]! - a[p * 3 + p]!) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let r = 0; r < 3; r++) { // A ← A·J, V ← V·J
        const arp = a[r * 3 + p]!, arq = a[r * 3 + q]!;
        a[r * 3 + p] = c * arp - s * arq;
        a[r * 3 + q] = s * arp + c * arq;
        const vrp = v[r * 3 + p]!, vrq = v[r * 3 + q]!;
        v[r * 3 + p] = c * vrp - s * vrq;
        v[r * 3 + q] = s * vrp + c * vrq;
      }
      for (let r = 0; r < 3; r++) { // A ← Jᵀ·A
        const apr = a[p * 3 + r]!, aqr = a[q * 3 + r]!;
        a[p * 3 + r] = c * apr - s * aqr;
        a[q * 3 + r] = s * apr + c * aqr;
      }
    }
  }
  return { values: [a[0]!, a[4]!, a[8]!], vectors: v };
}

/** f(M) for symmetric M: V·diag(f(λ))·Vᵀ. */
function matrixFunction(m: Mat3, f: (x: number) => number): Mat3 {
  const { values, vectors: v } = symmetricEigen(m);
  const out = new Array<number>(9).fill(0) as Mat3;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c]! += v[r * 3 + k]! * f(values[k]!) * v[c * 3 + k]!;
  return out;
}

/** The affine map x' = Σt^½ Σs^-½ (x − μs) + μt taking one colour distribution's statistics to another's. */
function colorMap(s: ReturnType<typeof colorStats>, t: ReturnType<typeof colorStats>): (x0: number, x1: number, x2: number, r: number) => number {
  // A flat source has a singular covariance: a small ridge keeps the inverse root finite.
  const ridge = 1e-4 * (s.cov[0] + s.cov[4] + s.cov[8]) + 1e-6;
  const reg = s.cov.map((x, i) => (i % 4 === 0 ? x + ridge : x)) as Mat3;
  const invRootS = matrixFunction(reg, (x) => 1 / Math.sqrt(Math.max(x, 1e-12)));
  const rootT = matrixFunction(t.cov, (x) => Math.sqrt(Math.max(x, 0)));
  const a = new Array<number>(9).fill(0) as Mat3;
  for (let r = 0; r < 3; r++) for (let col = 0; col < 3; col++) for (let k = 0; k < 3; k++) a[r * 3 + col]! += rootT[r * 3 + k]! * invRootS[k * 3 + col]!;
  return (x0, x1, x2, r) => a[r * 3]! * (x0 - s.mean[0]) + a[r * 3 + 1]! * (x1 - s.mean[1]) + a[r * 3 + 2]! * (x2 - s.mean[2]) + t.mean[r]!;
}

/**
 * `style` recoloured so its RGB mean and covariance are `content`'s: x' = Σc^½ Σs^-½ (x − μs) + μc
 * (the symmetric square roots, Gatys et al. 2016's "image analogies" variant). Alpha is kept;
 * results are rounded and clamped to 0–255. The sizes may differ.
 */
export function matchColors(style: RawImage, content: RawImage): RawImage {
  return matchColorsByRegion(style, content);
}

/**
 * `image` recoloured region by region so each region's RGB mean and covariance are the same
 * region's of `reference` (as `matchColors`, which is one region): a colour-only photo transfer.
 * Masks are one 0/1 plane per region ([regions, height, width]) for each image; pixels in no
 * region keep their colour. Alpha is kept; the sizes may differ.
 */
export function matchColorsByRegion(image: RawImage, reference: RawImage, masks?: { regions: number; image: Float32Array; reference: Float32Array }): RawImage {
  const { width, height, channels } = image;
  const n = width * height;
  const d = image.data;
  const out = Uint8Array.from(d);
  const regions = masks?.regions ?? 1;
  for (let r = 0; r < regions; r++) {
    const mi = masks?.image.subarray(r * n, (r + 1) * n);
    const mr = masks?.reference.subarray(r * reference.width * reference.height, (r + 1) * reference.width * reference.height);
    const from = colorStats(image, mi);
    const to = colorStats(reference, mr);
    if (!from.count || !to.count) continue;
    const map = colorMap(from, to);
    for (let p = 0, i = 0; p < n; p++, i += channels) {
      if (mi && !mi[p]) continue;
      for (let c = 0; c < 3; c++) out[i + c] = clampByte(map(d[i]!, d[i + 1]!, d[i + 2]!, c));
    }
  }
  return { data: out, width, height, channels };
}
