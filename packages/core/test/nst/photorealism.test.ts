import * as ort from 'onnxruntime-node';
import { Graph } from '../../src/onnx/graph';
import { encodeModel } from '../../src/onnx/serialize';
import { Rng } from '../../src/optim/rng';
import type { RawImage } from '../../src/image/raw-image';
import { mattingWindows } from '../../src/nst/matting';
import { photorealismTerm } from '../../src/nst/terms/photorealism';

/** A random photo-like image: smooth colour ramps plus noise, so windows are neither flat nor wild. */
function image(width: number, height: number, seed: number): RawImage {
  const rng = new Rng(seed);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(60 + 20 * c + 9 * x - 5 * y * (c - 1) + 25 * rng.uniform())));
  return { data, width, height, channels: 3 };
}

/** The matting Laplacian of Levin et al. built entry by entry (dense, float64): Σ_k over the 3×3 windows inside the image. */
function laplacian(img: RawImage, eps: number): Float64Array {
  const { width: W, height: H } = img;
  const n = W * H;
  const L = new Float64Array(n * n);
  const px = (p: number) => [0, 1, 2].map((c) => img.data[p * 3 + c]! / 255);
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      const idx: number[] = [];
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) idx.push((y + dy) * W + x + dx);
      const I = idx.map(px);
      const mu = [0, 1, 2].map((c) => I.reduce((s, v) => s + v[c]!, 0) / 9);
      const S = [0, 1, 2].map((a) => [0, 1, 2].map((b) => I.reduce((s, v) => s + (v[a]! - mu[a]!) * (v[b]! - mu[b]!), 0) / 9 + (a === b ? eps / 9 : 0)));
      const inv = invert3(S);
      for (let i = 0; i < 9; i++) {
        for (let j = 0; j < 9; j++) {
          const di = I[i]!.map((v, c) => v - mu[c]!);
          const dj = I[j]!.map((v, c) => v - mu[c]!);
          let q = 0;
          for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) q += di[a]! * inv[a]![b]! * dj[b]!;
          L[idx[i]! * n + idx[j]!]! += (i === j ? 1 : 0) - (1 + q) / 9;
        }
      }
    }
  }
  return L;
}

