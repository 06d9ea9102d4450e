/**
 * The three packages as a new user gets them: packed with `npm pack`, installed from the tarballs
 * into a fresh project outside the workspace (with today's Vite 8 and TypeScript 7), then the
 * README's examples as ESM and CommonJS, a strict TypeScript 7 check of them (skipLibCheck off),
 * the CLI, and a Vite app in production and dev mode running fast style in Chromium with
 * `hardwareConcurrency` 8, on the main thread and in the worker, with only the COOP/COEP headers
 * set. Needs the packages built, network or an npm cache for the install, Chromium and the weights.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromiumMissing } from '@impasto/test-support/chromium';
import { makeConsumerProject, run, serve } from '@impasto/test-support/consumer/project';
import { type AppRun, openApp } from '@impasto/test-support/consumer/open-app';

const ROOT = resolve(__dirname, '../../..');
const WEIGHTS = process.env.IMPASTO_WEIGHTS || resolve(ROOT, '..', 'shared', 'weights');
const PHOTO = resolve(WEIGHTS, '..', 'images', 'content', 'ml5_harriet_128x128.jpg');

const why = chromiumMissing() ?? (!existsSync(join(WEIGHTS, 'fst', 'wave')) ? `no weights mirror at ${WEIGHTS}` : undefined);
if (why) console.warn(`SKIPPED consumer project: ${why}`);

(why ? describe.skip : describe)('a consumer project installed from the packed tarballs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'impasto-consumer-'));
  const env = { IMPASTO_WEIGHTS: WEIGHTS, IMPASTO_CACHE: join(dir, 'cache') };
  const bin = (name: string) => join(dir, 'node_modules', '.bin', name);

  beforeAll(() => {
    for (const pkg of ['core', 'node', 'web']) {
      if (!existsSync(join(ROOT, 'packages', pkg, 'dist', 'index.js'))) throw new Error(`packages/${pkg}/dist is not built; run npm run build`);
    }
    makeConsumerProject(dir);
    mkdirSync(join(dir, 'app', 'public'), { recursive: true });
    copyFileSync(PHOTO, join(dir, 'app', 'public', 'photo.jpg'));
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the README example as ESM', () => {
    const r = run(process.execPath, ['example.mjs', PHOTO, 'esm.png'], dir, env);
    expect(r.code === 0 ? '' : r.out).toBe('');
    expect(JSON.parse(r.out.trim().split('\n')[0]!)).toEqual({ provider: 'cpu', code: 'UNKNOWN_STYLE' });
    expect(readFileSync(join(dir, 'esm.png')).subarray(1, 4).toString()).toBe('PNG');
  }, 120_000);

  it('runs it from CommonJS, and ImpastoError.is recognises a CJS error in the ESM build', () => {
    const r = run(process.execPath, ['example.cjs', PHOTO, 'cjs.png'], dir, env);
    expect(r.code === 0 ? '' : r.out).toBe('');
    // instanceof cannot hold across the two builds (two classes); the brand check does.
    expect(JSON.parse(r.out.trim().split('\n')[0]!)).toEqual({ provider: 'cpu', code: 'UNKNOWN_STYLE', cjsIs: true, esmIs: true, esmInstanceof: false });
    expect(readFileSync(join(dir, 'cjs.png'))).toEqual(readFileSync(join(dir, 'esm.png')));
  }, 120_000);

  it('type-checks the Node and the browser examples with TypeScript 7, strict, skipLibCheck off', () => {
    expect(run(bin('tsc'), ['-v'], dir).out).toMatch(/Version 7\./);
    for (const project of ['tsconfig.json', 'app/tsconfig.json']) {
      const r = run(bin('tsc'), ['-p', project], dir);
      expect(r.code === 0 ? '' : `${project}:\n${r.out}`).toBe('');
    }
  }, 120_000);

  it('runs the CLI, whose help names the environment variables', () => {
    const r = run(bin('impasto'), ['fst', PHOTO, '-s', 'wave', '-o', 'cli.png'], dir, env);
    expect(r.code === 0 ? '' : r.out).toBe('');
    expect(readFileSync(join(dir, 'cli.png'))).toEqual(readFileSync(join(dir, 'esm.png')));
    const help = run(bin('impasto'), ['--help'], dir);
    expect(help.out).toMatch(/IMPASTO_WEIGHTS/);
    expect(help.out).toMatch(/IMPASTO_CACHE/);
  }, 120_000);

  /** ORT's wasm threads that the page started, and the script each was started from. */
  const threadScripts = (r: AppRun) => r.workers.filter((w) => !w.includes('worker'));
  const expectThreaded = (r: AppRun, from: RegExp) => {
    expect(r.state === 'done' ? r.status : `${r.status}\n${r.logs.join('\n')}`).toMatch(/^done on wasm .*cross-origin isolated: true/);
    const threads = threadScripts(r);
    expect(threads.length).toBeGreaterThanOrEqual(3); // 4 threads: the caller's and 3 workers
    for (const t of threads) expect(t).toMatch(from);
  };

  describe('a Vite app, production build', () => {
    let server: Awaited<ReturnType<typeof serve>>;
    beforeAll(async () => {
      const b = run(bin('vite'), ['build', 'app'], dir);
      if (b.code !== 0) throw new Error(`vite build failed:\n${b.out}`);
      server = await serve(bin('vite'), ['preview', 'app', '--host', '127.0.0.1', '--port', '0'], dir, env);
    }, 120_000);
    afterAll(() => server?.child.kill());

    it('emits ORT\'s runtime files as assets', () => {
      const assets = readdirSync(join(dir, 'app', 'dist', 'assets'));
      expect(assets.filter((f) => /^ort-wasm-simd-threaded\.jsep-.*\.(mjs|wasm)$/.test(f)).length).toBe(2);
    });
    it.each(['main', 'worker'])('runs fast style with wasm threads (%s)', async (mode) => {
      // The threads start from ORT's emitted file, not from the app's chunk.
      expectThreaded(await openApp(`${server.url}?mode=${mode}`), /\/assets\/ort-wasm-simd-threaded\.jsep-[\w-]+\.mjs$/);
    }, 120_000);
  });

  describe('a Vite app, dev server', () => {
    let server: Awaited<ReturnType<typeof serve>>;
    beforeAll(async () => {
      server = await serve(bin('vite'), ['app', '--host', '127.0.0.1', '--port', '0'], dir, env);
    }, 120_000);
    afterAll(() => server?.child.kill());

    it.each(['main', 'worker'])('runs fast style with wasm threads (%s)', async (mode) => {
      // Pre-bundled, ORT starts threads from the dependency chunk (library code only) or its own file.
      expectThreaded(await openApp(`${server.url}?mode=${mode}`), /\/node_modules\/(\.vite\/deps\/@impasto_web\.js|onnxruntime-web\/dist\/ort-wasm-simd-threaded\.jsep\.mjs)/);
    }, 120_000);
  });

  it('fails at once, saying what to set, where a bundler hides ORT\'s files (esbuild)', async () => {
    // esbuild emits no asset for `new URL(..., import.meta.url)`: ORT's threads would load the app.
    const out = join(dir, 'esbuild');
    const b = spawnSync(join(ROOT, 'node_modules', '.bin', 'esbuild'), [join(dir, 'app', 'main.ts'), '--bundle', '--format=esm', `--outfile=${join(out, 'main.js')}`], { cwd: dir, encoding: 'utf8' });
    expect(b.status === 0 ? '' : b.stderr).toBe('');
    copyFileSync(join(dir, 'app', 'vite.config.ts'), join(out, 'vite.config.ts'));
    writeFileSync(join(out, 'index.html'), readFileSync(join(dir, 'app', 'index.html'), 'utf8').replace('./main.ts', './main.js'));
    // The user did copy the .wasm next to the bundle (as ORT's default build looks for it there).
    copyFileSync(join(dir, 'node_modules', 'onnxruntime-web', 'dist', 'ort-wasm-simd-threaded.jsep.wasm'), join(out, 'ort-wasm-simd-threaded.jsep.wasm'));
    copyFileSync(PHOTO, join(out, 'photo.jpg'));
    const s = await serve(bin('vite'), ['preview', out, '--outDir', '.', '--host', '127.0.0.1', '--port', '0'], dir, env);
    try {
      // A hang would leave the page pending (openApp gives up after 90 s).
      const r = await openApp(`${s.url}?mode=main`);
      expect(r.state).toBe('error');
      expect(r.status).toMatch(/wasm threads could not start .*document is not defined.*configureWasm\(\{ wasmPaths/);
    } finally {
      s.child.kill();
    }
  }, 120_000);
});
