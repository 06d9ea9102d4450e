import { ImpastoError, firstLine, isImpastoError } from '../errors';

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

/** An out-of-memory error with the size that failed and half of it to try. */
export function outOfMemoryHint(e: unknown, image: { width: number; height: number }, what = 'fast style transfer', using = '', extra = ''): unknown {
  if (!isImpastoError(e) || e.code !== 'IMAGE_TOO_LARGE') return e;
  const longest = Math.max(image.width, image.height);
  const suggest = Math.max(16, Math.floor(longest / 2 / 16) * 16);
  return new ImpastoError(
    'IMAGE_TOO_LARGE',
    `ran out of memory for ${what} at ${image.width}x${image.height}${using ? ` with ${using}` : ''} (${e.message}); try size ${suggest} (half the current ${longest})${extra}`,
    { cause: e },
  );
}
