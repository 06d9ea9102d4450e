import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ImpastoError } from '@impasto/core';

/** Progress of one file's download. `total` is 0 when the server does not say. */
export interface DownloadProgress {
  readonly url: string;
  readonly loaded: number;
  readonly total: number;
}

export interface DownloadOptions {
  /** Expected SHA-256 (hex); the file is rejected, and nothing is written, on a mismatch. */
  sha256: string;
  onProgress?: (p: DownloadProgress) => void;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/**
 * Downloads `url` to `dest` over HTTPS (or http on loopback, for tests), checks its SHA-256 and
 * renames a temporary file into place, so readers never see a partial or unverified file.
 */
export async function downloadVerified(url: string, dest: string, opts: DownloadOptions): Promise<Uint8Array> {
  const u = new URL(url);
  const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new ImpastoError('DOWNLOAD_FAILED', `refusing to download ${url}: only https URLs are allowed`);
  }
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, { signal: opts.signal });
  } catch (e) {
    throw new ImpastoError('DOWNLOAD_FAILED', `could not download ${url}: ${(e as Error).message}`, { cause: e });
  }
  if (!res.ok || !res.body) throw new ImpastoError('DOWNLOAD_FAILED', `could not download ${url}: HTTP ${res.status}`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const chunks: Uint8Array[] = [];
  const hash = createHash('sha256');
  let loaded = 0;
  const reader = res.body.getReader();
  for (;;) {
    let step: Awaited<ReturnType<typeof reader.read>>;
    try {
      step = await reader.read();
    } catch (e) {
      throw new ImpastoError('DOWNLOAD_FAILED', `download of ${url} broke off after ${loaded} bytes: ${(e as Error).message}`, { cause: e });
    }
    if (step.done) break;
    chunks.push(step.value);
    hash.update(step.value);
    loaded += step.value.byteLength;
    opts.onProgress?.({ url, loaded, total });
  }
  const actual = hash.digest('hex');
  if (actual !== opts.sha256) {
    throw new ImpastoError('HASH_MISMATCH', `downloaded ${url} has SHA-256 ${actual}, expected ${opts.sha256}; not saved`);
  }
  const bytes = Buffer.concat(chunks);
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new ImpastoError('IO', `could not save ${dest}: ${(e as Error).message}`, { cause: e });
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
