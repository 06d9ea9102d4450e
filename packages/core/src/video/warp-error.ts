import { invalidParam } from '../errors';
import type { RawImage } from '../image/raw-image';
import type { FlowEstimator, FlowFrame } from './flow';
import { flowReliability } from './reliability';
import { warpBack } from './warp';

/**
 * Temporal stability of stylized clips: for each frame t, the mean |O_t - W(O_{t-1})| (0..255,
 * over RGB, weighted by flow reliability) where W warps by the flow of the *input* frames. Feed
 * frames in order with `add(input, outputs)`; several outputs (per-frame, stabilized, …) are
 * measured against the same flow. Measure with another flow than the one that stabilized.
 */
export class WarpErrorMeter {
  private readonly estimator: FlowEstimator;
  private readonly flowSize: number;
  private previous?: { frame: FlowFrame; outputs: readonly RawImage[] };
  private readonly sums: number[] = [];
  private steps = 0;

  /** `flowSize`: the longest side the flow is computed at (default: full size). */
  constructor(options: { estimator: FlowEstimator; flowSize?: number }) {
    this.estimator = options.estimator;
    this.flowSize = options.flowSize ?? 4096;
  }

  /** Adds frame t: the input and each output; returns this step's errors (none for the first frame). */
  async add(input: RawImage, outputs: readonly RawImage[]): Promise<number[] | undefined> {
    const frame = await this.estimator.prepare(input, this.flowSize);
    const prev = this.previous;
    this.previous = { frame, outputs };
    if (!prev) return undefined;
    if (prev.outputs.length !== outputs.length) throw invalidParam('outputs', `${prev.outputs.length} outputs, as before`, outputs.length);
    const back = await this.estimator.flow(frame, prev.frame);
    const reliable = flowReliability(back, await this.estimator.flow(prev.frame, frame));
    const errors = outputs.map((out, i) => {
      const warped = warpBack(prev.outputs[i]!, back, reliable);
      return weightedMeanAbs(out, warped.rgb, warped.weight);
    });
    errors.forEach((e, i) => (this.sums[i] = (this.sums[i] ?? 0) + e));
    this.steps++;
    return errors;
  }

  /** Mean warp error of each output over the frames so far (NaN before two frames). */
  get means(): number[] {
    return this.sums.map((s) => s / this.steps);
  }
}

function weightedMeanAbs(img: RawImage, rgb: Float32Array, weight: Float32Array): number {
  let sum = 0;
  let total = 0;
  for (let p = 0; p < weight.length; p++) {
    const w = weight[p]!;
    if (w <= 0) continue;
    let d = 0;
    for (let k = 0; k < 3; k++) d += Math.abs(img.data[p * img.channels + k]! - rgb[p * 3 + k]!);
    sum += (w * d) / 3;
    total += w;
  }
  return total ? sum / total : 0;
}

/** Mean |a - b| over RGB, 0..255: how far a stabilized frame drifted from its per-frame result. */
export function meanAbsDifference(a: RawImage, b: RawImage): number {
  if (a.width !== b.width || a.height !== b.height) throw invalidParam('image', `${a.width}x${a.height}`, `${b.width}x${b.height}`);
  let sum = 0;
  const n = a.width * a.height;
  for (let p = 0; p < n; p++) for (let k = 0; k < 3; k++) sum += Math.abs(a.data[p * a.channels + k]! - b.data[p * b.channels + k]!);
  return sum / (3 * n);
}