function invert3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, k]] = m as [[number, number, number], [number, number, number], [number, number, number]];
  const det = a * (e * k - f * h) - b * (d * k - f * g) + c * (d * h - e * g);
  return [
    [(e * k - f * h) / det, (c * h - b * k) / det, (b * f - c * e) / det],
    [(f * g - d * k) / det, (a * k - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

/** The term's graph alone: inputs x and its operator, outputs its value and its own gradient. */
async function termSession(eps: number) {
  const term = photorealismTerm(eps);
  const g = new Graph('photorealism');
  const x = g.input('x', 'float32', [1, 3, 'height', 'width']);
  const inputs = Object.fromEntries(term.inputs!.map((i) => [i.name, g.input(i.name, 'float32', i.dims)]));
  const built = term.build!(g, { x, features: {}, targets: [], inputs });
  if (typeof built === 'string' || !built.grad) throw new Error('the term gives its own gradient');
  g.output(built.value, 'value', 'float32', []);
  g.output(built.grad, 'grad');
  return ort.InferenceSession.create(encodeModel(g));
}

async function evaluate(s: ort.InferenceSession, photo: RawImage, eps: number, x: Float32Array) {
  const feeds = photorealismTerm(eps).prepare!({ width: photo.width, height: photo.height, content: photo, styles: [], options: { photorealism: 1 } as never }).whole!();
  const ortFeeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float32', x, [1, 3, photo.height, photo.width]) };
  for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor('float32', v.data as Float32Array, [...v.dims]);
  const out = await s.run(ortFeeds);
  return { value: (out.value!.data as Float32Array)[0]!, grad: out.grad!.data as Float32Array };
}

describe('the photorealism term (matting Laplacian, never built)', () => {
  it.each([1e-7, 1e-4, 1e-2])('its gradient is 2·L·V/255 for the L built directly (ε %p), and its value VᵀLV', async (eps) => {
    const photo = image(7, 6, 3);
    const { width: W, height: H } = photo;
    const n = W * H;
    const L = laplacian(photo, eps);
    const rng = new Rng(11);
    // The output: an affine recolouring of the photo plus noise, as a stylised photo is.
    const x = new Float32Array(3 * n);
    for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) x[c * n + p] = 0.8 * photo.data[p * 3 + (c + 1) % 3]! + 20 + 30 * rng.uniform();
    const s = await termSession(eps);
    const { value, grad } = await evaluate(s, photo, eps, x);
    let want = 0;
    let scale = 0;
    let err = 0;
    for (let c = 0; c < 3; c++) {
      const v = Array.from(x.subarray(c * n, (c + 1) * n), (a) => a / 255);
      for (let i = 0; i < n; i++) {
        let lv = 0;
        for (let j = 0; j < n; j++) lv += L[i * n + j]! * v[j]!;
        want += v[i]! * lv;
        scale = Math.max(scale, Math.abs((2 * lv) / 255));
        err = Math.max(err, Math.abs(grad[c * n + i]! - (2 * lv) / 255));
      }
    }
    expect(err / scale).toBeLessThan(2e-3);
    expect(Math.abs(value - want) / Math.abs(want)).toBeLessThan(2e-3);
  });

  it('its gradient matches finite differences of its value', async () => {
    const photo = image(9, 8, 5);
    const n = photo.width * photo.height;
    const rng = new Rng(2);
    const x = new Float32Array(3 * n).map((_, i) => photo.data[(i % n) * 3 + Math.floor(i / n)]! * 0.9 + 10 * rng.uniform());
    const eps = 1e-3;
    const s = await termSession(eps);
    const { grad } = await evaluate(s, photo, eps, x);
    for (const i of [3, 40, 77, 150, 200]) {
      const h = 0.5;
      const up = x.slice();
      up[i]! += h;
      const down = x.slice();
      down[i]! -= h;
      const fd = ((await evaluate(s, photo, eps, up)).value - (await evaluate(s, photo, eps, down)).value) / (2 * h);
      expect(Math.abs(fd - grad[i]!)).toBeLessThan(3e-3 * Math.max(1e-3, Math.abs(grad[i]!)) + 1e-6);
    }
  });

  it('is zero for any affine colour transform of the photo (ε → 0), positive otherwise, never negative', async () => {
    const photo = image(8, 8, 9);
    const n = 64;
    const s = await termSession(1e-7);
    const affine = new Float32Array(3 * n);
    for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) affine[c * n + p] = 0.5 * photo.data[p * 3 + c]! + 0.25 * photo.data[p * 3 + (c + 2) % 3]! + 30;
    const rng = new Rng(4);
    const noisy = affine.map((v) => v + 20 * rng.uniform());
    const a = (await evaluate(s, photo, 1e-7, affine)).value;
    const b = (await evaluate(s, photo, 1e-7, noisy)).value;
    expect(Math.abs(a)).toBeLessThan(1e-3 * b);
    expect(b).toBeGreaterThan(0);
    // At the photo itself, where Σ p·Lp cancels to float32 noise of either sign, the value stays ≥ 0.
    const same = new Float32Array(3 * n);
    for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) same[c * n + p] = photo.data[p * 3 + c]!;
    expect((await evaluate(s, photo, 1e-7, same)).value).toBeGreaterThanOrEqual(0);
  });

  it("a tile's operator, made from its own pixels, is the whole image's restricted to the windows inside it", () => {
    const photo = image(12, 9, 8);
    const whole = mattingWindows(photo);
    const r = { x: 3, y: 2, width: 6, height: 5 };
    const crop = { data: new Uint8Array(r.width * r.height * 3), width: r.width, height: r.height, channels: 3 as const };
    for (let y = 0; y < r.height; y++) crop.data.set(photo.data.subarray(((r.y + y) * 12 + r.x) * 3, ((r.y + y) * 12 + r.x + r.width) * 3), y * r.width * 3);
    const tile = mattingWindows(crop);
    const [w, n] = [10, 10 * 7];
    for (let k = 0; k < 9; k++)
      for (let y = 0; y < r.height - 2; y++)
        for (let x = 0; x < r.width - 2; x++) expect(tile.inverse[k * 12 + y * 4 + x]).toBe(whole.inverse[k * n + (r.y + y) * w + r.x + x]);
  });

  it('computes its window statistics once, refusing an image under 3x3 px', () => {
    expect(() => mattingWindows({ data: new Uint8Array(12), width: 2, height: 2, channels: 3 })).toThrow(/at least 3x3/);
    const m = mattingWindows(image(5, 4, 1));
    expect(m.mean.length).toBe(3 * 3 * 2);
    expect(m.inverse.length).toBe(9 * 3 * 2);
  });
});
