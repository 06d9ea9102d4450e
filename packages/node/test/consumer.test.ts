/**
 * The three packages as a new user gets them: packed with `npm pack`, installed from the tarballs
 * into a fresh project outside the workspace (with today's Vite 8 and TypeScript 7), then the
 * README's examples as ESM and CommonJS, a strict TypeScript 7 check of them (skipLibCheck off),
 * the CLI, and one app built with Vite 8, Vite 7, webpack 5 (production and dev server) and esbuild
 * (the web README's recipe), running fast style in Chromium with `hardwareConcurrency` 8 on the
 * main thread and in the worker, and a stabilized video in the worker, with only the COOP/COEP
 * headers set: no failed request or console error, the wasm-only runtime, OpenCV.js only for video.
 * Needs the packages built, network or an npm cache for the install, Chromium, ffmpeg and the weights.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromiumMissing } from '@impasto/test-support/chromium';
import { makeConsumerProject, run, serve } from '@impasto/test-support/consumer/project';
import { esbuildBuild, viteCommand, webpackBuild, webpackProject } from '@impasto/test-support/consumer/bundlers';
import { startDemoServer } from '@impasto/test-support/serve-demo';
import { type AppRun, openApp } from '@impasto/test-support/consumer/open-app';

const ROOT = resolve(__dirname, '../../..');
const WEIGHTS = process.env.IMPASTO_WEIGHTS || resolve(ROOT, '..', 'shared', 'weights');
const PHOTO = resolve(WEIGHTS, '..', 'images', 'content', 'ml5_harriet_128x128.jpg');
const TREE = resolve(WEIGHTS, '..', 'images', 'video', 'tree.avi');
const FFMPEG = process.env.IMPASTO_FFMPEG || 'ffmpeg';

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
    // A 1 s clip (10 frames, 128x96, H.264) for the video runs.
    const clip = spawnSync(FFMPEG, ['-hide_banner', '-v', 'error', '-y', '-i', TREE, '-t', '1', '-vf', 'fps=10,scale=128:96', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(dir, 'app', 'public', 'clip.mp4')], { encoding: 'utf8' });
    if (clip.status !== 0) throw new Error(`ffmpeg could not make the clip: ${clip.error?.message ?? clip.stderr}`);
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
  const threadScripts = (r: AppRun) => r.workers.filter((w) => !/worker|\/_c\d+\.js|\/\d+\.js$/.test(w));
  const expectThreaded = (r: AppRun, from: RegExp) => {
    expect(r.state === 'done' ? r.status : `${r.status}\n${r.logs.join('\n')}`).toMatch(/^done on wasm .*cross-origin isolated: true/);
    const threads = threadScripts(r);
    expect(threads.length).toBeGreaterThanOrEqual(3); // 4 threads: the caller's and 3 workers
    for (const t of threads) expect(t).toMatch(from);
  };
  /** A clean load: no failed request, nothing on the console at error level. */
  const expectClean = (r: AppRun) => {
    expect(r.failed).toEqual([]);
    expect(r.logs.filter((l) => /^\[(error|pageerror)\]/.test(l))).toEqual([]);
  };
  /** The .wasm files the page fetched (a wasm session: only ONNX Runtime's wasm-only build). */
  const wasmFetched = (r: AppRun) => Object.keys(r.fetched).filter((f) => f.endsWith('.wasm'));
  /** Scripts over 3 MiB as fetched: only OpenCV.js is one (the app's chunks and workers are under 2). */
  const bigScripts = (r: AppRun) => Object.entries(r.fetched).filter(([f, n]) => /\.m?js$/.test(f) && n > 3 * 2 ** 20).map(([f]) => f);
  const mb = (r: AppRun) => (Object.values(r.fetched).reduce((a, b) => a + b, 0) / 2 ** 20).toFixed(1);

  interface Target {
    /** Starts the server of the built app (or the dev server); its URL. */
    start(): Promise<{ url: string; stop: () => Promise<void> | void }>;
    /** Where ORT's threads start from. */
    threads: RegExp;
    /** Whether it is a production build (then the video and the download are checked too). */
    production: boolean;
  }
  const viteServe = async (major: 7 | 8, args: string[]) => {
    const [cmd, pre] = viteCommand(dir, major);
    const s = await serve(cmd, [...pre, ...args, '--host', '127.0.0.1', '--port', '0'], dir, env);
    return { url: s.url, stop: () => void s.child.kill() };
  };
  const staticServe = async (demoDir: string) => {
    const s = await startDemoServer({ port: 0, host: '127.0.0.1', demoDir, weightsDir: WEIGHTS });
    return { url: s.url, stop: () => s.close() };
  };
  const viteBuild = (major: 7 | 8) => {
    const [cmd, pre] = viteCommand(dir, major);
    const b = run(cmd, [...pre, 'build', 'app', '--outDir', `dist${major}`], dir);
    if (b.code !== 0) throw new Error(`vite ${major} build failed:\n${b.out}`);
  };
  const VITE_DEV_THREADS = /\/node_modules\/(\.vite\/deps\/@impasto_web\.js|onnxruntime-web\/dist\/ort-wasm-simd-threaded\.mjs)/;
  const TARGETS: [string, Target][] = [
    ['Vite 8, production', { production: true, threads: /\/assets\/ort-wasm-simd-threaded-[\w-]+\.mjs$/, start: () => (viteBuild(8), viteServe(8, ['preview', 'app', '--outDir', 'dist8'])) }],
    ['Vite 8, dev server', { production: false, threads: VITE_DEV_THREADS, start: () => viteServe(8, ['app']) }],
    // Vite 7 builds workers as iife by default, which cannot split: the worker must be one file.
    ['Vite 7, production', { production: true, threads: /\/assets\/ort-wasm-simd-threaded-[\w-]+\.mjs$/, start: () => (viteBuild(7), viteServe(7, ['preview', 'app', '--outDir', 'dist7'])) }],
    ['Vite 7, dev server', { production: false, threads: VITE_DEV_THREADS, start: () => viteServe(7, ['app']) }],
    ['webpack 5, production', { production: true, threads: /\/[0-9a-f]{20}\.mjs$/, start: () => staticServe(webpackBuild(webpackProject(dir, WEIGHTS), dir)) }],
    ['webpack 5, dev server', {
      production: false,
      threads: /\/[0-9a-f]{20}\.mjs$/,
      start: async () => {
        const wp = join(dir, 'webpack');
        if (!existsSync(wp)) webpackProject(dir, WEIGHTS);
        const s = await serve(bin('webpack'), ['serve', '--mode', 'development', '--host', '127.0.0.1', '--port', 'auto'], wp, env);
        return { url: s.url, stop: () => void s.child.kill() };
      },
    }],
    ['esbuild, the README recipe', { production: true, threads: /\/ort-wasm-simd-threaded\.mjs$/, start: () => staticServe(esbuildBuild(dir)) }],
  ];

  describe.each(TARGETS)('%s', (name, target) => {
    let server: { url: string; stop: () => Promise<void> | void } | undefined;
    beforeAll(async () => {
      server = await target.start();
    }, 180_000);
    afterAll(async () => server?.stop());

    it.each(['main', 'worker'])('runs fast style with wasm threads from ORT\'s own file (%s) and loads cleanly', async (mode) => {
      const r = await openApp(`${server!.url}?mode=${mode}`);
      expectThreaded(r, target.threads);
      expectClean(r);
      if (target.production) {
        // The first session asked for wasm: the wasm-only runtime, not the one with WebGPU; no OpenCV.js.
        const wasm = wasmFetched(r);
        expect(wasm).toHaveLength(1);
        expect(wasm[0]).not.toMatch(/jsep/);
        expect(bigScripts(r)).toEqual([]);
        const bytes = r.fetched[wasm[0]!]!;
        expect(bytes).toBeLessThan(20 * 2 ** 20);
        console.log(`${name}, ${mode}: the page fetched ${mb(r)} MiB as transferred, ${(bytes / 2 ** 20).toFixed(1)} MiB of it ONNX Runtime's .wasm`);
      }
    }, 120_000);

    // Production builds only: a dev server serves the same worker and OpenCV.js by the same URL code.
    if (target.production) it('stabilizes a video in the worker, where OpenCV.js loads', async () => {
      const r = await openApp(`${server!.url}?mode=video`, 150_000);
      expect(r.state === 'done' ? r.status : `${r.status}\n${r.logs.join('\n')}`).toMatch(/10 frames stabilized, video\/webm/);
      expectClean(r);
      expect(bigScripts(r)).toHaveLength(1);
    }, 180_000);
  });

  it('Vite emits both ONNX Runtime builds and OpenCV.js as assets; pages fetch what they use', () => {
    const assets = readdirSync(join(dir, 'app', 'dist8', 'assets'));
    expect(assets.filter((f) => /^ort-wasm-simd-threaded(\.jsep)?-.*\.(mjs|wasm)$/.test(f))).toHaveLength(4);
    expect(assets.filter((f) => /^opencv-.*\.js$/.test(f))).toHaveLength(1);
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
