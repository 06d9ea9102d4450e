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
  // Both NST models carry 300 bytes a pixel for the photorealism term (its operator's 15 floats and
  // the window maps of its graph): +86 MiB at 512² with VGG19, +60–75 MiB with SqueezeNet, measured.
  'nst-vgg19': { baseBytes: 64 * MiB, bytesPerPixel: 4900 },
  'nst-squeezenet': { baseBytes: 64 * MiB, bytesPerPixel: 1900 },
  ast: { baseBytes: 64 * MiB, bytesPerPixel: 620 },
} as const satisfies Record<string, MemoryModel>;

export type MemoryEngine = keyof typeof MEMORY_MODELS;

/** Bytes `engine` is expected to need, beyond its loaded sessions, at `width` x `height`. */
export function estimateMemory(engine: MemoryEngine, width: number, height: number): number {
  const m: MemoryModel = MEMORY_MODELS[engine];
  return m.baseBytes + m.bytesPerPixel * width * height;
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(bytes < 1e9 ? 2 : 1)} GB`;
const mib = (bytes: number) => Math.ceil(bytes / MiB);

/** The option that sizes a run's image: `maxSize` for the one-pass engines, `size` for NST, `styleSize` for a style image. */
export type SizeOption = 'maxSize' | 'size' | 'styleSize';

/** `width` x `height` scaled so its longest side is `side` (never below 1 px). */
function scaledTo(width: number, height: number, side: number): [number, number] {
  const s = side / Math.max(width, height);
  return [Math.max(1, Math.floor(width * s)), Math.max(1, Math.floor(height * s))];
}

/**
 * Refuses, before any work, a run that would need more than `budgetBytes`: `IMAGE_TOO_LARGE`
 * naming the estimate, the budget and the largest size of the same shape that fits, as the value
 * of `sizeOption` to try.
 */
export function checkMemory(engine: MemoryEngine, what: string, width: number, height: number, budgetBytes: number, sizeOption: SizeOption = 'maxSize'): void {
  const need = estimateMemory(engine, width, height);
  if (need <= budgetBytes) return;
  const m: MemoryModel = MEMORY_MODELS[engine];
  const fitPixels = Math.max(0, (budgetBytes - m.baseBytes) / m.bytesPerPixel);
  const scale = Math.sqrt(fitPixels / (width * height));
  const [w, h] = [Math.floor(width * scale), Math.floor(height * scale)];
  throw new ImpastoError('IMAGE_TOO_LARGE', (name) => {
    const raise = `raise ${name('memoryBudget', mib(need))}`;
    const fits = w >= 1 && h >= 1 ? `the largest that fits is ${w}x${h}: try ${name(sizeOption, Math.max(w, h))}, or ${raise}` : `nothing fits in it: ${raise}`;
    return `${what} at ${width}x${height} needs about ${gb(need)}, more than the memory budget of ${gb(budgetBytes)}; ${fits}`;
  });
}

/** Largest tile side a tiled run picks by itself: bigger tiles save little overlap and cost memory. */
export const MAX_AUTO_TILE = 1024;
/** The smallest tile side (the schema's `tile` minimum): below it the overlap is most of every tile. */
export const MIN_TILE = 64;
/** The smallest tile a run picks by itself: at 64 a fast-style run reads nine times its pixels, 17 times over. */
const MIN_AUTO_TILE = 128;

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

/** Bytes a run in tiles of side `t` needs on `width` x `height`. */
function tiledNeed(engine: MemoryEngine, width: number, height: number, t: number, o: TilingCosts): number {
  const read = t + 2 * (typeof o.overlap === 'number' ? o.overlap : o.overlap(t));
  return estimateMemory(engine, Math.min(width, read), Math.min(height, read)) + width * height * o.imageBytesPerPixel + read * width * (o.bandBytesPerPixel ?? 0);
}

/** The largest tile side (a multiple of 4, from `from` down to `min`) that fits `budgetBytes`, if any. */
function largestTile(engine: MemoryEngine, width: number, height: number, budgetBytes: number, o: TilingCosts, from: number, min: number): number | undefined {
  for (let t = Math.floor(from / 4) * 4; t >= min; t -= 4) if (tiledNeed(engine, width, height, t, o) <= budgetBytes) return t;
  return undefined;
}

/** How a run goes: in one pass (`tile` undefined) or in tiles, and the bytes it is expected to need. */
export interface RunPlan {
  readonly tile?: number;
  readonly bytes: number;
}

/** `planRun`'s tile side alone (undefined: one pass). */
export function planTileSize(engine: MemoryEngine, what: string, width: number, height: number, budgetBytes: number, o: TilingCosts, sizeOption: SizeOption = 'maxSize'): number | undefined {
  return planRun(engine, what, width, height, budgetBytes, o, sizeOption).tile;
}

/**
 * How to run `engine` on `width` x `height` within `budgetBytes`: one pass when it fits (or `tile`
 * covers the image), else the tile side, with the bytes the run needs (what it reserves from the
 * process's `MemoryBudget`). A tiled run needs one tile's activations (the tile read with its
 * overlap on each side) and what `costs` lists. `tile` given is checked; otherwise the largest
 * multiple of 4 up to `MAX_AUTO_TILE` that fits. Nothing fitting is `IMAGE_TOO_LARGE`, advising
 * only what the limits allow: a smaller tile that fits, a smaller image that fits in tiles, or the
 * budget that would.
 */
export function planRun(engine: MemoryEngine, what: string, width: number, height: number, budgetBytes: number, o: TilingCosts, sizeOption: SizeOption = 'maxSize'): RunPlan {
  const side = Math.max(width, height);
  const onePass = estimateMemory(engine, width, height);
  if (o.tile !== undefined && o.tile >= side) {
    checkMemory(engine, what, width, height, budgetBytes, sizeOption);
    return { bytes: onePass };
  }
  if (o.tile === undefined && onePass <= budgetBytes) return { bytes: onePass };
  const first = Math.floor((o.tile ?? Math.min(MAX_AUTO_TILE, Math.ceil(side / 4) * 4)) / 4) * 4;
  const t = o.tile === undefined ? (largestTile(engine, width, height, budgetBytes, o, first, MIN_AUTO_TILE) ?? Math.min(first, MIN_AUTO_TILE)) : first;
  const need = tiledNeed(engine, width, height, t, o);
  if (need <= budgetBytes) return { tile: t, bytes: need };
  const smaller = o.tile !== undefined ? largestTile(engine, width, height, budgetBytes, o, t - 4, MIN_TILE) : undefined;
  // The whole image is held at every tile size, so past some size only a smaller image fits.
  let fitSide: number | undefined;
  for (let s = Math.floor(side * 0.95); s >= 16 && fitSide === undefined; s = Math.floor(s * 0.95)) {
    const [w, h] = scaledTo(width, height, s);
    if (estimateMemory(engine, w, h) <= budgetBytes || largestTile(engine, w, h, budgetBytes, o, Math.min(MAX_AUTO_TILE, s), MIN_AUTO_TILE) !== undefined) fitSide = s;
  }
  throw new ImpastoError('IMAGE_TOO_LARGE', (name) => {
    const advice = [
      smaller !== undefined ? `use ${name('tile', smaller)}` : undefined,
      smaller === undefined && fitSide !== undefined ? `shrink the image with ${name(sizeOption, fitSide)}` : undefined,
      `raise ${name('memoryBudget', mib(need))}`,
    ].filter(Boolean);
    return `${what} at ${width}x${height} in tiles of ${t} needs about ${gb(need)}, more than the memory budget of ${gb(budgetBytes)}; ${advice.join(', or ')}`;
  });
}
