import { invalidParam } from '../errors';

/**
 * Platform contract 3 of 3: where verified weights and built graphs are kept between runs (files
 * with atomic writes in Node, Cache Storage in the browser). Keys are relative paths with '/'
 * separators (`fst/wave/manifest.json`, `graphs/<key>.onnx`); `checkCacheKey` validates them.
 */
export interface CacheStore {
  /** For messages: the folder or cache name. */
  readonly location: string;
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stores `bytes` so that readers see either the old entry or the whole new one. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
}

/** How a file is asked for: abort, and the most bytes it may have (a larger file is refused unread). */
export interface ReadContext {
  readonly signal?: { readonly aborted: boolean };
  readonly maxBytes?: number;
}

/**
 * A read-only tree of model files: a folder of the user's own, a local mirror laid out like
 * `shared/weights` (`<model id>/<file>`), or such a mirror over HTTP. `read` resolves undefined for
 * a file that is not there, and throws `IO` for one that cannot be read.
 */
export interface FileTree {
  readonly location: string;
  read(path: string, context?: ReadContext): Promise<Uint8Array | undefined>;
  /** See `WeightSource.fingerprint`. */
  fingerprint?(): Promise<string>;
}

/** Throws unless `key` is a plain relative path (no `..`, no absolute path, no backslash). */
export function checkCacheKey(key: string): string {
  if (typeof key !== 'string' || !key || key.startsWith('/') || key.includes('\\') || key.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw invalidParam('cache key', 'a relative path without . or .. segments', key);
  }
  return key;
}

/** A `CacheStore` in memory (tests; pages without Cache Storage). */
export function memoryCacheStore(location = 'memory'): CacheStore {
  const entries = new Map<string, Uint8Array>();
  return {
    location,
    async get(key) {
      return entries.get(checkCacheKey(key))?.slice();
    },
    async put(key, bytes) {
      entries.set(checkCacheKey(key), bytes.slice());
    },
    async delete(key) {
      entries.delete(checkCacheKey(key));
    },
  };
}

/** A `FileTree` over an in-memory map of files. */
export function memoryTree(files: Readonly<Record<string, Uint8Array>>, location = 'memory'): FileTree {
  return { location, read: async (path) => files[path] };
}
