import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './paths';

/**
 * Builds the Vite app in `root` (its `vite.config.ts`) into `outDir`, emptied first, with the
 * repository's Vite, run from `cwd` (default `root`). Throws with Vite's output when it fails.
 */
export function viteBuild(root: string, outDir: string, cwd = root): void {
  const vite = join(REPO, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', root, '--config', join(root, 'vite.config.ts'), '--outDir', outDir, '--emptyOutDir'], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
}
