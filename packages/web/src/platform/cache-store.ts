import { type CacheStore, type DownloadProgress, type FetchLike, type FileTree, ImpastoError, ModelStore as CoreModelStore, type ModelEntry, checkCacheKey, firstLineOf } from '@impasto/core/platform';
import { env } from './env';

/** The Cache Storage bucket Impasto keeps verified weights and built graphs in. */
export const CACHE_NAME = 'impasto-v2';
const OLD_CACHES = ['impasto-weights-v1', 'impasto-graphs-v1'];
const KEY_ORIGIN = 'https://impasto.invalid/';

function cacheStorage(): CacheStorage | undefined {
  // Cache Storage exists only in secure contexts (https, localhost); elsewhere nothing is kept.
  const cs = (globalThis as { caches?: CacheStorage }).caches;
  return cs && (globalThis as { isSecureContext?: boolean }).isSecureContext !== false ? cs : undefined;
}

/**
 * Platform contract 3: a `CacheStore` over Cache Storage (one bucket, keys as URLs under an
 * invalid origin). A `put` is one `cache.put`, which the browser commits whole or not at all.
 * Where the page has no Cache Storage (insecure context, private mode), undefined.
 */
export function cacheStorageStore(name = CACHE_NAME): CacheStore | undefined {
  const cs = cacheStorage();
  if (!cs) return undefined;
  let bucket: Promise<Cache> | undefined;
  const open = () => (bucket ??= cs.open(name));
  const url = (key: string) => KEY_ORIGIN + checkCacheKey(key).split('/').map(encodeURIComponent).join('/');
  return {
    location: `Cache Storage '${name}'`,
    async get(key) {
      try {
        const hit = await (await open()).match(url(key));
        return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
      } catch {
        return undefined;
      }
    },
    async put(key, bytes) {
      try {
        await (await open()).put(url(key), new Response(bytes.slice(), { headers: { 'content-type': 'application/octet-stream' } }));
      } catch (e) {
        throw new ImpastoError('IO', `could not keep ${key} in Cache Storage: ${firstLineOf(e)}`, { cause: e });
      }
    },
    async delete(key) {
      await (await open()).delete(url(key)).catch(() => false);
    },
  };
}

function resolveUrl(url: string): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  return base ? new URL(url, base).href : url;
}

/** A `FileTree` over HTTP: a weights mirror at `baseUrl` laid out `<model id>/<file>`; 404 is "not there". */
export function httpTree(baseUrl: string, fetchFn?: FetchLike): FileTree {
  const prefix = baseUrl.replace(/\/?$/, '/');
  const doFetch: FetchLike = fetchFn ?? ((u, init) => fetch(u, init as RequestInit) as never);
  return {
    location: prefix,
    async read(path, context) {
      const url = resolveUrl(prefix + checkCacheKey(path));
      let res;
      try {
        res = await doFetch(url, { signal: context?.signal });
      } catch (e) {
        if (context?.signal?.aborted) throw new ImpastoError('ABORTED', `fetching ${path} was aborted`, { cause: e });
        throw new ImpastoError('DOWNLOAD_FAILED', `could not fetch ${url}: ${firstLineOf(e)}`, { cause: e });
      }
      if (res.status === 404) return undefined;
      if (!res.ok) throw new ImpastoError('DOWNLOAD_FAILED', `could not fetch ${url}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

/** Where the browser store looks: Cache Storage, a mirror URL, then the public URL. Plain data, so a worker takes it. */
export interface WebStoreOptions {
  /** URL prefix of a weights mirror laid out like `shared/weights` (`<base>/fst/wave/…`); unset, none. */
  weightsBaseUrl?: string;
  /** Keep verified weights and built graphs in Cache Storage [true]. */
  cache?: boolean;
  /** Download from the catalogue's public URL when nothing else has a file [true]. */
  download?: boolean;
}

/** `WebStoreOptions` and the things that are not data. */
export interface ModelStoreOptions extends WebStoreOptions {
  /** Replaces the global `fetch`. */
  fetch?: FetchLike;
  /** Replaces a model's public URL prefix. */
  baseUrl?: (model: ModelEntry) => string;
  onProgress?: (p: DownloadProgress) => void;
}

/** Core's model store with the browser's defaults: Cache Storage, an optional mirror URL, the public URL. */
export class ModelStore extends CoreModelStore {
  constructor(options: ModelStoreOptions = {}) {
    const weights = options.weightsBaseUrl ?? env.weights;
    super({
      cache: (options.cache ?? env.cache) === false ? undefined : cacheStorageStore(),
      mirror: weights !== undefined ? httpTree(weights, options.fetch) : undefined,
      // The mirror is another server: keep what it sent, as downloads are kept.
      cacheMirror: true,
      download: options.download ?? env.allowDownloads,
      fetch: options.fetch,
      baseUrl: options.baseUrl,
      onProgress: options.onProgress,
    });
  }
}

/** Deletes Impasto's Cache Storage buckets (weights and graphs, also those of older versions). */
export async function clearCaches(): Promise<void> {
  const cs = cacheStorage();
  if (!cs) return;
  await Promise.all([CACHE_NAME, ...OLD_CACHES].map((n) => cs.delete(n)));
}
