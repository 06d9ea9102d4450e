import { ImpastoError } from '../errors';
import type { RawImage } from '../image/raw-image';

/** One image's regions: one 0/1 plane per label, [regions, height, width]. */
export interface MaskPlanes {
  readonly width: number;
  readonly height: number;
  readonly planes: Float32Array;
}

/** The regions of a run: the photo's labels, each matched to the painting's region of that colour. */
export interface RegionMasks {
  readonly regions: number;
  /** Each region's colour, `#rrggbb`. */
  readonly labels: readonly string[];
  readonly content: MaskPlanes;
  readonly style: MaskPlanes;
}

/** Labels are colours covering at least this share of the photo's mask (so edges blended by resizing or JPEG are not labels). */
const MIN_SHARE = 0.002;
/** A pixel farther than this (RGB distance) from every label is in no region. */
const MAX_DISTANCE = 80;
const MAX_REGIONS = 16;

const hex = (r: number, g: number, b: number) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** The colours covering at least `MIN_SHARE` of `img`, most common first. */
function labelColors(img: RawImage): [number, number, number][] {
  const counts = new Map<number, number>();
  const { data, channels } = img;
  for (let i = 0; i < data.length; i += channels) {
    const key = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const min = MIN_SHARE * img.width * img.height;
  const labels: [number, number, number][] = [];
  for (const [k] of [...counts.entries()].filter(([, n]) => n >= min).sort((a, b) => b[1] - a[1])) {
    const c: [number, number, number] = [k >> 16, (k >> 8) & 255, k & 255];
    // An antialiased edge repeats one blend of its two sides all along it: not a region of its own.
    if (!labels.some((a) => labels.some((b) => segmentDistance(c, a, b) < BLEND_DISTANCE))) labels.push(c);
  }
  return labels;
}

/** A colour this close (RGB) to the line between two labels is a blend of them. */
const BLEND_DISTANCE = 24;

/** The RGB distance from `c` to the segment from `a` to `b`. */
function segmentDistance(c: readonly number[], a: readonly number[], b: readonly number[]): number {
  const ab = [0, 1, 2].map((i) => b[i]! - a[i]!);
  const len = ab.reduce((s, v) => s + v * v, 0);
  const t = len ? Math.max(0, Math.min(1, ab.reduce((s, v, i) => s + v * (c[i]! - a[i]!), 0) / len)) : 0;
  return Math.hypot(...[0, 1, 2].map((i) => c[i]! - a[i]! - t * ab[i]!));
}

/** The label a colour belongs to: the nearest, if near enough or a blend of it and another; else -1. */
function labelOf(c: readonly number[], labels: readonly [number, number, number][]): number {
  let best = -1;
  let bestD = Infinity;
  for (const [k, l] of labels.entries()) {
    const d = Math.hypot(c[0]! - l[0], c[1]! - l[1], c[2]! - l[2]);
    if (d < bestD) [best, bestD] = [k, d];
  }
  if (best < 0 || bestD <= MAX_DISTANCE) return best;
  return labels.some((b, k) => k !== best && segmentDistance(c, labels[best]!, b) < BLEND_DISTANCE) ? best : -1;
}

/** One plane per label: each pixel in the region of its colour's label, if any. */
function planesOf(img: RawImage, labels: readonly [number, number, number][]): { planes: Float32Array; counts: number[] } {
  const n = img.width * img.height;
  const planes = new Float32Array(labels.length * n);
  const counts = labels.map(() => 0);
  const { data, channels } = img;
  const seen = new Map<number, number>();
  for (let p = 0; p < n; p++) {
    const i = p * channels;
    const key = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
    let label = seen.get(key);
    if (label === undefined) seen.set(key, (label = labelOf([data[i]!, data[i + 1]!, data[i + 2]!], labels)));
    if (label >= 0) {
      planes[label * n + p] = 1;
      counts[label]!++;
    }
  }
  return { planes, counts };
}

/**
 * Region masks from two colour-coded label images (as Luan et al.'s: flat colours, one per kind
 * of region — sky, buildings, water), each at its image's decoded size. The photo's mask defines
 * the labels: the colours covering at least 0.2 % of it, less blends of two others (antialiased
 * edges); pixels blended at edges go to the nearest label. Each label must also be in the painting's mask; the painting's other colours are unused.
 * Errors (`INVALID_ARGUMENT`): a mask whose size differs from its image's, more than 16 labels, or
 * a label of the photo's missing from the painting's mask.
 */
export function regionMasks(contentMask: RawImage, styleMask: RawImage, content: { width: number; height: number }, style: { width: number; height: number }): RegionMasks {
  for (const [which, mask, img] of [['content', contentMask, content], ['style', styleMask, style]] as const) {
    if (mask.width !== img.width || mask.height !== img.height) {
      throw new ImpastoError('INVALID_ARGUMENT', `the ${which} mask is ${mask.width}x${mask.height} px at the run's size but the ${which} image is ${img.width}x${img.height}: a mask must have its image's size`);
    }
  }
  const labels = labelColors(contentMask);
  if (labels.length > MAX_REGIONS) throw new ImpastoError('INVALID_ARGUMENT', `the content mask has ${labels.length} colours; a label mask has at most ${MAX_REGIONS} flat colours, one per region`);
  const c = planesOf(contentMask, labels);
  const s = planesOf(styleMask, labels);
  const missing = labels.filter((_, k) => s.counts[k] === 0).map(([r, g, b]) => hex(r, g, b));
  if (missing.length) throw new ImpastoError('INVALID_ARGUMENT', `the content mask's region${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in the style mask: label the same kinds of region with the same colours in both`);
  return {
    regions: labels.length,
    labels: labels.map(([r, g, b]) => hex(r, g, b)),
    content: { width: content.width, height: content.height, planes: c.planes },
    style: { width: style.width, height: style.height, planes: s.planes },
  };
}
