import { ImpastoError, invalidParam } from '../errors';
import { matchColors, matchColorsByRegion } from '../image/color';
import type { ImageCodec } from '../image/codec';
import { loadImage, loadImageAtSide } from '../image/pipeline';
import { type RawImage, isRawImage } from '../image/raw-image';
import type { ResolvedNeuralStyleRunOptions } from '../options/generated';
import { checkBlendWeights } from '../util/blend-weights';
import { type RegionMasks, regionMasks } from './masks';
import type { NstMode } from './options';

/** One of several paintings of a run, with the weight of its style loss. */
export interface WeightedStyle<In> {
  readonly style: In | RawImage;
  /** At least 0; the weights need not sum to 1 (they scale the style loss). */
  readonly weight: number;
}

/** The images of a run: anything the platform decodes, or `RawImage`s. */
export interface NstInputs<In> {
  /** The photo (not needed for style reconstruction). */
  readonly content?: In | RawImage;
  /**
   * The painting (not needed for content reconstruction), or several with weights: the run then
   * minimises Σ weight·(style loss against each). That equals the style loss against the weighted
   * mean of their Gram matrices, times Σ weight, plus a constant; the loss reported is that form,
   * without the constant. Throws `INVALID_ARGUMENT` for no paintings or weights that are negative
   * or sum to 0.
   */
  readonly style?: In | RawImage | readonly WeightedStyle<In>[];
  /**
   * Region masks (Luan et al. 2017), both or neither: label images in flat colours, the photo's
   * and the painting's (or style photo's), each the shape of its image. Each region of the photo
   * takes its style from the painting's region of the same colour. One painting only.
   */
  readonly contentMask?: In | RawImage;
  readonly styleMask?: In | RawImage;
}

/** A painting decoded, with its weight. */
export interface WeightedImage {
  readonly image: RawImage;
  readonly weight: number;
}

/** A run's images decoded at its size. */
export interface RunImages {
  readonly content?: RawImage;
  readonly styles: readonly WeightedImage[];
  readonly masks?: RegionMasks;
}

/** Checks a run's `inputs`: an object of images (which are checked when they are decoded). */
export function checkInputs(inputs: unknown): void {
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs) || isRawImage(inputs)) {
    throw invalidParam('inputs', 'an object { content, style } of images', inputs);
  }
  const i = inputs as NstInputs<unknown>;
  if ((i.contentMask === undefined) !== (i.styleMask === undefined)) {
    throw new ImpastoError('INVALID_ARGUMENT', `region masks come in pairs: give ${i.contentMask === undefined ? 'contentMask' : 'styleMask'} too`);
  }
}

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** The paintings of `style` with their weights, checked. */
export function weightedStyles<In>(style: In | RawImage | readonly WeightedStyle<In>[]): readonly WeightedStyle<In>[] {
  if (!Array.isArray(style)) return [{ style: style as In | RawImage, weight: 1 }];
  const list = style as readonly WeightedStyle<In>[];
  list.forEach((e, i) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw invalidParam(`style[${i}]`, 'a { style, weight } object', e);
  });
  const { total } = checkBlendWeights(list.map((e) => e.weight), 'style');
  // The sum scales the style loss, a float32 in the graph.
  if (!(total <= FLOAT32_MAX)) throw new ImpastoError('INVALID_ARGUMENT', `the style weights add up to ${total}, beyond float32's range; scale them down (their ratios set the blend, their sum scales the style loss)`);
  return list;
}

