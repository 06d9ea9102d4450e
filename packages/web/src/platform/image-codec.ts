import { type ImageCodec, ImpastoError, type OutputFormat, type RawImage, fitInside } from '@impasto/core/platform';

/** Anything the browser can draw or decode into pixels (and `RawImage`s, which core takes as they are). */
export type ImageInput = ImageData | ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | Blob;

export type Ctx2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/** A 2D canvas of `width`x`height` that reads back cheaply: an OffscreenCanvas (also in workers), else a `<canvas>`. */
export function makeCanvas(width: number, height: number): { canvas: OffscreenCanvas | HTMLCanvasElement; ctx: Ctx2D } {
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

/** ImageData (RGBA) as a core `RawImage`, without copying. */
export function fromImageData(img: ImageData): RawImage {
  return { data: img.data, width: img.width, height: img.height, channels: 4 };
}

/** A `RawImage` (RGB or RGBA) as ImageData, ready for `putImageData`; RGB gets an opaque alpha. */
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

/** Draws `source` at `w`x`h` and reads the pixels back. */
function draw(source: CanvasImageSource, w: number, h: number, smooth: boolean): RawImage {
  const { ctx } = makeCanvas(w, h);
  if (smooth) ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, w, h);
  return fromImageData(ctx.getImageData(0, 0, w, h));
}

async function bitmapOf(input: ImageInput): Promise<{ source: CanvasImageSource; width: number; height: number; owned?: ImageBitmap }> {
  if (typeof ImageData !== 'undefined' && input instanceof ImageData) {
    const owned = await createImageBitmap(input);
    return { source: owned, width: owned.width, height: owned.height, owned };
  }
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    try {
      // No colour-space conversion, so the bytes match what an image library decodes.
      const owned = await createImageBitmap(input, { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' });
      return { source: owned, width: owned.width, height: owned.height, owned };
    } catch (e) {
      throw new ImpastoError('BAD_IMAGE', `could not decode the image (${input.type || 'unknown type'}, ${input.size} bytes)`, { cause: e });
    }
  }
  if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement) {
    if (!input.complete) await input.decode();
    return { source: input, width: input.naturalWidth, height: input.naturalHeight };
  }
  if (input && typeof input === 'object' && 'width' in input && 'height' in input) {
    return { source: input as CanvasImageSource, width: input.width, height: input.height };
  }
  throw new ImpastoError('BAD_IMAGE', `Expected a Blob, ImageData, canvas, ImageBitmap, <img> or RawImage but received ${input === null ? 'null' : typeof input}`);
}

const MIME: Partial<Record<OutputFormat, string>> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/**
 * Platform contract 2: images through the browser — `createImageBitmap` and 2D canvases (also in
 * workers, with OffscreenCanvas). Writes PNG, JPEG and WebP.
 */
export const webCodec: ImageCodec<ImageInput, Blob> = {
  formats: ['png', 'jpeg', 'webp'],

  async decode(input, { maxSize, maxPixels }) {
    if (typeof ImageData !== 'undefined' && input instanceof ImageData && (!maxSize || Math.max(input.width, input.height) <= maxSize)) {
      if (input.width * input.height > maxPixels) throw new ImpastoError('IMAGE_TOO_LARGE', (name) => `the image has more than ${maxPixels} pixels; raise the limit (${name('maxPixels')}) if you trust it`);
      return fromImageData(input);
    }
    const { source, width, height, owned } = await bitmapOf(input);
    try {
      if (!width || !height) throw new ImpastoError('BAD_IMAGE', `the image has no pixels (${width}x${height})`);
      if (width * height > maxPixels) throw new ImpastoError('IMAGE_TOO_LARGE', (name) => `the image has more than ${maxPixels} pixels; raise the limit (${name('maxPixels')}) if you trust it`);
      const [w, h] = fitInside(width, height, maxSize);
      return draw(source, w, h, w !== width || h !== height);
    } finally {
      owned?.close();
    }
  },

  async encode(image, { format, quality }) {
    const data = toImageData(image);
    const { canvas, ctx } = makeCanvas(data.width, data.height);
    ctx.putImageData(data, 0, 0);
    const type = MIME[format]!;
    const q = quality === undefined ? undefined : quality / 100;
    if ('convertToBlob' in canvas) return canvas.convertToBlob({ type, quality: q });
    return new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new ImpastoError('IO', `the canvas could not encode ${type}`))), type, q),
    );
  },

  async resize(image, width, height) {
    const bitmap = await createImageBitmap(toImageData(image));
    try {
      return draw(bitmap, width, height, true);
    } finally {
      bitmap.close();
    }
  },
};

