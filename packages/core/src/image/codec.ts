import type { OutputFormat } from './options';
import type { RawImage } from './raw-image';

/** How a codec is asked to decode: the decode options with their defaults filled in. */
export interface CodecDecodeOptions {
  /** Longest side after decoding (shrink only); undefined keeps the size. */
  readonly maxSize?: number;
  /** Refuse images with more pixels than this before decoding them (`IMAGE_TOO_LARGE`). */
  readonly maxPixels: number;
}

/**
 * Platform contract 2 of 3: turning the platform's images into pixels and back (sharp in Node,
 * canvas and `createImageBitmap` in the browser). `In` is what the platform accepts (paths and
 * bytes; Blobs, canvases, ImageData), `Encoded` what it returns (Buffer; Blob).
 * Errors are `ImpastoError`s: `BAD_IMAGE`, `MISSING_FILE`, `IMAGE_TOO_LARGE`.
 */
export interface ImageCodec<In, Encoded> {
  /** Formats `encode` writes here; others are refused with the list. */
  readonly formats: readonly OutputFormat[];
  /** Decodes `input` (never a `RawImage`: core handles those) to RGB or RGBA, orientation applied. */
  decode(input: In, options: CodecDecodeOptions): Promise<RawImage>;
  encode(image: RawImage, options: { readonly format: OutputFormat; readonly quality?: number }): Promise<Encoded>;
  /** Resamples to exactly `width` x `height` (a good filter: it is used to shrink photos). */
  resize(image: RawImage, width: number, height: number): Promise<RawImage>;
}
