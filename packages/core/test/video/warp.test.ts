import type { RawImage } from '../../src/image/raw-image';
import type { FlowField, FlowFrame } from '../../src/video/flow';
import { blendReliability, flowReliability } from '../../src/video/reliability';
import { warpBack } from '../../src/video/warp';

const W = 24;
const H = 16;

function image(f: (x: number, y: number, k: number) => number): RawImage {
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let k = 0; k < 3; k++) data[(y * W + x) * 3 + k] = f(x, y, k);
  return { width: W, height: H, channels: 3, data };
}
function flow(dx: number, dy: number): FlowField {
  const data = new Float32Array(W * H * 2);
  for (let i = 0; i < W * H; i++) [data[2 * i], data[2 * i + 1]] = [dx, dy];
  return { width: W, height: H, data };
}
function grey(img: RawImage): FlowFrame {
  const data = new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) data[i] = img.data[3 * i + 1]!;
  return { width: W, height: H, data };
}
const noise = (x: number, y: number, k: number) => ((x * 73 + y * 151 + k * 29) * 2654435761) % 251;
const ones = new Float32Array(W * H).fill(1);

describe('warpBack', () => {
  it.each(['bilinear', 'bicubic'] as const)('%s: a whole-pixel shift moves the pixels exactly', (interpolation) => {
    const prev = image(noise);
    const { rgb } = warpBack(prev, flow(2, -1), ones, interpolation);
    for (let y = 1; y < H; y++) for (let x = 0; x < W - 2; x++) for (let k = 0; k < 3; k++) expect(rgb[(y * W + x) * 3 + k]).toBeCloseTo(noise(x + 2, y - 1, k), 3);
  });

  it('bicubic keeps more detail than bilinear at half-pixel shifts, repeated', () => {
    let lin = image(noise);
    let cub = lin;
    const contrast = (img: RawImage) => Array.from(img.data, (v) => Math.abs(v - 125)).reduce((s, d) => s + d, 0);
    const round = (img: RawImage, rgb: Float32Array): RawImage => ({ ...img, data: Uint8Array.from(rgb, (v) => Math.min(255, Math.max(0, Math.round(v)))) });
    for (let i = 0; i < 6; i++) {
      const f = flow(i % 2 ? -0.5 : 0.5, i % 2 ? 0.5 : -0.5);
      lin = round(lin, warpBack(lin, f, ones, 'bilinear').rgb);
      cub = round(cub, warpBack(cub, f, ones, 'bicubic').rgb);
    }
    expect(contrast(cub)).toBeGreaterThan(1.3 * contrast(lin));
  });
});

describe('reliability', () => {
  const prev = image(noise);
  const back = flow(1, 0);
  const forward = flow(-1, 0);

  it('keeps what consistent flow explains, drops what leaves the frame', () => {
    // Frame t at x is frame t-1 at x + 1, as the backward flow says.
    const cur = image((x, y, k) => noise(Math.min(x + 1, W - 1), y, k));
    for (const mask of [flowReliability(back, forward), blendReliability(back, forward, grey(cur), grey(prev))]) {
      expect(mask[5 * W + 3]).toBe(1);
      expect(mask[5 * W + W - 1]).toBe(0); // x + 1 is outside
    }
  });

  it('the stabilizer also drops pixels where the frames disagree along a consistent flow', () => {
    const cur = image((x, y, k) => (x >= 8 && x < 12 && y >= 4 && y < 8 ? 255 - noise(x + 1, y, k) : noise(Math.min(x + 1, W - 1), y, k)));
    const mask = blendReliability(back, forward, grey(cur), grey(prev));
    expect(flowReliability(back, forward)[5 * W + 9]).toBe(1); // the flow alone cannot tell
    expect(mask[5 * W + 9]).toBe(0);
    expect(mask[12 * W + 9]).toBe(1);
  });

  it('inconsistent forward and backward flow is unreliable', () => {
    expect(flowReliability(back, flow(3, 0))[5 * W + 3]).toBe(0);
    expect(blendReliability(back, flow(3, 0), grey(prev), grey(prev))[5 * W + 3]).toBe(0);
  });
});
