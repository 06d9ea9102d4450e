import type { RawImage } from '../image/raw-image';
import { type FlowField, bilinear } from './flow';

/** A frame warped by a flow, with how far each pixel can be trusted. */
export interface Warped {
  /** RGB, float 0..255, interleaved, at the warped image's size. */
  readonly rgb: Float32Array;
  /** 0..1 per pixel: the reliability mask up-sampled to this size (soft at its edges). */
  readonly weight: Float32Array;
}

/**
 * How the previous frame is sampled: `bilinear` for measuring (as the warp-error literature does),
 * `bicubic` for the stabilizer, whose output is warped again every frame: bilinear sampling
 * low-passes each time, and the blur piles up through the recursion.
 */
export type Interpolation = 'bilinear' | 'bicubic';

/** Pixels to warp: a `RawImage`, or float RGB(A) the stabilizer keeps between frames. */
export interface WarpSource {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: ArrayLike<number>;
}

/**
 * `previous` pulled into frame t along `back` (flow t -> t-1 at any size: it is scaled to the
 * image), with `reliable` (one value per pixel of `back`) up-sampled alongside.
 */
export function warpBack(previous: WarpSource, back: FlowField, reliable: Float32Array, interpolation: Interpolation = 'bilinear'): Warped {
  const { width: W, height: H, channels: c, data } = previous;
  const { width: fw, height: fh } = back;
  const sx = fw / W;
  const sy = fh / H;
  const rgb = new Float32Array(W * H * 3);
  const weight = new Float32Array(W * H);
  const sample = interpolation === 'bicubic' ? bicubicRgb : bilinearRgb;
  for (let y = 0, o = 0; y < H; y++) {
    const fy = (y + 0.5) * sy - 0.5;
    for (let x = 0; x < W; x++, o++) {
      const fx = (x + 0.5) * sx - 0.5;
      weight[o] = bilinear(reliable, fw, fh, 1, 0, fx, fy);
      const px = x + bilinear(back.data, fw, fh, 2, 0, fx, fy) / sx;
      const py = y + bilinear(back.data, fw, fh, 2, 1, fx, fy) / sy;
      sample(data, W, H, c, px, py, rgb, o * 3);
    }
  }
  return { rgb, weight };
}

function bilinearRgb(data: ArrayLike<number>, w: number, h: number, c: number, x: number, y: number, out: Float32Array, at: number): void {
  for (let k = 0; k < 3; k++) out[at + k] = bilinear(data, w, h, c, k, x, y);
}

/** Keys' cubic convolution with a = -0.75 (OpenCV's INTER_CUBIC), edges replicated. */
function bicubicRgb(data: ArrayLike<number>, w: number, h: number, c: number, x: number, y: number, out: Float32Array, at: number): void {
  const cx = Math.min(Math.max(x, 0), w - 1);
  const cy = Math.min(Math.max(y, 0), h - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const tx = cx - x0;
  const ty = cy - y0;
  // Four taps each way: weights and clamped offsets, computed once for the three channels.
  const wx0 = far(tx + 1), wx1 = near(tx), wx2 = near(1 - tx), wx3 = far(2 - tx);
  const wy0 = far(ty + 1), wy1 = near(ty), wy2 = near(1 - ty), wy3 = far(2 - ty);
  const xa = Math.max(x0 - 1, 0) * c, xb = x0 * c, xc = Math.min(x0 + 1, w - 1) * c, xd = Math.min(x0 + 2, w - 1) * c;
  const ra = Math.max(y0 - 1, 0) * w * c, rb = y0 * w * c, rc = Math.min(y0 + 1, h - 1) * w * c, rd = Math.min(y0 + 2, h - 1) * w * c;
  for (let k = 0; k < 3; k++) {
    const a = wx0 * data[ra + xa + k]! + wx1 * data[ra + xb + k]! + wx2 * data[ra + xc + k]! + wx3 * data[ra + xd + k]!;
    const b = wx0 * data[rb + xa + k]! + wx1 * data[rb + xb + k]! + wx2 * data[rb + xc + k]! + wx3 * data[rb + xd + k]!;
    const d = wx0 * data[rc + xa + k]! + wx1 * data[rc + xb + k]! + wx2 * data[rc + xc + k]! + wx3 * data[rc + xd + k]!;
    const e = wx0 * data[rd + xa + k]! + wx1 * data[rd + xb + k]! + wx2 * data[rd + xc + k]! + wx3 * data[rd + xd + k]!;
    out[at + k] = wy0 * a + wy1 * b + wy2 * d + wy3 * e;
  }
}

// Keys' kernel with a = -0.75: `near` for |d| <= 1, `far` for 1 < |d| < 2.
const A = -0.75;
const near = (d: number) => ((A + 2) * d - (A + 3)) * d * d + 1;
const far = (d: number) => ((A * d - 5 * A) * d + 8 * A) * d - 4 * A;
