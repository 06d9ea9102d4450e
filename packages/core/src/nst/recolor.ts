import { ImpastoError } from '../errors';
import type { ImageCodec } from '../image/codec';
import { loadImage } from '../image/pipeline';
import type { RawImage } from '../image/raw-image';
import type { RecolorOptions, ResolvedRecolorOptions } from '../options/generated';
import { resolveOptions } from '../options/schema';
import { RECOLOR_SCHEMA } from './options';
import { type NstInputs, checkInputs, loadRegionMasks, recolorByRegion } from './run-images';

/** A colour transfer's result: the image, and with masks each region's colour. */
export interface RecolorResult {
  readonly image: RawImage;
  readonly regions?: readonly string[];
}

/**
 * A colour-only photo transfer, in well under a second: the photo recoloured so its RGB mean and
 * covariance are the style photo's, region by region with masks (the same masks as NST's). A
 * preview of a photo style transfer, and the `photo` preset's start. Errors: `INVALID_ARGUMENT`
 * (options, masks), the codec's.
 */
export async function recolorImage<In>(codec: ImageCodec<In, unknown>, inputs: Pick<NstInputs<In>, 'content' | 'style' | 'contentMask' | 'styleMask'>, options: RecolorOptions = {}): Promise<RecolorResult> {
  const o = resolveOptions<ResolvedRecolorOptions>(RECOLOR_SCHEMA, options);
  checkInputs(inputs);
  if (inputs.content === undefined || inputs.style === undefined) throw new ImpastoError('INVALID_ARGUMENT', 'a colour transfer needs a content photo and a style photo');
  if (Array.isArray(inputs.style)) throw new ImpastoError('INVALID_ARGUMENT', 'a colour transfer takes one style photo');
  const content = await loadImage(codec, inputs.content, { maxSize: o.size, maxPixels: o.maxPixels });
  const style = await loadImage(codec, inputs.style as In | RawImage, { maxPixels: o.maxPixels });
  if (inputs.contentMask === undefined) return { image: recolorByRegion(content, style) };
  const masks = await loadRegionMasks(codec, inputs.contentMask, inputs.styleMask!, content, style, o.maxPixels);
  return { image: recolorByRegion(content, style, masks), regions: masks.labels };
}
