import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ImpastoError, getModel } from '@impasto/core/platform';
import { ModelStore } from '../src/platform/cache-store';
import { WEIGHTS, tempDir } from './helpers';

/** Serves files from the shared mirror over loopback HTTP, optionally corrupting them. */
function serveMirror(corrupt = false): Promise<{ server: Server; base: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const path = join(WEIGHTS, decodeURIComponent(req.url ?? '').replace(/^\/+/, ''));
    hits.push(req.url ?? '');
    if (!existsSync(path)) return void res.writeHead(404).end();
    const body = readFileSync(path);
    if (corrupt) body[0] = body[0]! ^ 0xff;
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, hits })));
}

describe('ModelStore', () => {
  it('reads from the mirror and verifies hashes', async () => {
    const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tempDir(), download: false });
    const bytes = await store.source('fst/wave').read('manifest.json');
    expect(new TextDecoder().decode(bytes)).toContain('Variable_47');
  });

  it('downloads with progress, verifies, caches atomically and then reads the cache', async () => {
    const { server, base, hits } = await serveMirror();
    try {
      const cacheDir = tempDir();
      const progress: number[] = [];
      const store = new ModelStore({ mirror: null, cacheDir, baseUrl: (m) => `${base}${m.id}/`, onProgress: (p) => progress.push(p.loaded) });
      const a = await store.source('fst/udnie').read('Variable_1');
      expect(a.byteLength).toBe(32 * 4);
      expect(progress.at(-1)).toBe(128);
      expect(readdirSync(join(cacheDir, 'fst/udnie'))).toEqual(['Variable_1']);
      const again = new ModelStore({ mirror: null, cacheDir, baseUrl: (m) => `${base}${m.id}/` });
      await again.source('fst/udnie').read('Variable_1');
      expect(hits).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('rejects a download whose hash does not match and writes nothing', async () => {
    const { server, base } = await serveMirror(true);
    try {
      const cacheDir = tempDir();
      const store = new ModelStore({ mirror: null, cacheDir, baseUrl: (m) => `${base}${m.id}/` });
      await expect(store.source('fst/wave').read('Variable_2')).rejects.toMatchObject({ code: 'HASH_MISMATCH', message: expect.stringMatching(/Variable_2 has SHA-256 .* expected/) });
      expect(existsSync(join(cacheDir, 'fst/wave'))).toBe(false);
    } finally {
      server.close();
    }
  });

  it('names a corrupt local file and never uses it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'manifest.json'), '{"tampered": true}');
    const store = new ModelStore({ path: dir, mirror: WEIGHTS, cacheDir: tempDir() });
    const err = await store.source('fst/wave').read('manifest.json').catch((e: ImpastoError) => e);
    expect(err).toMatchObject({ code: 'HASH_MISMATCH' });
    expect((err as Error).message).toContain(join(dir, 'manifest.json'));
  });

  it('says where it looked when a file cannot be had', async () => {
    const store = new ModelStore({ mirror: tempDir(), cacheDir: tempDir(), download: false });
    await expect(store.source('fst/wave').read('Variable_3')).rejects.toMatchObject({ code: 'MISSING_FILE', message: expect.stringMatching(/Variable_3 of fst\/wave \(looked in .*downloads are disabled/) });
    // A file the catalogue has no checksum for is never downloaded.
    const noHash = new ModelStore({ mirror: tempDir(), cacheDir: tempDir() });
    await expect(noHash.source('vgg19-tfjs').read('group17-shard1of1')).rejects.toThrow(/no checksum is known/);
  });

  it('refuses plain-http downloads from the internet', async () => {
    const store = new ModelStore({ mirror: null, cacheDir: tempDir(), baseUrl: () => 'http://example.com/' });
    await expect(store.source('fst/wave').read('Variable_1')).rejects.toThrow(/only https URLs/);
  });

  it('knows every file of every style with a SHA-256', () => {
    for (const s of ['la_muse', 'mathura', 'matilde_perez', 'matta', 'rain_princess', 'scream', 'udnie', 'wave', 'wreck']) {
      const files = getModel(`fst/${s}`).files;
      expect(Object.keys(files)).toHaveLength(49);
      expect(Object.values(files).every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
    }
    expect(getModel('fst/wave').baseUrl).toMatch(/^https:\/\/raw\.githubusercontent\.com\/ml5js\/ml5-data-and-models\/[0-9a-f]{40}\//);
    expect(() => getModel('nope')).toThrow(/Unknown model 'nope'; known models: .*fst\/wave/);
  });

  it('caches built graphs atomically', async () => {
    const cacheDir = tempDir();
    mkdirSync(cacheDir, { recursive: true });
    const store = new ModelStore({ cacheDir, mirror: null });
    expect(await store.getGraph('k')).toBeUndefined();
    await store.putGraph('k', new Uint8Array([1, 2, 3]));
    expect(Array.from((await store.getGraph('k'))!)).toEqual([1, 2, 3]);
    expect(readdirSync(join(cacheDir, 'graphs')).sort()).toEqual(['k.onnx', 'k.sha256']);
  });
});
