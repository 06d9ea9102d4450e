import { shiftedSpans, tiledObjective } from '../../src/nst/tiled-objective';

describe('tiled NST objective', () => {
  it('cuts an axis at a shift into parts between minPart and tile + minPart', () => {
    for (const [length, tile, shift, minPart] of [[1000, 256, 0, 64], [1000, 256, 100, 64], [1000, 256, 250, 64], [300, 256, 10, 64], [200, 256, 30, 64]] as const) {
      const spans = shiftedSpans(length, tile, shift, minPart);
      expect(spans[0]![0]).toBe(0);
      expect(spans.at(-1)![1]).toBe(length);
      for (const [k, [a, b]] of spans.entries()) {
        if (k) expect(a).toBe(spans[k - 1]![1]);
        if (length >= minPart) expect(b - a).toBeGreaterThanOrEqual(Math.min(minPart, length));
        expect(b - a).toBeLessThanOrEqual(tile + minPart);
      }
    }
  });

  it('adds up per-tile means to the whole image mean and its gradient, whatever the tiling', async () => {
    const [w, h] = [37, 23];
    const x = Float32Array.from({ length: 3 * w * h }, (_, i) => Math.sin(i));
    const seen: number[] = [];
    // A mean-of-squares "loss" per tile, as the NST terms are means over their pixels.
    const f = tiledObjective(w, h, { tile: 16, minSide: 4, seed: 1 }, async (r, part) => {
      seen.push(r.width * r.height);
      const n = part.length;
      return { loss: part.reduce((a, v) => a + v * v, 0) / n, grad: part.map((v) => (2 * v) / n), terms: { sq: 1 } };
    }, () => {});
    const exact = x.reduce((a, v) => a + v * v, 0) / x.length;
    for (let call = 0; call < 3; call++) {
      seen.length = 0;
      const { loss, grad } = await f(x);
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.reduce((a, b) => a + b, 0)).toBe(w * h);
      expect(loss).toBeCloseTo(exact, 6);
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(grad[i]! - (2 * x[i]!) / x.length));
      expect(worst).toBeLessThan(1e-7);
    }
  });
});
