import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The shared data folder beside the repo (weights and sample images). */
export const SHARED = resolve(__dirname, '../../../../shared');
export const WEIGHTS = join(SHARED, 'weights');
export const CONTENT = join(SHARED, 'images/content');

/** A fresh temporary directory. */
export function tempDir(prefix = 'impasto-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the built `impasto` CLI from the repo root with a private cache and the shared weights. */
export function runCli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const { existsSync } = require('node:fs') as typeof import('node:fs');
  const root = resolve(__dirname, '../../..');
  if (!existsSync(join(root, 'packages/node/dist/cli.cjs'))) throw new Error('build first: npm run build');
  const r = spawnSync(process.execPath, [join(root, 'packages/node/bin/impasto.cjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, IMPASTO_CACHE: tempDir('impasto-cli-cache-'), IMPASTO_WEIGHTS: WEIGHTS },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** How `child` ended; it is killed (SIGKILL) if it has not ended after `ms`. */
export function exited(child: ChildProcess, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((ok) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      ok({ code, signal });
    });
  });
}
