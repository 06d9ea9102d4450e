import { ImpastoError, type OptionNamer, firstLine, isImpastoError } from '../errors';
import { MIN_TILE, type SizeOption } from './memory';

// What ONNX Runtime (native and wasm), V8 and Emscripten say when an allocation fails.
const OOM = /failed to allocate|out of memory|allocation failed|cannot enlarge memory|could not allocate|Aborted\(OOM\)|bad_alloc|Array buffer allocation failed/i;

/** Whether `e` (or its cause chain) is a failed allocation rather than a bug or a bad model. */
export function isOutOfMemory(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    const msg = x instanceof Error ? x.message : typeof x === 'string' ? x : '';
    if (/Maximum call stack/i.test(msg)) return false;
    if (x instanceof RangeError || OOM.test(msg)) return true;
  }
  return false;
}

/** The one-line reason ONNX Runtime gave, without its source paths and log colours. */
export function runtimeReason(e: unknown): string {
  return firstLine(e, 160).replace(/^.*\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*/, '');
}

/** What an out-of-memory hint says of the run that failed. */
export interface OutOfMemoryContext {
  /** The work, e.g. `fast style transfer`. */
  readonly what: string;
  /** The option that sizes the image (`maxSize`, or `size` for NST). */
  readonly sizeOption: SizeOption;
  /** What the run used, e.g. the loss net. */
  readonly using?: string;
  /** The tile side that failed, when the run was tiled: half of it is advised too (never below the minimum). */
  readonly tile?: number;
  /** Whether the engine tiles at all (`tile` is advised for one-pass runs of engines that do). */
  readonly tiles?: boolean;
  /** Another way out, in the caller's terms (e.g. a smaller net). */
  readonly extra?: (name: OptionNamer) => string;
}

/** An out-of-memory error with the size that failed and what to try: half the size, smaller tiles. */
export function outOfMemoryHint(e: unknown, image: { width: number; height: number }, c: OutOfMemoryContext): unknown {
  if (!isImpastoError(e) || e.code !== 'IMAGE_TOO_LARGE') return e;
  const longest = Math.max(image.width, image.height);
  const suggest = Math.max(16, Math.floor(longest / 2 / 16) * 16);
  const tile = c.tile !== undefined ? (c.tile / 2 >= MIN_TILE ? Math.floor(c.tile / 2 / 4) * 4 : undefined) : c.tiles ? Math.max(MIN_TILE, Math.min(1024, Math.floor(longest / 2 / 4) * 4)) : undefined;
  const reason = e.message;
  return new ImpastoError(
    'IMAGE_TOO_LARGE',
    (name) => {
      const tries = [name(c.sizeOption, suggest), tile !== undefined ? name('tile', tile) : undefined, c.extra?.(name)].filter(Boolean);
      const used = c.using ? ` with ${c.using}` : '';
      const tiled = c.tile !== undefined ? ` in tiles of ${c.tile}` : '';
      return `ran out of memory for ${c.what} at ${image.width}x${image.height}${used}${tiled} (${reason}); try ${tries.join(', or ')} (the longest side is ${longest})`;
    },
    { cause: e },
  );
}
