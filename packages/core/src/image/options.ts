import { defineSchema } from '../options/schema';
import { PRESERVE_COLORS } from './color';

/** Output formats by name; each platform's codec encodes some of them (see `ImageCodec.formats`). */
export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp', 'avif', 'tiff'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The default pixel limit: 8192 x 8192, far above any photo, far below a decompression bomb. */
export const DEFAULT_MAX_PIXELS = 8192 * 8192;

export const DECODE_SCHEMA = defineSchema('DecodeOptions', 'decoding an image', {
  maxSize: { kind: 'int', min: 1, max: 65535, arg: 'n', doc: 'Shrink so the longest side is at most this many pixels (never enlarges)' },
  maxPixels: {
    kind: 'int',
    min: 1,
    max: 2 ** 31 - 1,
    default: DEFAULT_MAX_PIXELS,
    arg: 'n',
    doc: 'Refuse images with more pixels than this, before decoding them (decompression-bomb guard)',
  },
});

export const ENCODE_SCHEMA = defineSchema('EncodeOptions', 'encoding an image', {
  format: { kind: 'choice', choices: OUTPUT_FORMATS, defaultDoc: 'png, or from the output file name', arg: 'format', doc: 'Output format' },
  quality: { kind: 'int', min: 1, max: 100, defaultDoc: "the encoder's", arg: 'q', doc: 'JPEG, WebP and AVIF quality' },
});

/** How much memory one run may take; larger images are refused up front with the size that fits. */
export const MEMORY_SCHEMA = defineSchema('MemoryOptions', 'the memory budget', {
  memoryBudget: {
    kind: 'int',
    min: 16,
    max: 2 ** 31 - 1,
    arg: 'MiB',
    defaultDoc: "80 % of the memory left in Node: the smaller of the free memory and what its container's limit leaves (IMPASTO_MEMORY_BUDGET overrides); 2048 in the browser",
    doc: 'Memory one run may use, in MiB; an image whose estimated peak is larger is refused with the largest size that fits',
  },
});

/** Feed-forward styles in tiles, for images larger than memory allows in one pass. */
export const TILE_SCHEMA = defineSchema('TileOptions', 'tiling', {
  tile: {
    kind: 'int',
    min: 64,
    max: 65535,
    arg: 'px',
    defaultDoc: 'one pass when the image fits the memory budget, else the largest tiles that fit, up to 1024',
    doc: "Stylize in tiles of at most this many pixels a side, sharing the network's normalisation statistics across the image so tiles match one pass (memory follows the tile; fast style takes about 7x the time, arbitrary style under 2x)",
  },
});

/** Keeping the photo's colours (Gatys et al. 2016), for every engine. */
export const COLOR_SCHEMA = defineSchema('ColorOptions', "keeping the photo's colours", {
  preserveColors: {
    kind: 'choice',
    choices: PRESERVE_COLORS,
    default: 'none',
    arg: 'mode',
    bare: 'luminance',
    doc: "Keep the photo's colours: luminance (only brightness is stylized, the photo's chroma kept) or histogram (the style image first recoloured to the photo's colour mean and covariance)",
  },
});

/** The painting's scale relative to the photo (jcjohnson/neural-style's `-style_scale`). */
export const STYLE_SCALE_SCHEMA = defineSchema('StyleScaleOptions', "the style image's scale", {
  styleScale: {
    kind: 'number',
    min: 0,
    exclusiveMin: true,
    max: 16,
    arg: 'x',
    defaultDoc: 'unset: styleSize decides',
    doc: "Resize the style image so its longest side is this multiple of the content's (enlarging too); strokes keep their size in pixels, so larger gives larger strokes. Overrides styleSize",
  },
});
