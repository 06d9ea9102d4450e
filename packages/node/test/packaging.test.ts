/**
 * The three packages as a registry would see them: each packed with `npm pack`, then checked by
 * publint (package.json against what is packed) and @arethetypeswrong/cli (every export resolves to
 * JavaScript and types under node10, node16 CJS and ESM, and bundlers; @impasto/web is ESM-only by
 * design, so its CJS rows are judged with attw's esm-only profile). Needs the packages built.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from './helpers';

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'node_modules', '.bin');

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe.each(['core', 'node', 'web'])('@impasto/%s as published', (name) => {
  const dir = join(ROOT, 'packages', name);
  let tarball: string;
  const out = tempDir('impasto-pack-');

  beforeAll(() => {
    if (!existsSync(join(dir, 'dist', 'index.js'))) throw new Error(`packages/${name}/dist is not built; run npm run build`);
    const r = run('npm', ['pack', '--silent', '--pack-destination', out], dir);
    if (r.code !== 0) throw new Error(`npm pack failed:\n${r.out}`);
    tarball = join(out, readdirSync(out).find((f) => f.endsWith('.tgz'))!);
  }, 60_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('ships its README, LICENSE and built files only', () => {
    const r = run('tar', ['-tzf', tarball], out);
    const files = r.out.split('\n').filter(Boolean);
    expect(files).toEqual(expect.arrayContaining(['package/README.md', 'package/LICENSE', 'package/package.json', 'package/dist/index.js']));
    expect(files.filter((f) => !/^package\/(README\.md|LICENSE|package\.json|dist\/.+|bin\/.+)$/.test(f))).toEqual([]);
  });

  it('passes publint and arethetypeswrong', () => {
    const lint = run(join(BIN, 'publint'), ['--strict', tarball], dir);
    expect(lint.code === 0 ? '' : lint.out).toBe('');
    const attw = run(join(BIN, 'attw'), [tarball, '--format', 'ascii', ...(name === 'web' ? ['--profile', 'esm-only'] : [])], dir);
    expect(attw.code === 0 ? '' : attw.out).toBe('');
  }, 60_000);
});
