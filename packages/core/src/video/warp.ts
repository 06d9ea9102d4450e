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
 * `previous` pulled into frame t along `back` (flow t -> t-1 at any size: it is scaled to the
 * image), bilinear, with `reliable` (one value per pixel of `back`) up-sampled alongside.
 */
export function warpBack(previous: RawImage, back: FlowField, reliable: Float32Array): Warped {
  const { width: W, height: H, channels: c, data } = previous;
  const { width: fw, height: fh } = back;
  const sx = fw / W;
  const sy = fh / H;
  const rgb = new Float32Array(W * H * 3);
  const weight = new Float32Array(W * H);
  for (let y = 0, o = 0; y < H; y++) {
    const fy = (y + 0.5) * sy - 0.5;
    for (let x = 0; x < W; x++, o++) {
      const fx = (x + 0.5) * sx - 0.5;
      weight[o] = bilinear(reliable, fw, fh, 1, 0, fx, fy);
      const px = x + bilinear(back.data, fw, fh, 2, 0, fx, fy) / sx;
      const py = y + bilinear(back.data, fw, fh, 2, 1, fx, fy) / sy;
      for (let k = 0; k < 3; k++) rgb[o * 3 + k] = bilinear(data, W, H, c, k, px, py);
    }
  }
  return { rgb, weight };
}
