/**
 * The browser's model store in Node (which has fetch, Response and WebCrypto but no Cache
 * Storage), with a fake fetch. The sources are required untyped: they are type-checked with the
 * DOM library by packages/web/tsconfig.json, which this root-typechecked test does not load.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getModel, type ModelStore, type WeightSource } from '@impasto/core/platform';

type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;
const web = require('../src/platform/cache-store') as {
  ModelStore: new (o?: { weightsBaseUrl?: string; fetch?: FetchLike; cache?: boolean }) => ModelStore;
};

/** What the old per-model fetch source did, through the one store chain: mirror URL, then the public URL. */
function fetchSource(id: string, o: { baseUrl?: string; fetch?: FetchLike; signal?: AbortSignal; onFile?: (p: string, n: number) => void } = {}): WeightSource {
  return new web.ModelStore({ weightsBaseUrl: o.baseUrl, fetch: o.fetch, cache: false }).source(id, { signal: o.signal, onFile: o.onFile });
}

const WEIGHTS = process.env.IMPASTO_WEIGHTS || resolve(__dirname, '../../../../shared/weights');
const model = getModel('fst/wave');
const firstFile = Object.keys(model.files).find((f) => f !== 'manifest.json')!;

function fakeFetch(body: (url: string) => Uint8Array | number): { fetch: FetchLike; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetch: async (url) => {
      urls.push(url);
      const b = body(url);
      return typeof b === 'number' ? new Response('nope', { status: b }) : new Response(b);
    },
  };
}

describe('fetchSource', () => {
  (existsSync(WEIGHTS) ? it : it.skip)('fetches <base>/<model id>/<path> and checks SHA-256 against the catalogue', async () => {
    const f = fakeFetch((url) => new Uint8Array(readFileSync(resolve(WEIGHTS, url.replace('http://mirror/weights/', '')))));
    const seen: string[] = [];
    const src = fetchSource('fst/wave', { baseUrl: 'http://mirror/weights', fetch: f.fetch, onFile: (p) => seen.push(p) });
    const bytes = await src.read(firstFile);
    expect(bytes.length).toBeGreaterThan(0);
    expect(f.urls).toEqual([`http://mirror/weights/fst/wave/${firstFile}`]);
    expect(seen).toEqual([firstFile]);
  });

  it('defaults to the catalogue public URL', async () => {
    const f = fakeFetch(() => 404);
    await expect(fetchSource('fst/wave', { fetch: f.fetch }).read(firstFile)).rejects.toMatchObject({ code: 'MISSING_FILE' });
    expect(f.urls).toEqual([model.baseUrl + firstFile]);
  });

  it('goes on to the public URL when the mirror lacks a file', async () => {
    const f = fakeFetch((url) => (url.startsWith('http://m/') ? 404 : 404));
    await expect(fetchSource('fst/wave', { baseUrl: 'http://m/', fetch: f.fetch }).read(firstFile)).rejects.toMatchObject({ code: 'MISSING_FILE' });
    expect(f.urls).toEqual([`http://m/fst/wave/${firstFile}`, model.baseUrl + firstFile]);
  });

  it('rejects a file whose hash differs (HASH_MISMATCH) and HTTP errors (DOWNLOAD_FAILED)', async () => {
    const bad = fetchSource('fst/wave', { baseUrl: 'http://m/', fetch: fakeFetch(() => new Uint8Array([1, 2, 3])).fetch });
    await expect(bad.read(firstFile)).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
    const down = fetchSource('fst/wave', { baseUrl: 'http://m/', fetch: fakeFetch(() => 503).fetch });
    await expect(down.read(firstFile)).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' });
  });

  it('never fetches a file the catalogue does not list', async () => {
    const f = fakeFetch(() => new Uint8Array(0));
    await expect(fetchSource('fst/wave', { baseUrl: 'http://m/', fetch: f.fetch }).read('evil.bin')).rejects.toMatchObject({ code: 'MISSING_FILE' });
    expect(f.urls).toEqual([]);
  });

  it('reports an aborted fetch as ABORTED', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const fetch: FetchLike = async (_url, init) => {
      if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
      return new Response(new Uint8Array(0));
    };
    await expect(fetchSource('fst/wave', { baseUrl: 'http://m/', fetch, signal: ctl.signal }).read(firstFile)).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
