/**
 * Bundling proof: packages/web/examples/bundle-app, an ordinary app that imports `@impasto/web` by
 * its package name, built with Vite's JS API (examples/bundle-app/build.mjs, run in a child process:
 * Vite 7 is ESM-only and jest here loads CommonJS). Checks that the package resolves to its built
 * dist, that the bundle holds no Node built-ins, and (when Chromium and the weights mirror are there)
 * that the built app stylizes a photo in headless Chromium like @impasto/node does.
 *
 * Needs the packages built (`npm run build`).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromiumMissing, launchChromium } from '@impasto/test-support/chromium';
import { startDemoServer, type DemoServer } from '@impasto/test-support/serve-demo';
import { FastStyle, ModelStore, decodeImage } from '../../node/src';

const ROOT = resolve(__dirname, '../../..');
const WEB = resolve(__dirname, '..');
const APP = join(WEB, 'examples', 'bundle-app');
const WEIGHTS = process.env.IMPASTO_WEIGHTS || resolve(ROOT, '..', 'shared', 'weights');
const PHOTO = resolve(WEIGHTS, '..', 'images', 'content', 'ml5_harriet_128x128.jpg');

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

interface BuildReport { ok: boolean; ms: number; modules: string[]; warnings: string[] }

function viteBuild(outDir: string, externalOrt: boolean, app?: string): BuildReport {
  const args = [join(APP, 'build.mjs'), outDir, ...(externalOrt ? ['--external-ort'] : []), ...(app ? ['--app', app] : [])];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as BuildReport;
}

function bundleJs(outDir: string): string {
  const assets = join(outDir, 'assets');
  return readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');
}

const BUILTINS = 'fs|fs/promises|path|os|url|module|crypto|child_process|worker_threads|stream|util|buffer|http|https|net|zlib|perf_hooks|process';
/** Every place the code names a Node built-in module: 'node:*' strings, require/import/from of a built-in. */
function nodeBuiltinRefs(js: string): string[] {
  const re = new RegExp(
    `["'\`]node:[\\w/]+["'\`]|(?:\\brequire\\s*\\(|\\bimport\\s*\\(|\\bfrom)\\s*["'\`](?:${BUILTINS})["'\`]`, 'g');
  const out: string[] = [];
  for (const m of js.matchAll(re)) out.push(js.slice(Math.max(0, m.index! - 60), m.index! + m[0].length + 20));
  return out;
}