/** `img` resized to `width` x `height` by nearest neighbour (labels stay labels). */
export function nearestResize(img: RawImage, width: number, height: number): RawImage {
  if (img.width === width && img.height === height) return img;
  const { channels } = img;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(img.height - 1, Math.floor(((y + 0.5) * img.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(img.width - 1, Math.floor(((x + 0.5) * img.width) / width));
      out.set(img.data.subarray((sy * img.width + sx) * channels, (sy * img.width + sx + 1) * channels), (y * width + x) * channels);
    }
  }
  return { data: out, width, height, channels };
}

/** A mask decoded whole and brought to its image's size; its shape must be the image's (to 1 %). */
async function loadMask<In>(codec: ImageCodec<In, unknown>, mask: In | RawImage, image: RawImage, which: string, maxPixels: number): Promise<RawImage> {
  let m: RawImage;
  try {
    m = await loadImage(codec, mask, { maxPixels });
  } catch (e) {
    if (e instanceof ImpastoError) throw new ImpastoError(e.code, `the ${which} mask: ${e.message}`);
    throw e;
  }
  if (Math.abs(m.width / m.height - image.width / image.height) > 0.01 * (image.width / image.height)) {
    throw new ImpastoError('INVALID_ARGUMENT', `the ${which} mask is ${m.width}x${m.height} px but the ${which} image is ${image.width}x${image.height} at the run's size: a mask must have its image's shape`);
  }
  return nearestResize(m, image.width, image.height);
}

/**
 * Decodes a run's images at its size: the photo shrunk to `size`, each painting to `styleSize`
 * (or `styleScale` × the photo's side), recoloured to the photo for `preserveColors: 'histogram'`,
 * and the masks brought to their images' sizes.
 */
export async function loadRunImages<In>(codec: ImageCodec<In, unknown>, inputs: NstInputs<In>, mode: NstMode, o: ResolvedNeuralStyleRunOptions): Promise<RunImages> {
  if (mode !== 'style' && inputs.content === undefined) throw new ImpastoError('INVALID_ARGUMENT', `a content image is needed for ${mode}`);
  if (mode !== 'content' && inputs.style === undefined) throw new ImpastoError('INVALID_ARGUMENT', `a style image is needed for ${mode}`);
  const content = mode !== 'style' ? await loadImage(codec, inputs.content!, { maxSize: o.size, maxPixels: o.maxPixels }) : undefined;
  const entries = mode !== 'content' ? weightedStyles(inputs.style!) : [];
  const styles: WeightedImage[] = [];
  for (const e of entries) {
    const painting =
      o.styleScale !== undefined && content
        ? await loadImageAtSide(codec, e.style, Math.max(16, Math.round(o.styleScale * Math.max(content.width, content.height))), o.maxPixels)
        : await loadImage(codec, e.style, { maxSize: o.styleSize, maxPixels: o.maxPixels });
    // Preserving colours by histogram: the painting recoloured to the photo's before its Gram targets.
    styles.push({ image: content && o.preserveColors === 'histogram' ? matchColors(painting, content) : painting, weight: e.weight });
  }
  if (inputs.contentMask === undefined) return { content, styles };
  if (mode !== 'transfer') throw new ImpastoError('INVALID_ARGUMENT', 'region masks pair a photo with a painting: they are for transfer, not reconstruction');
  if (styles.length !== 1) throw new ImpastoError('INVALID_ARGUMENT', `region masks take one style image, received ${styles.length}`);
  return { content, styles, masks: await loadRegionMasks(codec, inputs.contentMask, inputs.styleMask!, content!, styles[0]!.image, o.maxPixels) };
}

/** The region masks of a photo and a style image, decoded and labelled at the images' sizes. */
export async function loadRegionMasks<In>(codec: ImageCodec<In, unknown>, contentMask: In | RawImage, styleMask: In | RawImage, content: RawImage, style: RawImage, maxPixels: number): Promise<RegionMasks> {
  const cm = await loadMask(codec, contentMask, content, 'content', maxPixels);
  const sm = await loadMask(codec, styleMask, style, 'style', maxPixels);
  return regionMasks(cm, sm, content, style);
}

/** `content` recoloured to `style`'s colour mean and covariance, region by region with `masks`. */
export function recolorByRegion(content: RawImage, style: RawImage, masks?: RegionMasks): RawImage {
  return matchColorsByRegion(content, style, masks && { regions: masks.regions, image: masks.content.planes, reference: masks.style.planes });
}
