/**
 * styleScale: the style image sized relative to the photo (jcjohnson's -style_scale), for NST and
 * arbitrary style, shrinking or enlarging.
 */
import { join } from 'node:path';
import { ArbitraryStyle, ModelStore, decodeImage, neuralStyle } from '../src';
import { CONTENT, SHARED, WEIGHTS, runCli, tempDir } from './helpers';

const STARRY = join(SHARED, 'images', 'style', 'jcjohnson_starry_night.jpg');
const PHOTO = join(CONTENT, 'skimage_chelsea.png');
const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tempDir(), download: false });

const same = (a: { data: Uint8Array | Uint8ClampedArray }, b: { data: Uint8Array | Uint8ClampedArray }) => Buffer.from(a.data).equals(Buffer.from(b.data));

describe('styleScale', () => {
  it('NST: the painting at a multiple of the photo size, as styleSize would give it', async () => {
    const opts = { net: 'squeezenet' as const, size: 64, iterations: 4, checkpointEvery: 0 };
    const scaled = await neuralStyle({ content: PHOTO, style: STARRY }, { ...opts, styleScale: 0.5 }, { store }).result;
    const sized = await neuralStyle({ content: PHOTO, style: STARRY }, { ...opts, styleSize: 32 }, { store }).result;
    const plain = await neuralStyle({ content: PHOTO, style: STARRY }, opts, { store }).result;
    expect(scaled.loss).toBe(sized.loss);
    expect(same(scaled.image, sized.image)).toBe(true);
    expect(same(scaled.image, plain.image)).toBe(false);
    expect(() => neuralStyle({ style: STARRY }, { ...opts, mode: 'style', styleScale: 2 }, { store })).toThrow(/Expected unset for a reconstruction .* for styleScale/);
  }, 120_000);

  it('arbitrary style: shrinks and enlarges the painting relative to the photo; a style code cannot be rescaled', async () => {
    const ast = await ArbitraryStyle.load({ ep: 'cpu' }, { store });
    try {
      const photo = await decodeImage(PHOTO, { maxSize: 96 });
      const small = await decodeImage(STARRY, { maxSize: 64 });
      // Enlarging: 64 px painting at 2x a 96 px photo is the painting resized to 192 px.
      const enlarged = await decodeImage(small, { maxSize: 64 });
      const up = await ast.stylize(photo, small, { styleScale: 2 });
      const byHand = await ast.stylize(photo, await resized(enlarged, 192));
      expect(same(up, byHand)).toBe(true);
      const down = await ast.stylize(photo, STARRY, { styleScale: 0.5 });
      expect(same(down, await ast.stylize(photo, STARRY, { styleSize: 48 }))).toBe(true);
      const code = await ast.encodeStyle(STARRY);
      await expect(ast.stylize(photo, code, { styleScale: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/styleScale resizes the style image/) });
    } finally {
      await ast.dispose();
    }
  });

  it('is a flag of nst and ast', () => {
    const dir = tempDir();
    const a = runCli('ast', PHOTO, '-s', STARRY, '--style-scale', '0.5', '--max-size', '64', '-o', join(dir, 'a.png'));
    expect(a.code === 0 ? '' : a.stderr).toBe('');
    const n = runCli('nst', '-c', PHOTO, '-s', STARRY, '--style-scale', '1.5', '--net', 'squeezenet', '--size', '48', '--iterations', '2', '--checkpoint', '0', '-o', join(dir, 'n.png'));
    expect(n.code === 0 ? '' : n.stderr).toBe('');
    const bad = runCli('ast', PHOTO, '-s', STARRY, '--style-scale', '0', '-o', join(dir, 'b.png'));
    expect(bad.stderr).toMatch(/style-scale|styleScale/);
  }, 120_000);
});

async function resized(img: Awaited<ReturnType<typeof decodeImage>>, side: number) {
  const { nodeCodec } = await import('../src/platform/image-codec');
  const s = side / Math.max(img.width, img.height);
  return nodeCodec.resize(img, Math.round(img.width * s), Math.round(img.height * s));
}
