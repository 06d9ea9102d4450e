/**
 * The browser demo in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
 * upload a photo, run fast style transfer (wave) on onnxruntime-web's wasm provider, and compare the
 * pixels with @impasto/node on the same photo. Skips when Chromium or the weights mirror is absent.
 *
 *   apt-get install -y chromium && npx jest packages/web/test/browser.test.ts
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromiumMissing, launchChromium } from '@impasto/test-support/chromium';
import { startDemoServer, type DemoServer } from '@impasto/test-support/serve-demo';
import { demoDir } from '@impasto/test-support/demo-build';
import { FastStyle, ModelStore, decodeImage } from '../../node/src';
import type { RawImage } from '@impasto/core/platform';
import { rgbDiff } from '@impasto/test-support/pixel-diff';

const ROOT = resolve(__dirname, '../../..');
const WEIGHTS = process.env.IMPASTO_WEIGHTS || resolve(ROOT, '..', 'shared', 'weights');
const PHOTO = resolve(WEIGHTS, '..', 'images', 'content', 'ml5_harriet_128x128.jpg');
const ARTIFACTS = join(ROOT, 'test-artifacts');

const why = chromiumMissing() ?? (!existsSync(join(WEIGHTS, 'fst', 'wave')) || !existsSync(PHOTO)
    ? `no weights mirror / sample photo at ${WEIGHTS} (set IMPASTO_WEIGHTS)`
    : undefined);
if (why) console.warn(`SKIPPED browser tests: ${why}`);
const suite = why ? describe.skip : describe;

// The page.evaluate callbacks run in the browser; this file is type-checked without the DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const self: any;


/** The same photo and style through @impasto/node on the CPU provider (computed once). */
let reference: Promise<{ input: RawImage; expected: RawImage }> | undefined;
function nodeReference() {
  reference ??= (async () => {
    const store = new ModelStore({ mirror: WEIGHTS, cacheDir: mkdtempSync(join(tmpdir(), 'impasto-web-test-')), download: false });
    const fst = await FastStyle.load('wave', { ep: 'cpu' }, { store });
    const input = await decodeImage(PHOTO);
    const expected = await fst.stylizeRaw(input);
    await fst.dispose();
    return { input, expected };
  })();
  return reference;
}


/** Pixels of a canvas on the page. */
async function readCanvas(page: import('playwright-core').Page, id: string): Promise<{ width: number; height: number; data: number[] }> {
  return page.evaluate((canvasId: string) => {
    const c = document.getElementById(canvasId);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    return { width: d.width as number, height: d.height as number, data: Array.from(d.data as Uint8ClampedArray) };
  }, id);
}

const waitSettled = (page: import('playwright-core').Page, states = ['done', 'error']) =>
  page.waitForFunction((s: string[]) => s.includes(document.body.dataset.state ?? ''), states, { timeout: 60_000 });

