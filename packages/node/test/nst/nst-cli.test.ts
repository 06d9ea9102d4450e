import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { CONTENT, SHARED, WEIGHTS, tempDir } from '../helpers';

const ROOT = resolve(__dirname, '../../../..');
const BIN = join(ROOT, 'packages/node/bin/impasto.cjs');
const STYLE = join(SHARED, 'images/style/jcjohnson_the_scream.jpg');
const PHOTO = join(CONTENT, 'ml5_harriet_128x128.jpg');

function impasto(...args: string[]) {
  if (!existsSync(join(ROOT, 'packages/node/dist/cli.cjs'))) throw new Error('build first: npm run build');
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, IMPASTO_CACHE: tempDir(), IMPASTO_WEIGHTS: WEIGHTS } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

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
