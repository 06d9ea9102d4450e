import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** This package's folder, from its sources (tests) or its build (`dist/`). */
export function packageRoot(): string {
  for (let d = __dirname; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'src', 'engine'))) return d;
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'dist', 'engine-process.cjs'))) return d;
    if (dirname(d) === d) throw new Error('cannot find the @impasto/server package folder');
  }
}