suite(why ? `browser demo (skipped: ${why})` : 'browser demo in headless Chromium', () => {
  let server: DemoServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let context: import('playwright-core').BrowserContext;
  let demo: string;

  beforeAll(async () => {
    demo = demoDir();
    server = await startDemoServer({ port: 0, host: '127.0.0.1', weightsDir: WEIGHTS, demoDir: demo });
    browser = await launchChromium({ width: 1000, height: 700 });
    context = browser.context;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('stylizes an uploaded photo with wave on wasm, matching @impasto/node', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    const logs: string[] = [];
    page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));

    await page.goto(`${server.url}?worker=0&cache=0`);
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    await page.selectOption('#style', 'wave');
    await page.selectOption('#ep', 'wasm');
    await page.setInputFiles('#photo', PHOTO);
    await waitSettled(page);

    const state: Record<'state' | 'status' | 'provider' | 'time' | 'threads', string> = await page.evaluate(() => ({
      state: document.body.dataset.state,
      status: document.getElementById('status').textContent,
      provider: document.getElementById('provider').textContent,
      time: document.getElementById('time').textContent,
      threads: document.getElementById('threads').textContent,
    }));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'web-demo-wave.png'), fullPage: true });
    if (state.state !== 'done') throw new Error(`demo failed: ${state.status}\n${logs.join('\n')}`);
    expect(state.provider).toBe('wasm');

    const pixels = { input: await readCanvas(page, 'input'), result: await readCanvas(page, 'result') };

    const { input, expected } = await nodeReference();
    const n = input.width * input.height;
    expect([pixels.result.width, pixels.result.height]).toEqual([expected.width, expected.height]);
    const decodeDiff = rgbDiff(pixels.input.data, 4, input.data, input.channels, n);
    const resultDiff = rgbDiff(pixels.result.data, 4, expected.data, expected.channels, n);
    console.log(
      `browser: provider ${state.provider}, inference ${state.time}, threads ${state.threads}; ` +
      `vs node: decoded photo mean |d| ${decodeDiff.mean.toFixed(3)} (max ${decodeDiff.max}), ` +
      `stylized mean |d| ${resultDiff.mean.toFixed(3)} (max ${resultDiff.max})`,
    );
    expect(resultDiff.mean).toBeLessThanOrEqual(1);
  }, 90_000);

  it('auto picks a provider that works, and keeps weights and the graph in Cache Storage', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}?worker=0`);
    await page.selectOption('#style', 'wave');
    await page.selectOption('#ep', 'auto');
    await page.setInputFiles('#photo', PHOTO);
    await waitSettled(page);
    const r: { state: string; status: string; provider: string; caches: Record<string, number> } = await page.evaluate(async () => {
      const counts: Record<string, number> = {};
      for (const name of await self.caches.keys()) counts[name] = (await (await self.caches.open(name)).keys()).length;
      return {
        state: document.body.dataset.state,
        status: document.getElementById('status').textContent,
        provider: document.getElementById('provider').textContent,
        caches: counts,
      };
    });
    await page.close();
    expect(r.state === 'done' ? '' : r.status).toBe('');
    // Headless with --disable-gpu has no WebGPU adapter, so auto falls back to wasm.
    expect(['wasm', 'webgpu']).toContain(r.provider);
    const { getModel } = await import('@impasto/core/platform');
    // One bucket: every weight file, and the built graph with its seal.
    expect(r.caches['impasto-v2']).toBe(Object.keys(getModel('fst/wave').files).length + 2);
  }, 60_000);

  it('runs in a Web Worker with progress, matching @impasto/node', async () => {
    const page = await context.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
    await page.goto(`${server.url}?worker=1&cache=0`);
    await page.selectOption('#style', 'wave');
    await page.selectOption('#ep', 'wasm');
    await page.setInputFiles('#photo', PHOTO);
    await waitSettled(page);
    const r: Record<string, string> = await page.evaluate(() => ({
      state: document.body.dataset.state,
      status: document.getElementById('status').textContent,
      provider: document.getElementById('provider').textContent,
      where: document.getElementById('where').textContent,
      progress: document.getElementById('progress-text').textContent,
    }));
    if (r.state !== 'done') throw new Error(`worker demo failed: ${r.status}\n${logs.join('\n')}`);
    expect(r.where).toBe('worker');
    expect(r.provider).toBe('wasm');
    expect(r.progress).toBe('inference 1/1');
    const result = await readCanvas(page, 'result');
    const { input, expected } = await nodeReference();
    const diff = rgbDiff(result.data, 4, expected.data, expected.channels, input.width * input.height);
    console.log(`worker: stylized mean |d| vs node ${diff.mean.toFixed(3)} (max ${diff.max})`);
    expect(diff.mean).toBeLessThanOrEqual(1);
    await page.close();
  }, 60_000);

  it('aborts a load in the worker', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}?worker=1&cache=0`);
    await page.selectOption('#style', 'udnie');
    await page.setInputFiles('#photo', PHOTO);
    await page.waitForFunction(() => document.body.dataset.state === 'loading', null, { timeout: 10_000 });
    await page.click('#abort');
    await waitSettled(page, ['done', 'error', 'aborted']);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('aborted');
    // The worker is still usable afterwards.
    await page.click('#run');
    await waitSettled(page);
    expect(await page.evaluate(() => document.getElementById('status').textContent)).toMatch(/^Done/);
    await page.close();
  }, 60_000);

  it('answers every message the worker gets: malformed ones and bad pixels with an error naming them', async () => {
    const worker = readdirSync(join(demo, 'assets')).find((f) => /^worker-.*\.js$/.test(f));
    expect(worker).toBeDefined();
    const page = await context.newPage();
    await page.goto(server.url);
    const replies: { sent: string; reply: unknown }[] = await page.evaluate(async (url: string) => {
      const w = new self.Worker(url, { type: 'module' });
      const got: unknown[] = [];
      w.addEventListener('message', (ev: { data: unknown }) => got.push(ev.data));
      const ask = async (msg: unknown) => {
        const before = got.length;
        w.postMessage(msg);
        for (let t = 0; t < 100 && got.length === before; t++) await new Promise((r) => setTimeout(r, 50));
        return got.length > before ? got[got.length - 1] : 'none';
      };
      const px = (data: unknown, width: unknown, height: unknown, channels: unknown) => ({ type: 'stylize', id: 10, image: { data, width, height, channels }, options: {} });
      const cases: [string, unknown][] = [
        ['null', null],
        ['a number', 42],
        ['a string', 'stylize please'],
        ['an unknown type', { type: 'paint', id: 7 }],
        ['no id', { type: 'stylize', image: null, options: {} }],
        ['an abort without a target', { type: 'abort', id: 8 }],
        ['pixels as an Array', px([1, 2, 3, 4], 1, 1, 4)],
        ['pixels as a Float32Array', px(new Float32Array(4), 1, 1, 4)],
        ['7 channels', px(new Uint8Array(7), 1, 1, 7)],
        ['width NaN', px(new Uint8Array(3), NaN, 1, 3)],
        ['width 1.5', px(new Uint8Array(3), 1.5, 1, 3)],
        ['a valid dispose afterwards', { type: 'dispose', id: 11 }],
      ];
      const out = [];
      for (const [sent, msg] of cases) out.push({ sent, reply: await ask(msg) });
      w.terminate();
      return out;
    }, `/assets/${worker}`);
    await page.close();
    const byCase = Object.fromEntries(replies.map((r) => [r.sent, r.reply]));
    const error = (id: number | null, code: string, message: RegExp) => ({ type: 'error', id, code, message: expect.stringMatching(message) });
    expect(byCase).toEqual({
      null: error(null, 'INVALID_ARGUMENT', /the worker takes \{ type, id, … \} objects, not null/),
      'a number': error(null, 'INVALID_ARGUMENT', /not 42 of type number/),
      'a string': error(null, 'INVALID_ARGUMENT', /not 'stylize please' of type string/),
      'an unknown type': error(7, 'INVALID_ARGUMENT', /a 'paint' message is not one the worker takes .*; it takes load, stylize, nst, video, abort, dispose/),
      'no id': error(null, 'INVALID_ARGUMENT', /a 'stylize' message needs a numeric id, not undefined/),
      'an abort without a target': error(8, 'INVALID_ARGUMENT', /needs the numeric id of its target/),
      'pixels as an Array': error(10, 'BAD_IMAGE', /Expected a Uint8Array or Uint8ClampedArray of 8-bit pixels for image\.data but received a value of type array/),
      'pixels as a Float32Array': error(10, 'BAD_IMAGE', /for image\.data but received a Float32Array/),
      '7 channels': error(10, 'BAD_IMAGE', /Expected 3 \(RGB\) or 4 \(RGBA\) for image\.channels but received 7/),
      'width NaN': error(10, 'BAD_IMAGE', /for image\.width but received NaN/),
      'width 1.5': error(10, 'BAD_IMAGE', /for image\.width but received 1\.5/),
      'a valid dispose afterwards': { type: 'disposed', id: 11 },
    });
  }, 60_000);

  it('by default runs in the worker, and the page never blocks for 100 ms during a run (1024x768)', async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    const photo = join(mkdtempSync(join(tmpdir(), 'impasto-longtask-')), 'big.jpg');
    const sharp = (await import('sharp')).default;
    await sharp(PHOTO).resize(1024, 768, { fit: 'fill' }).jpeg().toFile(photo);
    await page.evaluate(() => {
      (self as any).__longTasks = [];
      new (self as any).PerformanceObserver((list: any) => {
        for (const e of list.getEntries()) (self as any).__longTasks.push(e.duration);
      }).observe({ type: 'longtask' });
    });
    await page.selectOption('#style', 'wave');
    await page.setInputFiles('#photo', photo);
    await page.waitForFunction(() => document.body.dataset.state === 'running', null, { timeout: 60_000 });
    // From here to the end of the run: the page's longest task.
    await page.evaluate(() => ((self as any).__longTasks = []));
    await waitSettled(page);
    const r: { state: string; where: string; longest: number; tasks: number } = await page.evaluate(() => ({
      state: document.body.dataset.state,
      where: document.getElementById('where').textContent,
      longest: Math.max(0, ...(self as any).__longTasks),
      tasks: (self as any).__longTasks.length,
    }));
    console.log(`demo, 1024x768 in the worker: longest main-thread task during the run ${r.longest.toFixed(0)} ms (${r.tasks} over 50 ms)`);
    expect(r).toMatchObject({ state: 'done', where: 'worker' });
    expect(r.longest).toBeLessThan(100);
    await page.close();
  }, 120_000);

  it('as a product page: a dropped photo runs, its style\'s gallery card gets a thumbnail, before/after cuts the result, a bad file errs when chosen', async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.evaluate((b64: string) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new (self as any).DataTransfer();
      dt.items.add(new (self as any).File([bytes], 'photo.jpg', { type: 'image/jpeg' }));
      document.dispatchEvent(new (self as any).DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, readFileSync(PHOTO).toString('base64'));
    await waitSettled(page);
    const r = await page.evaluate(() => {
      const card = document.querySelector('#gallery button[aria-pressed="true"]');
      const c = card.querySelector('canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]) painted++;
      const slider = document.getElementById('compare');
      slider.value = '50';
      slider.dispatchEvent(new (self as any).Event('input'));
      return { state: document.body.dataset.state, card: card.title, painted: painted / (d.length / 4), cut: document.getElementById('result').style.clipPath, cards: document.querySelectorAll('#gallery button').length };
    });
    expect(r).toEqual({ state: 'done', card: expect.stringMatching(/^The Great Wave/), painted: 1, cut: 'inset(0px 0px 0px 50%)', cards: 9 });

    await page.goto(`${server.url}?tab=nst`);
    await page.setInputFiles('#nst-content', { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not an image at all') });
    await page.waitForFunction(() => document.body.dataset.nstState === 'error', null, { timeout: 10_000 });
    expect(await page.textContent('#nst-status')).toMatch(/^The content photo: [A-Z_]+: /);
    await page.close();
  }, 120_000);
});
