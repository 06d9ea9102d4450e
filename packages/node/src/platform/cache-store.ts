import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readRegularFile } from '../read-file';
import { env } from './env';
import { type CacheStore, type FileTree, ImpastoError, invalidParam, ModelStore as CoreModelStore, type ModelEntry, type DownloadProgress, checkCacheKey, type FetchLike } from '@impasto/core/platform';

/** Weight files and cached graphs larger than this are refused unless a caller expects more. */
const MAX_MODEL_FILE_BYTES = 1 << 30;

function readIfExists(file: string, maxBytes = MAX_MODEL_FILE_BYTES): Promise<Uint8Array | undefined> {
  return readRegularFile(file, { maxBytes, what: 'model file', code: 'BAD_MODEL', missing: 'undefined' });
}

function inside(root: string, path: string): string {
  try {
    return join(root, checkCacheKey(path));
  } catch {
    throw new ImpastoError('BAD_MODEL', `'${path}' is not a file inside ${root}; model files are named by plain relative paths`);
  }
}

/**
 * A `FileTree` over a folder: the user's own files, or a mirror laid out `<model id>/<file>`.
 * Only regular files inside it are read (no `..`, no devices or FIFOs), up to the size expected.
 */
export function folderTree(dir: string): FileTree {
  const root = resolve(dir);
  return {
    location: root,
    read: (path, context) => readIfExists(inside(root, path), context?.maxBytes),
    // Names, sizes and modification times of its files: cheap, and changed by any rewrite.
    async fingerprint() {
      const names = (await readdir(root).catch(() => [] as string[])).sort();
      const stats = await Promise.all(names.map(async (n) => stat(join(root, n)).then((s) => `${n}:${s.size}:${s.mtimeMs}`, () => `${n}:-`)));
      return createHash('sha256').update(stats.join('\n')).digest('hex').slice(0, 32);
    },
  };
}

/**
 * Platform contract 3: a `CacheStore` of files under `dir`, each written to a temporary file in
 * the same folder and renamed into place, so concurrent loads never read half a file.
 */
export function fileCacheStore(dir: string): CacheStore {
  const root = resolve(dir);
  return {
    location: root,
    get: (key) => readIfExists(join(root, checkCacheKey(key))),
    async put(key, bytes) {
      const dest = join(root, checkCacheKey(key));
      const tmp = `${dest}.tmp.${process.pid}.${randomBytes(4).toString('hex')}`;
      try {
        await mkdir(resolve(dest, '..'), { recursive: true });
        await writeFile(tmp, bytes);
        await rename(tmp, dest);
      } catch (e) {
        await rm(tmp, { force: true }).catch(() => undefined);
        throw new ImpastoError('IO', `could not save ${dest}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
      }
    },
    // Recursive: an entry replaced by a folder is dropped too (rm removes a symlink, not what it points to).
    async delete(key) {
      await rm(join(root, checkCacheKey(key)), { force: true, recursive: true });
    },
  };
}

/** Where the Node store looks, in order: `path`, the cache, the mirror, then the public URL. */
export interface ModelStoreOptions {
  /** A folder holding the model's files, used before anything else. */
  path?: string;
  /** Download and graph cache [`IMPASTO_CACHE`, else `~/.cache/impasto`]. */
  cacheDir?: string;
  /** Local mirror with one folder per model id [`IMPASTO_WEIGHTS`]; `null` ignores the variable. */
  mirror?: string | null;
  /** Download from the public URLs when nothing else has a file [true]. */
  download?: boolean;
  onProgress?: (p: DownloadProgress) => void;
  /** Replaces the global `fetch` (tests, proxies). */
  fetch?: FetchLike;
  /** Replaces a model's public URL prefix (tests, private HTTPS mirrors). */
  baseUrl?: (model: ModelEntry) => string;
}

/**
 * Core's model store with Node's defaults: files cached under `cacheDir` (`IMPASTO_CACHE`,
 * `~/.cache/impasto`) and the `IMPASTO_WEIGHTS` mirror. Nothing is looked up relative to the
 * working directory.
 */
export class ModelStore extends CoreModelStore {
  readonly cacheDir: string;
  readonly mirror: string | undefined;

  constructor(options: ModelStoreOptions = {}) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalidParam('options', 'an object of model store options', options);
    const cacheDir = resolve(options.cacheDir ?? (typeof env.cache === 'string' ? env.cache : join(homedir(), '.cache', 'impasto')));
    const mirror = options.mirror === null ? undefined : (options.mirror ?? env.weights) || undefined;
    super({
      path: options.path ? folderTree(options.path) : undefined,
      cache: options.cacheDir === undefined && env.cache === false ? undefined : fileCacheStore(cacheDir),
      mirror: mirror ? folderTree(mirror) : undefined,
      download: options.download ?? env.allowDownloads,
      fetch: options.fetch,
      baseUrl: options.baseUrl,
      onProgress: options.onProgress,
      log: (message) => {
        if (env.verbose) process.stderr.write(`impasto: ${message}\n`);
      },
    });
    this.cacheDir = cacheDir;
    this.mirror = mirror && resolve(mirror);
  }

  /** A built graph from the cache (see `graphs`). */
  getGraph(key: string): Promise<Uint8Array | undefined> {
    return this.graphs.get(key);
  }

  /** Caches a built graph; failures to write are ignored (the cache is an optimisation). */
  putGraph(key: string, bytes: Uint8Array): Promise<void> {
    return this.graphs.put(key, bytes);
  }
}
