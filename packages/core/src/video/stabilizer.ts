import type { RawImage } from '../image/raw-image';
import { now } from '../platform';
import type { FlowEstimator, FlowFrame } from './flow';
import { blendReliability } from './reliability';
import { VIDEO_SCHEMA } from './options';
import { type WarpSource, warpBack } from './warp';

/** How `TemporalStabilizer` blends (`VideoOptions`' fields of the same names). */
export interface StabilizerOptions {
  /** Weight of the warped previous output, 0..0.95 (default: `VIDEO_SCHEMA`'s, 0.85). */
  readonly temporalWeight?: number;
  /** Texture changes shorter than this (RGB length, 0..255 levels) are not followed (default: `VIDEO_SCHEMA`'s, 12). */
  readonly temporalThreshold?: number;
  /** Longest side the flow is computed at (default 256). */
  readonly flowSize?: number;
  /** The optical flow: `farnebackFlow()` from `@impasto/node/platform` or `@impasto/web/platform`, or another. */
  readonly estimator: FlowEstimator;
}

/**
 * Makes per-frame stylization temporally stable: each stylized frame O_t is blended with the
 * previous *output* W = W(O'_{t-1}) warped into frame t by the optical flow of the input frames,
 * only where that flow is reliable (mask m: forward–backward consistent as in Ruder et al. 2016,
 * and the input frames agree along it). The change r = O_t - W splits into the frame's mean colour
 * change g (over the blended pixels) and the texture change h = r - g. g passes whole: a scene that
 * brightens is followed at once, so the output never drifts from its frames' colour. Of h, only what
 * exceeds the threshold τ (RGB length) is followed, by 1 - w:
 * O'_t = W + g + (1 - w)·shrink(h, τ) where m = 1, O'_t = O_t where m = 0.
 * Why a threshold and not only the average: most of a still scene's flicker is not noise that
 * averages out but small changes that persist (light, the codec, a walker's pull on the texture
 * around them), and an average follows a persistent change as far, only later; warp error counts the
 * same distance either way. The flow is computed on the grey input frames at `flowSize`, both ways;
 * the previous output is warped bicubically, so repeated warping does not blur it.
 */
export class TemporalStabilizer {
  private readonly weight: number;
  private readonly threshold: number;
  private readonly flowSize: number;
  private readonly estimator: FlowEstimator;
  /**
   * The previous frame's grey flow frame and its output, kept in float32 RGB: rounded to 8 bits and
   * clipped to 0..255 every frame, the recursion loses a little light at every bright edge and
   * drifts darker.
   */
  private previous?: { frame: FlowFrame; output: WarpSource };
  /** Milliseconds spent on flow and blending so far. */
  elapsedMs = 0;
  private maskSum = 0;
  private maskFrames = 0;

  constructor(options: StabilizerOptions) {
    this.weight = options.temporalWeight ?? VIDEO_SCHEMA.fields.temporalWeight.default;
    this.threshold = options.temporalThreshold ?? VIDEO_SCHEMA.fields.temporalThreshold.default;
    this.flowSize = options.flowSize ?? VIDEO_SCHEMA.fields.flowSize.default;
    this.estimator = options.estimator;
  }

  /** The output for `stylized`, the stylization of the input frame `input` (frames in order). */
  async next(input: RawImage, stylized: RawImage): Promise<RawImage> {
    const t0 = now();
    const frame = await this.estimator.prepare(input, this.flowSize);
    const prev = this.previous;
    let state: Float32Array | undefined;
    if (prev && prev.frame.width === frame.width && prev.frame.height === frame.height && sameSize(prev.output, stylized)) {
      const back = await this.estimator.flow(frame, prev.frame);
      const forward = await this.estimator.flow(prev.frame, frame);
      const reliable = blendReliability(back, forward, frame, prev.frame);
      const warped = warpBack(prev.output, back, reliable, 'bicubic');
      state = blend(stylized, warped.rgb, warped.weight, this.weight, this.threshold);
      let sum = 0;
      for (const m of reliable) sum += m;
      this.maskSum += sum / reliable.length;
      this.maskFrames++;
    }
    state ??= rgbOf(stylized);
    this.previous = { frame, output: { width: stylized.width, height: stylized.height, channels: 3, data: state } };
    this.elapsedMs += now() - t0;
    return toImage(stylized, state);
  }

  /** The share of pixels blended so far (0..1, mean over the frames that had a previous one). */
  get blended(): number {
    return this.maskFrames ? this.maskSum / this.maskFrames : 0;
  }

  /** Forgets the previous frame (a cut: the next frame starts afresh). */
  reset(): void {
    this.previous = undefined;
  }
}

function sameSize(a: { width: number; height: number }, b: { width: number; height: number }): boolean {
  return a.width === b.width && a.height === b.height;
}

/** O - m·(h - (1 - w)·shrink(h, τ)) with h = O - W - g (see `TemporalStabilizer`), in float. */
function blend(current: RawImage, warped: Float32Array, mask: Float32Array, w: number, threshold: number): Float32Array {
  const { data, channels: c } = current;
  const g = meanChange(current, warped, mask);
  const out = new Float32Array(mask.length * 3);
  const h = [0, 0, 0];
  for (let p = 0; p < mask.length; p++) {
    const m = mask[p]!;
    let n2 = 0;
    for (let k = 0; k < 3; k++) {
      h[k] = data[p * c + k]! - warped[p * 3 + k]! - g[k]!;
      n2 += h[k]! * h[k]!;
    }
    const n = Math.sqrt(n2);
    const kept = n > threshold ? (1 - w) * (1 - threshold / n) : 0;
    for (let k = 0; k < 3; k++) out[p * 3 + k] = data[p * c + k]! - m * (1 - kept) * h[k]!;
  }
  return out;
}

/** The mean of O - W per RGB channel over the pixels, weighted by the mask (0 where nothing is blended). */
function meanChange(current: RawImage, warped: Float32Array, mask: Float32Array): number[] {
  const { data, channels: c } = current;
  const sum = [0, 0, 0];
  let weight = 0;
  for (let p = 0; p < mask.length; p++) {
    const m = mask[p]!;
    if (m === 0) continue;
    weight += m;
    for (let k = 0; k < 3; k++) sum[k]! += m * (data[p * c + k]! - warped[p * 3 + k]!);
  }
  return sum.map((s) => (weight > 0 ? s / weight : 0));
}

function rgbOf(img: RawImage): Float32Array {
  const out = new Float32Array(img.width * img.height * 3);
  for (let p = 0; p < out.length / 3; p++) for (let k = 0; k < 3; k++) out[p * 3 + k] = img.data[p * img.channels + k]!;
  return out;
}

/** `rgb` rounded to 8 bits in `like`'s layout, alpha kept from it. */
function toImage(like: RawImage, rgb: Float32Array): RawImage {
  const { channels: c } = like;
  const out = new Uint8Array(like.data.length);
  for (let p = 0; p < rgb.length / 3; p++) {
    for (let k = 0; k < 3; k++) out[p * c + k] = Math.min(255, Math.max(0, rgb[p * 3 + k]! + 0.5));
    if (c === 4) out[p * 4 + 3] = like.data[p * 4 + 3]!;
  }
  return { ...like, data: out };
}
