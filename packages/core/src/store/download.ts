import type { AbortSignalLike } from '../util/abort';
import { ImpastoError, firstLine } from '../errors';
import { sha256Hex } from './hash';

/** Progress of one file's download. `total` is 0 when the server does not say. */
export interface DownloadProgress {
  readonly model: string;
  readonly file: string;
  readonly url: string;
  readonly loaded: number;
  readonly total: number;
}

/** The part of a `fetch` Response the store reads (Node 20's and the browsers' both fit). */
export interface ResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }> } } | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** `fetch` as the store calls it. */
export type FetchLike = (url: string, init?: { signal?: AbortSignalLike }) => Promise<ResponseLike>;

export type { AbortSignalLike };

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/** Throws unless `url` is https (or http on loopback, for tests and local mirrors). */
export function checkDownloadUrl(url: string): void {
  const m = /^([a-z]+):\/\/([^/:]+|\[[^\]]+\])/i.exec(url);
  const ok = m && (m[1]!.toLowerCase() === 'https' || (m[1]!.toLowerCase() === 'http' && isLoopback(m[2]!)));
  if (!ok) throw new ImpastoError('DOWNLOAD_FAILED', `refusing to download ${url}: only https URLs are allowed`);
}

/** The global `fetch`, typed for core. */
export function globalFetch(): FetchLike {
  const f = (globalThis as { fetch?: FetchLike }).fetch;
  if (!f) throw new ImpastoError('DOWNLOAD_FAILED', 'this JavaScript runtime has no fetch; pass one in the store options');
  return f;
}

/** Fetches `url` whole, reporting progress, and checks its SHA-256 before anyone sees the bytes. */
export async function downloadVerified(
  url: string,
  sha256: string,
  opts: { fetch?: FetchLike; signal?: AbortSignalLike; onProgress?: (loaded: number, total: number) => void },
): Promise<Uint8Array> {
  checkDownloadUrl(url);
  let res: ResponseLike;
  try {
    res = await (opts.fetch ?? globalFetch())(url, { signal: opts.signal });
  } catch (e) {
    if (opts.signal?.aborted) throw new ImpastoError('ABORTED', `the download of ${url} was aborted`, { cause: e });
    throw new ImpastoError('DOWNLOAD_FAILED', `could not download ${url}: ${firstLine(e)}`, { cause: e });
  }
  if (res.status === 404) throw new ImpastoError('MISSING_FILE', `${url} does not exist (HTTP 404)`);
  if (!res.ok) throw new ImpastoError('DOWNLOAD_FAILED', `could not download ${url}: HTTP ${res.status}`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  try {
    if (res.body) {
      const reader = res.body.getReader();
      for (let step = await reader.read(); !step.done; step = await reader.read()) {
        if (!step.value) continue;
        chunks.push(step.value);
        loaded += step.value.byteLength;
        opts.onProgress?.(loaded, total);
      }
    } else {
      const all = new Uint8Array(await res.arrayBuffer());
      chunks.push(all);
      loaded = all.byteLength;
      opts.onProgress?.(loaded, total);
    }
  } catch (e) {
    if (opts.signal?.aborted) throw new ImpastoError('ABORTED', `the download of ${url} was aborted`, { cause: e });
    throw new ImpastoError('DOWNLOAD_FAILED', `download of ${url} broke off after ${loaded} bytes: ${firstLine(e)}`, { cause: e });
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  const actual = await sha256Hex(bytes);
  if (actual !== sha256) throw new ImpastoError('HASH_MISMATCH', `downloaded ${url} has SHA-256 ${actual}, expected ${sha256}; not saved`);
  return bytes;
}
