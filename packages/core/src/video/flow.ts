import type { RawImage } from '../image/raw-image';

/**
 * Dense optical flow from frame A to frame B, in pixels of this field: A at p looks like B at
 * p + (dx, dy). Interleaved: `data[2i]` is dx, `data[2i + 1]` dy.
 */
export interface FlowField {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** A frame prepared for flow: grey, at the flow's own (reduced) size. */
export interface FlowFrame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A dense optical-flow algorithm (Farneback by default; a test or a caller may bring another). */
export interface FlowEstimator {
  /** For reports, e.g. `farneback`. */
  readonly name: string;
  /** `image` in grey, shrunk so its longest side is at most `maxSide`. */
  prepare(image: RawImage, maxSide: number): Promise<FlowFrame>;
  /** The flow from `from` to `to` (both prepared at the same size). */
  flow(from: FlowFrame, to: FlowFrame): Promise<FlowField>;
}

/**
 * Channel `k` of an interleaved `w` x `h` x `channels` array at fractional pixel (x, y):
 * bilinear, clamped at the edges (what warping and up-sampling a flow both need).
 */
export function bilinear(data: ArrayLike<number>, w: number, h: number, channels: number, k: number, x: number, y: number): number {
  const cx = Math.min(Math.max(x, 0), w - 1);
  const cy = Math.min(Math.max(y, 0), h - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, w - 1);
  const y1 = Math.min(y0 + 1, h - 1);
  const ax = cx - x0;
  const ay = cy - y0;
  const a = data[(y0 * w + x0) * channels + k]!;
  const b = data[(y0 * w + x1) * channels + k]!;
  const c = data[(y1 * w + x0) * channels + k]!;
  const d = data[(y1 * w + x1) * channels + k]!;
  const top = a + (b - a) * ax;
  return top + (c + (d - c) * ax - top) * ay;
}
