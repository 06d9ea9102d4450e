import { type FlowField, type FlowFrame, bilinear } from './flow';

/**
 * Where a backward flow can be trusted, per pixel of `back` (1 reliable, 0 not), after Ruder et
 * al. 2016: `back` maps frame t to t-1 and `forward` t-1 to t. A pixel is unreliable when it
 * leaves the frame, when following `back` then `forward` does not come home (occluded or
 * disoccluded: |f + b|² > 0.01 (|f|² + |b|²) + 0.5), or on a motion boundary
 * (|∇b_x|² + |∇b_y|² > 0.01 |b|² + 0.002). The warp-error meter's mask, as in the literature.
 */
export function flowReliability(back: FlowField, forward: FlowField): Float32Array {
  const { width: w, height: h, data: b } = back;
  return maskWhere(back, (x, y, i) => consistent(back, forward, x, y) && motionGradient(b, w, h, x, y) <= 0.01 * (b[2 * i]! ** 2 + b[2 * i + 1]! ** 2) + 0.002);
}

/**
 * Where the stabilizer may blend: forward–backward consistent (as above) and *photometrically*
 * consistent: the grey input frame t and frame t-1 pulled along `back` differ by at most
 * `threshold` (0..255). The photometric test replaces Ruder's motion-boundary test: Farneback's
 * smooth flow trips that test on a sixth of the pixels of a hand-held clip, leaving them
 * unstabilized, while wrong flow that is consistent both ways (a small walker the coarse flow
 * misses) is caught only by looking at the frames, and that is what ghosts. 20 levels, not 12:
 * a walker's moving limbs differ by more than that, a walker's body that the flow follows by less,
 * and blending the body takes an eighth off the warp error where people move (15 s of vtest).
 */
export function blendReliability(back: FlowField, forward: FlowField, current: FlowFrame, previous: FlowFrame, threshold = 20): Float32Array {
  const { width: w, height: h } = back;
  return maskWhere(back, (x, y, i) => {
    if (!consistent(back, forward, x, y)) return false;
    const pulled = bilinear(previous.data, w, h, 1, 0, x + back.data[2 * i]!, y + back.data[2 * i + 1]!);
    return Math.abs(current.data[i]! - pulled) <= threshold;
  });
}

function maskWhere(back: FlowField, keep: (x: number, y: number, i: number) => boolean): Float32Array {
  const { width: w, height: h } = back;
  const mask = new Float32Array(w * h);
  for (let y = 0, i = 0; y < h; y++) for (let x = 0; x < w; x++, i++) if (keep(x, y, i)) mask[i] = 1;
  return mask;
}

/** Inside the frame and back-then-forward comes home (not occluded or disoccluded). */
function consistent(back: FlowField, forward: FlowField, x: number, y: number): boolean {
  const { width: w, height: h, data: b } = back;
  const i = y * w + x;
  const bx = b[2 * i]!;
  const by = b[2 * i + 1]!;
  const px = x + bx;
  const py = y + by;
  if (px < 0 || py < 0 || px > w - 1 || py > h - 1) return false;
  const fx = bilinear(forward.data, w, h, 2, 0, px, py);
  const fy = bilinear(forward.data, w, h, 2, 1, px, py);
  const sx = fx + bx;
  const sy = fy + by;
  return sx * sx + sy * sy <= 0.01 * (fx * fx + fy * fy + bx * bx + by * by) + 0.5;
}

/** |∇b_x|² + |∇b_y|² at (x, y) by central differences (one-sided at the edges). */
function motionGradient(b: Float32Array, w: number, h: number, x: number, y: number): number {
  const l = Math.max(x - 1, 0);
  const r = Math.min(x + 1, w - 1);
  const u = Math.max(y - 1, 0);
  const d = Math.min(y + 1, h - 1);
  let g = 0;
  for (let k = 0; k < 2; k++) {
    const gx = (b[2 * (y * w + r) + k]! - b[2 * (y * w + l) + k]!) / Math.max(r - l, 1);
    const gy = (b[2 * (d * w + x) + k]! - b[2 * (u * w + x) + k]!) / Math.max(d - u, 1);
    g += gx * gx + gy * gy;
  }
  return g;
}
