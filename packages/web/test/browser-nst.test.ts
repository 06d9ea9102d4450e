/**
 * Optimisation-based neural style transfer in the browser demo, in real headless Chromium (Debian's
 * /usr/bin/chromium, driven by playwright-core): a short SqueezeNet run in the demo's worker (loss
 * falls, the live checkpoint preview appears), and Cancel stopping a run. Skips when Chromium or the
 * weights mirror / sample images are absent.
 *
 *   npx jest packages/web/test/browser-nst.test.ts
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromiumMissing, launchChromium } from '@impasto/test-support/chromium';
import { startDemoServer, type DemoServer } from '@impasto/test-support/serve-demo';
import { demoDir } from '@impasto/test-support/demo-build';

const ROOT = resolve(__dirname, '../../..');
const WEIGHTS = process.env.IMPASTO_WEIGHTS || resolve(ROOT, '..', 'shared', 'weights');
const IMAGES = resolve(WEIGHTS, '..', 'images');
const CONTENT = join(IMAGES, 'content', 'skimage_chelsea.png');
const STYLE = join(IMAGES, 'style', 'jcjohnson_starry_night.jpg');
const ARTIFACTS = join(ROOT, 'test-artifacts');

const why = chromiumMissing() ?? (!existsSync(join(WEIGHTS, 'squeezenet1_1-caffe')) || !existsSync(CONTENT) || !existsSync(STYLE)
    ? `no weights mirror / sample images at ${WEIGHTS} (set IMPASTO_WEIGHTS)`
    : undefined);
if (why) console.warn(`SKIPPED browser NST tests: ${why}`);
const suite = why ? describe.skip : describe;

// The page.evaluate callbacks run in the browser; this file is type-checked without the DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const self: any;

type Page = import('playwright-core').Page;

interface NstView {
  state: string;
  status: string;
  provider: string;
  ms: string;
  losses: number[];
  checkpoints: number;
  lastIteration: number;
  preview: { width: number; height: number; nonBlank: boolean };
}

const view = (page: Page): Promise<NstView> =>
  page.evaluate(() => {
    const s = self.impastoNst;
    const c = document.getElementById('nst-preview');
    let nonBlank = false;
    if (c.width && c.height) {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length && !nonBlank; i += 4) nonBlank = d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2];
    }
    return {
      state: document.body.dataset.nstState ?? '',
      status: document.getElementById('nst-status').textContent,
      provider: document.getElementById('nst-provider').textContent,
      ms: document.getElementById('nst-ms').textContent,
      losses: [...s.losses],
      checkpoints: s.checkpoints,
      lastIteration: s.lastIteration,
      preview: { width: c.width, height: c.height, nonBlank },
    };
  });

async function setUp(page: Page, url: string, iterations: number, logs: string[]) {
  page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  await page.goto(`${url}?tab=nst&cache=0`);
  // The expert settings are folded away until asked for.
  expect(await page.isVisible('#nst-net')).toBe(false);
  await page.click('#nst-more summary');
  await page.selectOption('#nst-net', 'squeezenet');
  await page.selectOption('#nst-ep', 'wasm');
  await page.fill('#nst-size', '128');
  await page.fill('#nst-iterations', String(iterations));
  await page.fill('#nst-every', '5');
  await page.setInputFiles('#nst-content', CONTENT);
  await page.setInputFiles('#nst-style', STYLE);
  await page.waitForFunction(() => !document.getElementById('nst-run').disabled, null, { timeout: 10_000 });
}

suite(why ? `browser NST (skipped: ${why})` : 'browser NST in headless Chromium', () => {
  let server: DemoServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let outDir: string;
  let context: import('playwright-core').BrowserContext;

  beforeAll(async () => {
    outDir = demoDir();
    server = await startDemoServer({ port: 0, host: '127.0.0.1', weightsDir: WEIGHTS, demoDir: outDir });
    browser = await launchChromium({ width: 1200, height: 800 });
    context = browser.context;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('runs 20 SqueezeNet iterations at 128 px in the worker: the loss falls and checkpoints show', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    const logs: string[] = [];
    await setUp(page, server.url, 20, logs);
    const t0 = Date.now();
    await page.click('#nst-run');
    await page.waitForFunction(() => ['done', 'error', 'aborted'].includes(document.body.dataset.nstState ?? ''), null, { timeout: 45_000 });
    const v = await view(page);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'web-demo-nst.png'), fullPage: true });
    if (v.state !== 'done') throw new Error(`NST failed: ${v.status}\n${logs.join('\n')}`);
    const first = v.losses[0]!;
    const last = v.losses[v.losses.length - 1]!;
    console.log(
      `browser NST: provider ${v.provider}, ${v.losses.length} iterations, ${v.ms} ms/iteration, ` +
      `${((Date.now() - t0) / 1000).toFixed(1)} s in all; loss ${first.toExponential(3)} -> ${last.toExponential(3)}; ` +
      `${v.checkpoints} checkpoints; result ${v.preview.width}x${v.preview.height}`,
    );
    expect(v.losses).toHaveLength(20);
    expect(last).toBeLessThan(first);
    expect(v.checkpoints).toBeGreaterThanOrEqual(3); // iterations 5, 10, 15 (the 20th is the result)
    expect(Math.max(v.preview.width, v.preview.height)).toBe(128);
    expect(v.preview.nonBlank).toBe(true);
    expect(['wasm', 'webgpu']).toContain(v.provider);
  }, 60_000);

  it('runs on the main thread through neuralStyle() (the demo exposes it as impasto.neuralStyle)', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}?cache=0`);
    // As data: URLs (a base64 string crosses to the page much faster than an array of numbers).
    const contentUrl = `data:image/png;base64,${readFileSync(CONTENT).toString('base64')}`;
    const styleUrl = `data:image/jpeg;base64,${readFileSync(STYLE).toString('base64')}`;
    const r: { ok: boolean; losses?: number[]; checkpoints?: number; size?: number[]; provider?: string; error?: string } = await page.evaluate(
      async ([c, st]: string[]) => {
        const g = self.impasto;
        const losses: number[] = [];
        let checkpoints = 0;
        try {
          const run = g.neuralStyle(
            { content: await (await fetch(c!)).blob(), style: await (await fetch(st!)).blob() },
            { size: 64, iterations: 4, checkpointEvery: 2, ep: 'wasm' },
            { store: g.store },
          );
          for await (const e of run.events) (e.type === 'progress' ? losses.push(e.loss) : checkpoints++);
          const out = await run.result;
          return { ok: true, losses, checkpoints, size: [out.image.width, out.image.height], provider: out.provider };
        } catch (e: any) {
          return { ok: false, error: `${e.code}: ${e.message}` };
        }
      },
      [contentUrl, styleUrl],
    );
    await page.close();
    if (!r.ok) throw new Error(r.error);
    console.log(`browser NST on the main thread: provider ${r.provider}, losses ${r.losses!.map((l) => l.toExponential(2)).join(' ')}`);
    expect(r.losses).toHaveLength(4);
    expect(r.losses![3]!).toBeLessThan(r.losses![0]!);
    expect(r.checkpoints).toBe(1); // at iteration 2 (the 4th is the result)
    expect(r.size).toEqual([64, 43]);
  }, 30_000);

  it('a photo transfer in the worker: the photo preset with region masks, and Preview colours on the page', async () => {
    const page = await context.newPage();
    const logs: string[] = [];
    await setUp(page, server.url, 4, logs);
    const dir = join(ARTIFACTS, 'masks');
    mkdirSync(dir, { recursive: true });
    // Two regions each: the photo's top and bottom, the style image's left and right.
    const sharp = (await import('sharp')).default;
    const label = async (file: string, w: number, h: number, top: boolean) => {
      const data = Buffer.alloc(w * h * 3);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set((top ? y < h / 2 : x < w / 2) ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
      await sharp(data, { raw: { width: w, height: h, channels: 3 } }).png().toFile(file);
    };
    const [c, st] = [await sharp(CONTENT).metadata(), await sharp(STYLE).metadata()];
    await label(join(dir, 'content.png'), c.width!, c.height!, true);
    await label(join(dir, 'style.png'), st.width!, st.height!, false);
    await page.selectOption('#nst-preset', 'photo');
    await page.selectOption('#nst-net', 'squeezenet');
    await page.setInputFiles('#nst-content-mask', join(dir, 'content.png'));
    await page.setInputFiles('#nst-style-mask', join(dir, 'style.png'));
    await page.click('#nst-recolor');
    await page.waitForFunction(() => /Colours only \(2 regions\)/.test(document.getElementById('nst-preview-caption').textContent), null, { timeout: 10_000 });
    await page.click('#nst-run');
    await page.waitForFunction(() => /^Result after/.test(document.getElementById('nst-preview-caption').textContent) || ['error', 'aborted'].includes(document.body.dataset.nstState ?? ''), null, { timeout: 45_000 });
    const v = await view(page);
    if (v.state !== 'done') throw new Error(`photo transfer failed: ${v.status}\n${logs.join('\n')}`);
    console.log(`browser photo transfer: ${v.status}`);
    expect(v.losses).toHaveLength(4);
    expect(await page.evaluate(() => document.getElementById('nst-terms').textContent)).toMatch(/photorealism \d/);
    expect(v.preview.nonBlank).toBe(true);
    await page.close();
  }, 60_000);

  it('Cancel stops a run between iterations', async () => {
    const page = await context.newPage();
    const logs: string[] = [];
    await setUp(page, server.url, 2000, logs);
    await page.click('#nst-run');
    await page.waitForFunction(() => (self.impastoNst?.lastIteration ?? 0) >= 3, null, { timeout: 30_000 });
    await page.click('#nst-cancel');
    await page.waitForFunction(() => ['done', 'error', 'aborted'].includes(document.body.dataset.nstState ?? ''), null, { timeout: 10_000 });
    const v = await view(page);
    if (v.state !== 'aborted') throw new Error(`expected a cancelled run: ${v.state} ${v.status}\n${logs.join('\n')}`);
    // No more progress arrives after the cancel, and the Run button is back.
    const at = v.lastIteration;
    await page.waitForTimeout(500);
    expect((await view(page)).lastIteration).toBe(at);
    expect(at).toBeLessThan(2000);
    expect(await page.evaluate(() => document.getElementById('nst-run').disabled)).toBe(false);
    console.log(`browser NST: cancelled after ${at} iterations (${v.status})`);
    // The worker is still usable: a short run afterwards finishes.
    await page.fill('#nst-iterations', '3');
    await page.click('#nst-run');
    await page
      .waitForFunction(() => ['done', 'error'].includes(document.body.dataset.nstState ?? ''), null, { timeout: 20_000 })
      .catch(async (e) => { const x = await view(page); throw new Error(`${e}: ${x.state} ${x.status} ${x.lastIteration}\n${logs.join('\n')}`); });
    const after = await view(page);
    if (after.state !== 'done') throw new Error(`the run after a cancel failed: ${after.status}\n${logs.join('\n')}`);
    expect(after.losses).toHaveLength(3);
    await page.close();
  }, 45_000);
});
