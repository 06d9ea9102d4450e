import { ImpastoError } from '../errors';
import type { DecodeOptions, EncodeOptions, ResolvedDecodeOptions, ResolvedEncodeOptions } from '../options/generated';
import { resolveOptions } from '../options/schema';
import type { Platform } from '../runtime/platform';
import type { ImageCodec } from './codec';
import { DECODE_SCHEMA, ENCODE_SCHEMA, type OutputFormat } from './options';
import { type RawImage, checkRawImage, fitInside, isRawImage, looksLikeRawImage } from './raw-image';

/**
 * Pixels from anything the platform reads, or from a `RawImage` as it is: the pixel limit is
 * checked and `maxSize` applied the same way for both.
 */
export async function loadImage<In>(codec: ImageCodec<In, unknown>, input: In | RawImage, options: { maxSize?: number; maxPixels: number }): Promise<RawImage> {
  if (input === null || input === undefined) throw new ImpastoError('BAD_IMAGE', `Expected an image but received ${String(input)}`);
  if (!isRawImage(input) && !looksLikeRawImage(input)) return codec.decode(input as In, options);
  checkRawImage(input);
  if (input.width * input.height > options.maxPixels) {
    throw new ImpastoError('IMAGE_TOO_LARGE', (name) => `the image has ${input.width * input.height} pixels, more than ${name('maxPixels', options.maxPixels)}`);
  }
  const [w, h] = fitInside(input.width, input.height, options.maxSize);
  return w === input.width && h === input.height ? input : codec.resize(input, w, h);
}

/**
 * Pixels of `input` resized so the longest side is `side`, enlarging too (a style image scaled
 * to the photo); decoded already shrunk where the image is larger.
 */
export async function loadImageAtSide<In>(codec: ImageCodec<In, unknown>, input: In | RawImage, side: number, maxPixels: number): Promise<RawImage> {
  const img = await loadImage(codec, input, { maxSize: side, maxPixels });
  const longest = Math.max(img.width, img.height);
  if (longest >= side) return img;
  const s = side / longest;
  return codec.resize(img, Math.max(1, Math.round(img.width * s)), Math.max(1, Math.round(img.height * s)));
}

/** Encodes `image` as `format`; a format this platform cannot write is refused with the ones it can. */
export async function saveImage<Encoded>(codec: ImageCodec<unknown, Encoded>, image: RawImage, options: { format?: OutputFormat; quality?: number }): Promise<Encoded> {
  checkRawImage(image);
  const format = checkFormat(codec.formats, options.format ?? 'png');
  return codec.encode(image, { format, quality: options.quality });
}

/** Throws unless `format` is one of the platform's `formats` (undefined passes: the default applies). */
export function checkFormat<F extends OutputFormat | undefined>(formats: readonly OutputFormat[], format: F): F {
  if (format !== undefined && !formats.includes(format)) {
    throw new ImpastoError('INVALID_ARGUMENT', `Expected one of ${formats.join(', ')} for format on this platform but received '${format}'`);
  }
  return format;
}

/** A platform's `decodeImage` and `encodeImage`, with the option schemas applied. */
export interface ImageIO<In, Encoded> {
  /** Pixels of `input` (what the platform reads, or a `RawImage`), shrunk to `maxSize` if given. */
  decodeImage(input: In | RawImage, options?: DecodeOptions): Promise<RawImage>;
  /** `image` encoded as `format` (PNG by default; a bare format name is shorthand for `{ format }`). */
  encodeImage(image: RawImage, options?: EncodeOptions | OutputFormat): Promise<Encoded>;
}

/** Binds image I/O to `platform`'s codec. */
export function imageIO<In, Encoded>(platform: Platform<In, Encoded>): ImageIO<In, Encoded> {
  const context = { platform: platform.kind };
  return {
    async decodeImage(input, options = {}) {
      return loadImage(platform.codec, input, resolveOptions<ResolvedDecodeOptions>(DECODE_SCHEMA, options, context));
    },
    async encodeImage(image, options = {}) {
      const o = resolveOptions<ResolvedEncodeOptions>(ENCODE_SCHEMA, typeof options === 'string' ? { format: options } : options, context);
      return saveImage(platform.codec, image, o);
    },
  };
}
