/**
 * Debian's Chromium under playwright-core, launched the one way this project's browser tests,
 * benchmark and screenshot script need: headless, with a fresh profile, and with the flags that keep
 * it from reaching for the network this machine does not have.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

/** The browser binary: `IMPASTO_CHROMIUM`, else Debian's. */
export const CHROMIUM = process.env.IMPASTO_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Why Chromium cannot run here, or undefined when it can. In CI (`CI` set) a missing browser is an
 * error, not a reason to skip: .ci/run installs it, so its absence means the browser half is broken.
 */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `${CHROMIUM} not found (apt-get install -y chromium, or set IMPASTO_CHROMIUM)`;
  if (process.env.CI) throw new Error(`browser tests need Chromium in CI: ${why}`);
  return why;
}

/**
 * A headless browser context on a fresh profile; `close()` also deletes the profile. `extraArgs`
 * go after CHROMIUM_FLAGS (e.g. `--enable-unsafe-webgpu` for the WebGPU tests; keep it out of
 * tests that should run on wasm).
 */
export async function launchChromium(viewport?: { width: number; height: number }, extraArgs: readonly string[] = []): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'impasto-chromium-'));
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS, ...extraArgs], ...(viewport ? { viewport } : {}) });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
