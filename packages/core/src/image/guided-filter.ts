import { ImpastoError } from '../errors';
import { boxMean } from './box-filter';
import type { RawImage } from './raw-image';

/** The planes of an image's RGB on 0..1. */
function planes(img: RawImage): Float64Array[] {
  const n = img.width * img.height;
  const out = [0, 1, 2].map(() => new Float64Array(n));
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) out[c]![p] = img.data[p * img.channels + c]! / 255;
  return out;
}

/**
 * The colour guided filter (He et al. 2010) of `input`, led by `guide`: in every (2r+1)² window
 * the output is an affine function of the guide's RGB fitted to the input by ridge regression
 * (`epsilon` on 0..1 pixels), the fits averaged over the windows covering each pixel. It keeps the
 * guide's edges and smooths what the guide does not have: Luan et al.'s post-step, with the photo
 * as the guide. Alpha comes from `input`. Throws `INVALID_ARGUMENT` when the sizes differ.
 */
export function guidedFilter(guide: RawImage, input: RawImage, o: { radius: number; epsilon: number }): RawImage {
  const { width: W, height: H } = input;
  if (guide.width !== W || guide.height !== H) throw new ImpastoError('INVALID_ARGUMENT', `the guided filter needs images of one size, received ${guide.width}x${guide.height} and ${W}x${H}`);
  const n = W * H;
  const box = (p: Float64Array) => boxMean(p, W, H, o.radius);
  const I = planes(guide);
  const P = planes(input);
  const mI = I.map(box);
  const cov = (a: Float64Array, b: Float64Array, ma: Float64Array, mb: Float64Array) => {
    const prod = new Float64Array(n);
    for (let i = 0; i < n; i++) prod[i] = a[i]! * b[i]!;
    const m = box(prod);
    for (let i = 0; i < n; i++) m[i] = m[i]! - ma[i]! * mb[i]!;
    return m;
  };
  const s = [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]].map(([a, b]) => cov(I[a!]!, I[b!]!, mI[a!]!, mI[b!]!));
  const out = new Uint8Array(input.data.length);
  for (let c = 0; c < 3; c++) {
    const mp = box(P[c]!);
    const cIp = [0, 1, 2].map((j) => cov(I[j]!, P[c]!, mI[j]!, mp));
    const a = [0, 1, 2].map(() => new Float64Array(n));
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const e = o.epsilon;
      const [s00, s01, s02, s11, s12, s22] = [s[0]![i]! + e, s[1]![i]!, s[2]![i]!, s[3]![i]! + e, s[4]![i]!, s[5]![i]! + e];
      const c00 = s11 * s22 - s12 * s12, c01 = s02 * s12 - s01 * s22, c02 = s01 * s12 - s02 * s11;
      const c11 = s00 * s22 - s02 * s02, c12 = s01 * s02 - s00 * s12, c22 = s00 * s11 - s01 * s01;
      const det = s00 * c00 + s01 * c01 + s02 * c02;
      const [v0, v1, v2] = [cIp[0]![i]!, cIp[1]![i]!, cIp[2]![i]!];
      const a0 = (c00 * v0 + c01 * v1 + c02 * v2) / det;
      const a1 = (c01 * v0 + c11 * v1 + c12 * v2) / det;
      const a2 = (c02 * v0 + c12 * v1 + c22 * v2) / det;
      a[0]![i] = a0; a[1]![i] = a1; a[2]![i] = a2;
      b[i] = mp[i]! - a0 * mI[0]![i]! - a1 * mI[1]![i]! - a2 * mI[2]![i]!;
    }
    const ma = a.map(box);
    const mb = box(b);
    for (let i = 0; i < n; i++) {
      const v = ma[0]![i]! * I[0]![i]! + ma[1]![i]! * I[1]![i]! + ma[2]![i]! * I[2]![i]! + mb[i]!;
      out[i * input.channels + c] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
    }
  }
  if (input.channels === 4) for (let i = 0; i < n; i++) out[i * 4 + 3] = input.data[i * 4 + 3]!;
  return { data: out, width: W, height: H, channels: input.channels };
}
