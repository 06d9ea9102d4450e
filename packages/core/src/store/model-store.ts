import { ImpastoError, firstLine, isImpastoError } from '../errors';
import { utf8Decode, utf8Encode } from '../platform';
import type { GraphCache } from '../runtime/graph-cache';
import { type CacheStore, type FileTree, checkCacheKey } from './cache-store';
import { type ModelEntry, getModel } from './catalogue';
import { type AbortSignalLike, type DownloadProgress, type FetchLike, downloadVerified } from './download';
import { sha256Hex } from './hash';
import type { WeightSource } from './source';
import { concatBytes } from '../util/bytes';

/** Where a `ModelStore` looks, in this order: `path`, `cache`, `mirror`, then the public URL. */
export interface ModelStoreParts {
  /** Files of the user's own for the model, looked at first (their hashes are still checked). */
  readonly path?: FileTree;
  /** Verified downloads and built graphs are kept here; a damaged entry is dropped and refetched. */
  readonly cache?: CacheStore;
  /** A local mirror laid out `<model id>/<file>` (e.g. `IMPASTO_WEIGHTS`, or a URL prefix on the web). */
  readonly mirror?: FileTree;
  /** Also keep files from the mirror in the cache (a remote mirror; a local one would only be copied) [false]. */
  readonly cacheMirror?: boolean;
  /** Download from the catalogue's public URL when nothing else has the file [true]. */
  readonly download?: boolean;
  /** Replaces the global `fetch` (tests, proxies). */
  readonly fetch?: FetchLike;
  /** Replaces a model's public URL prefix (tests, private HTTPS mirrors). */
  readonly baseUrl?: (model: ModelEntry) => string;
  readonly onProgress?: (p: DownloadProgress) => void;
  /** Told what the store did that a user may want to know (a damaged cache entry dropped). */
  readonly log?: (message: string) => void;
}

/** Per-call context of a lookup: abort, and progress for this load only. */
export interface LookupContext {
  readonly signal?: AbortSignalLike;
  readonly onProgress?: (p: DownloadProgress) => void;
  /** Called for each verified file as it is returned, from whichever place had it. */
  readonly onFile?: (file: string, bytes: number, from: 'path' | 'cache' | 'mirror' | 'download') => void;
}

/**
 * Resolves catalogued model files to verified bytes through one chain, the same on every
 * platform: explicit path → cache → mirror → HTTPS download with a SHA-256 check (then cached).
 * A file whose hash does not match is never used: `HASH_MISMATCH` names it (a damaged cache entry
 * is dropped and the chain goes on). Files with no known hash are never downloaded.
 */
export class ModelStore {
  constructor(readonly parts: ModelStoreParts = {}) {}

  /** A source over the catalogued model `modelId` (`fst/wave`, `vgg19-tfjs-uint8`, …). */
  source(modelId: string, context: LookupContext = {}): WeightSource {
    const model = getModel(modelId);
    return { location: modelId, read: (file, options) => this.read(model, file, { ...context, maxBytes: options?.maxBytes }) };
  }

  /** The order of places, for messages and `--help`. */
  describe(): string {
    const { path, cache, mirror, download } = this.parts;
    return [path?.location, cache?.location, mirror?.location, download === false ? undefined : 'the public URL'].filter(Boolean).join(' → ');
  }

