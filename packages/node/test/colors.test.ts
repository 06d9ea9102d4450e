/**
 * Colour preservation on the three engines (`preserveColors`): luminance-only transfer keeps the
 * photo's chroma (Cb, Cr within a few levels), histogram matching recolours the style image first.
 */
import { join } from 'node:path';
import { type RawImage, colorStats } from '@impasto/core/platform';
import { ArbitraryStyle, FastStyle, ModelStore, decodeImage, neuralStyle } from '../src';
import { CONTENT, SHARED, WEIGHTS, runCli, tempDir } from './helpers';

const PHOTO = join(CONTENT, 'skimage_chelsea.png');
const PAINTING = join(SHARED, 'images', 'style', 'jcjohnson_starry_night.jpg');
const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tempDir(), download: false });

/** Mean |d| of Cb and Cr (full-range BT.601) between two images of one size. */
function chromaDiff(a: RawImage, b: RawImage): number {
  const cb = (d: ArrayLike<number>, i: number) => -0.168736 * d[i]! - 0.331264 * d[i + 1]! + 0.5 * d[i + 2]!;
  const cr = (d: ArrayLike<number>, i: number) => 0.5 * d[i]! - 0.418688 * d[i + 1]! - 0.081312 * d[i + 2]!;
  let sum = 0;
  const n = a.width * a.height;
  for (let p = 0; p < n; p++) {
    const i = p * a.channels;
    const j = p * b.channels;
    sum += Math.abs(cb(a.data, i) - cb(b.data, j)) + Math.abs(cr(a.data, i) - cr(b.data, j));
  }
  return sum / (2 * n);
}

let photo: RawImage;
beforeAll(async () => {
  photo = await decodeImage(PHOTO, { maxSize: 96 });
});

describe('preserveColors', () => {
  it("fast style, luminance: the photo's chroma, the style's strokes", async () => {
    const fst = await FastStyle.load('wave', { ep: 'cpu' }, { store });
    try {
      const plain = await fst.stylize(photo);
      const kept = await fst.stylize(photo, { preserveColors: 'luminance' });
      console.log(`fst luminance: chroma mean |d| vs photo ${chromaDiff(kept, photo).toFixed(2)} (plain: ${chromaDiff(plain, photo).toFixed(2)})`);
      expect(chromaDiff(plain, photo)).toBeGreaterThan(10);
      expect(chromaDiff(kept, photo)).toBeLessThan(3);
      await expect(fst.stylize(photo, { preserveColors: 'histogram' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/use 'luminance'/) });
    } finally {
      await fst.dispose();
    }
  });

  it('arbitrary style: luminance keeps the chroma; histogram recolours the painting towards the photo', async () => {
    const ast = await ArbitraryStyle.load({ ep: 'cpu' }, { store });
    try {
      const painting = await decodeImage(PAINTING, { maxSize: 128 });
      const plain = await ast.stylize(photo, painting);
      const kept = await ast.stylize(photo, painting, { preserveColors: 'luminance' });
      expect(chromaDiff(kept, photo)).toBeLessThan(3);
      const matched = await ast.stylize(photo, painting, { preserveColors: 'histogram' });
      const meanGap = (img: RawImage) => {
        const a = colorStats(img).mean;
        const b = colorStats(photo).mean;
        return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
      };
      console.log(`ast: chroma |d| luminance ${chromaDiff(kept, photo).toFixed(2)}, plain ${chromaDiff(plain, photo).toFixed(2)}; mean colour gap to the photo: plain ${meanGap(plain).toFixed(1)}, histogram ${meanGap(matched).toFixed(1)}`);
      expect(meanGap(matched)).toBeLessThan(meanGap(plain) / 2);
      const code = await ast.encodeStyle(painting);
      await expect(ast.stylize(photo, code, { preserveColors: 'histogram' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    } finally {
      await ast.dispose();
    }
  });

  it('neural style: luminance keeps the chroma of checkpoints and the result; reconstructions refuse it', async () => {
    const opts = { net: 'squeezenet' as const, size: 64, iterations: 6, checkpointEvery: 3 };
    const { events, result } = neuralStyle({ content: photo, style: PAINTING }, { ...opts, preserveColors: 'luminance' }, { store });
    const shown: RawImage[] = [];
    for await (const e of events) if (e.type === 'checkpoint') shown.push(e.image);
    shown.push((await result).image);
    expect(shown.length).toBe(2);
    const small = await decodeImage(PHOTO, { maxSize: 64 });
    for (const img of shown) expect(chromaDiff(img, small)).toBeLessThan(3);
    const matched = await neuralStyle({ content: photo, style: PAINTING }, { ...opts, preserveColors: 'histogram' }, { store }).result;
    expect([matched.image.width, matched.image.height]).toEqual([small.width, small.height]);
    const refused = async () => {
      try {
        await neuralStyle({ style: PAINTING }, { ...opts, mode: 'style', preserveColors: 'luminance' }, { store }).result;
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(await refused()).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/preserveColors/) });
  }, 120_000);

  it('is a CLI flag of fst, ast and nst', () => {
    const out = join(tempDir(), 'kept.png');
    const r = runCli('fst', PHOTO, '-s', 'wave', '-o', out, '--max-size', '64', '--preserve-colors', 'luminance');
    expect(r.code === 0 ? '' : r.stderr).toBe('');
    const bad = runCli('fst', PHOTO, '-s', 'wave', '-o', out, '--preserve-colors', 'histogram');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/use 'luminance'/);
    const ast = runCli('ast', PHOTO, '-s', PAINTING, '-o', join(tempDir(), 'ast.png'), '--max-size', '64', '--preserve-colors', 'luminance');
    expect(ast.code === 0 ? '' : ast.stderr).toBe('');
    const nst = runCli('nst', '-c', PHOTO, '-s', PAINTING, '-o', join(tempDir(), 'nst.png'), '--net', 'squeezenet', '--size', '48', '--iterations', '2', '--checkpoint', '0', '--preserve-colors', 'histogram');
    expect(nst.code === 0 ? '' : nst.stderr).toBe('');
  }, 60_000);
});
