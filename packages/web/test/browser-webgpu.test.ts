/**
 * The browser's WebGPU path computes what its wasm path computes, without a GPU: headless Chromium
 * with `--enable-unsafe-webgpu` offers SwiftShader's software adapter (google/swiftshader, a
 * fallback adapter) on a page served from http://127.0.0.1. That adapter is 40–110× slower than
 * wasm, so this checks correctness only, at 64x64: FastStyle 'wave' on webgpu and on wasm from the
 * same pixels, the network's float output compared (max |d| ≤ 5e-3 on 0–255), and which provider
 * `ep: 'auto'` picks when the only adapter is a fallback one.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromiumMissing, launchChromium } from '@impasto/test-support/chromium';
import type { PlainImage } from '@impasto/test-support/conformance/cases';
import { startDemoServer, type DemoServer } from '@impasto/test-support/serve-demo';
import { absDiff } from '@impasto/test-support/pixel-diff';
import { NST_SIZE, type ObjectiveResult } from '@impasto/test-support/webgpu/objective-check';
import { viteBuild } from '@impasto/test-support/vite-build';

const ROOT = resolve(__dirname, '../../..');
const PAGE = join(__dirname, 'conformance-page');
const WEIGHTS = process.env.IMPASTO_WEIGHTS || resolve(ROOT, '..', 'shared', 'weights');
/** Tiny: the fallback adapter is slow. */
const FST_SIZE = 64;

const missing = chromiumMissing() ?? (existsSync(join(WEIGHTS, 'fst', 'wave')) && existsSync(join(WEIGHTS, 'squeezenet1_1-caffe')) ? undefined : `no weights mirror at ${WEIGHTS} (set IMPASTO_WEIGHTS)`);
if (missing && process.env.CI) throw new Error(`the browser WebGPU test needs Chromium and the weights in CI: ${missing}`);
if (missing) console.warn(`SKIPPED the browser WebGPU test: ${missing}`);

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const self: any;

interface Stylized {
  provider: string;
  dims: number[];
  output: number[];
  ms: number;
}

interface AdapterReport {
  hasGpu: boolean;
  adapter: boolean;
  isFallbackAdapter?: boolean;
  info?: Record<string, unknown>;
  features?: string[];
}

/** Deterministic RGB pixels with edges and gradients (what a style network reacts to). */
function pattern(width: number, height: number): PlainImage {
  const data: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.push((x * 4 + y * 3) & 255, (y * 4 + ((x * y) >> 3) + 33) & 255, Math.round(128 + 127 * Math.sin((x + 3) / 5) * Math.cos(y / 7)));
  }
  return { data, width, height, channels: 3 };
}


