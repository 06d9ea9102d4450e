import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED, runCli, tempDir } from '../helpers';

const PAINTING = join(SHARED, 'images/style/jcjohnson_starry_night.jpg');
const DATA = join(SHARED, 'images/train/bsds500');

describe('impasto train', () => {
  it('writes a style folder that impasto fst -s uses, and says so', () => {
    const dir = tempDir();
    const out = join(dir, 'my-style');
    const r = runCli('train', '-s', PAINTING, '--data', DATA, '-o', out, '--iterations', '3', '--size', '32', '--batch', '2', '--max-images', '10', '--checkpoint-every', '2');
    expect({ code: r.code, stderr: r.code ? r.stderr : '' }).toEqual({ code: 0, stderr: '' });
    expect(r.stderr).toMatch(/checkpoint at step 2/);
    expect(r.stderr).toMatch(/3 steps, loss .* 9 photos \(\+1 held out for preview\.jpg\)/);
    expect(JSON.parse(readFileSync(join(out, 'style.json'), 'utf8'))).toMatchObject({ steps: 3, finished: true, settings: { iterations: 3, size: 32 } });
    expect(readFileSync(join(out, 'training', 'losses.csv'), 'utf8').trim().split('\n')).toHaveLength(4);
    const f = runCli('fst', '-s', out, join(SHARED, 'images/content/skimage_coffee.png'), '-o', join(dir, 'coffee.png'));
    expect({ code: f.code, stderr: f.code ? f.stderr : '' }).toEqual({ code: 0, stderr: '' });
    expect(existsSync(join(dir, 'coffee.png'))).toBe(true);
  });

  it('one clear line for a data folder that is not there, a size the network cannot take, and no painting', () => {
    const out = join(tempDir(), 'o');
    const missing = runCli('train', '-s', PAINTING, '--data', join(DATA, 'nope'), '-o', out, '--iterations', '1');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^impasto: no folder .*nope/);
    const odd = runCli('train', '-s', PAINTING, '--data', DATA, '-o', out, '--size', '30');
    expect(odd.stderr).toMatch(/multiple of 4/);
    const noPainting = runCli('train', '--data', DATA, '-o', out, '--iterations', '1');
    expect(noPainting.stderr.trim()).toMatch(/^impasto: a painting \(--style\) is required$/);
    expect(existsSync(out)).toBe(false);
  });
});
