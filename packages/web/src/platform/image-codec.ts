import { ImpastoError, type RawImage } from '@impasto/core';

/** Anything the browser can draw or decode into pixels. */
export type ImageInput =
  | ImageData
  | RawImage
  | ImageBitmap
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | Blob;

export interface ReadImageOptions {
  /** Scale down (keeping the aspect ratio) so the longer side is at most this many pixels. */
  maxSize?: number;
}

type Ctx2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

function makeCanvas(width: number, height: number): { canvas: OffscreenCanvas | HTMLCanvasElement; ctx: Ctx2D } {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx) return { canvas, ctx };
  }
  if (typeof document !== 'undefined') {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx) return { canvas, ctx };
  }
  throw new ImpastoError('BAD_IMAGE', 'no 2D canvas here (needs OffscreenCanvas or a document)');
}

function isRawImage(x: unknown): x is RawImage {
  return typeof x === 'object' && x !== null && 'channels' in x && 'data' in x && 'width' in x && 'height' in x;
}

/** ImageData (RGBA) as a core `RawImage`, without copying. */
export function fromImageData(img: ImageData): RawImage {
  return { data: img.data, width: img.width, height: img.height, channels: 4 };
}

/** A core `RawImage` (RGB or RGBA) as ImageData; RGB gets an opaque alpha. */
export function toImageData(img: RawImage): ImageData {
  const n = img.width * img.height;
  const out = new Uint8ClampedArray(n * 4);
  if (img.channels === 4) out.set(img.data);
  else {
    for (let p = 0, i = 0, o = 0; p < n; p++, i += 3, o += 4) {
      out[o] = img.data[i]!;
      out[o + 1] = img.data[i + 1]!;
      out[o + 2] = img.data[i + 2]!;
      out[o + 3] = 255;
    }
  }
  return new ImageData(out, img.width, img.height);
}

function fitSize(w: number, h: number, maxSize?: number): [number, number] {
  if (!maxSize || Math.max(w, h) <= maxSize) return [w, h];
  const s = maxSize / Math.max(w, h);
  return [Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s))];
}

/**
 * Pixels of `input` as a `RawImage` (RGBA). Blobs (a File from an `<input type=file>`) are
 * decoded with `createImageBitmap`, without colour-space conversion, so the bytes match what an
 * image library would decode.
 */
export async function readImage(input: ImageInput, options: ReadImageOptions = {}): Promise<RawImage> {
  if (isRawImage(input) && !(typeof ImageData !== 'undefined' && input instanceof ImageData)) {
    if (options.maxSize && Math.max(input.width, input.height) > options.maxSize) {
      return readImage(toImageData(input), options);
    }
    return input;
  }
  let source: CanvasImageSource;
  let width: number;
  let height: number;
  let owned: ImageBitmap | undefined;
  if (typeof ImageData !== 'undefined' && input instanceof ImageData) {
    if (!options.maxSize || Math.max(input.width, input.height) <= options.maxSize) return fromImageData(input);
    owned = await createImageBitmap(input);
    source = owned;
    ({ width, height } = owned);
  } else if (typeof Blob !== 'undefined' && input instanceof Blob) {
    try {
      owned = await createImageBitmap(input, { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' });
    } catch (e) {
      throw new ImpastoError('BAD_IMAGE', `could not decode the image (${input.type || 'unknown type'}, ${input.size} bytes)`, { cause: e });
    }
    source = owned;
    ({ width, height } = owned);
  } else if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement) {
    if (!input.complete) await input.decode();
    source = input;
    width = input.naturalWidth;
    height = input.naturalHeight;
  } else {
    source = input as ImageBitmap | HTMLCanvasElement | OffscreenCanvas;
    ({ width, height } = input as { width: number; height: number });
  }
  if (!width || !height) throw new ImpastoError('BAD_IMAGE', `the image has no pixels (${width}x${height})`);
  const [w, h] = fitSize(width, height, options.maxSize);
  const { ctx } = makeCanvas(w, h);
  if (w !== width || h !== height) ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, w, h);
  owned?.close();
  return fromImageData(ctx.getImageData(0, 0, w, h));
}

/** Encodes a `RawImage` or ImageData as a PNG (or `type`) Blob through a canvas. */
export async function encodeImage(img: RawImage | ImageData, type = 'image/png', quality?: number): Promise<Blob> {
  const data = typeof ImageData !== 'undefined' && img instanceof ImageData ? img : toImageData(img as RawImage);
  const { canvas, ctx } = makeCanvas(data.width, data.height);
  ctx.putImageData(data, 0, 0);
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type, quality });
  return new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new ImpastoError('IO', `the canvas could not encode ${type}`))), type, quality),
  );
}
