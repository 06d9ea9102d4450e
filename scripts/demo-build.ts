import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './paths';
import { viteBuild } from './vite-build';

/** A hash of what the demo is built from: a change to any of it is another build. */
function sourcesHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === 'dist' || name === 'node_modules') continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(p).update(readFileSync(p));
    }
  };
  for (const d of ['packages/web/src', 'packages/web/demo', 'packages/core/src']) walk(join(REPO, d));
  return h.digest('hex').slice(0, 16);
}

/**
 * The demo, built once for its sources: the first caller of a test run (the e2e project's global
 * setup) builds it into a folder named by the sources' hash, and every browser test serves that.
 */
export function demoDir(): string {
  const dir = join(tmpdir(), `impasto-demo-${sourcesHash()}`);
  if (existsSync(join(dir, 'index.html'))) return dir;
  const out = mkdtempSync(join(tmpdir(), 'impasto-demo-build-'));
  const web = join(REPO, 'packages/web');
  viteBuild(join(web, 'demo'), out, web);
  // Whole or not at all; a concurrent build of the same sources may have won the race.
  try {
    renameSync(out, dir);
  } catch {
    rmSync(out, { recursive: true, force: true });
  }
  return dir;
}
