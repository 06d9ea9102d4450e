/**
 * Several paintings in one NST run: Σ wₖ·(style loss against painting k), computed as one style
 * loss against the weighted mean of their Gram matrices (exact up to a constant).
 */
import { join } from 'node:path';
import { ModelStore, decodeImage, neuralStyle } from '../../src';
import { CONTENT, SHARED, WEIGHTS, runCli, tempDir } from '../helpers';

const STARRY = join(SHARED, 'images', 'style', 'jcjohnson_starry_night.jpg');
const SCREAM = join(SHARED, 'images', 'style', 'jcjohnson_the_scream.jpg');
const PHOTO = join(CONTENT, 'skimage_chelsea.png');
const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tempDir(), download: false });
const opts = { net: 'squeezenet' as const, size: 64, iterations: 5, checkpointEvery: 0 };

describe('NST with several styles', () => {
  it('with weights 1 and 0 is the single-style run, pixel for pixel', async () => {
    const photo = await decodeImage(PHOTO);
    const one = await neuralStyle({ content: photo, style: STARRY }, opts, { store }).result;
    const blend = await neuralStyle({ content: photo, style: [{ style: STARRY, weight: 1 }, { style: SCREAM, weight: 0 }] }, opts, { store }).result;
    expect(blend.loss).toBe(one.loss);
    expect(Buffer.from(blend.image.data).equals(Buffer.from(one.image.data))).toBe(true);
    const other = await neuralStyle({ content: photo, style: [{ style: STARRY, weight: 0.5 }, { style: SCREAM, weight: 0.5 }] }, opts, { store }).result;
    expect(Buffer.from(other.image.data).equals(Buffer.from(one.image.data))).toBe(false);
  }, 120_000);

  it('refuses weights that are negative or all 0', async () => {
    for (const style of [[{ style: STARRY, weight: -1 }], [{ style: STARRY, weight: 0 }], []]) {
      await expect(neuralStyle({ content: PHOTO, style }, opts, { store }).result).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });

  it('blends from the CLI with --style-weights', () => {
    const out = join(tempDir(), 'blend.png');
    const r = runCli('nst', '-c', PHOTO, '-s', STARRY, SCREAM, '--style-weights', '0.7,0.3', '-o', out, '--net', 'squeezenet', '--size', '48', '--iterations', '2', '--checkpoint', '0');
    expect(r.code === 0 ? '' : r.stderr).toBe('');
    const bad = runCli('nst', '-c', PHOTO, '-s', STARRY, SCREAM, '--style-weights', '1', '-o', out);
    expect(bad.stderr).toMatch(/Expected 2 comma-separated weights/);
  }, 60_000);
});
