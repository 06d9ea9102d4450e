import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ImpastoError, getModel, type ModelEntry, type WeightSource } from '@impasto/core';
import { downloadVerified, type DownloadProgress } from './download';

/** Where the store looks, in order: `path`, the cache, the mirror, then the public URL. */
export interface ModelStoreOptions {
  /** A folder holding the model's files; used before anything else. */
  path?: string;
  /** Download cache. Default: `IMPASTO_CACHE`, else `~/.cache/impasto`. */
  cacheDir?: string;
  /** Local mirror with one folder per model id. Default: `IMPASTO_WEIGHTS`, else `../shared/weights` if it exists; `null` disables it. */
  mirror?: string | null;
  /** Allow downloads from the public URLs (default true). */
  download?: boolean;
  onProgress?: (p: DownloadProgress & { model: string; file: string }) => void;
  /** Replaces the global `fetch` (tests, proxies). */
  fetch?: typeof fetch;
  /** Replaces a model's public URL prefix (tests, private mirrors over HTTPS). */
  baseUrl?: (model: ModelEntry) => string;
}

function defaultMirror(): string | undefined {
  if (process.env.IMPASTO_WEIGHTS) return resolve(process.env.IMPASTO_WEIGHTS);
  const local = resolve('../shared/weights');
  return existsSync(local) ? local : undefined;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readIfExists(file: string): Promise<Uint8Array | undefined> {
  try {
    const b = await readFile(file);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ImpastoError('IO', `could not read ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Resolves model files to bytes: an explicit folder, the download cache, a local mirror, or a
 * download with SHA-256 check. A file whose hash does not match the catalogue is an error naming it.
 */
export class ModelStore {
  readonly cacheDir: string;
  readonly mirror: string | undefined;
  private readonly verified = new Map<string, string>();

  constructor(private readonly options: ModelStoreOptions = {}) {
    this.cacheDir = resolve(options.cacheDir ?? process.env.IMPASTO_CACHE ?? join(homedir(), '.cache', 'impasto'));
    this.mirror = options.mirror === null ? undefined : options.mirror ? resolve(options.mirror) : defaultMirror();
  }

  /** A source for a catalogued model (`fst/wave`, `vgg19-tfjs-uint8`, …). */
  source(modelId: string): WeightSource {
    const model = getModel(modelId);
    return { location: modelId, read: (file) => this.read(model, file) };
  }

  /** A source over a folder of the user's own files (no checksums to check). */
  static folder(dir: string): WeightSource {
    const root = resolve(dir);
    return {
      location: root,
      async read(file) {
        const b = await readIfExists(join(root, file));
        if (!b) throw new ImpastoError('MISSING_FILE', `missing file ${file} in ${root}`);
        return b;
      },
    };
  }

  private async verify(model: ModelEntry, file: string, path: string, bytes: Uint8Array): Promise<Uint8Array> {
    const want = model.files[file];
    if (!want) return bytes;
    const st = await stat(path);
    const key = `${path}:${st.size}:${st.mtimeMs}`;
    if (this.verified.get(path) === key) return bytes;
    const got = sha256(bytes);
    if (got !== want) {
      throw new ImpastoError('HASH_MISMATCH', `${path} is corrupt or not the published file (SHA-256 ${got.slice(0, 12)}…, expected ${want.slice(0, 12)}…); delete or replace it`);
    }
    this.verified.set(path, key);
    return bytes;
  }

  private async read(model: ModelEntry, file: string): Promise<Uint8Array> {
    const tried: string[] = [];
    const places = [this.options.path, join(this.cacheDir, model.id), this.mirror && join(this.mirror, model.id)];
    for (const dir of places) {
      if (!dir) continue;
      const path = join(resolve(dir), file);
      tried.push(path);
      const bytes = await readIfExists(path);
      if (bytes) return this.verify(model, file, path, bytes);
    }
    const sha = model.files[file];
    if (this.options.download === false || !sha) {
      const why = sha ? 'downloads are disabled' : 'no checksum is known for it, so it is never downloaded';
      throw new ImpastoError('MISSING_FILE', `missing file ${file} of ${model.id} (looked in ${tried.join(', ')}; ${why})`);
    }
    const url = (this.options.baseUrl?.(model) ?? model.baseUrl) + file;
    return downloadVerified(url, join(this.cacheDir, model.id, file), {
      sha256: sha,
      fetch: this.options.fetch,
      onProgress: this.options.onProgress && ((p) => this.options.onProgress!({ ...p, model: model.id, file })),
    });
  }

  /** A built graph from the cache, by key (see `putGraph`). */
  async getGraph(key: string): Promise<Uint8Array | undefined> {
    return readIfExists(join(this.cacheDir, 'graphs', `${key}.onnx`));
  }

  /** Caches a built graph atomically; failures to write are ignored (the cache is an optimisation). */
  async putGraph(key: string, bytes: Uint8Array): Promise<void> {
    const dest = join(this.cacheDir, 'graphs', `${key}.onnx`);
    const tmp = `${dest}.tmp.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      await mkdir(join(this.cacheDir, 'graphs'), { recursive: true });
      await writeFile(tmp, bytes);
      await rename(tmp, dest);
    } catch {
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}