(missing ? describe.skip : describe)('WebGPU in the browser (SwiftShader fallback adapter)', () => {
  let server: DemoServer | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let page: import('playwright-core').Page;
  let outDir: string | undefined;
  let adapter: AdapterReport;
  const image = pattern(FST_SIZE, FST_SIZE);

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'impasto-webgpu-page-'));
    viteBuild(PAGE, outDir);
    server = await startDemoServer({ port: 0, host: '127.0.0.1', weightsDir: WEIGHTS, demoDir: outDir });
    browser = await launchChromium(undefined, ['--enable-unsafe-webgpu']);
    page = await browser.context.newPage();
    const logs: string[] = [];
    page.on('pageerror', (e) => logs.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => self.document.body.dataset.ready === '1', null, { timeout: 20_000 }).catch((e) => {
      throw new Error(`${e}\n${logs.join('\n')}`);
    });
    adapter = await page.evaluate(async () => {
      const gpu = self.navigator.gpu;
      if (!gpu) return { hasGpu: false, adapter: false };
      const a = await gpu.requestAdapter();
      if (!a) return { hasGpu: true, adapter: false };
      const info = a.info ?? (a.requestAdapterInfo ? await a.requestAdapterInfo() : {});
      const plainInfo: Record<string, unknown> = {};
      for (const k of ['vendor', 'architecture', 'device', 'description', 'isFallbackAdapter', 'subgroupMinSize', 'subgroupMaxSize']) if (info[k] !== undefined) plainInfo[k] = info[k];
      return { hasGpu: true, adapter: true, isFallbackAdapter: a.isFallbackAdapter ?? info.isFallbackAdapter, info: plainInfo, features: [...a.features].sort() };
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('navigator.gpu gives an adapter (SwiftShader, a fallback adapter)', () => {
    console.log(`browser WebGPU adapter: ${JSON.stringify(adapter)}`);
    expect(adapter.hasGpu).toBe(true);
    expect(adapter.adapter).toBe(true);
  });

  it('FastStyle wave on webgpu gives the float output wasm gives (max |d| ≤ 5e-3 on 0–255)', async () => {
    const gpu: Stylized = await page.evaluate(([img]) => self.stylizeOn('webgpu', img), [image] as const);
    const cpu: Stylized = await page.evaluate(([img]) => self.stylizeOn('wasm', img), [image] as const);
    expect(gpu.provider).toBe('webgpu');
    expect(cpu.provider).toBe('wasm');
    expect(gpu.dims).toEqual([1, 3, FST_SIZE, FST_SIZE]);
    expect(cpu.dims).toEqual(gpu.dims);
    const d = absDiff(gpu.output, cpu.output).max;
    const rounded = absDiff(gpu.output.map((v) => Math.round(Math.min(255, Math.max(0, v)))), cpu.output.map((v) => Math.round(Math.min(255, Math.max(0, v))))).max;
    console.log(`browser FST wave ${FST_SIZE}²: webgpu vs wasm max |d| ${d.toExponential(2)} (float), ${rounded} (rounded pixels); webgpu ${gpu.ms.toFixed(0)} ms, wasm ${cpu.ms.toFixed(0)} ms`);
    expect(d).toBeLessThanOrEqual(5e-3);
  }, 120_000);

  it(`the NST objective (SqueezeNet ${NST_SIZE}²) on webgpu gives wasm's loss (1e-3 relative) and gradient (5e-3)`, async () => {
    const gpu: ObjectiveResult = await page.evaluate((ep) => self.objectiveOn(ep), 'webgpu');
    const cpu: ObjectiveResult = await page.evaluate((ep) => self.objectiveOn(ep), 'wasm');
    expect([gpu.provider, cpu.provider]).toEqual(['webgpu', 'wasm']);
    const rel = Math.abs(gpu.loss - cpu.loss) / Math.abs(cpu.loss);
    const g = absDiff(gpu.grad, cpu.grad).max;
    console.log(`browser NST objective ${NST_SIZE}²: loss ${cpu.loss} (wasm) vs ${gpu.loss} (webgpu), rel ${rel.toExponential(2)}; gradient max |d| ${g.toExponential(2)} (max |grad| ${Math.max(...cpu.grad.map(Math.abs)).toExponential(2)}); webgpu ${(gpu.ms / 1000).toFixed(1)} s, wasm ${cpu.ms.toFixed(0)} ms`);
    expect(rel).toBeLessThanOrEqual(1e-3);
    expect(g).toBeLessThanOrEqual(5e-3);
  }, 180_000);

  it("ep 'auto' does not pick a fallback (software) adapter", async () => {
    // Loading is enough to see the choice (running on the fallback adapter is slow).
    const auto: { provider: string } = await page.evaluate(() => self.stylizeOn('auto'));
    console.log(`browser ep 'auto' picked '${auto.provider}' (the only adapter: ${adapter.info?.vendor}/${adapter.info?.architecture}, isFallbackAdapter=${adapter.isFallbackAdapter})`);
    expect(adapter.isFallbackAdapter).toBe(true);
    expect(auto.provider).toBe('wasm');
  }, 60_000);
});
