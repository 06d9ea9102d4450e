import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { CONTENT, WEIGHTS, runCli, tempDir } from './helpers';

const impasto = runCli;

function oneErrorLine(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => l.startsWith('impasto:'));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('impasto CLI', () => {
  it('has --help on every command', () => {
    for (const cmd of [[], ['styles'], ['fst']]) {
      const r = impasto(...cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: impasto/);
    }
    expect(impasto('fst', '--help').stdout).toMatch(/--ep <provider>[\s\S]*default: "auto"[\s\S]*--max-size <n>/);
  });

  it('lists the nine styles with their licence note', () => {
    const r = impasto('styles');
    expect(r.code).toBe(0);
    for (const s of ['la_muse', 'mathura', 'matilde_perez', 'matta', 'rain_princess', 'scream', 'udnie', 'wave', 'wreck']) expect(r.stdout).toContain(s);
    expect(r.stdout).toMatch(/The Great Wave off Kanagawa\s+Katsushika Hokusai\s+research use; contact the network's author/);
  });

  it('stylizes a shared photo into a file of the requested format and size', async () => {
    const out = join(tempDir(), 'chelsea.webp');
    const r = impasto('fst', join(CONTENT, 'skimage_chelsea.png'), '--style', 'wave', '-o', out, '--max-size', '96', '--ep', 'cpu');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^style wave on cpu/);
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width!, meta.height!)).toBe(96);
    // Stylized, not copied: far from the resized original.
    const a = await sharp(out).raw().toBuffer();
    const b = await sharp(join(CONTENT, 'skimage_chelsea.png')).resize(meta.width, meta.height).removeAlpha().raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i]! - b[i]!);
    expect(diff / a.length).toBeGreaterThan(20);
  });

  it('stylizes a directory into a directory', () => {
    const inDir = tempDir();
    copyFileSync(join(CONTENT, 'ml5_harriet_128x128.jpg'), join(inDir, 'a.jpg'));
    copyFileSync(join(CONTENT, 'skimage_rocket.jpg'), join(inDir, 'b.jpg'));
    writeFileSync(join(inDir, 'notes.txt'), 'ignored');
    const outDir = join(tempDir(), 'out');
    const r = impasto('fst', inDir, '-s', 'udnie', '-o', outDir, '--max-size', '64', '--format', 'jpeg');
    expect(r.code).toBe(0);
    expect(readdirSync(outDir).sort()).toEqual(['a_udnie.jpg', 'b_udnie.jpg']);
  });

  it('rejects an unknown style with the list of valid ones and writes nothing', () => {
    const dir = tempDir();
    const r = impasto('fst', join(CONTENT, 'ml5_harriet_128x128.jpg'), '-s', 'monet', '-o', join(dir, 'x.png'));
    expect(r.code).not.toBe(0);
    expect(oneErrorLine(r.stderr)).toMatch(/Unknown style 'monet'; valid styles: la_muse, .*wave, wreck/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('fails cleanly on bad inputs and never leaves partial output or touches the input', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'fake.jpg'), 'not an image at all');
    let r = impasto('fst', join(dir, 'fake.jpg'), '-s', 'wave', '-o', join(dir, 'out.png'));
    expect(r.code).not.toBe(0);
    expect(oneErrorLine(r.stderr)).toMatch(/fake\.jpg is not an image/);
    r = impasto('fst', join(dir, 'missing.jpg'), '-s', 'wave', '-o', join(dir, 'out.png'));
    expect(oneErrorLine(r.stderr)).toMatch(/missing\.jpg does not exist/);
    const input = join(dir, 'photo.png');
    copyFileSync(join(CONTENT, 'skimage_coffee.png'), input);
    const before = readFileSync(input);
    r = impasto('fst', input, '-s', 'wave', '-o', input, '--max-size', '32');
    expect(oneErrorLine(r.stderr)).toMatch(/Cannot use same file for input and output/);
    expect(readFileSync(input).equals(before)).toBe(true);
    mkdirSync(join(dir, 'blocker'));
    writeFileSync(join(dir, 'blocker', 'file'), '');
    r = impasto('fst', input, '-s', 'wave', '-o', join(dir, 'blocker', 'file', 'out.png'), '--max-size', '32');
    expect(oneErrorLine(r.stderr)).toMatch(/cannot write .*out\.png/);
    r = impasto('fst', input, '-s', 'wave', '-o', join(dir, 'big.png'), '--max-pixels', '100');
    expect(oneErrorLine(r.stderr)).toMatch(/more than 100 pixels/);
    expect(readdirSync(dir).sort()).toEqual(['blocker', 'fake.jpg', 'photo.png']);
  });

  it('without -o writes beside the input as <name>.<style>.png; - reads standard input; a bare --preserve-colors means luminance', async () => {
    const { spawnSync } = await import('node:child_process');
    const dir = tempDir();
    const photo = join(dir, 'photo.jpg');
    copyFileSync(join(CONTENT, 'ml5_harriet_128x128.jpg'), photo);
    expect(impasto('fst', photo, '-s', 'wave', '--max-size', '48', '-q').code).toBe(0);
    expect(impasto('ast', photo, '-s', join(CONTENT, '..', 'style', 'jcjohnson_the_scream.jpg'), '--max-size', '48', '-q').code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['photo.jcjohnson_the_scream.png', 'photo.jpg', 'photo.wave.png']);
    const bin = join(__dirname, '../bin/impasto.cjs');
    const piped = spawnSync(process.execPath, [bin, 'fst', '-', '-s', 'wave', '--max-size', '48', '-q'], { input: readFileSync(photo), maxBuffer: 1 << 24, env: { ...process.env, IMPASTO_CACHE: tempDir(), IMPASTO_WEIGHTS: WEIGHTS } });
    expect(piped.status).toBe(0);
    expect(await sharp(piped.stdout).metadata()).toMatchObject({ format: 'png', width: 48, height: 48 });
    expect((await sharp(piped.stdout).raw().toBuffer()).equals(await sharp(join(dir, 'photo.wave.png')).raw().toBuffer())).toBe(true);
    const bare = join(dir, 'bare.png');
    const named = join(dir, 'named.png');
    expect(impasto('fst', photo, '-s', 'wave', '--max-size', '48', '--preserve-colors', '-o', bare).code).toBe(0);
    expect(impasto('fst', photo, '-s', 'wave', '--max-size', '48', '--preserve-colors', 'luminance', '-o', named).code).toBe(0);
    expect((await sharp(bare).raw().toBuffer()).equals(await sharp(named).raw().toBuffer())).toBe(true);
    const folder = impasto('fst', dir, '-s', 'wave');
    expect(folder.code).toBe(1);
    expect(oneErrorLine(folder.stderr)).toMatch(/name an output folder with -o when an input is a folder/);
  });
});
