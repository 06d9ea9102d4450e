import { ImpastoError, invalidParam } from '../errors';
import type { ImageCodec } from '../image/codec';
import type { PlatformKind } from '../options/schema';
import type { ModelStore } from '../store/model-store';
import type { WeightSource } from '../store/source';
import type { Backend } from './backend';
import type { MemoryBudget } from './memory-budget';
import type { ThreadBudget } from './thread-budget';

/**
 * What a platform package gives core: one implementation of each contract. Everything else —
 * FastStyle, NeuralStyle, the image pipeline, the model store's lookup chain — is core's.
 */
export interface Platform<In, Encoded> {
  /** Picks platform defaults in the option schemas (e.g. SqueezeNet and 256 px in the browser). */
  readonly kind: PlatformKind;
  readonly backend: Backend;
  readonly codec: ImageCodec<In, Encoded>;
  /** The store used when a call passes none: this platform's cache, mirror and download settings. */
  defaultStore(): ModelStore;
  /** Lets the event loop run (messages, an abort, a repaint) between long steps. */
  yieldToEventLoop(): Promise<void>;
  /**
   * The process's memory budget: runs plan against its capacity (when the call names no
   * `memoryBudget`) and reserve their estimate from it, so concurrent runs never over-commit.
   */
  readonly memory: MemoryBudget;
  /** The process's cores, taken by running sessions (`sessions × intra-op threads ≤ cores`). */
  readonly threads: ThreadBudget;
  /** A checkpoint folder of the user's own named by `style`, if the platform has folders and it is one. */
  checkpointFolder?(style: string): WeightSource | undefined;
}

/** Not options but things: what a long call may be given besides its plain-data options. */
export interface CallContext {
  /** Stops the call at the next step boundary with an `ABORTED` error. */
  readonly signal?: { readonly aborted: boolean };
  /** The model store (default: the platform's). */
  readonly store?: ModelStore;
  /** The backend (default: the platform's); tests and custom runtimes. */
  readonly backend?: Backend;
  /** Called for each weight file as it arrives (from the cache, a mirror or a download). */
  readonly onFile?: (file: string, bytes: number) => void;
}

/** The platform a class was bound to, or a clear error when core's own class is used directly. */
export function boundPlatform(platform: Platform<unknown, unknown> | undefined, what: string): Platform<unknown, unknown> {
  if (!platform) throw new ImpastoError('INVALID_ARGUMENT', `${what}.load needs a platform: import it from @impasto/node or @impasto/web`);
  return platform;
}

/** Checks a call's `context` (or another options bag of things): undefined or an object. */
export function checkContext(context: unknown, name = 'context'): void {
  if (context === undefined) return;
  if (typeof context !== 'object' || context === null || Array.isArray(context)) throw invalidParam(name, 'an object or undefined', context);
  const signal = (context as { signal?: unknown }).signal;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || !('aborted' in signal))) {
    throw invalidParam(`${name}.signal`, 'an AbortSignal (or an object with aborted)', signal);
  }
}

/** Checks a memory budget in bytes given to a raw call. */
export function checkBudgetBytes(bytes: unknown): number {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 1) throw invalidParam('memoryBudgetBytes', 'a positive finite number of bytes', bytes);
  return bytes;
}

/** Checks that `source` is a `WeightSource` ({ location, read }); `expected` says what else the parameter takes. */
export function checkWeightSource(source: unknown, name: string, expected: string): void {
  const s = source as { location?: unknown; read?: unknown } | null;
  if (typeof s !== 'object' || s === null || typeof s.read !== 'function' || typeof s.location !== 'string') throw invalidParam(name, expected, source);
}

/** What one engine call takes from its platform's budgets while it runs. */
export interface Admission {
  /** Bytes it plans to use (see `planRun`). */
  readonly bytes: number;
  /** Intra-op threads of the session it runs (0: all cores). */
  readonly threads: number;
  /** The work, for messages. */
  readonly what: string;
  readonly signal?: { readonly aborted: boolean };
}

/** Runs `body` once `platform`'s memory and cores admit it, and gives them back after. */
export async function admitted<R>(platform: Platform<unknown, unknown>, a: Admission, body: () => Promise<R>): Promise<R> {
  const memory = await platform.memory.reserve(a.bytes, a.what, a.signal);
  try {
    const cores = await platform.threads.acquire(a.threads || platform.threads.cores, a.signal);
    try {
      return await body();
    } finally {
      cores.release();
    }
  } finally {
    memory.release();
  }
}
