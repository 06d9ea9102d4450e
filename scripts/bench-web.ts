/**
 * Browser benchmark: fast style transfer (wave) in headless Chromium, @impasto/web on onnxruntime-web's
 * wasm provider vs TensorFlow.js + tfjs-backend-wasm (ml5.js's stack), each at several thread counts,
 * on a cross-origin isolated page (COOP/COEP, so both can use wasm threads). Both runtimes size their
 * thread pool once per page, so every configuration gets a fresh page. Each size: median of N runs
 * after a warm-up. With a `profile` configuration, ORT's per-node profile of one run per size,
 * summed per op type. Prints tables and writes bench-results/web-latest.json.
 *
 *   npm run build && npm run bench:web [-- --sizes 256,512 --runs 3 --configs ort:1,ort:default,ort:2,tfjs:1,tfjs:2,profile:default]
 *
 * A configuration is `engine:threads`: engine ort (on the page), worker (ORT in @impasto/web's Web
 * Worker), tfjs or profile (ORT on the page, profiled); threads a count
 * or `default` (each engine's own choice: @impasto/web's, or TF.js's hardwareConcurrency / 2). TF.js
 * caps its threads at hardwareConcurrency / 2, so for more the page reports more cores to it.
 * Needs Chromium (IMPASTO_CHROMIUM, else /usr/bin/chromium) and the weights mirror (IMPASTO_WEIGHTS).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { chromiumMissing, launchChromium } from './chromium';
import { defaultWeightsDir, startDemoServer } from './serve-demo';

const ROOT = resolve(__dirname, '..');
const BENCH = join(ROOT, 'packages', 'web', 'bench');

interface OpTime { op: string; ms: number; count: number }
interface SizeResult { size: number; warmupMs: number; runsMs: number[]; medianMs: number; rgb: string; ops?: OpTime[] }
interface PageResult {
  userAgent: string; crossOriginIsolated: boolean; hardwareConcurrency: number; threadsAsked: number | null;
  runs: number; style: string; image: string; version: string; engine: string; threads: number; loadMs: number; sizes: SizeResult[];
}
interface Config { name: string; engine: 'ort' | 'worker' | 'tfjs'; profile: boolean; threads?: number }

function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`;
  return [line(rows[0]!), `| ${w.map((n) => '-'.repeat(n)).join(' | ')} |`, ...rows.slice(1).map(line)].join('\n');
}

function parseConfig(spec: string): Config {
  const [engine, threads = 'default'] = spec.split(':');
  if (engine !== 'ort' && engine !== 'worker' && engine !== 'tfjs' && engine !== 'profile') throw new Error(`--configs: unknown engine in ${spec} (ort, worker, tfjs, profile)`);
  const n = threads === 'default' ? undefined : Number(threads);
  if (n !== undefined && !(Number.isInteger(n) && n > 0)) throw new Error(`--configs: bad thread count in ${spec}`);
  return { name: spec, engine: engine === 'profile' ? 'ort' : engine, profile: engine === 'profile', threads: n };
}

/** Mean |a - b| over two base64 RGB images. */
function meanAbsDiff(a: string, b: string): number {
  const x = Buffer.from(a, 'base64');
  const y = Buffer.from(b, 'base64');
  if (x.length !== y.length) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
}

async function runPage(context: BrowserContext, url: string, config: Config, sizes: number[], runs: number): Promise<PageResult> {
  const page = await context.newPage();
  try {
    page.on('console', (m) => console.log(`  [${config.name}] ${m.text()}`));
    page.on('pageerror', (e) => console.log(`  [${config.name} pageerror] ${e.message}`));
    page.on('response', (r) => { if (r.status() >= 400 || r.url().endsWith('.wasm')) console.log(`  [${config.name} http ${r.status()}] ${r.url()}`); });
    const query = new URLSearchParams({
      engine: config.engine, sizes: sizes.join(','), runs: String(config.profile ? 1 : runs),
      ...(config.threads !== undefined ? { threads: String(config.threads) } : {}), ...(config.profile ? { profile: '1' } : {}),
    });
    await page.goto(`${url}?${query}`);
    const w = 'window';
    await page.waitForFunction(`(${w}).benchResult || (${w}).benchError`, null, { timeout: 900_000, polling: 500 });
    const err = await page.evaluate(`(${w}).benchError`);
    if (err) throw new Error(`benchmark page (${config.name}) failed: ${err}`);
    return (await page.evaluate(`(${w}).benchResult`)) as PageResult;
  } finally {
    await page.close();
  }
}

