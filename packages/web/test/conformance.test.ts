/**
 * One behavioural suite, two platforms: the cases in scripts/conformance/cases.ts run in Node on
 * @impasto/node (cpu) and in headless Chromium on @impasto/web (wasm), from the same pixels. Each
 * platform's answers are checked on their own, then against each other: fast style within
 * mean |d| ≤ 1 on 0–255, NST loss curves within 1e-3 relative over 20 iterations, the same errors.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromiumMissing, launchChromium } from '@impasto/test-support/chromium';
import { CASES, type CaseName, type Fixtures, type PlainImage } from '@impasto/test-support/conformance/cases';
import { startDemoServer, type DemoServer } from '@impasto/test-support/serve-demo';
import { ArbitraryStyle, FastStyle, ModelStore, NeuralStyle, decodeImage } from '../../node/src';
import { absDiff } from '@impasto/test-support/pixel-diff';
import { viteBuild } from '@impasto/test-support/vite-build';

const ROOT = resolve(__dirname, '../../..');
const PAGE = join(__dirname, 'conformance-page');
const WEIGHTS = process.env.IMPASTO_WEIGHTS || resolve(ROOT, '..', 'shared', 'weights');
const IMAGES = resolve(WEIGHTS, '..', 'images');

const missing = chromiumMissing() ?? (existsSync(join(WEIGHTS, 'fst', 'wave')) ? undefined : `no weights mirror at ${WEIGHTS} (set IMPASTO_WEIGHTS)`);
// CI installs Chromium and has the weights: there either missing fails the suite instead of hiding the browser half.
if (missing && process.env.CI) throw new Error(`conformance needs Chromium and the weights in CI: ${missing}`);
if (missing) console.warn(`SKIPPED the browser half of the conformance suite: ${missing}`);

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const self: any;

const plain = (img: { data: ArrayLike<number>; width: number; height: number; channels: number }): PlainImage => ({ ...img, data: Array.from(img.data) });


const maxRel = (a: readonly number[], b: readonly number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!) / Math.max(Math.abs(x), 1e-30)));

type Answers = { [K in CaseName]: Awaited<ReturnType<(typeof CASES)[K]>> };

describe('one product on both platforms', () => {
  let fixtures: Fixtures;
  const node = {} as Answers;
  const web = {} as Partial<Answers>;
  let server: DemoServer | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let page: import('playwright-core').Page | undefined;
  let outDir: string | undefined;

  beforeAll(async () => {
    fixtures = {
      photo: await decodeImage(join(IMAGES, 'content', 'ml5_harriet_128x128.jpg'), { maxSize: 96 }),
      painting: await decodeImage(join(IMAGES, 'style', 'jcjohnson_starry_night.jpg'), { maxSize: 96 }),
    };
    const store = new ModelStore({ mirror: WEIGHTS, cacheDir: mkdtempSync(join(tmpdir(), 'impasto-conf-')), download: false });
    const api = { platform: 'node' as const, ep: 'cpu' as const, FastStyle, NeuralStyle, ArbitraryStyle, store } as never;
    for (const name of Object.keys(CASES) as CaseName[]) (node as Record<string, unknown>)[name] = await CASES[name](api, fixtures);
    if (missing) return;
    outDir = mkdtempSync(join(tmpdir(), 'impasto-conf-page-'));
    viteBuild(PAGE, outDir);
    server = await startDemoServer({ port: 0, host: '127.0.0.1', weightsDir: WEIGHTS, demoDir: outDir });
    browser = await launchChromium();
    page = await browser.context.newPage();
    const logs: string[] = [];
    page.on('pageerror', (e) => logs.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => self.document.body.dataset.ready === '1', null, { timeout: 20_000 }).catch((e) => {
      throw new Error(`${e}\n${logs.join('\n')}`);
    });
    const fx = { photo: plain(fixtures.photo), painting: plain(fixtures.painting) };
    for (const name of Object.keys(CASES) as CaseName[]) {
      (web as Record<string, unknown>)[name] = await page.evaluate(([n, f]) => self.runCase(n, f), [name, fx] as const);
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  const both = (check: (a: Answers, platform: string) => void) => {
    check(node, 'node');
    if (!missing) check(web as Answers, 'web');
  };

  it('fast style: keeps sizes and alpha, stylizes on the CPU provider of each platform', () => {
    both((a, platform) => {
      expect(a.fastStyle.provider).toBe(platform === 'node' ? 'cpu' : 'wasm');
      expect([a.fastStyle.image.width, a.fastStyle.image.height]).toEqual([fixtures.photo.width, fixtures.photo.height]);
      expect(a.fastStyle.odd).toEqual([33, 18, 4, 200]);
      expect(Math.max(...a.fastStyle.shrunk)).toBe(40);
    });
  });

  (missing ? it.skip : it)('fast style: the browser gives the pixels Node gives (mean |d| ≤ 1)', () => {
    const d = absDiff(node.fastStyle.image, web.fastStyle!.image);
    console.log(`conformance: fast style wave node vs browser mean |d| ${d.mean.toFixed(3)}, max ${d.max}`);
    expect(d.mean).toBeLessThanOrEqual(1);
  });

  it('bad options fail the same way, with a code and the valid choices', () => {
    both((a) => {
      const [quality, maxSize, format, maxPixels, unknown, style, net, disposed] = a.badOptions.errors;
      expect(quality).toMatch(/^INVALID_ARGUMENT: Expected integer between 1 and 100 for quality but received 101/);
      expect(maxSize).toMatch(/^INVALID_ARGUMENT: Expected integer between 1 and 65535 for maxSize/);
      expect(format).toMatch(/^INVALID_ARGUMENT: Expected one of png, jpeg, webp, avif, tiff for format/);
      expect(maxPixels).toMatch(/^IMAGE_TOO_LARGE: /);
      expect(unknown).toMatch(/^INVALID_ARGUMENT: Unknown option 'iterations' for stylizing an image; valid options: maxSize, maxPixels, format, quality/);
      expect(style).toMatch(/^UNKNOWN_STYLE: Unknown style 'monet'; valid styles: la_muse/);
      expect(net).toMatch(/^INVALID_ARGUMENT: Expected one of vgg19, vgg19-f32, squeezenet for net/);
      expect(disposed).toMatch(/^INVALID_ARGUMENT: this FastStyle was disposed/);
    });
    if (!missing) expect(web.badOptions!.errors.filter((_, i) => i !== 3)).toEqual(node.badOptions.errors.filter((_, i) => i !== 3));
  });

  it('neural style: the loss falls, checkpoints come, and a second run on the engine repeats the first', () => {
    both((a) => {
      const { first, secondLosses } = a.neuralStyle;
      expect(first.losses).toHaveLength(20);
      expect(first.losses[19]!).toBeLessThan(0.5 * first.losses[0]!);
      expect(first.checkpoints).toEqual([8, 16]);
      expect(Object.keys(first.terms[0]!).sort()).toEqual(['content', 'photorealism', 'style', 'tv']);
      expect([first.image.width, first.image.height]).toEqual([fixtures.photo.width, fixtures.photo.height]);
      expect(secondLosses).toEqual(first.losses);
    });
  });

  (missing ? it.skip : it)('neural style: the browser follows Node\'s loss curve within 1e-3 relative over 20 iterations', () => {
    const rel = maxRel(node.neuralStyle.first.losses, web.neuralStyle!.first.losses);
    const relStyle = maxRel(node.styleFromNoise.losses, web.styleFromNoise!.losses);
    console.log(
      `conformance: NST loss curves node vs browser max rel diff ${rel.toExponential(2)} (transfer), ${relStyle.toExponential(2)} (style from noise); ` +
        `second run start-up ${node.neuralStyle.secondStartupMs.toFixed(0)} ms in node, ${web.neuralStyle!.secondStartupMs.toFixed(0)} ms in the browser`,
    );
    expect(rel).toBeLessThanOrEqual(1e-3);
    expect(relStyle).toBeLessThanOrEqual(1e-3);
  });

  it('tiles, coarse to fine, blends, kept colours and style scale work the same through both libraries', () => {
    both((a, platform) => {
      const c = a.controls;
      expect(c.fst.tiles).toBe(4);
      expect(c.fst.passes).toBe(17);
      const f = absDiff(c.fst.image, c.fst.whole);
      const s = absDiff(c.ast.image, c.ast.whole);
      console.log(`conformance ${platform}: tiled vs one pass, fast style mean |d| ${f.mean.toFixed(4)}, arbitrary style ${s.mean.toFixed(4)}`);
      expect(f.mean).toBeLessThanOrEqual(0.1);
      expect(c.ast.tiles).toBe(4);
      expect(s.mean).toBeLessThanOrEqual(0.1);
      expect(c.coarse).toEqual({ iterations: 3 + 3 + 2, losses: 8, width: fixtures.photo.width });
      expect(c.tiledNst.tile).toBe(64);
      expect(Number.isFinite(c.tiledNst.loss)).toBe(true);
    });
    if (!missing) expect(absDiff(node.controls.fst.image, web.controls!.fst.image).mean).toBeLessThanOrEqual(1);
  });

  it('arbitrary style: the photo in the painting at its size, strength in between', () => {
    both((a, platform) => {
      expect(a.arbitraryStyle.provider).toBe(platform === 'node' ? 'cpu' : 'wasm');
      expect([a.arbitraryStyle.image.width, a.arbitraryStyle.image.height]).toEqual([fixtures.photo.width, fixtures.photo.height]);
      const photo = plain(fixtures.photo);
      expect(absDiff(a.arbitraryStyle.half, photo).mean).toBeLessThan(absDiff(a.arbitraryStyle.image, photo).mean);
    });
    if (missing) return;
    const d = absDiff(node.arbitraryStyle.image, web.arbitraryStyle!.image);
    console.log(`conformance: arbitrary style node vs browser mean |d| ${d.mean.toFixed(3)}, max ${d.max}`);
    expect(d.mean).toBeLessThanOrEqual(1);
  });

  it('style reconstruction from noise needs no content image and lowers the loss', () => {
    both((a) => {
      expect(a.styleFromNoise.losses).toHaveLength(10);
      expect(a.styleFromNoise.losses[9]!).toBeLessThan(a.styleFromNoise.losses[0]!);
      expect(Object.keys(a.styleFromNoise.terms[0]!).sort()).toEqual(['style', 'tv']);
    });
  });
});
