/**
 * Tiled NST: above the memory budget the image is optimised tile by tile, cut afresh at a random
 * shift each iteration, every tile's style gradient the whole image's (its Gram targets shifted
 * by its own Gram minus the whole image's).
 */
import { join } from 'node:path';
import { type RawImage } from '@impasto/core/platform';
import { ModelStore, decodeImage, neuralStyle } from '../../src';
import { CONTENT, SHARED, WEIGHTS, runCli, tempDir } from '../helpers';

const STARRY = join(SHARED, 'images', 'style', 'jcjohnson_starry_night.jpg');
const PHOTO = join(CONTENT, 'skimage_chelsea.png');
const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tempDir(), download: false });
const base = { net: 'squeezenet' as const, size: 192, checkpointEvery: 0, iterations: 40 };

/** The whole-image objective at `img` (one iteration reports the loss where it starts). */
async function wholeLoss(img: RawImage): Promise<number> {
  return (await neuralStyle({ content: PHOTO, style: STARRY }, { ...base, iterations: 1, init: img, lr: 1e-6 }, { store }).result).loss;
}

describe('tiled NST', () => {
  it('optimises the whole-image objective tile by tile, close to one piece at equal iterations', async () => {
    const one = await neuralStyle({ content: PHOTO, style: STARRY }, base, { store }).result;
    const tiled = await neuralStyle({ content: PHOTO, style: STARRY }, { ...base, tile: 96 }, { store }).result;
    expect(one.tile).toBeUndefined();
    expect(tiled.tile).toBe(96);
    const [start, a, b] = [await wholeLoss(await decodeImage(PHOTO, { maxSize: 192 })), await wholeLoss(one.image), await wholeLoss(tiled.image)];
    console.log(`tiled NST 192 px in 96-px tiles: whole-image loss ${b.toExponential(3)} (one piece ${a.toExponential(3)}, start ${start.toExponential(3)}); reported ${tiled.loss.toExponential(3)}`);
    expect(b).toBeLessThan(0.2 * start);
    expect(b).toBeLessThan(2.5 * a);
    // The reported loss is the whole image's (style against pooled Grams), not a sum of tile-local ones.
    expect(tiled.loss / b).toBeGreaterThan(0.7);
    expect(tiled.loss / b).toBeLessThan(1.4);
  }, 120_000);

  it('tiles by itself over the memory budget, with Adam only', async () => {
    const r = await neuralStyle({ content: PHOTO, style: STARRY }, { ...base, size: 384, iterations: 2, memoryBudget: 200 }, { store }).result;
    expect(r.tile).toBeGreaterThan(0);
    expect([r.image.width, r.image.height]).toEqual([384, 255]);
    await expect(neuralStyle({ content: PHOTO, style: STARRY }, { ...base, optimizer: 'lbfgs', tile: 96 }, { store }).result).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/'adam' for a tiled run/) });
  }, 60_000);

  it('impasto nst --tile', () => {
    const out = join(tempDir(), 'tiled.png');
    const r = runCli('nst', '-c', PHOTO, '-s', STARRY, '--tile', '64', '--net', 'squeezenet', '--size', '128', '--iterations', '2', '--checkpoint', '0', '-o', out);
    expect(r.code === 0 ? '' : r.stderr).toBe('');
  }, 60_000);
});
