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
