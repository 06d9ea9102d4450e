import { randomBytes } from 'node:crypto';
import { constants, realpathSync } from 'node:fs';
import { access, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import sharp from 'sharp';
import { ImpastoError, invalidParam, type RawImage } from '@impasto/core';

/** Output formats; each is what sharp writes for it. */
export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp', 'avif', 'tiff'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Default pixel limit for decoding: 8192 x 8192, well above any photo, far below a decompression bomb. */
export const DEFAULT_MAX_PIXELS = 8192 * 8192;

export interface DecodeOptions {
  /** Resize so the longest side is at most this many pixels (never enlarges). */
  maxSize?: number;
  /** Refuse images with more pixels than this before decoding (default 8192²). */
  maxPixels?: number;
}

const EXT_FORMAT: Record<string, OutputFormat> = {
  '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.webp': 'webp', '.avif': 'avif', '.tif': 'tiff', '.tiff': 'tiff',
};

/** The output format a file name asks for, or undefined for an extension we do not write. */
export function formatFromPath(path: string): OutputFormat | undefined {
  return EXT_FORMAT[extname(path).toLowerCase()];
}

function label(input: string | Uint8Array): string {
  return typeof input === 'string' ? input : 'the input buffer';
}

/**
 * Decodes any format sharp reads (JPEG, PNG, WebP, AVIF, TIFF, the first GIF frame) to RGB or RGBA
 * bytes, with the EXIF orientation applied.
 */
export async function decodeImage(input: string | Uint8Array, options: DecodeOptions = {}): Promise<RawImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (options.maxSize !== undefined && (!Number.isInteger(options.maxSize) || options.maxSize < 1)) {
    throw invalidParam('maxSize', 'positive integer', options.maxSize);
  }
  if (typeof input === 'string') {
    const st = await stat(input).catch(() => undefined);
    if (!st) throw new ImpastoError('MISSING_FILE', `input file ${input} does not exist`);
    if (!st.isFile()) throw new ImpastoError('BAD_IMAGE', `input ${input} is not a file`);
    if (st.size === 0) throw new ImpastoError('BAD_IMAGE', `input file ${input} is empty`);
  } else if (input.byteLength === 0) {
    throw new ImpastoError('BAD_IMAGE', 'the input buffer is empty');
  }
  try {
    let pipeline = sharp(input, { limitInputPixels: maxPixels, failOn: 'truncated' }).autoOrient().toColourspace('srgb');
    if (options.maxSize) pipeline = pipeline.resize(options.maxSize, options.maxSize, { fit: 'inside', withoutEnlargement: true });
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    const channels = info.channels === 4 ? 4 : 3;
    if (info.channels !== channels) throw new Error(`unexpected ${info.channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels };
  } catch (e) {
    const msg = (e as Error).message;
    if (/pixel limit/i.test(msg)) {
      throw new ImpastoError('IMAGE_TOO_LARGE', `${label(input)} has more than ${maxPixels} pixels; raise the limit (maxPixels) if you trust it`, { cause: e });
    }
    const why = /unsupported image format/i.test(msg) ? 'is not an image in a format Impasto reads' : `cannot be decoded (${msg.split('\n')[0]})`;
    throw new ImpastoError('BAD_IMAGE', `${label(input)} ${why}`, { cause: e });
  }
}

/** Encodes RGB(A) bytes as `format`. */
export async function encodeImage(image: RawImage, format: OutputFormat, options: { quality?: number } = {}): Promise<Buffer> {
  const s = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  return s.toFormat(format, options.quality ? { quality: options.quality } : {}).toBuffer();
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

/**
 * Fails early, before long work, when `dest` could not be written: it names an input, or its folder
 * cannot be created or written.
 */
export async function checkOutputPath(dest: string, inputs: readonly string[] = []): Promise<void> {
  if (inputs.some((i) => sameFile(i, dest))) {
    throw new ImpastoError('INVALID_ARGUMENT', `Cannot use same file for input and output: ${dest}`);
  }
  try {
    await mkdir(dirname(resolve(dest)), { recursive: true });
    await access(dirname(resolve(dest)), constants.W_OK);
  } catch (e) {
    throw new ImpastoError('IO', `cannot write ${dest}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

/**
 * Writes `bytes` to `dest` through a temporary file and a rename, so a failure never leaves a
 * partial file; refuses to overwrite any of `inputs`.
 */
export async function writeFileAtomic(dest: string, bytes: Uint8Array, inputs: readonly string[] = []): Promise<void> {
  if (inputs.some((i) => sameFile(i, dest))) {
    throw new ImpastoError('INVALID_ARGUMENT', `Cannot use same file for input and output: ${dest}`);
  }
  const tmp = `${dest}.tmp.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(dirname(resolve(dest)), { recursive: true });
    await writeFile(tmp, bytes);
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new ImpastoError('IO', `cannot write ${dest}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}
