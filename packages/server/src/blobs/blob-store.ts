import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { ServiceError } from '../service-error';

/** What a blob is written from: bytes, or a stream of chunks (an upload as it arrives). */
export type BlobData = Uint8Array | AsyncIterable<Uint8Array>;

/** A local file holding a blob, for tools that read paths (ffmpeg); `release` removes it if it was a copy. */
export interface LocalFile {
  readonly path: string;
  release(): Promise<void>;
}

/**
 * Where job inputs, checkpoints and results live, by key (`jobs/<id>/input`): never in the queue's
 * job data. A folder (one machine, or a volume every machine mounts), or Redis itself for blobs
 * under a size cap (so workers on other machines need no shared disk).
 */
export interface BlobStore {
  /** Writes `data` under `key`; more than `maxBytes` is `PAYLOAD_TOO_LARGE` and leaves nothing. Returns the size. */
  put(key: string, data: BlobData, o?: { maxBytes?: number }): Promise<number>;
  /** The blob's bytes, or undefined when there is none (expired, deleted). */
  get(key: string): Promise<Uint8Array | undefined>;
  /** A file holding the blob (`NOT_FOUND` when there is none). */
  localFile(key: string): Promise<LocalFile>;
  /** Removes every blob under `prefix` (`jobs/<id>/`). */
  deletePrefix(prefix: string): Promise<void>;
  /** Removes blobs that outlived `ttlMs` since they were written (what a restart left behind); returns how many job folders went. */
  sweep(ttlMs: number): Promise<number>;
  close(): Promise<void>;
}

const KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Throws unless `key` is one of ours (letters, digits, `_-.`, slashes; no `..`): no client-chosen paths. */
export function checkBlobKey(key: string): string {
  if (!KEY.test(key) || key.split('/').some((s) => s === '.' || s === '..')) throw new Error(`not a blob key: ${key}`);
  return key;
}

/** Copies `data` to `file`, counting bytes: more than `maxBytes` stops and throws. */
async function writeCounted(file: string, data: BlobData, maxBytes: number): Promise<number> {
  if (data instanceof Uint8Array) {
    if (data.byteLength > maxBytes) throw tooLarge(maxBytes);
    await writeFile(file, data);
    return data.byteLength;
  }
  const out = createWriteStream(file);
  let n = 0;
  try {
    for await (const chunk of data) {
      n += chunk.byteLength;
      if (n > maxBytes) throw tooLarge(maxBytes);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', r));
    }
    await new Promise<void>((ok, fail) => out.end((e?: Error | null) => (e ? fail(e) : ok())));
    return n;
  } catch (e) {
    out.destroy();
    throw e;
  }
}

export function tooLarge(maxBytes: number): ServiceError {
  return new ServiceError(413, 'PAYLOAD_TOO_LARGE', `the upload is larger than ${maxBytes} bytes, the server's limit`);
}

/** Blobs as files under `dir`, each written to a temporary name and renamed: never read half-written. */
export class FolderBlobStore implements BlobStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  private path(key: string): string {
    return join(this.dir, checkBlobKey(key));
  }

  async put(key: string, data: BlobData, o: { maxBytes?: number } = {}): Promise<number> {
    const dest = this.path(key);
    await mkdir(dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      const n = await writeCounted(tmp, data, o.maxBytes ?? Number.MAX_SAFE_INTEGER);
      await rename(tmp, dest);
      return n;
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async localFile(key: string): Promise<LocalFile> {
    const path = this.path(key);
    await stat(path).catch(() => {
      throw new ServiceError(404, 'NOT_FOUND', `no blob ${key}: it expired or was never written`);
    });
    return { path, release: async () => undefined };
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(join(this.dir, checkBlobKey(prefix.replace(/\/$/, ''))), { recursive: true, force: true });
  }

  async sweep(ttlMs: number): Promise<number> {
    let n = 0;
    const jobs = join(this.dir, 'jobs');
    for (const name of await readdir(jobs).catch(() => [] as string[])) {
      const st = await stat(join(jobs, name)).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > ttlMs) {
        await rm(join(jobs, name), { recursive: true, force: true });
        n++;
      }
    }
    return n;
  }

  async close(): Promise<void> {}
}

