/**
 * Coarse to fine (startSize): scales from startSize up to size by √2, each started from the last
 * one's result; at equal work (pixels × iterations) it ends at a lower loss than one scale.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type NstEvent, coarseToFineSizes } from '@impasto/core/platform';
import { ModelStore, neuralStyle } from '../../src';
import { CONTENT, SHARED, WEIGHTS, runCli, tempDir } from '../helpers';

const STARRY = join(SHARED, 'images', 'style', 'jcjohnson_starry_night.jpg');
const PHOTO = join(CONTENT, 'skimage_chelsea.png');
const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tempDir(), download: false });

describe('coarse-to-fine NST', () => {
  it('grows by √2 from startSize to size', () => {
    expect(coarseToFineSizes(64, 128)).toEqual([64, 91, 128]);
    expect(coarseToFineSizes(256, 2048)).toEqual([256, 362, 512, 724, 1024, 1448, 2048]);
    expect(coarseToFineSizes(100, 100)).toEqual([100]);
  });

  it('reaches a lower loss than one scale for the same work, reporting each scale', async () => {
    const base = { net: 'squeezenet' as const, init: 'noise' as const, size: 128, checkpointEvery: 10 };
    const events: NstEvent[] = [];
    const run = neuralStyle({ content: PHOTO, style: STARRY }, { ...base, startSize: 64, iterations: 40, topIterations: 20 }, { store });
    for await (const e of run.events) events.push(e);
    const coarse = await run.result;
    // Work: 64x48 + 91x68 pixels x 40 iterations + 128x96 x 20 ≈ 128x96 x 50.
    const single = await neuralStyle({ content: PHOTO, style: STARRY }, { ...base, iterations: 50 }, { store }).result;
    console.log(`coarse to fine ${coarse.sizes.join(' -> ')}: loss ${coarse.loss.toExponential(3)}; one scale, same work: ${single.loss.toExponential(3)}`);
    expect(coarse.loss).toBeLessThan(0.9 * single.loss);
    expect(coarse.sizes).toEqual([64, 91, 128]);
    expect(coarse.iterations).toBe(100);
    expect([coarse.image.width, coarse.image.height]).toEqual([single.image.width, single.image.height]);
    const scales = events.filter((e) => e.type === 'progress' && e.iteration === 1).map((e) => e.scale);
    expect(scales).toEqual([1, 2, 3].map((index) => ({ index, scales: 3, size: [64, 91, 128][index - 1] })));
    const checkpoints = events.filter((e) => e.type === 'checkpoint');
    expect(checkpoints.map((c) => [c.scale?.size, c.image.width])).toEqual([...[10, 20, 30].map(() => [64, 64]), ...[10, 20, 30].map(() => [91, 91]), [128, 128]]);
  }, 120_000);

  it('--start-size on the CLI writes each scale\'s checkpoints under their own names', () => {
    const dir = tempDir();
    const out = join(dir, 'c2f.png');
    const r = runCli('nst', '-c', PHOTO, '-s', STARRY, '--start-size', '32', '--size', '48', '--net', 'squeezenet', '--iterations', '4', '--top-iterations', '2', '--checkpoint', '2', '-o', out);
    expect(r.code === 0 ? '' : r.stderr).toBe('');
    expect(['c2f_32px_2.png', 'c2f.png'].every((f) => existsSync(join(dir, f)))).toBe(true);
    expect(existsSync(join(dir, 'c2f_48px_2.png'))).toBe(false);
    const bad = runCli('reconstruct', 'style', '-s', STARRY, '--start-size', '32', '-o', join(dir, 'x.png'));
    expect(bad.code).not.toBe(0);
  }, 60_000);
});
