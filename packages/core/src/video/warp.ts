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

/**
 * `previous` pulled into frame t along `back` (flow t -> t-1 at any size: it is scaled to the
 * image), with `reliable` (one value per pixel of `back`) up-sampled alongside.
 */
export function warpBack(previous: RawImage, back: FlowField, reliable: Float32Array, interpolation: Interpolation = 'bilinear'): Warped {
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

const taps = new Float64Array(4);
const tapsY = new Float64Array(4);

/** Keys' cubic convolution with a = -0.75 (OpenCV's INTER_CUBIC), edges replicated. */
function bicubicRgb(data: ArrayLike<number>, w: number, h: number, c: number, x: number, y: number, out: Float32Array, at: number): void {
  const cx = Math.min(Math.max(x, 0), w - 1);
  const cy = Math.min(Math.max(y, 0), h - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  keys(cx - x0, taps);
  keys(cy - y0, tapsY);
  for (let k = 0; k < 3; k++) {
    let sum = 0;
    for (let j = 0; j < 4; j++) {
      const row = Math.min(Math.max(y0 + j - 1, 0), h - 1) * w;
      let line = 0;
      for (let i = 0; i < 4; i++) line += taps[i]! * data[(row + Math.min(Math.max(x0 + i - 1, 0), w - 1)) * c + k]!;
      sum += tapsY[j]! * line;
    }
    out[at + k] = sum;
  }
}

/** The four weights of Keys' kernel (a = -0.75) at offset t in [0, 1) from the second tap. */
function keys(t: number, into: Float64Array): void {
  const a = -0.75;
  const near = (d: number) => ((a + 2) * d - (a + 3)) * d * d + 1;
  const far = (d: number) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  into[0] = far(t + 1);
  into[1] = near(t);
  into[2] = near(1 - t);
  into[3] = far(2 - t);
}
