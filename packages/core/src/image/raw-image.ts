import { ImpastoError, invalidParam } from '../errors';
import type { TensorData } from '../onnx/tensor';

/** Decoded pixels, interleaved (HWC), 8 bits per channel: what sharp's `raw()` and `ImageData` give. */
export interface RawImage {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  /** 3 (RGB) or 4 (RGBA). */
  readonly channels: 3 | 4;
}

/** Whether `x` is a `RawImage` (typed-array pixels with width, height and 3 or 4 channels). */
export function isRawImage(x: unknown): x is RawImage {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Partial<RawImage>;
  return (r.data instanceof Uint8Array || r.data instanceof Uint8ClampedArray) && typeof r.width === 'number' && typeof r.height === 'number' && (r.channels === 3 || r.channels === 4);
}

/**
 * Whether `x` is meant as raw pixels (it has `channels`, or `data`, `width` and `height` with data
 * that is not an `ImageData`'s), so a malformed one is refused as `BAD_IMAGE` instead of reaching a
 * decoder that takes it for something else.
 */
export function looksLikeRawImage(x: unknown): boolean {
  if (typeof x !== 'object' || x === null || ArrayBuffer.isView(x)) return false;
  const r = x as Record<string, unknown>;
  return 'channels' in r || ('data' in r && 'width' in r && 'height' in r && !(r.data instanceof Uint8ClampedArray));
}

const isSide = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1 << 20;

/**
 * Checks that `img` is a well-formed `RawImage` (`name` in messages): 8-bit pixel data, whole
 * positive sides, 3 or 4 channels, and exactly as many bytes as they make. Throws `BAD_IMAGE`.
 */
export function checkRawImage(img: unknown, name = 'image'): asserts img is RawImage {
  if (typeof img !== 'object' || img === null) throw invalidParam(name, 'a RawImage { data, width, height, channels }', img, 'BAD_IMAGE');
  const r = img as Record<string, unknown>;
  if (!(r.data instanceof Uint8Array || r.data instanceof Uint8ClampedArray)) throw invalidParam(`${name}.data`, 'a Uint8Array or Uint8ClampedArray of 8-bit pixels', r.data, 'BAD_IMAGE');
  if (!isSide(r.width)) throw invalidParam(`${name}.width`, 'an integer between 1 and 1048576', r.width, 'BAD_IMAGE');
  if (!isSide(r.height)) throw invalidParam(`${name}.height`, 'an integer between 1 and 1048576', r.height, 'BAD_IMAGE');
  if (r.channels !== 3 && r.channels !== 4) throw invalidParam(`${name}.channels`, '3 (RGB) or 4 (RGBA)', r.channels, 'BAD_IMAGE');
  const want = (r.width as number) * (r.height as number) * (r.channels as number);
  if (r.data.length !== want) {
    throw new ImpastoError('BAD_IMAGE', `the raw image's ${r.data.length} bytes do not make ${r.width}x${r.height}x${r.channels} (${want} bytes)`);
  }
}

/** Width and height that fit inside `maxSize` keeping the aspect ratio (never enlarging). */
export function fitInside(width: number, height: number, maxSize?: number): [number, number] {
  if (!maxSize || Math.max(width, height) <= maxSize) return [width, height];
  const s = maxSize / Math.max(width, height);
  return [Math.max(1, Math.round(width * s)), Math.max(1, Math.round(height * s))];
}

function checkRaw(img: RawImage): void {
  if (img.channels !== 3 && img.channels !== 4) throw invalidParam('channels', '3 or 4', img.channels);
  if (img.data.length !== img.width * img.height * img.channels) {
    throw invalidParam('data', `${img.width * img.height * img.channels} bytes for ${img.width}x${img.height}x${img.channels}`, img.data.length);
  }
}

/** RGB(A) HWC bytes to a float32 NCHW tensor [1, 3, H, W] on the 0..255 scale (alpha dropped). */
export function imageToTensor(img: RawImage): TensorData<'float32'> {
  return regionToTensor(img, 0, 0, img.width, img.height);
}

/** The `width` x `height` rectangle of `img` at (`x`, `y`) as a float32 NCHW tensor [1, 3, h, w] (alpha dropped). */
export function regionToTensor(img: RawImage, x: number, y: number, width: number, height: number): TensorData<'float32'> {
  checkRaw(img);
  if (x < 0 || y < 0 || width < 1 || height < 1 || x + width > img.width || y + height > img.height) {
    throw invalidParam('region', `inside ${img.width}x${img.height}`, `${width}x${height} at (${x}, ${y})`);
  }
  const { data, channels } = img;
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let row = 0, p = 0; row < height; row++) {
    for (let col = 0, i = ((y + row) * img.width + x) * channels; col < width; col++, p++, i += channels) {
      out[p] = data[i]!;
      out[plane + p] = data[i + 1]!;
      out[2 * plane + p] = data[i + 2]!;
    }
  }
  return { type: 'float32', dims: [1, 3, height, width], data: out };
}

/**
 * A float32 NCHW tensor [1, 3, H, W] on the 0..255 scale to RGB HWC bytes, clamped and rounded.
 * When `alphaFrom` is given (an RGBA image of the same size), its alpha channel is put back.
 */
export function tensorToImage(t: TensorData<'float32'>, alphaFrom?: RawImage): RawImage {
  const [n, c, height, width] = t.dims as [number, number, number, number];
  if (t.dims.length !== 4 || n !== 1 || c !== 3) throw invalidParam('tensor dims', '[1, 3, H, W]', `[${t.dims.join(', ')}]`);
  const keepAlpha = alphaFrom?.channels === 4 && alphaFrom.width === width && alphaFrom.height === height;
  const channels = keepAlpha ? 4 : 3;
  const plane = width * height;
  const out = new Uint8Array(plane * channels);
  const src = t.data;
  for (let p = 0, o = 0; p < plane; p++, o += channels) {
    // Uint8Array stores by truncation after clamping, so add 0.5 to round to nearest.
    out[o] = Math.min(255, Math.max(0, src[p]! + 0.5));
    out[o + 1] = Math.min(255, Math.max(0, src[plane + p]! + 0.5));
    out[o + 2] = Math.min(255, Math.max(0, src[2 * plane + p]! + 0.5));
    if (keepAlpha) out[o + 3] = alphaFrom.data[p * 4 + 3]!;
  }
  return { data: out, width, height, channels };
}

/** The `region` of `img`, as its own image (copied). */
export function cropImage(img: RawImage, region: { readonly x: number; readonly y: number; readonly width: number; readonly height: number }): RawImage {
  const { channels } = img;
  const data = new Uint8Array(region.width * region.height * channels);
  for (let row = 0; row < region.height; row++) {
    const from = ((region.y + row) * img.width + region.x) * channels;
    data.set(img.data.subarray(from, from + region.width * channels), row * region.width * channels);
  }
  return { data, width: region.width, height: region.height, channels };
}