/** The minimal Redis commands the store uses (ioredis's). */
export interface RedisLike {
  set(key: string, value: Buffer | string, px: 'PX', ms: number): Promise<unknown>;
  getBuffer(key: string): Promise<Buffer | null>;
  get(key: string): Promise<string | null>;
  del(...keys: string[]): Promise<number>;
  scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', n: number): Promise<[string, string[]]>;
  quit(): Promise<unknown>;
}

/**
 * Blobs in Redis itself (under `impasto:blob:`, expiring after `ttlMs`), so a worker on another
 * machine needs no shared disk; a blob larger than `maxBytes` goes to `overflow` (a folder every
 * machine mounts) when there is one, else it is refused with what to do.
 */
export class RedisBlobStore implements BlobStore {
  constructor(
    private readonly redis: RedisLike,
    private readonly o: { maxBytes: number; ttlMs: number; overflow?: FolderBlobStore },
  ) {}

  private k(key: string): string {
    return `impasto:blob:${checkBlobKey(key)}`;
  }

  async put(key: string, data: BlobData, o: { maxBytes?: number } = {}): Promise<number> {
    const limit = o.maxBytes ?? Number.MAX_SAFE_INTEGER;
    const chunks: Uint8Array[] = [];
    let n = 0;
    const source: AsyncIterable<Uint8Array> = data instanceof Uint8Array ? (async function* () { yield data; })() : data;
    const it = source[Symbol.asyncIterator]();
    for (;;) {
      const { done, value } = await it.next();
      if (done) break;
      n += value.byteLength;
      if (n > limit) throw tooLarge(limit);
      chunks.push(value);
      if (n > this.o.maxBytes) {
        if (!this.o.overflow) {
          throw new ServiceError(413, 'PAYLOAD_TOO_LARGE', `the upload is larger than ${this.o.maxBytes} bytes, what this server keeps in Redis; start it with --data on a folder every worker mounts`);
        }
        // Too large for Redis: the rest streams to the shared folder, and Redis notes where it went.
        const rest = (async function* () {
          yield* chunks;
          for (;;) {
            const r = await it.next();
            if (r.done) return;
            yield r.value;
          }
        })();
        const size = await this.o.overflow.put(key, rest, o);
        await this.redis.set(this.k(key), 'file', 'PX', this.o.ttlMs);
        return size;
      }
    }
    await this.redis.set(this.k(key), Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))), 'PX', this.o.ttlMs);
    return n;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const b = await this.redis.getBuffer(this.k(key));
    if (!b) return undefined;
    if (b.length === 4 && b.toString() === 'file') return this.o.overflow?.get(key);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }

  async localFile(key: string): Promise<LocalFile> {
    const b = await this.redis.getBuffer(this.k(key));
    if (!b) throw new ServiceError(404, 'NOT_FOUND', `no blob ${key}: it expired or was never written`);
    if (b.length === 4 && b.toString() === 'file' && this.o.overflow) return this.o.overflow.localFile(key);
    const dir = join(tmpdir(), 'impasto-blobs');
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 16)}-${randomBytes(4).toString('hex')}`);
    await writeFile(path, b);
    return { path, release: () => rm(path, { force: true }) };
  }

  async deletePrefix(prefix: string): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.k(prefix.replace(/\/$/, ''))}/*`, 'COUNT', 200);
      if (keys.length) await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await this.o.overflow?.deletePrefix(prefix);
  }

  async sweep(ttlMs: number): Promise<number> {
    // Redis expires its own keys; only the overflow folder needs sweeping.
    return (await this.o.overflow?.sweep(ttlMs)) ?? 0;
  }

  async close(): Promise<void> {}
}
