/**
 * Opens the consumer app in headless Chromium the way a user with an 8-core machine would see it:
 * `navigator.hardwareConcurrency` is 8 (so onnxruntime-web starts 4 wasm threads by default).
 */
import { launchChromium } from '../chromium';

// The page's globals, for the callbacks that run in the page (this file is compiled without the DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

export interface AppRun {
  state: string;
  status: string;
  /** Every worker the page started, by URL ("em-pthread" workers are ORT's wasm threads). */
  workers: string[];
  logs: string[];
  /** Requests that failed (`net::ERR_ABORTED …`: what shows red in the console). */
  failed: string[];
  /** Bytes of every response body the page and its workers fetched, by URL path. */
  fetched: Record<string, number>;
}

export async function openApp(url: string, timeoutMs = 90_000): Promise<AppRun> {
  const browser = await launchChromium();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const logs: string[] = [];
    const workers: string[] = [];
    page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
    page.on('worker', (w) => workers.push(w.url()));
    const failed: string[] = [];
    const fetched: Record<string, number> = {};
    browser.context.on('requestfailed', (r) => failed.push(`${new URL(r.url()).pathname} ${r.failure()?.errorText ?? ''}`));
    browser.context.on('requestfinished', (r) => {
      void r.sizes().then((s) => (fetched[new URL(r.url()).pathname] = s.responseBodySize), () => {});
    });
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: 8 });
    await page.goto(url);
    await page
      .waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: timeoutMs })
      .catch(() => logs.push(`[test] no result in ${timeoutMs} ms`));
    const [state, status] = await page.evaluate(() => [document.body.dataset.state ?? 'pending', document.getElementById('status')?.textContent ?? '']);
    return { state: state!, status: status!, workers, logs, failed, fetched };
  } finally {
    await browser.close();
  }
}