  private async read(model: ModelEntry, file: string, context: LookupContext & { maxBytes?: number }): Promise<Uint8Array> {
    const want = model.files[file];
    const tried: string[] = [];
    const mismatch = (where: string, got: string) =>
      new ImpastoError('HASH_MISMATCH', `${where} is corrupt or not the published file (SHA-256 ${got.slice(0, 12)}…, expected ${want!.slice(0, 12)}…); delete or replace it`);
    const check = async (bytes: Uint8Array) => (want ? sha256Hex(bytes) : want);

    const found = (bytes: Uint8Array, from: 'path' | 'cache' | 'mirror' | 'download') => {
      context.onFile?.(file, bytes.byteLength, from);
      return bytes;
    };
    const { path, cache, mirror } = this.parts;
    if (path) {
      tried.push(`${path.location}/${file}`);
      const bytes = await path.read(file, context);
      if (bytes) {
        const got = await check(bytes);
        if (got !== want) throw mismatch(`${path.location}/${file}`, got!);
        return found(bytes, 'path');
      }
    }
    // Past the user's own folder, only files the catalogue vouches for are read at all.
    const key = checkCacheKey(`${model.id}/${file}`);
    if (cache && want) {
      tried.push(`${cache.location}/${key}`);
      const bytes = await readCacheEntry(cache, key, this.parts.log);
      if (bytes) {
        if ((await check(bytes)) === want) return found(bytes, 'cache');
        this.parts.log?.(`${cache.location}/${key} failed its SHA-256 check; dropped and fetched again`);
        await cache.delete(key);
      }
    }
    if (mirror && want) {
      tried.push(`${mirror.location}/${key}`);
      const bytes = await mirror.read(key, context);
      if (bytes) {
        const got = await check(bytes);
        if (got !== want) throw mismatch(`${mirror.location}/${key}`, got!);
        if (this.parts.cacheMirror) await cache?.put(key, bytes).catch(() => undefined);
        return found(bytes, 'mirror');
      }
    }
    if (this.parts.download === false || !want) {
      const why = want ? 'downloads are disabled' : 'no checksum is known for it, so it is never downloaded';
      const looked = tried.length ? `looked in ${tried.join(', ')}; ` : '';
      throw new ImpastoError('MISSING_FILE', `missing file ${file} of ${model.id} (${looked}${why})`);
    }
    const url = (this.parts.baseUrl?.(model) ?? model.baseUrl) + file;
    const report = context.onProgress ?? this.parts.onProgress;
    const bytes = await downloadVerified(url, want, {
      fetch: this.parts.fetch,
      signal: context.signal,
      onProgress: report && ((loaded, total) => report({ model: model.id, file, url, loaded, total })),
    }).catch((e: unknown) => {
      // Where the network is closed, a local copy of the weights is the way on: say how to name one.
      if (isImpastoError(e) && e.code === 'DOWNLOAD_FAILED') {
        throw new ImpastoError('DOWNLOAD_FAILED', `${e.message}; point Impasto at a copy of the weights instead (env.weights; IMPASTO_WEIGHTS in Node), laid out <model id>/<file>`, { cause: e });
      }
      throw e;
    });
    await cache?.put(key, bytes).catch(() => undefined);
    return found(bytes, 'download');
  }

  /**
   * Built graphs, kept in the cache beside a SHA-256 of their key and bytes: an entry that was
   * altered, or copied under another key, fails the check and is rebuilt instead of used.
   */
  get graphs(): GraphCache {
    const { cache, log } = this.parts;
    const seal = async (key: string, bytes: Uint8Array) => sha256Hex(concatBytes([utf8Encode(`${key}\n`), bytes]));
    return {
      async get(key) {
        if (!cache) return undefined;
        const [bytes, sum] = await Promise.all([readCacheEntry(cache, graphKey(key), log), readCacheEntry(cache, sealKey(key), log)]);
        if (!bytes || !sum) return undefined;
        if (utf8Decode(sum) !== (await seal(key, bytes))) {
          log?.(`the cached graph ${key} does not match its seal (altered, or stored under another key); rebuilding it`);
          await Promise.all([cache.delete(graphKey(key)), cache.delete(sealKey(key))]);
          return undefined;
        }
        return bytes;
      },
      async put(key, bytes) {
        if (!cache) return;
        try {
          await cache.put(graphKey(key), bytes);
          await cache.put(sealKey(key), utf8Encode(await seal(key, bytes)));
        } catch {
          // The graph cache is an optimisation: a full disk or quota only costs a rebuild.
        }
      },
    };
  }
}

/**
 * A cache entry's bytes; an entry that cannot be read (a directory in its place, no permission, a
 * FIFO) is dropped, said through `log`, and read as missing: the cache is an optimisation, so the
 * caller fetches or rebuilds instead of failing.
 */
async function readCacheEntry(cache: CacheStore, key: string, log: ((message: string) => void) | undefined): Promise<Uint8Array | undefined> {
  try {
    return await cache.get(key);
  } catch (e) {
    log?.(`${cache.location}/${key} could not be read (${firstLine(e, 300)}); dropped, and made again`);
    await cache.delete(key).catch((d: unknown) => log?.(`${cache.location}/${key} could not be removed either (${firstLine(d, 120)})`));
    return undefined;
  }
}

const graphKey = (key: string) => checkCacheKey(`graphs/${key}.onnx`);
const sealKey = (key: string) => checkCacheKey(`graphs/${key}.sha256`);

/** A `WeightSource` over a folder of the user's own (not catalogued: nothing to verify against). */
export function treeSource(tree: FileTree): WeightSource {
  return {
    location: tree.location,
    fingerprint: tree.fingerprint && (() => tree.fingerprint!()),
    async read(file, options) {
      const b = await tree.read(file, options);
      if (!b) throw new ImpastoError('MISSING_FILE', `missing file ${file} in ${tree.location}`);
      return b;
    },
  };
}
