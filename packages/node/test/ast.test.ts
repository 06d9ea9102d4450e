import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RawImage } from '@impasto/core/platform';
import { ArbitraryStyle, ModelStore, decodeImage } from '../src';
import { CONTENT, SHARED, WEIGHTS, runCli, tempDir } from './helpers';
import { absDiff } from '@impasto/test-support/pixel-diff';

const REF = join(WEIGHTS, 'microast', 'reference');
const STYLE = join(SHARED, 'images', 'style');
const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tempDir(), download: false });
let ast: ArbitraryStyle;

beforeAll(async () => {
  ast = await ArbitraryStyle.load({ ep: 'cpu' }, { store });
});
afterAll(() => ast.dispose());

/** A PNG decoded as the authors' test does: 8-bit RGB, no colour management. */
async function png(file: string): Promise<RawImage> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
}


describe('ArbitraryStyle (MicroAST) in Node', () => {
  it.each([
    ['A', 'A_content_chelsea.png', 'A_style_starry_night.png'],
    ['B', 'B_content_coffee.png', 'B_style_the_scream.png'],
    ['C', 'C_content_astronaut.png', 'C_style_shipwreck.png'],
  ])('matches the authors\' output on reference pair %s, at the content\'s own size', async (name, content, style) => {
    const c = await png(join(REF, content));
    const out = await ast.stylize(c, await png(join(REF, style)), { styleSize: 16384 });
    expect([out.width, out.height]).toEqual([c.width, c.height]);
    // Their PNG is save_image's uint8(clamp(y·255 + 0.5)), and 252 rows where the content has 250.
    const theirs = await png(join(REF, `${name}_output.png`));
    const rows = new Uint8Array(out.data.length);
    rows.set(theirs.data.subarray(0, out.data.length));
    const d = absDiff(out, { data: rows });
    expect(d.max).toBeLessThanOrEqual(1);
    expect(d.mean).toBeLessThan(0.01);
  });

  it('a style code, made once, gives what the image gives, and the engine keeps codes it made', async () => {
    const photo = await decodeImage(join(CONTENT, 'ml5_harriet_128x128.jpg'));
    const painting = join(STYLE, 'jcjohnson_starry_night.jpg');
    const code = await ast.encodeStyle(painting, { styleSize: 256 });
    expect(await ast.encodeStyle(painting, { styleSize: 256 })).toBe(code);
    const a = await ast.stylize(photo, code);
    const b = await ast.stylize(photo, painting, { styleSize: 256 });
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    // Blends: all weight on one painting is that painting; an even blend is neither.
    const scream = await ast.encodeStyle(join(STYLE, 'jcjohnson_the_scream.jpg'), { styleSize: 256 });
    const one = await ast.stylize(photo, [{ style: code, weight: 1 }, { style: scream, weight: 0 }]);
    expect(absDiff(one, a).max).toBeLessThanOrEqual(1);
    const even = await ast.stylize(photo, [{ style: code, weight: 1 }, { style: scream, weight: 1 }]);
    expect(absDiff(even, a).mean).toBeGreaterThan(2);
    expect(absDiff(even, await ast.stylize(photo, scream)).mean).toBeGreaterThan(2);
    // Strength blends in image space: 0 is the photo itself.
    const none = await ast.stylize(photo, code, { strength: 0 });
    expect(Buffer.from(none.data).equals(Buffer.from(photo.data))).toBe(true);
    const half = await ast.stylize(photo, code, { strength: 0.5 });
    expect(absDiff(half, photo).mean).toBeLessThan(absDiff(a, photo).mean);
  });

  it('keeps any size and alpha, sizes not multiples of 8 included', async () => {
    const code = await ast.encodeStyle({ data: new Uint8Array(29 * 41 * 3).map((_, i) => (i * 37) % 256), width: 29, height: 41, channels: 3 });
    for (const [w, h] of [[37, 50], [50, 37], [8, 61]] as const) {
      const out = await ast.stylize({ data: new Uint8Array(w * h * 4).map((_, i) => (i % 4 === 3 ? 77 : (i * 13) % 256)), width: w, height: h, channels: 4 }, code);
      expect([out.width, out.height, out.channels]).toEqual([w, h, 4]);
      expect(out.data[3]).toBe(77);
    }
  });

  it('rejects bad input in one line, with a code', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.jpg'), 'not a painting');
    const photo = join(CONTENT, 'ml5_harriet_128x128.jpg');
    await expect(ast.stylize(photo, join(dir, 'notes.jpg'))).rejects.toMatchObject({ code: 'BAD_IMAGE', message: expect.stringMatching(/notes\.jpg is not an image/) });
    await expect(ast.stylize(photo, { data: new Uint8Array(48), width: 4, height: 4, channels: 3 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/at least 8 px/) });
    await expect(ast.stylize(photo, join(STYLE, 'jcjohnson_starry_night.jpg'), { strength: 2 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/for strength/) });
    await expect(ast.stylize(photo, [])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // A damaged checkpoint is never used: its hash is checked before anything parses it.
    const own = tempDir();
    for (const f of readdirSync(join(WEIGHTS, 'microast')).filter((f) => f.endsWith('.pth.tar'))) copyFileSync(join(WEIGHTS, 'microast', f), join(own, f));
    const bytes = readFileSync(join(own, 'decoder_iter_160000.pth.tar'));
    writeFileSync(join(own, 'decoder_iter_160000.pth.tar'), bytes.subarray(0, 1000));
    const damaged = new ModelStore({ path: own, mirror: null, cacheDir: tempDir(), download: false });
    await expect(ArbitraryStyle.load({ ep: 'cpu' }, { store: damaged })).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
  });

  it('a second engine loads from the cached graphs without any weights', async () => {
    const cacheDir = tempDir();
    const first = await ArbitraryStyle.load({ ep: 'cpu' }, { store: new ModelStore({ mirror: WEIGHTS, cacheDir, download: false }) });
    await first.dispose();
    const offline = await ArbitraryStyle.load({ ep: 'cpu' }, { store: new ModelStore({ mirror: null, cacheDir, download: false }) });
    expect(offline.provider).toBe('cpu');
    await offline.dispose();
  });

  it('impasto ast: a photo in a painting, folders, blends, and no output over an input', async () => {
    const dir = tempDir();
    const photo = join(CONTENT, 'ml5_harriet_128x128.jpg');
    const starry = join(STYLE, 'jcjohnson_starry_night.jpg');
    let r = runCli('ast', photo, '--style', starry, '-o', join(dir, 'out.png'), '--style-size', '256');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^arbitrary style .* on cpu/);
    expect((await sharp(join(dir, 'out.png')).metadata()).width).toBe(128);
    const inDir = tempDir();
    copyFileSync(photo, join(inDir, 'a.jpg'));
    copyFileSync(join(CONTENT, 'skimage_rocket.jpg'), join(inDir, 'b.jpg'));
    const outDir = join(dir, 'many');
    mkdirSync(outDir);
    r = runCli('ast', inDir, '-s', starry, join(STYLE, 'jcjohnson_the_scream.jpg'), '--style-weights', '2,1', '-o', outDir, '--max-size', '64', '--format', 'jpeg');
    expect(r.code).toBe(0);
    expect(readdirSync(outDir).sort()).toEqual(['a_blend.jpg', 'b_blend.jpg']);
    r = runCli('ast', photo, '-s', starry, '--style-weights', '1,2', '-o', join(dir, 'x.png'));
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('impasto:'))).toEqual([expect.stringMatching(/--style-weights/)]);
    const style = join(dir, 'style.png');
    copyFileSync(join(REF, 'A_style_starry_night.png'), style);
    const before = readFileSync(style);
    r = runCli('ast', photo, '-s', style, '-o', style);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Cannot use same file for input and output/);
    expect(readFileSync(style).equals(before)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['many', 'out.png', 'style.png']);
  });
});
