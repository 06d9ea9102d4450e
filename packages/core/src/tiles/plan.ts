import { invalidParam } from '../errors';

/**
 * One tile's extent along one axis, in image pixels. `core` partitions the axis among the tiles;
 * `read` is the core widened by the overlap (clamped to the image), what the network sees.
 */
export interface Span {
  readonly readStart: number;
  readonly readEnd: number;
  readonly coreStart: number;
  readonly coreEnd: number;
}

/** A grid of tiles: rows (y spans) by columns (x spans). */
export interface TilePlan {
  readonly rows: readonly Span[];
  readonly columns: readonly Span[];
  /** Width of the cross-fade band centred on each core boundary, in pixels. */
  readonly feather: number;
}

export interface TilePlanOptions {
  /** Largest core side, in pixels. */
  readonly tile: number;
  /** Context each tile reads beyond its core on every side it has a neighbour. */
  readonly overlap: number;
  /** Core boundaries and read starts fall on multiples of this (a network's total stride). */
  readonly align: number;
  /** Cross-fade band width (default: the overlap); at most twice the overlap. */
  readonly feather?: number;
}

/**
 * Splits `width` x `height` into tiles of nearly equal cores no larger than `tile`, each read with
 * `overlap` pixels of context. One tile covers an image no larger than `tile`.
 */
export function planTiles(width: number, height: number, o: TilePlanOptions): TilePlan {
  if (o.tile < o.align || o.tile % o.align) throw invalidParam('tile', `a multiple of ${o.align}, at least ${o.align}`, o.tile);
  if (o.overlap < 0 || o.overlap % o.align) throw invalidParam('overlap', `a multiple of ${o.align}`, o.overlap);
  const feather = o.feather ?? o.overlap;
  if (feather < 0 || feather > 2 * o.overlap) throw invalidParam('feather', `between 0 and twice the overlap (${2 * o.overlap})`, feather);
  return { rows: spans(height, o), columns: spans(width, o), feather };
}

function spans(length: number, { tile, overlap, align }: TilePlanOptions): Span[] {
  const count = Math.ceil(length / tile);
  // Equal cores on the alignment grid, never larger than the tile; the last takes the remainder.
  const step = Math.ceil(length / count / align) * align;
  const cuts = Array.from({ length: count + 1 }, (_, k) => Math.min(length, k * step));
  return cuts.slice(0, -1).map((coreStart, k) => {
    const coreEnd = cuts[k + 1]!;
    return { coreStart, coreEnd, readStart: Math.max(0, coreStart - overlap), readEnd: Math.min(length, coreEnd + overlap) };
  });
}

/**
 * The span's blending weight at each pixel it reads: 1 inside its core, ramping linearly to 0
 * across the `feather` band around each boundary it shares with a neighbour. A neighbour's ramp
 * is one minus this one, so the weights of the tiles over any pixel sum to 1.
 */
export function spanWeights(span: Span, length: number, feather: number): Float32Array {
  const w = new Float32Array(span.readEnd - span.readStart);
  for (let i = 0; i < w.length; i++) {
    const centre = span.readStart + i + 0.5;
    const rise = span.coreStart === 0 || feather === 0 ? (centre >= span.coreStart ? 1 : 0) : (centre - span.coreStart) / feather + 0.5;
    const fall = span.coreEnd === length || feather === 0 ? (centre < span.coreEnd ? 1 : 0) : (span.coreEnd - centre) / feather + 0.5;
    w[i] = Math.max(0, Math.min(1, rise, fall));
  }
  return w;
}

/** The pixels of the axis a span's weights touch: its core widened by half the feather on shared sides. */
export function spanReach(span: Span, length: number, feather: number): [number, number] {
  const half = feather / 2;
  return [span.coreStart === 0 ? 0 : Math.max(span.readStart, Math.floor(span.coreStart - half)), span.coreEnd === length ? length : Math.min(span.readEnd, Math.ceil(span.coreEnd + half))];
}
