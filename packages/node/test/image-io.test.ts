import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { ImpastoError } from '@impasto/core/platform';
import { decodeImage, encodeImage } from '../src';
import { formatFromPath, writeFileAtomic } from '../src/platform-entry';
import { CONTENT, tempDir } from './helpers';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ImpastoError);
    return `${(e as ImpastoError).code}: ${(e as Error).message}`;
  }
  throw new Error('expected a rejection');
}

describe('decodeImage', () => {
  it('decodes JPEG and PNG to RGB and honours maxSize', async () => {
    const img = await decodeImage(join(CONTENT, 'jcjohnson_tubingen.jpg'), { maxSize: 100 });
    expect(Math.max(img.width, img.height)).toBe(100);
    expect(img.channels).toBe(3);
    expect(img.data.length).toBe(img.width * img.height * 3);
  });

  it('applies EXIF orientation', async () => {
    // A 4x2 image stored with orientation 6 (rotate 90° clockwise) must come out 2x4.
    const raw = await sharp({ create: { width: 4, height: 2, channels: 3, background: '#f00' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const img = await decodeImage(raw);
    expect([img.width, img.height]).toEqual([2, 4]);
  });

  it('keeps alpha, turns grey into RGB and takes the first GIF frame', async () => {
    const rgba = await sharp({ create: { width: 3, height: 3, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.5 } } }).png().toBuffer();
    expect((await decodeImage(rgba)).channels).toBe(4);
    const grey = await sharp(Buffer.alloc(9, 128), { raw: { width: 3, height: 3, channels: 1 } }).png().toBuffer();
    const g = await decodeImage(grey);
    expect(g.channels).toBe(3);
    const gif = await sharp({ create: { width: 5, height: 4, channels: 3, background: '#0f0' } }).gif().toBuffer();
    expect((await decodeImage(gif)).width).toBe(5);
    for (const fmt of ['webp', 'avif', 'tiff'] as const) {
      const buf = await sharp({ create: { width: 6, height: 4, channels: 3, background: '#00f' } }).toFormat(fmt).toBuffer();
      expect((await decodeImage(buf)).height).toBe(4);
    }
  });

  it('rejects bad inputs with one clear error each', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.jpg'), 'this is not an image');
    writeFileSync(join(dir, 'empty.png'), '');
    const jpeg = readFileSync(join(CONTENT, 'ml5_harriet_128x128.jpg'));
    writeFileSync(join(dir, 'truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1));
    expect(await code(decodeImage(join(dir, 'notes.jpg')))).toMatch(/^BAD_IMAGE: .*notes\.jpg is not an image/);
    expect(await code(decodeImage(join(dir, 'empty.png')))).toMatch(/^BAD_IMAGE: .*empty\.png is empty/);
    expect(await code(decodeImage(join(dir, 'truncated.jpg')))).toMatch(/^BAD_IMAGE: .*truncated\.jpg cannot be decoded/);
    expect(await code(decodeImage(join(dir, 'missing.png')))).toMatch(/^MISSING_FILE: .*missing\.png does not exist/);
    expect(await code(decodeImage(join(CONTENT, 'jcjohnson_tubingen.jpg'), { maxPixels: 1000 }))).toMatch(/^IMAGE_TOO_LARGE: .*more than 1000 pixels/);
    expect(await code(decodeImage(join(CONTENT, 'ml5_harriet_128x128.jpg'), { maxSize: 0 }))).toMatch(/^INVALID_ARGUMENT: Expected integer between 1 and 65535 for maxSize/);
  });
});

describe('encodeImage and writeFileAtomic', () => {
  it('encodes each output format', async () => {
    const img = { data: new Uint8Array(4 * 4 * 3).fill(200), width: 4, height: 4, channels: 3 as const };
    for (const f of ['png', 'jpeg', 'webp', 'avif', 'tiff'] as const) {
      expect((await sharp(await encodeImage(img, f)).metadata()).format).toBe(f === 'avif' ? 'heif' : f);
    }
    expect(formatFromPath('a/b.JPG')).toBe('jpeg');
    expect(formatFromPath('a/b.bmp')).toBeUndefined();
  });

  it('never overwrites an input and leaves nothing behind on failure', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.png');
    writeFileSync(input, 'x');
    await expect(writeFileAtomic(input, new Uint8Array([1]), [input])).rejects.toThrow(/same file for input and output/);
    expect(readFileSync(input, 'utf8')).toBe('x');
    const locked = join(dir, 'locked');
    require('node:fs').mkdirSync(locked);
    chmodSync(locked, 0o500);
    const isRoot = process.getuid?.() === 0;
    if (!isRoot) await expect(writeFileAtomic(join(locked, 'out.png'), new Uint8Array([1]))).rejects.toThrow(/cannot write/);
    // As root a read-only directory is still writable, so also try a path whose parent is a file.
    await expect(writeFileAtomic(join(input, 'out.png'), new Uint8Array([1]))).rejects.toThrow(/cannot write .*out\.png/);
    expect(readdirSync(dir).sort()).toEqual(['in.png', 'locked']);
    expect(existsSync(join(locked, 'out.png'))).toBe(false);
  });
});
