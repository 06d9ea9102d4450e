/**
 * Browser benchmark: fast style transfer (wave, 512x512) in headless Chromium, @impasto/web on
 * onnxruntime-web's wasm provider vs TensorFlow.js + tfjs-backend-wasm (ml5.js's stack), in the same
 * cross-origin isolated page (COOP/COEP, so both can use wasm threads). Median of 3 runs after a
 * warm-up each. Prints a table and writes bench-results/web-latest.json.
 *
 *   npm run build && npm run bench:web [-- --size 512 --runs 3 --threads N]
 *
 * Needs Chromium (IMPASTO_CHROMIUM, else /usr/bin/chromium) and the weights mirror (IMPASTO_WEIGHTS).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromiumMissing, launchChromium } from './chromium';
import { defaultWeightsDir, startDemoServer } from './serve-demo';

const ROOT = resolve(__dirname, '..');
const BENCH = join(ROOT, 'packages', 'web', 'bench');

interface Engine { engine: string; threads: number; loadMs: number; warmupMs: number; runsMs: number[]; medianMs: number }
interface Result {
  userAgent: string; crossOriginIsolated: boolean; hardwareConcurrency: number; size: number; runs: number;
  style: string; image: string; tfjsVersion: string; ortVersion: string; engines: Engine[]; speedup: number; meanAbsDiff: number;
}

function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`;
  return [line(rows[0]!), `| ${w.map((n) => '-'.repeat(n)).join(' | ')} |`, ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const size = Number(arg('--size') ?? 512);
  const runs = Number(arg('--runs') ?? 3);
  const threads = arg('--threads');
  const weightsDir = defaultWeightsDir();
  const images = resolve(weightsDir, '..', 'images', 'content');
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  if (!existsSync(join(weightsDir, 'fst', 'wave'))) throw new Error(`no weights mirror at ${weightsDir} (set IMPASTO_WEIGHTS)`);
  if (!existsSync(join(ROOT, 'packages', 'web', 'dist', 'index.js'))) throw new Error('packages/web is not built; run npm run build');

  // Build the page (it imports @impasto/web by name, i.e. the built dist).
  const out = mkdtempSync(join(tmpdir(), 'impasto-bench-web-'));
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const b = spawnSync(process.execPath, [vite, 'build', BENCH, '--config', join(BENCH, 'vite.config.ts'), '--outDir', out, '--emptyOutDir'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`vite build failed:\n${b.stdout}\n${b.stderr}`);

  const tfjsWasmDir = dirname(createRequire(join(ROOT, 'package.json')).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const server = await startDemoServer({
    port: 0, host: '127.0.0.1', demoDir: out, weightsDir,
    extraMounts: [['/tfjs-wasm/', join(tfjsWasmDir, 'dist')], ['/images/', images]],
  });
  const chrome = await launchChromium();
  const context = chrome.context;
  let result: Result;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => console.log(`  [page] ${m.text()}`));
    page.on('pageerror', (e) => console.log(`  [pageerror] ${e.message}`));
    page.on('response', (r) => { if (r.status() >= 400 || r.url().includes('.wasm')) console.log(`  [http ${r.status()}] ${r.url()}`); });
    const query = new URLSearchParams({ size: String(size), runs: String(runs), ...(threads ? { threads } : {}) });
    await page.goto(`${server.url}?${query}`);
    const w = 'window';
    await page.waitForFunction(`(${w}).benchResult || (${w}).benchError`, null, { timeout: 600_000, polling: 500 });
    const err = await page.evaluate(`(${w}).benchError`);
    if (err) throw new Error(`benchmark page failed: ${err}`);
    result = (await page.evaluate(`(${w}).benchResult`)) as Result;
  } finally {
    await chrome.close();
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }

  const browser = /Chrome\/[\d.]+/.exec(result.userAgent)?.[0] ?? result.userAgent;
  const [ortR] = result.engines;
  const rows = [['size', 'engine', 'wasm threads', 'median ms', 'runs ms', 'warm-up ms', 'vs TF.js wasm']];
  for (const e of result.engines) {
    rows.push([`${result.size}²`, e.engine, String(e.threads), e.medianMs.toFixed(0), e.runsMs.map((x) => x.toFixed(0)).join(', '),
      e.warmupMs.toFixed(0), (result.engines[1]!.medianMs / e.medianMs).toFixed(2)]);
  }
  const text = table(rows);
  console.log(`\n${browser}, crossOriginIsolated ${result.crossOriginIsolated}, hardwareConcurrency ${result.hardwareConcurrency}; ` +
    `onnxruntime-web ${result.ortVersion}, tfjs ${result.tfjsVersion}; style ${result.style}\n`);
  console.log(text);
  console.log(`\n@impasto/web is ${result.speedup.toFixed(2)}x faster than TF.js wasm (median ${ortR!.medianMs.toFixed(0)} vs ${result.engines[1]!.medianMs.toFixed(0)} ms); ` +
    `outputs differ by mean |d| ${result.meanAbsDiff.toFixed(3)} / 255.`);
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  const file = join(ROOT, 'bench-results', 'web-latest.json');
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), browser, ...result, table: text }, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
