/**
 * Screenshot of the browser demo for the README: builds packages/web/demo, serves it (scripts/serve-demo.ts),
 * uploads skimage's "chelsea" (CC0) in headless Chromium, stylizes it with wave on wasm, previews
 * every style for the gallery, puts the before/after line in the middle and saves the page to docs/figures/web-demo.jpg (JPEG, quality 80; --png for a PNG), keeping it under 200 KB.
 *
 *   npx tsx scripts/screenshot-demo.ts [--png] [--out docs/figures/web-demo.jpg]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromiumMissing, launchChromium } from './chromium';
import { defaultWeightsDir, startDemoServer } from './serve-demo';

const ROOT = resolve(__dirname, '..');
const MAX_BYTES = 200 * 1024;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jpeg = !args.includes('--png');
  const i = args.indexOf('--out');
  const out = resolve(ROOT, i >= 0 ? args[i + 1]! : `docs/figures/web-demo.${jpeg ? 'jpg' : 'png'}`);
  const weightsDir = defaultWeightsDir();
  const photo = resolve(weightsDir, '..', 'images', 'content', 'skimage_chelsea.png');
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  if (!existsSync(photo)) throw new Error(`${photo} not found (set IMPASTO_WEIGHTS to the weights mirror)`);

  const b = spawnSync('npm', ['run', 'build:demo', '-w', '@impasto/web'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`demo build failed:\n${b.stdout}\n${b.stderr}`);

  const server = await startDemoServer({ port: 0, host: '127.0.0.1', weightsDir });
  const browser = await launchChromium({ width: 960, height: 900 });
  const context = browser.context;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.url}?cache=0`);
    await page.selectOption('#style', 'wave');
    await page.selectOption('#ep', 'wasm');
    await page.setInputFiles('#photo', photo);
    await page.waitForFunction('["done","error"].includes(document.body.dataset.state ?? "")', null, { timeout: 120_000 });
    const state = await page.evaluate('document.body.dataset.state + ": " + document.getElementById("status").textContent');
    if (!String(state).startsWith('done')) throw new Error(`demo did not finish: ${state}`);
    // The gallery filled with the photo in every style, and the before/after line in the middle.
    await page.click('#preview-all');
    await page.waitForFunction('document.getElementById("status").textContent.startsWith("Every style previewed")', null, { timeout: 240_000 });
    await page.evaluate('(() => { const s = document.getElementById("compare"); s.value = "50"; s.dispatchEvent(new Event("input")); })()');
    mkdirSync(dirname(out), { recursive: true });
    await page.screenshot({ path: out, type: jpeg ? 'jpeg' : 'png', ...(jpeg ? { quality: 80 } : {}), fullPage: false });
    const size = statSync(out).size;
    console.log(`${out}: ${(size / 1024).toFixed(0)} KB (${state})`);
    if (size > MAX_BYTES) throw new Error(`${out} is over 200 KB; drop --png`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
