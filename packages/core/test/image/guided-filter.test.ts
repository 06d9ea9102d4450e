import { boxMean } from '../../src/image/box-filter';
import { guidedFilter } from '../../src/image/guided-filter';
import type { RawImage } from '../../src/image/raw-image';
import { Rng } from '../../src/optim/rng';

function image(w: number, h: number, f: (x: number, y: number, c: number) => number): RawImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(f(x, y, c))));
  return { data, width: w, height: h, channels: 3 };
}

describe('the guided filter', () => {
  it('box means equal brute force, windows cut at the borders', () => {
    const rng = new Rng(1);
    const [w, h, r] = [7, 5, 2];
    const src = Float64Array.from({ length: w * h }, () => rng.uniform());
    const got = boxMean(src, w, h, r);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let s = 0;
        let n = 0;
        for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++, n++) s += src[yy * w + xx]!;
        expect(got[y * w + x]).toBeCloseTo(s / n, 12);
      }
  });

  it('passes an affine recolouring of the guide through and smooths what the guide does not have', () => {
    const rng = new Rng(3);
    const guide = image(40, 30, (x, y, c) => 40 + 4 * x + 3 * y * (c === 1 ? 1 : 0) + (x > 20 ? 60 : 0) + 10 * c);
    const affine = image(40, 30, (x, y, c) => 0.5 * guide.data[(y * 40 + x) * 3 + ((c + 1) % 3)]! + 20);
    const kept = guidedFilter(guide, affine, { radius: 2, epsilon: 1e-4 });
    const maxDiff = (a: RawImage, b: RawImage) => Math.max(...Array.from(a.data, (v, i) => Math.abs(v - b.data[i]!)));
    expect(maxDiff(kept, affine)).toBeLessThanOrEqual(2);
    const noisy = image(40, 30, (x, y, c) => affine.data[(y * 40 + x) * 3 + c]! + 30 * (rng.uniform() - 0.5));
    const err = (a: RawImage) => Array.from(a.data, (v, i) => (v - affine.data[i]!) ** 2).reduce((s, v) => s + v, 0);
    expect(err(guidedFilter(guide, noisy, { radius: 2, epsilon: 1e-3 }))).toBeLessThan(0.3 * err(noisy));
    expect(() => guidedFilter(guide, image(10, 10, () => 0), { radius: 1, epsilon: 1e-3 })).toThrow(/one size/);
  });
});
