import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { CONTENT, SHARED, runCli, tempDir } from '../helpers';

const impasto = runCli;
const STYLE = join(SHARED, 'images/style/jcjohnson_the_scream.jpg');
const PHOTO = join(CONTENT, 'ml5_harriet_128x128.jpg');

describe('impasto nst and reconstruct', () => {
  it('writes the result and checkpoints named like the seed (out_N.png)', async () => {
    const dir = tempDir();
    const out = join(dir, 'out.png');
    const r = impasto('nst', '-c', PHOTO, '-s', STYLE, '-o', out, '--size', '48', '--iterations', '6', '--checkpoint', '2', '--net', 'squeezenet');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/iteration 1\/6 loss/);
    expect(readdirSync(dir).sort()).toEqual(['out.png', 'out_2.png', 'out_4.png']);
    const meta = await sharp(out).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBe(48);
  });

  it('reconstructs content from an Owl layer index and style from a layer list', () => {
    const dir = tempDir();
    expect(impasto('reconstruct', 'content', '-c', PHOTO, '-o', join(dir, 'c.png'), '--layer', '7', '--size', '32', '--iterations', '3', '--checkpoint', '0').code).toBe(0);
    expect(impasto('reconstruct', 'style', '-s', STYLE, '-o', join(dir, 's.jpg'), '--layers', '2,7', '--size', '32', '--iterations', '3', '--checkpoint', '0').code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['c.png', 's.jpg']);
  });

  it('fails in one line and writes nothing for bad input', () => {
    const dir = tempDir();
    const out = join(dir, 'out.png');
    const oneLine = (stderr: string) => stderr.trim().split('\n').filter((l) => l.startsWith('impasto:'));
    let r = impasto('nst', '-c', PHOTO, '-s', STYLE, '-o', out, '--content-layer', 'relu9_9', '--size', '32', '--iterations', '2');
    expect(r.code).not.toBe(0);
    expect(oneLine(r.stderr)).toEqual([expect.stringMatching(/relu9_9/)]);
    writeFileSync(join(dir, 'broken.jpg'), 'nope');
    r = impasto('nst', '-c', join(dir, 'broken.jpg'), '-s', STYLE, '-o', out, '--size', '32', '--iterations', '2');
    expect(oneLine(r.stderr)).toEqual([expect.stringMatching(/broken\.jpg is not an image/)]);
    r = impasto('nst', '-c', PHOTO, '-s', STYLE, '-o', out, '--size', '32', '--iterations', '3', '--style-weight', '1e38', '--checkpoint', '1');
    expect(oneLine(r.stderr)).toEqual([expect.stringMatching(/the loss became (Infinity|NaN)/)]);
    r = impasto('nst', '-c', PHOTO, '-s', STYLE, '-o', PHOTO);
    expect(oneLine(r.stderr)).toEqual([expect.stringMatching(/Cannot use same file for input and output/)]);
    expect(readdirSync(dir)).toEqual(['broken.jpg']);
  });
});