describe('bundling @impasto/web with Vite', () => {
  const dirs: string[] = [];
  const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'impasto-bundle-')); dirs.push(d); return d; };
  afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  beforeAll(() => {
    for (const pkg of ['core', 'web']) {
      if (!existsSync(join(ROOT, 'packages', pkg, 'dist', 'index.js'))) {
        throw new Error(`packages/${pkg}/dist is not built; run npm run build first`);
      }
    }
  });

  it('resolves @impasto/web and @impasto/core to their built dist, and our code has no Node built-ins', () => {
    const out = tmp();
    const report = viteBuild(out, true);
    expect(report.ok).toBe(true);
    const ours = report.modules.filter((m) => m.startsWith(join(ROOT, 'packages')));
    expect(ours).toContain(join(WEB, 'dist', 'index.js'));
    expect(ours).toContain(join(ROOT, 'packages', 'core', 'dist', 'index.js'));
    // No source files of the packages: resolution went through the package name + exports map.
    expect(ours.filter((m) => /\/packages\/(core|web|node)\/src\//.test(m))).toEqual([]);
    expect(ours.filter((m) => m.includes('/packages/node/'))).toEqual([]);
    expect(report.warnings.filter((w) => /externalized for browser compatibility/.test(w))).toEqual([]);
    const js = bundleJs(out);
    expect(nodeBuiltinRefs(js)).toEqual([]);
    // The only import left is the one we made external.
    expect([...js.matchAll(/\bfrom\s*["']([^"'./][^"']*)["']/g)].map((m) => m[1])).toEqual(['onnxruntime-web']);
    const opencv = readdirSync(join(out, 'assets')).filter((f) => /^opencv-.*\.js$/.test(f)).map((f) => readFileSync(join(out, 'assets', f), 'utf8').length).reduce((a, b) => a + b, 0);
    console.log(`bundle (onnxruntime-web external): ${report.ms} ms, ${((js.length - opencv) / 1024).toFixed(0)} KiB JS besides OpenCV.js (an asset, ${(opencv / 2 ** 20).toFixed(1)} MiB), ${report.modules.length} modules`);
  }, 30_000);

  it('a video app (examples/bundle-video-app): the worker is one file (Vite 7\'s iife), OpenCV.js an asset it fetches', () => {
    const out = tmp();
    const report = viteBuild(out, false, 'bundle-video-app');
    expect(report.ok).toBe(true);
    const assets = join(out, 'assets');
    const chunks = readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => ({ name: f, js: readFileSync(join(assets, f), 'utf8') }));
    const size = (c: { js: string }) => Buffer.byteLength(c.js);
    const opencv = chunks.filter((c) => size(c) > 5 * 2 ** 20);
    const page = chunks.find((c) => c.name.startsWith('index-'))!;
    const worker = chunks.find((c) => c.name.startsWith('worker-'))!;
    // Exactly one 10 MB file, OpenCV.js; the page and worker stay small; nothing else.
    expect(opencv.map((c) => c.name)).toEqual([expect.stringMatching(/^opencv-.*\.js$/)]);
    expect(chunks.map((c) => c.name).sort()).toEqual([page.name, worker.name, opencv[0]!.name].sort());
    expect(size(page)).toBeLessThan(2 * 2 ** 20);
    expect(size(worker)).toBeLessThan(3 * 2 ** 20);
    // The worker names it by URL (fetched when a video is stabilized); it imports nothing of its own.
    expect(worker.js).toContain(opencv[0]!.name);
    expect(worker.js).not.toMatch(/\bimport\s*\(\s*["'`]\.\//);
    expect(page.js).not.toContain(opencv[0]!.name);
    // The file is an ES module with no imports and no Node built-in.
    expect(opencv[0]!.js).not.toMatch(/^import\s|\bfrom\s*["'][^"']+["'];?\s*$/m);
    expect(opencv[0]!.js).toMatch(/export\s*\{/);
    expect(report.modules.some((m) => m.includes('/mediabunny/'))).toBe(true);
    expect(report.warnings.filter((w) => /externalized for browser compatibility/.test(w))).toEqual([]);
    const refs = chunks.filter((c) => c !== opencv[0]).flatMap((c) => nodeBuiltinRefs(c.js))
      .filter((r) => !(/typeof navigator\s*[=!]==?\s*"undefined"|typeof navigator<"u"|typeof navigator>"u"/.test(r) && r.includes('"node:os"')));
    expect(refs).toEqual([]);
    expect(nodeBuiltinRefs(opencv[0]!.js)).toEqual([]);
    console.log(`video bundle: ${report.ms} ms; page ${(size(page) / 1024).toFixed(0)} KiB, worker ${(size(worker) / 1024).toFixed(0)} KiB, ${opencv[0]!.name} ${(size(opencv[0]!) / 2 ** 20).toFixed(1)} MiB`);
  }, 60_000);

  const why = chromiumMissing() ?? (!existsSync(join(WEIGHTS, 'fst', 'wave')) || !existsSync(PHOTO)
      ? `no weights mirror / sample photo at ${WEIGHTS} (set IMPASTO_WEIGHTS)`
      : undefined);
  if (why) console.warn(`SKIPPED bundled app in Chromium: ${why}`);

  describe('the whole app (onnxruntime-web bundled too)', () => {
    let out: string;
    let report: BuildReport;
    beforeAll(() => {
      out = tmp();
      report = viteBuild(out, false);
    }, 30_000);

    it('builds, copies the ORT wasm, and names no Node built-in outside ORT\'s own Node branch', () => {
      expect(report.ok).toBe(true);
      expect(readdirSync(join(out, 'assets')).some((f) => f.endsWith('.wasm'))).toBe(true);
      // onnxruntime-web's own bundle has one guarded `typeof navigator>"u"?require("node:os")...`
      // for its thread count under Node; nothing else may name a built-in.
      const refs = nodeBuiltinRefs(bundleJs(out)).filter((r) => !(/typeof navigator\s*[=!]==?\s*"undefined"|typeof navigator<"u"|typeof navigator>"u"/.test(r) && r.includes('"node:os"')));
      expect(refs).toEqual([]);
    });

    (why ? it.skip : it)('stylizes a photo in headless Chromium, matching @impasto/node', async () => {
      copyFileSync(PHOTO, join(out, 'photo.jpg'));
      const server: DemoServer = await startDemoServer({ port: 0, host: '127.0.0.1', demoDir: out, weightsDir: WEIGHTS });
      const browser = await launchChromium();
      const context = browser.context;
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        const logs: string[] = [];
        page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
        page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
        await page.goto(server.url);
        await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 60_000 });
        const r: { state: string; status: string; width: number; height: number; data: number[] } = await page.evaluate(() => {
          const c = document.getElementById('out');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height);
          return { state: document.body.dataset.state, status: document.getElementById('status').textContent, width: d.width, height: d.height, data: Array.from(d.data as Uint8ClampedArray) as number[] };
        });
        if (r.state !== 'done') throw new Error(`bundled app failed: ${r.status}\n${logs.join('\n')}`);

        const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tmp(), download: false });
        const fst = await FastStyle.load('wave', { ep: 'cpu' }, { store });
        const expected = await fst.stylizeRaw(await decodeImage(PHOTO));
        await fst.dispose();
        expect([r.width, r.height]).toEqual([expected.width, expected.height]);
        let sum = 0;
        const n = expected.width * expected.height;
        for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) sum += Math.abs(r.data[p * 4 + c]! - expected.data[p * expected.channels + c]!);
        console.log(`bundled app in Chromium: ${r.status}; mean |d| vs @impasto/node ${(sum / (3 * n)).toFixed(3)}`);
        expect(sum / (3 * n)).toBeLessThanOrEqual(1);
      } finally {
        await browser.close();
        await server.close();
      }
    }, 60_000);
  });
});
