import { stat } from 'node:fs/promises';
import sharp, { type OutputInfo } from 'sharp';
import { type ImageCodec, ImpastoError, type RawImage } from '@impasto/core';

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
 * Platform contract 2: images through sharp (libvips). Decodes JPEG, PNG, WebP, AVIF, TIFF and the
 * first GIF frame to RGB(A) with the EXIF orientation applied; writes every output format.
 */
export const nodeCodec: ImageCodec<NodeImageInput, Buffer> = {
  formats: ['png', 'jpeg', 'webp', 'avif', 'tiff'],

  async decode(input, { maxSize, maxPixels }) {
    if (typeof input === 'string') {
      const st = await stat(input).catch(() => undefined);
      if (!st) throw new ImpastoError('MISSING_FILE', `input file ${input} does not exist`);
      if (!st.isFile()) throw new ImpastoError('BAD_IMAGE', `input ${input} is not a file`);
      if (st.size === 0) throw new ImpastoError('BAD_IMAGE', `input file ${input} is empty`);
    } else if (!(input instanceof Uint8Array)) {
      throw new ImpastoError('BAD_IMAGE', `Expected a file path, image bytes or a RawImage but received ${input === null ? 'null' : typeof input}`);
    } else if (input.byteLength === 0) {
      throw new ImpastoError('BAD_IMAGE', 'the input buffer is empty');
    }
    try {
      let pipeline = sharp(input, { limitInputPixels: maxPixels, failOn: 'truncated' }).autoOrient().toColourspace('srgb');
      if (maxSize) pipeline = pipeline.resize(maxSize, maxSize, { fit: 'inside', withoutEnlargement: true });
      return raw(await pipeline.raw().toBuffer({ resolveWithObject: true }));
    } catch (e) {
      if (e instanceof ImpastoError) throw e;
      const msg = (e as Error).message;
      if (/pixel limit/i.test(msg)) {
        throw new ImpastoError('IMAGE_TOO_LARGE', `${label(input)} has more than ${maxPixels} pixels; raise the limit (maxPixels) if you trust it`, { cause: e });
      }
      const why = /unsupported image format/i.test(msg) ? 'is not an image in a format Impasto reads' : `cannot be decoded (${msg.split('\n')[0]})`;
      throw new ImpastoError('BAD_IMAGE', `${label(input)} ${why}`, { cause: e });
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
