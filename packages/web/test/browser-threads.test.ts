/**
 * onnxruntime-web's wasm threads in real headless Chromium: on a cross-origin isolated page
 * (COOP/COEP, as scripts/serve-demo.ts serves the demo) @impasto/web starts ORT with
 * `defaultWasmThreads()` (every core up to 4: more than 1 here), on the page and in its Web Worker,
 * and ORT really starts those thread workers; without isolation it falls back to 1 thread, says why
 * once on the console, and still stylizes. FST 'wave' at 32x32, so each case takes about a second.
 *
 *   npx jest packages/web/test/browser-threads.test.ts
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromiumMissing, launchChromium } from '@impasto/test-support/chromium';
import type { PlainImage } from '@impasto/test-support/conformance/cases';
import { startDemoServer, type DemoServer } from '@impasto/test-support/serve-demo';
import { absDiff } from '@impasto/test-support/pixel-diff';
import { viteBuild } from '@impasto/test-support/vite-build';

const ROOT = resolve(__dirname, '../../..');
const PAGE = join(__dirname, 'conformance-page');
const WEIGHTS = process.env.IMPASTO_WEIGHTS || resolve(ROOT, '..', 'shared', 'weights');
const SIZE = 32;

const missing = chromiumMissing() ?? (existsSync(join(WEIGHTS, 'fst', 'wave')) ? undefined : `no weights mirror at ${WEIGHTS} (set IMPASTO_WEIGHTS)`);
if (missing && process.env.CI) throw new Error(`the browser threads test needs Chromium and the weights in CI: ${missing}`);
if (missing) console.warn(`SKIPPED the browser threads test: ${missing}`);

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const self: any;

interface ThreadsReport {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  defaultThreads: number;
  provider: string;
  threads: number;
  pixels: number[];
}

/** Deterministic RGB pixels with edges and gradients. */
function pattern(width: number, height: number): PlainImage {
  const data: number[] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.push((x * 8 + y * 3) & 255, (y * 8 + x * y) & 255, Math.round(128 + 127 * Math.sin(x / 3) * Math.cos(y / 4)));
  return { data, width, height, channels: 3 };
}

(missing ? describe.skip : describe)('wasm threads in the browser', () => {
  let isolated: DemoServer | undefined;
  let plain: DemoServer | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let outDir: string | undefined;
  const image = pattern(SIZE, SIZE);
  /** Pixels from the isolated page's main thread, to compare every other run with. */
  let reference: number[] | undefined;

  /** A fresh page of `server`, ready, with its console lines kept in `logs`. */
  async function open(server: DemoServer, logs: string[]): Promise<import('playwright-core').Page> {
    const page = await browser!.context.newPage();
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    await page.goto(server.url);
    await page.waitForFunction(() => self.document.body.dataset.ready === '1', null, { timeout: 20_000 }).catch((e) => {
      throw new Error(`${e}\n${logs.join('\n')}`);
    });
    return page;
  }

  const threadsOn = (page: import('playwright-core').Page, where: 'page' | 'worker'): Promise<ThreadsReport> =>
    page.evaluate(([w, img]) => self.threadsOn(w, img), [where, image] as const);

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'impasto-threads-page-'));
    viteBuild(PAGE, outDir);
    isolated = await startDemoServer({ port: 0, host: '127.0.0.1', weightsDir: WEIGHTS, demoDir: outDir });
    plain = await startDemoServer({ port: 0, host: '127.0.0.1', weightsDir: WEIGHTS, demoDir: outDir, crossOriginIsolated: false });
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await isolated?.close();
    await plain?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('a cross-origin isolated page runs wasm on every core up to 4 (more than 1 here), and ORT starts those threads', async () => {
    const logs: string[] = [];
    const page = await open(isolated!, logs);
    const r = await threadsOn(page, 'page');
    const ortWorkers = page.workers().filter((w) => w.url().includes('ort-wasm-simd-threaded')).length;
    console.log(`isolated page: hardwareConcurrency ${r.hardwareConcurrency}, wasm threads ${r.threads}, ORT thread workers ${ortWorkers}`);
    await page.close();
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.provider).toBe('wasm');
    expect(r.defaultThreads).toBe(Math.min(4, r.hardwareConcurrency));
    expect(r.threads).toBe(r.defaultThreads);
    if (r.hardwareConcurrency > 1) expect(r.threads).toBeGreaterThan(1);
    // Every thread but the page's own is a Web Worker running ORT's runtime.
    expect(ortWorkers).toBeGreaterThanOrEqual(r.threads - 1);
    expect(logs.filter((l) => /not cross-origin isolated/.test(l))).toEqual([]);
    expect(r.pixels).toHaveLength(SIZE * SIZE * 3);
    reference = r.pixels;
  }, 60_000);

  it("@impasto/web's worker on that page runs wasm on the same threads and stylizes alike", async () => {
    const logs: string[] = [];
    const page = await open(isolated!, logs);
    const r = await threadsOn(page, 'worker');
    await page.close();
    console.log(`isolated worker: wasm threads ${r.threads}`);
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.provider).toBe('wasm');
    expect(r.threads).toBe(r.defaultThreads);
    if (r.hardwareConcurrency > 1) expect(r.threads).toBeGreaterThan(1);
    if (reference) expect(absDiff(r.pixels, reference).max).toBeLessThanOrEqual(1);
  }, 60_000);

  it('without COOP/COEP it falls back to 1 thread, says why once, and still stylizes (page and worker)', async () => {
    const logs: string[] = [];
    const page = await open(plain!, logs);
    const here = await threadsOn(page, 'page');
    const inWorker = await threadsOn(page, 'worker');
    await page.close();
    console.log(`plain page: wasm threads ${here.threads} (page), ${inWorker.threads} (worker)`);
    expect(here.crossOriginIsolated).toBe(false);
    expect([here.defaultThreads, here.threads, inWorker.threads]).toEqual([1, 1, 1]);
    expect([here.provider, inWorker.provider]).toEqual(['wasm', 'wasm']);
    // Once on the page and once in the worker (each has its own ONNX Runtime); Playwright reports both.
    const notes = logs.filter((l) => /not cross-origin isolated/.test(l));
    expect(notes.map((l) => /this (page|worker)/.exec(l)?.[1]).sort()).toEqual(['page', 'worker']);
    expect(absDiff(here.pixels, reference ?? inWorker.pixels).max).toBeLessThanOrEqual(1);
    expect(absDiff(inWorker.pixels, reference ?? here.pixels).max).toBeLessThanOrEqual(1);
  }, 60_000);
});
