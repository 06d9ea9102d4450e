import { ImpastoError, getModel, sha256Hex, type GraphCache, type WeightSource } from '@impasto/core';

/** Cache Storage bucket for weights; bump the suffix if the key scheme changes. */
export const WEIGHTS_CACHE_NAME = 'impasto-weights-v1';
/** Cache Storage bucket for built ONNX graphs. */
export const GRAPHS_CACHE_NAME = 'impasto-graphs-v1';

export interface FetchSourceOptions {
  /**
   * URL prefix of a mirror laid out like the weights folder (`<base>/<model id>/<path>`, e.g.
   * `/weights/` gives `/weights/fst/wave/manifest.json`). Unset, files come from the catalogue's
   * public URL (pinned to a commit).
   */
  baseUrl?: string;
  /** Keep verified files in Cache Storage when the page has it (default true). */
  cache?: boolean;
  /** Called as each verified file arrives (from the network or Cache Storage). */
  onFile?: (path: string, bytes: number) => void;
  /** The `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

function cacheStorage(): CacheStorage | undefined {
  // Cache Storage exists only in secure contexts (https, localhost); elsewhere we simply refetch.
  const cs = (globalThis as { caches?: CacheStorage }).caches;
  return cs && (globalThis as { isSecureContext?: boolean }).isSecureContext !== false ? cs : undefined;
}

function resolveUrl(url: string): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  return base ? new URL(url, base).href : url;
}

/**
 * A `WeightSource` for catalogued model `modelId` that fetches each file over HTTP, checks its
 * SHA-256 against the catalogue and keeps it in Cache Storage. Files the catalogue does not list
 * are never fetched (`MISSING_FILE`); a file whose hash differs is `HASH_MISMATCH`.
 */
export function fetchSource(modelId: string, options: FetchSourceOptions = {}): WeightSource {
  const model = getModel(modelId);
  const prefix = options.baseUrl !== undefined
    ? `${options.baseUrl.replace(/\/?$/, '/')}${model.id}/`
    : model.baseUrl;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const useCache = options.cache !== false;
  let cachePromise: Promise<Cache | undefined> | undefined;
  const openCache = () => {
    cachePromise ??= (async () => {
      const cs = useCache ? cacheStorage() : undefined;
      try {
        return cs ? await cs.open(WEIGHTS_CACHE_NAME) : undefined;
      } catch {
        return undefined;
      }
    })();
    return cachePromise;
  };

  return {
    location: prefix,
    async read(path) {
      const want = model.files[path];
      if (!want) throw new ImpastoError('MISSING_FILE', `missing file ${path} of ${model.id} (the catalogue does not list it)`);
      const url = resolveUrl(prefix + path);
      const cache = await openCache();
      if (cache) {
        try {
          const hit = await cache.match(url);
          if (hit) {
            const bytes = new Uint8Array(await hit.arrayBuffer());
            if ((await sha256Hex(bytes)) === want) {
              options.onFile?.(path, bytes.length);
              return bytes;
            }
            await cache.delete(url);
          }
        } catch {
          // A broken cache entry is refetched.
        }
      }
      let res: Response;
      try {
        res = await doFetch(url, { signal: options.signal });
      } catch (e) {
        if (options.signal?.aborted) throw new ImpastoError('ABORTED', `fetching ${path} of ${model.id} was aborted`, { cause: e });
        throw new ImpastoError('DOWNLOAD_FAILED', `could not fetch ${url}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      if (res.status === 404) throw new ImpastoError('MISSING_FILE', `missing file ${path} of ${model.id} (404 from ${url})`);
      if (!res.ok) throw new ImpastoError('DOWNLOAD_FAILED', `could not fetch ${url}: HTTP ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const got = await sha256Hex(bytes);
      if (got !== want) {
        throw new ImpastoError('HASH_MISMATCH', `${url} is not the published file (SHA-256 ${got.slice(0, 12)}…, expected ${want.slice(0, 12)}…)`);
      }
      options.onFile?.(path, bytes.length);
      if (cache) {
        try {
          await cache.put(url, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
        } catch {
          // Quota or private mode: carry on without caching.
        }
      }
      return bytes;
    },
  };
}

/** A `GraphCache` over Cache Storage, or undefined where the page has none. */
export function cacheStorageGraphCache(): GraphCache | undefined {
  const cs = cacheStorage();
  if (!cs) return undefined;
  const keyUrl = (key: string) => `https://impasto.invalid/graphs/${encodeURIComponent(key)}`;
  return {
    async get(key) {
      try {
        const hit = await (await cs.open(GRAPHS_CACHE_NAME)).match(keyUrl(key));
        return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
      } catch {
        return undefined;
      }
    },
    async put(key, bytes) {
      try {
        await (await cs.open(GRAPHS_CACHE_NAME)).put(keyUrl(key), new Response(bytes.slice()));
      } catch {
        // Not caching is fine.
      }
    },
  };
}

/** Deletes Impasto's Cache Storage buckets (weights and graphs). */
export async function clearCaches(): Promise<void> {
  const cs = cacheStorage();
  if (!cs) return;
  await Promise.all([cs.delete(WEIGHTS_CACHE_NAME), cs.delete(GRAPHS_CACHE_NAME)]);
}