function opTable(results: { config: Config; page: PageResult }[]): string | undefined {
  const profiled = results.filter((r) => r.config.profile);
  if (!profiled.length) return undefined;
  const rows = [['size', 'threads', 'op type', 'nodes', 'ms', '% of node time']];
  for (const { page } of profiled) {
    for (const s of page.sizes) {
      const total = (s.ops ?? []).reduce((a, o) => a + o.ms, 0);
      for (const o of s.ops ?? []) rows.push([`${s.size}²`, String(page.threads), o.op, String(o.count), o.ms.toFixed(1), (100 * o.ms / total).toFixed(1)]);
      rows.push([`${s.size}²`, String(page.threads), 'all nodes', String((s.ops ?? []).reduce((a, o) => a + o.count, 0)), total.toFixed(1), `100 (run ${s.runsMs[0]!.toFixed(0)} ms)`]);
    }
  }
  return table(rows);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const sizes = (arg('--sizes') ?? arg('--size') ?? '256,512').split(',').map(Number);
  const runs = Number(arg('--runs') ?? 3);
  const configs = (arg('--configs') ?? 'ort:1,ort:default,ort:2,tfjs:1,tfjs:2,profile:default').split(',').map(parseConfig);
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
  const results: { config: Config; page: PageResult }[] = [];
  try {
    for (const config of configs) results.push({ config, page: await runPage(chrome.context, server.url, config, sizes, runs) });
  } finally {
    await chrome.close();
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }

  const timed = results.filter((r) => !r.config.profile);
  const first = results[0]!.page;
  const browser = /Chrome\/[\d.]+/.exec(first.userAgent)?.[0] ?? first.userAgent;
  // Ratios against the same engine on 1 thread and against TF.js on its most threads (threads on both sides).
  const oneThread = (engine: string) => timed.find((r) => r.config.engine === engine && r.page.threads === 1);
  const tfjsBest = timed.filter((r) => r.config.engine === 'tfjs').sort((a, b) => b.page.threads - a.page.threads)[0];
  const tfjsAny = timed.find((r) => r.config.engine === 'tfjs');
  const rows = [['size', 'engine', 'asked', 'wasm threads', 'median ms', 'runs ms', 'warm-up ms', 'vs 1 thread', `vs TF.js ${tfjsBest?.page.threads ?? '-'} threads`, 'mean |d| vs TF.js']];
  for (const size of sizes) {
    const at = (r: { page: PageResult } | undefined) => r?.page.sizes.find((s) => s.size === size);
    for (const r of timed) {
      const s = at(r)!;
      const other = r.config.engine !== 'tfjs' ? at(tfjsAny) : undefined;
      rows.push([`${size}²`, r.page.engine, r.config.threads === undefined ? 'default' : String(r.config.threads), String(r.page.threads),
        s.medianMs.toFixed(0), s.runsMs.map((x) => x.toFixed(0)).join(', '), s.warmupMs.toFixed(0),
        at(oneThread(r.config.engine)) ? (at(oneThread(r.config.engine))!.medianMs / s.medianMs).toFixed(2) : '-', at(tfjsBest) ? (at(tfjsBest)!.medianMs / s.medianMs).toFixed(2) : '-',
        other ? meanAbsDiff(s.rgb, other.rgb).toFixed(3) : '-']);
    }
  }
  const text = table(rows);
  const ops = opTable(results);
  console.log(`\n${browser}, crossOriginIsolated ${first.crossOriginIsolated}, hardwareConcurrency ${first.hardwareConcurrency}; ` +
    `${[...new Set(results.map((r) => r.page.version))].join(', ')}; style ${first.style}\n`);
  console.log(text);
  if (ops) console.log(`\nonnxruntime-web wasm, per op type (one profiled run per size):\n\n${ops}`);
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  const file = join(ROOT, 'bench-results', 'web-latest.json');
  const json = results.map(({ config, page }) => ({ config: config.name, ...page, sizes: page.sizes.map(({ rgb: _rgb, ...s }) => s) }));
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), browser, results: json, table: text, ops }, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
