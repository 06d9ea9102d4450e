import { readRegularFile } from '../read-file';
import sharp, { type OutputInfo } from 'sharp';
import { DEFAULT_MAX_PIXELS, type ImageCodec, ImpastoError, type RawImage } from '@impasto/core/platform';

/** Image files larger than this are refused before reading (a photo is far smaller). */
const MAX_IMAGE_FILE_BYTES = 1 << 30;

/** What Node reads images from: a file path or encoded bytes. */
export type NodeImageInput = string | Uint8Array;

function label(input: NodeImageInput): string {
  return typeof input === 'string' ? input : 'the input buffer';
}

function raw({ data, info }: { data: Buffer; info: OutputInfo }): RawImage {
  const channels = info.channels === 4 ? 4 : 3;
  if (info.channels !== channels) throw new ImpastoError('BAD_IMAGE', `unexpected ${info.channels} channels after decoding`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels };
}

/**
 * Platform contract 2: images through sharp (libvips). Decodes JPEG, PNG, WebP, AVIF, TIFF, SVG
 * and the first GIF frame to RGB(A) with the EXIF orientation applied, always from the file's
 * bytes (so an SVG cannot pull in files beside it); writes PNG, JPEG, WebP, AVIF and TIFF.
 */
/** Bytes of `input` (a path read as a regular file, or the bytes given), refusing empty ones. */
async function bytesOf(input: NodeImageInput): Promise<Uint8Array> {
  if (typeof input === 'string') {
    // From its bytes, never its path: an SVG decoded from a path renders the files beside it.
    const bytes = await readRegularFile(input, { maxBytes: MAX_IMAGE_FILE_BYTES, what: 'input file', code: 'BAD_IMAGE' });
    if (bytes.byteLength === 0) throw new ImpastoError('BAD_IMAGE', `input file ${input} is empty`);
    return bytes;
  }
  if (!(input instanceof Uint8Array)) {
    throw new ImpastoError('BAD_IMAGE', `Expected a file path, image bytes or a RawImage but received ${input === null ? 'null' : typeof input}`);
  }
  if (input.byteLength === 0) throw new ImpastoError('BAD_IMAGE', 'the input buffer is empty');
  return input;
}

/** sharp's failure on `input` as one of ours. */
function decodeError(input: NodeImageInput, e: unknown, maxPixels: number): ImpastoError {
  if (e instanceof ImpastoError) return e;
  const msg = (e as Error).message;
  if (/pixel limit/i.test(msg)) {
    return new ImpastoError('IMAGE_TOO_LARGE', (name) => `${label(input)} has more than ${maxPixels} pixels; raise the limit (${name('maxPixels')}) if you trust it`, { cause: e });
  }
  const why = /unsupported image format/i.test(msg) ? 'is not an image in a format Impasto reads' : `cannot be decoded (${msg.split('\n')[0]})`;
  return new ImpastoError('BAD_IMAGE', `${label(input)} ${why}`, { cause: e });
}

/**
 * An image's size as it will be decoded (EXIF orientation applied) and its format, from its header
 * alone: what a server checks before it queues a job. Errors as `decodeImage`'s.
 */
export async function imageInfo(input: NodeImageInput, options: { maxPixels?: number } = {}): Promise<{ width: number; height: number; format: string }> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const bytes = await bytesOf(input);
  try {
    const m = await sharp(bytes, { limitInputPixels: maxPixels }).metadata();
    const { width, height } = m.autoOrient ?? m;
    if (!width || !height) throw new ImpastoError('BAD_IMAGE', `${label(input)} has no size: it is not an image Impasto reads`);
    if (width * height > maxPixels) {
      throw new ImpastoError('IMAGE_TOO_LARGE', (name) => `${label(input)} has ${width}x${height} pixels, more than ${maxPixels}; raise the limit (${name('maxPixels')}) if you trust it`);
    }
    return { width, height, format: m.format ?? 'unknown' };
  } catch (e) {
    throw decodeError(input, e, maxPixels);
  }
}

export const nodeCodec: ImageCodec<NodeImageInput, Buffer> = {
  formats: ['png', 'jpeg', 'webp', 'avif', 'tiff'],

  async decode(input, { maxSize, maxPixels }) {
    const bytes = await bytesOf(input);
    try {
      let pipeline = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'truncated' }).autoOrient().toColourspace('srgb');
      if (maxSize) pipeline = pipeline.resize(maxSize, maxSize, { fit: 'inside', withoutEnlargement: true });
      return raw(await pipeline.raw().toBuffer({ resolveWithObject: true }));
    } catch (e) {
      throw decodeError(input, e, maxPixels);
    }
  },

  async encode(image, { format, quality }) {
    const s = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
    return s.toFormat(format, quality ? { quality } : {}).toBuffer();
  },

  async resize(image, width, height) {
    const s = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
    return raw(await s.resize(width, height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true }));
  },
};
