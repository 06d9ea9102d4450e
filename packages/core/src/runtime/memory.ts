import { ImpastoError } from '../errors';

/**
 * The memory one run takes on top of its loaded engine, as a line in the number of pixels:
 * `baseBytes` (a margin) plus `bytesPerPixel` (activations, and for NST their gradients). It is
 * compared with the memory free when the run starts, so the engine's own weights and sessions are
 * already counted out. Fitted to peak RSS above the loaded engine on the cpu provider by
 * `npm run bench -- memory` (scripts/bench/memory-case.ts; table in BENCHMARKS.md), rounded up.
 */
export interface MemoryModel {
  readonly baseBytes: number;
  readonly bytesPerPixel: number;
}

const MiB = 1 << 20;

/** The measured models, by engine (peak above baseline: FST 1653 MiB at 1536², VGG19 505 MiB at 384², MicroAST 2309 MiB at 2048²). */
export const MEMORY_MODELS = {
  fst: { baseBytes: 64 * MiB, bytesPerPixel: 760 },
  // The fit over squares to 384² has slope 4526 and the per-pixel cost still grows there; a tiled
  // 2048² run in 890-px tiles peaked 1.28 GiB above a 3 GiB budget at 3700, so the slope it is.
  'nst-vgg19': { baseBytes: 64 * MiB, bytesPerPixel: 4600 },
  'nst-squeezenet': { baseBytes: 64 * MiB, bytesPerPixel: 1600 },
  ast: { baseBytes: 64 * MiB, bytesPerPixel: 620 },
} as const satisfies Record<string, MemoryModel>;

export type MemoryEngine = keyof typeof MEMORY_MODELS;

/** Bytes `engine` is expected to need, beyond its loaded sessions, at `width` x `height`. */
export function estimateMemory(engine: MemoryEngine, width: number, height: number): number {
  const m: MemoryModel = MEMORY_MODELS[engine];
  return m.baseBytes + m.bytesPerPixel * width * height;
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(bytes < 1e9 ? 2 : 1)} GB`;

/**
 * Refuses, before any work, a run that would need more than `budgetBytes`: `IMAGE_TOO_LARGE`
 * naming the estimate, the budget and the largest size of the same shape that fits.
 */
export function checkMemory(engine: MemoryEngine, what: string, width: number, height: number, budgetBytes: number): void {
  const need = estimateMemory(engine, width, height);
  if (need <= budgetBytes) return;
  const m: MemoryModel = MEMORY_MODELS[engine];
  const fitPixels = Math.max(0, (budgetBytes - m.baseBytes) / m.bytesPerPixel);
  const scale = Math.sqrt(fitPixels / (width * height));
  const [w, h] = [Math.floor(width * scale), Math.floor(height * scale)];
  const fits = w >= 1 && h >= 1 ? `the largest that fits is ${w}x${h} (maxSize ${Math.max(w, h)})` : 'nothing fits in it';
  throw new ImpastoError(
    'IMAGE_TOO_LARGE',
    `${what} at ${width}x${height} needs about ${gb(need)}, more than the memory budget of ${gb(budgetBytes)}; ${fits}, or raise memoryBudget (--memory-budget)`,
  );
}

/** Largest tile side a tiled run picks by itself: bigger tiles save little overlap and cost memory. */
export const MAX_AUTO_TILE = 1024;
const MIN_TILE = 128;

/** What a tiled run holds besides one tile's activations. */
export interface TilingCosts {
  /** Tile side given (checked) or undefined (chosen). */
  readonly tile?: number;
  /** Context read on each side of a tile, in pixels (a function of the tile side, or fixed). */
  readonly overlap: number | ((tile: number) => number);
  /** Bytes per pixel of the whole image held throughout (an 8-bit output: its channels). */
  readonly imageBytesPerPixel: number;
  /** Bytes per pixel of one row band, a tile plus its overlap high, held for blending (0 for none). */
  readonly bandBytesPerPixel?: number;
}

/**
 * How to run `engine` on `width` x `height` within `budgetBytes`: `undefined` for one pass when
 * it fits (or `tile` covers the image), else the tile side. A tiled run needs one tile's
 * activations (the tile read with its overlap on each side) and what `costs` lists. `tile`
 * given is checked; otherwise the largest multiple of 4 up to `MAX_AUTO_TILE` that fits.
 * Nothing fitting is `IMAGE_TOO_LARGE`.
 */
export function planTileSize(engine: MemoryEngine, what: string, width: number, height: number, budgetBytes: number, o: TilingCosts): number | undefined {
  const side = Math.max(width, height);
  if (o.tile !== undefined && o.tile >= side) {
    checkMemory(engine, what, width, height, budgetBytes);
    return undefined;
  }
  if (o.tile === undefined && estimateMemory(engine, width, height) <= budgetBytes) return undefined;
  const read = (t: number) => t + 2 * (typeof o.overlap === 'number' ? o.overlap : o.overlap(t));
  const need = (t: number) =>
    estimateMemory(engine, Math.min(width, read(t)), Math.min(height, read(t))) + width * height * o.imageBytesPerPixel + read(t) * width * (o.bandBytesPerPixel ?? 0);
  let t = Math.floor((o.tile ?? Math.min(MAX_AUTO_TILE, Math.ceil(side / 4) * 4)) / 4) * 4;
  if (o.tile === undefined) while (t > MIN_TILE && need(t) > budgetBytes) t -= 4;
  if (need(t) > budgetBytes) {
    throw new ImpastoError(
      'IMAGE_TOO_LARGE',
      `${what} at ${width}x${height} in tiles of ${t} needs about ${gb(need(t))}, more than the memory budget of ${gb(budgetBytes)}; ${o.tile === undefined ? 'shrink the image (maxSize)' : 'use smaller tiles (tile)'} or raise memoryBudget (--memory-budget)`,
    );
  }
  return t;
}
