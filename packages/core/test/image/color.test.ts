import { colorStats, keepLuminance, matchColors } from '../../src/image/color';
import type { RawImage } from '../../src/image/raw-image';

/** Pixels with correlated channels from a seeded generator: x = base + mix·noise, kept inside 0–255. */
function image(width: number, height: number, seed: number, base: [number, number, number], mix: number[][], channels: 3 | 4 = 3): RawImage {
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i += channels) {
    const n = [rnd(), rnd(), rnd()];
    for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, Math.round(base[c]! + mix[c]![0]! * n[0]! + mix[c]![1]! * n[1]! + mix[c]![2]! * n[2]!)));
    if (channels === 4) data[i + 3] = 200;
  }
  return { data, width, height, channels };
}

const ycc = (r: number, g: number, b: number) => [0.299 * r + 0.587 * g + 0.114 * b, 128 - 0.168736 * r - 0.331264 * g + 0.5 * b, 128 + 0.5 * r - 0.418688 * g - 0.081312 * b];

describe('keepLuminance', () => {
  const stylized = image(64, 48, 1, [120, 110, 130], [[40, 10, 0], [0, 40, 10], [10, 0, 40]], 4);
  const content = image(64, 48, 2, [140, 120, 100], [[30, 5, 5], [5, 30, 5], [5, 5, 30]]);

  it("keeps the photo's chroma and the stylized luminance (mean |d| under 1 level)", () => {
    const out = keepLuminance(stylized, content);
    const d = [0, 0, 0];
    const n = out.width * out.height;
    for (let p = 0; p < n; p++) {
      const o = ycc(out.data[p * 4]!, out.data[p * 4 + 1]!, out.data[p * 4 + 2]!);
      const sy = ycc(stylized.data[p * 4]!, stylized.data[p * 4 + 1]!, stylized.data[p * 4 + 2]!)[0]!;
      const c = ycc(content.data[p * 3]!, content.data[p * 3 + 1]!, content.data[p * 3 + 2]!);
      d[0]! += Math.abs(o[0]! - sy);
      d[1]! += Math.abs(o[1]! - c[1]!);
      d[2]! += Math.abs(o[2]! - c[2]!);
    }
    for (const x of d) expect(x / n).toBeLessThan(1);
    expect(out.channels).toBe(4);
    expect(out.data[3]).toBe(200); // alpha from the stylized image
  });

  it('gives an image back unchanged when it is both inputs (to rounding)', () => {
    const out = keepLuminance(content, content);
    let max = 0;
    for (let i = 0; i < out.data.length; i++) max = Math.max(max, Math.abs(out.data[i]! - content.data[i]!));
    expect(max).toBeLessThanOrEqual(1);
  });

  it('refuses images of different sizes', () => {
    expect(() => keepLuminance(stylized, image(10, 10, 3, [0, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('matchColors', () => {
  const style = image(80, 60, 5, [150, 90, 60], [[35, 15, 0], [10, 25, 5], [0, 10, 20]]);
  const content = image(50, 70, 6, [100, 120, 140], [[25, -10, 5], [0, 30, 10], [5, 5, 35]]);

  it("gives the style image the photo's per-channel mean and covariance (to 1 %)", () => {
    const out = colorStats(matchColors(style, content));
    const want = colorStats(content);
    const scale = Math.max(...want.cov.map(Math.abs));
    for (let c = 0; c < 3; c++) expect(Math.abs(out.mean[c]! - want.mean[c]!)).toBeLessThanOrEqual(0.01 * want.mean[c]!);
    for (let i = 0; i < 9; i++) expect(Math.abs(out.cov[i]! - want.cov[i]!)).toBeLessThanOrEqual(0.01 * scale);
  });

  it("leaves an image that already has the photo's statistics nearly as it is", () => {
    const out = matchColors(content, content);
    let sum = 0;
    for (let i = 0; i < out.data.length; i++) sum += Math.abs(out.data[i]! - content.data[i]!);
    expect(sum / out.data.length).toBeLessThan(0.5);
  });

  it('copes with a flat style image', () => {
    const flat: RawImage = { data: new Uint8Array(30 * 3).fill(77), width: 10, height: 3, channels: 3 };
    const out = matchColors(flat, content);
    const m = colorStats(out).mean;
    const want = colorStats(content).mean;
    for (let c = 0; c < 3; c++) expect(Math.abs(m[c]! - want[c]!)).toBeLessThanOrEqual(1);
  });
});
