/**
 * `npm run bench [-- fst|int8|nst|photo|nst-tf|train|ast|startup|memory|tiles|placement|video|serve] [--quick] [--engines=ast,fst,…] [--8k]`: speed and memory of Impasto
 * against its peers, measured in the same run (this machine is noisy; the ratios are what count).
 * Prints a table and writes JSON to bench-results/. Every case runs in its own process so peak RSS
 * belongs to one engine. `--engines` limits the memory section to some of its engines; `--8k` adds
 * an 8192x8192 fast-style run to the tiles section (about 15 minutes on 2 cores). The Python peers
 * (PyTorch for ast, TensorFlow for nst-tf) run with python3 or IMPASTO_PYTHON; without them their
 * rows say so.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { VIDEO_SCHEMA } from '@impasto/core/platform';
import { fastStyleFlops } from '@impasto/core/fst';
import { IMAGES, REPO, weightsDir } from './paths';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const sections = args.filter((a) => !a.startsWith('--'));
const want = (s: string) => sections.length === 0 || sections.includes(s);
const memoryEngines = args.find((a) => a.startsWith('--engines='))?.slice('--engines='.length).split(',');
const root = REPO;
// The cases run in child processes: they inherit the mirror through the environment.
process.env.IMPASTO_WEIGHTS = weightsDir();
const content = resolve(IMAGES, 'content/jcjohnson_tubingen.jpg');

type Row = Record<string, string | number>;

/** Runs a peer case; a peer that crashes gives a row that says so instead of ending the run. */
function tryCase(script: string, caseArgs: (string | number)[]): Record<string, any> {
  try {
    return runCase(script, caseArgs);
  } catch (e) {
    const line = String((e as Error).message).split('\n').find((l) => /Error|Aborted|memory/.test(l)) ?? 'failed';
    return { failed: line.trim().slice(0, 80), medianMs: NaN, peakRssMiB: NaN };
  }
}

function runCase(script: string, caseArgs: (string | number)[]): Record<string, any> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/bench', script), ...caseArgs.map(String)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`${script} ${caseArgs.join(' ')} failed:\n${r.stderr}`);
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`${script} printed no result:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line);
}

/** The Python peers' interpreter: python3 (or IMPASTO_PYTHON); each one's modules checked once. */
const python = process.env.IMPASTO_PYTHON || 'python3';
const peerProblems = new Map<string, string | undefined>();
function pythonPeerProblem(module: string): string | undefined {
  if (!peerProblems.has(module)) {
    const r = spawnSync(python, ['-c', `import ${module}, numpy`], { encoding: 'utf8' });
    peerProblems.set(module, r.error ? `no ${python}` : r.status !== 0 ? `no ${module} in ${python}` : undefined);
  }
  return peerProblems.get(module);
}

/** Runs scripts/bench/ast-torch.py; a missing torch or a failed reference check gives a row that says so. */
function runTorchCase(caseArgs: (string | number)[]): Record<string, any> {
  const problem = pythonPeerProblem('torch');
  if (problem) return { failed: `peer unavailable (${problem})`, medianMs: NaN, peakRssMiB: NaN };
  const r = spawnSync(python, [join(root, 'scripts/bench/ast-torch.py'), ...caseArgs.map(String)], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout?.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status === 0 && line) return JSON.parse(line);
  const why = r.status === 2 ? 'failed its reference check' : (r.stderr ?? '').trim().split('\n').pop()?.slice(0, 80) || `exit ${r.status}`;
  return { failed: `peer failed: ${why}`, medianMs: NaN, peakRssMiB: NaN };
}

/** Runs scripts/bench/nst-tf.py; a missing tensorflow or a crash gives `failed` instead of numbers. */
function runTfCase(caseArgs: (string | number)[]): Record<string, any> {
  const problem = pythonPeerProblem('tensorflow');
  if (problem) return { failed: `peer failed: ${problem}`, msPerIteration: NaN };
  const r = spawnSync(python, [join(root, 'scripts/bench/nst-tf.py'), ...caseArgs.map(String)], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout?.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status === 0 && line) return JSON.parse(line);
  // TensorFlow logs to stderr too; the traceback's last line says what went wrong.
  const why = (r.stderr ?? '').trim().split('\n').pop()?.slice(0, 80) || `exit ${r.status}`;
  return { failed: `peer failed: ${why}`, msPerIteration: NaN };
}

function table(rows: Row[]): string {
  const cols = Object.keys(rows[0] ?? {});
  const cell = (v: string | number) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) : v);
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(cell(r[c] ?? '')).length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(w[i]!)).join(' | ')} |`;
  return [line(cols), line(w.map((n) => '-'.repeat(n))), ...rows.map((r) => line(cols.map((c) => String(cell(r[c] ?? '')))))].join('\n');
}

async function fstSection(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'impasto-bench-'));
  const rows: Row[] = [];
  for (const size of quick ? [256] : [256, 512, 1024]) {
    const png = join(dir, `content-${size}.png`);
    await sharp(content).resize(size, size, { fit: 'cover' }).png().toFile(png);
    const reps = size >= 1024 ? 3 : 5;
    const bare = runCase('fst-case.ts', ['bare', size, png, reps]);
    const e2e = runCase('fst-case.ts', ['impasto', size, png, reps]);
    const raw = runCase('fst-case.ts', ['impasto-raw', size, png, reps]);
    const tfjs = tryCase('fst-case.ts', ['tfjs-wasm', size, png, size >= 1024 ? 1 : 2]);
    const gflop = fastStyleFlops(size, size) / 1e9;
    for (const [name, r] of [['impasto end-to-end (PNG in, PNG out)', e2e], ['impasto tensors only', raw], ['bare onnxruntime-node session', bare], ['TF.js wasm (ml5.js stack)', tfjs]] as const) {
      if (r.failed) {
        rows.push({ size: `${size}²`, engine: `${name}: ${r.failed}` });
        continue;
      }
      rows.push({
        size: `${size}²`,
        engine: name,
        'median ms': r.medianMs,
        'GFLOP/s': gflop / (r.medianMs / 1000),
        'peak RSS MiB': r.peakRssMiB,
        'vs TF.js wasm': tfjs.failed ? 'peer failed' : tfjs.medianMs / r.medianMs,
        // SDK rows: against a bare session timed alternately in the same process.
        'vs bare': r.bareSameProcessMs ? r.medianMs / r.bareSameProcessMs : r.medianMs / bare.medianMs,
      });
    }
  }
  return rows;
}

/**
 * MicroAST against the same network in PyTorch CPU (scripts/bench/ast-torch.py, written from the
 * paper's code description and checked against the authors' output): the content path with the
 * style code made once, both on the same 512-side Starry Night. Per size the two alternate, each
 * twice (once in quick mode), their runs pooled; a missing torch gives 'peer unavailable'.
 */
async function astSection(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'impasto-bench-'));
  const style = join(dir, 'style-512.png');
  await sharp(resolve(IMAGES, 'style/jcjohnson_starry_night.jpg')).removeAlpha().resize(512, 512, { fit: 'inside' }).png().toFile(style);
  const rows: Row[] = [];
  const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1]!;
  // Pools the runs of a case's processes: the median of all runs, the largest peak, the smallest baseline.
  const pool = (rs: Record<string, any>[]): Record<string, any> => {
    const failed = rs.find((r) => r.failed);
    if (failed) return failed;
    const all = rs.flatMap((r) => r.runsMs as number[]);
    return {
      ...rs[0],
      medianMs: median(all),
      runsMs: all,
      inferenceMs: rs[0]!.inferenceRunsMs ? median(rs.flatMap((r) => r.inferenceRunsMs as number[])) : undefined,
      peakRssMiB: Math.max(...rs.map((r) => r.peakRssMiB)),
      baselineRssMiB: Math.min(...rs.map((r) => r.baselineRssMiB)),
    };
  };
  for (const size of quick ? [512] : [512, 1024, 2048]) {
    const reps = size >= 2048 ? 3 : size >= 1024 ? 4 : 6;
    const a: Record<string, any>[] = [];
    const b: Record<string, any>[] = [];
    for (let round = 0; round < (quick ? 1 : 2); round++) {
      a.push(tryCase('ast-case.ts', ['impasto', size, reps, style]));
      b.push(runTorchCase([size, reps, style]));
    }
    const impasto = pool(a);
    const torch = pool(b);
    const mp = (size * size) / 1e6;
    for (const [name, r] of [
      ['impasto (RawImage in and out)', impasto],
      ['PyTorch CPU eager (tensors)', torch],
    ] as const) {
      if (r.failed) {
        rows.push({ size: `${size}²`, engine: `${name}: ${r.failed}` });
        continue;
      }
      rows.push({
        size: `${size}²`,
        engine: name,
        'median ms': r.medianMs,
        'network ms': r.inferenceMs ?? r.medianMs,
        'style encode ms': r.styleEncodeWarmMs ?? r.styleEncodeMs,
        'peak RSS MiB': r.peakRssMiB,
        'MiB / MP above baseline': (r.peakRssMiB - r.baselineRssMiB) / mp,
        'vs PyTorch CPU': torch.failed ? 'peer unavailable' : torch.medianMs / r.medianMs,
        'network vs PyTorch': torch.failed ? '-' : torch.medianMs / (r.inferenceMs ?? r.medianMs),
      });
    }
  }
  return rows;
}

/**
 * Gatys NST with VGG19 and Impasto's defaults against the same objective in TensorFlow-CPU graph
 * mode (scripts/bench/nst-tf.py: tf.function, and with XLA), on the same pixels, with as many
 * intra-op threads as ONNX Runtime takes. Per size the engines alternate, one process each, over
 * several rounds, so drift on this noisy machine hits both; each engine's figure is the median of
 * its rounds (a round: the mean ms per iteration after warm-up), "per round" the spread of the
 * ratios of neighbouring runs. Below 1: Impasto faster.
 */
async function nstTfSection(): Promise<{ rows: Row[]; rounds: Row[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'impasto-bench-nst-tf-'));
  const median = (v: number[]) => {
    const s = [...v].sort((x, y) => x - y);
    return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  // The peer reads the pixels nst-case.ts gives Impasto: the same photo and painting, resized alike.
  const rgb = async (file: string, size: number) => {
    const out = join(dir, `${file.split('/').pop()}-${size}.rgb`);
    writeFileSync(out, await sharp(resolve(IMAGES, file)).resize(size, size, { fit: 'cover' }).removeAlpha().raw().toBuffer());
    return out;
  };
  const peers = [
    ['TensorFlow-CPU graph (tf.function)', []],
    ['TensorFlow-CPU XLA (jit_compile)', ['--xla']],
  ] as const;
  const rows: Row[] = [];
  const rounds: Row[] = [];
  for (const size of quick ? [256] : [256, 512]) {
    const images = [await rgb('content/jcjohnson_tubingen.jpg', size), await rgb('style/jcjohnson_starry_night.jpg', size)];
    const iterations = quick ? 2 : size >= 512 ? 3 : 5;
    const runs: Record<string, any>[][] = [[], ...peers.map(() => [])];
    for (let round = 0; round < (quick ? 2 : 3); round++) {
      runs[0]!.push(tryCase('nst-case.ts', ['impasto', 'vgg19', size, iterations]));
      peers.forEach(([, flags], i) => runs[i + 1]!.push(runTfCase([size, iterations, ...flags, ...images])));
      rounds.push({ size, round, impasto: runs[0]![round]!.msPerIteration, ...Object.fromEntries(peers.map(([name], i) => [name, runs[i + 1]![round]!.msPerIteration])) });
    }
    const ms = (rs: Record<string, any>[]) => median(rs.map((r) => r.msPerIteration));
    const impasto = runs[0]!;
    const impastoFailed = impasto.find((r) => r.failed)?.failed;
    peers.forEach(([name], i) => {
      const peer = runs[i + 1]!;
      const failed = impastoFailed ? `impasto failed: ${impastoFailed}` : peer.find((r) => r.failed)?.failed;
      if (failed) {
        rows.push({ size: `${size}²`, peer: `${name}: ${failed}` });
        return;
      }
      const paired = impasto.map((r, k) => r.msPerIteration / peer[k]!.msPerIteration);
      rows.push({
        size: `${size}²`,
        peer: name,
        'impasto ms / iteration': ms(impasto),
        'peer ms / iteration': ms(peer),
        'impasto / peer': ms(impasto) / ms(peer),
        'per round': `${Math.min(...paired).toFixed(2)}–${Math.max(...paired).toFixed(2)}`,
        'impasto peak RSS MiB': Math.max(...impasto.map((r) => r.peakRssMiB)),
        'peer peak RSS MiB': Math.max(...peer.map((r) => r.peakRssMiB)),
      });
    });
  }
  return { rows, rounds };
}

function startupSection(): Row[] {
  const rows: Row[] = [];
  const fst = runCase('startup-case.ts', ['fst']);
  rows.push({ engine: 'FastStyle wave', 'first load ms': fst.coldLoadMs, 'cached load ms': fst.cachedLoadMs, 'first run set-up ms': '-', 'second run set-up ms': '-', 'first / cached load': fst.coldLoadMs / fst.cachedLoadMs });
  for (const net of ['vgg19', 'squeezenet']) {
    const r = runCase('startup-case.ts', [net, quick ? 128 : 256]);
    rows.push({
      engine: `NeuralStyle ${net} ${r.size}²`,
      'first load ms': r.coldLoadMs,
      'cached load ms': r.cachedLoadMs,
      'first run set-up ms': r.firstRunStartupMs,
      'second run set-up ms': r.secondRunStartupMs,
      'first / cached load': r.coldLoadMs / r.cachedLoadMs,
    });
  }
  return rows;
}

/** Least-squares line y ≈ a + b·x. */
function fitLine(xs: number[], ys: number[]): { a: number; b: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  const b = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return { a: my - b * mx, b };
}

/**
 * Peak RSS against image size, one fresh process per run, and per engine a fit peak ≈ a + b·pixels
 * the library can use to refuse an image before running out of memory. The fit is made on the
 * squares; the oblong run (longest side × half) checks that memory goes by pixels, not by side.
 */
function memorySection(): { rows: Row[]; fit: Row[] } {
  const all: [string, number[], number[]][] = [
    ['fst', [256, 512, 1024, 1536], [256, 512]],
    ['nst-squeezenet', [128, 256, 512], [128, 256]],
    ['nst-vgg19', [128, 256, 384], [128, 256]],
    ['ast', [256, 512, 1024, 2048], [256, 512]],
  ];
  const engines = all.filter(([engine]) => !memoryEngines || memoryEngines.includes(engine));
  const rows: Row[] = [];
  const fit: Row[] = [];
  for (const [engine, full, short] of engines) {
    const sides = quick ? short : full;
    const longest = sides[sides.length - 1]!;
    const sizes = [...sides.map((s) => [s, s]), [longest, longest / 2]];
    const runs: Record<string, any>[] = sizes.map(([w, h]) => ({ w, h, ...tryCase('memory-case.ts', [engine, w!, h!]) }));
    const ok = runs.filter((r) => !r.failed && r.w === r.h);
    const { a, b } = fitLine(ok.map((r) => r.pixels), ok.map((r) => r.peakRssMiB));
    // b is in MiB per pixel here; the largest square whose predicted peak fits in a budget.
    const side = (gib: number) => Math.floor(Math.sqrt((gib * 1024 - a) / b));
    fit.push({ engine, 'a MiB': a, 'b bytes/pixel': b * 2 ** 20, 'square in 2 GiB': side(2), 'in 4 GiB': side(4), 'in 8 GiB': side(8) });
    for (const r of runs) {
      const size = `${r.w}x${r.h}`;
      if (r.failed) rows.push({ engine, size, 'peak RSS MiB': r.failed });
      else rows.push({ engine, size, megapixels: r.pixels / 1e6, 'peak RSS MiB': r.peakRssMiB, 'above baseline MiB': r.peakRssMiB - r.baselineRssMiB, 'fit MiB': a + b * r.pixels, 'load peak MiB': r.loadPeakRssMiB, 'run s': r.ms / 1000 });
    }
  }
  return { rows, fit };
}

/**
 * Large images: each engine at 2048² in one pass and in 1024-px tiles (time, peak RSS, agreement,
 * seams), and with `--8k` fast style on an 8192² photo with the default (auto) tiling.
 */
async function tilesSection(): Promise<Row[]> {
  const { seamRatio } = await import('./seams');
  const { absDiff } = await import('./pixel-diff');
  const dir = mkdtempSync(join(tmpdir(), 'impasto-bench-tiles-'));
  const photo = async (side: number) => {
    const file = join(dir, `photo-${side}.jpg`);
    await sharp(content).resize(side, side, { fit: 'fill' }).jpeg({ quality: 92 }).toFile(file);
    return file;
  };
  const pixels = async (file: string) => {
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels as 3 };
  };
  const rows: Row[] = [];
  const side = quick ? 1024 : 2048;
  const input = await photo(side);
  for (const engine of ['fst', 'ast']) {
    const one = tryCase('tiles-case.ts', [engine, input, join(dir, `${engine}-one.png`), 0]);
    const tiled = tryCase('tiles-case.ts', [engine, input, join(dir, `${engine}-tiled.png`), side / 2]);
    const [a, b] = [await pixels(join(dir, `${engine}-one.png`)), await pixels(join(dir, `${engine}-tiled.png`))];
    const cuts = [side / 2];
    const d = absDiff(a, b);
    rows.push({ engine, size: `${side}²`, run: 'one pass', tiles: String(one.tiles), s: one.ms / 1000, 'peak RSS MiB': one.peakRssMiB, 'mean |d|': '', 'max |d|': '', 'seam ratio': seamRatio(a, cuts, cuts).ratio });
    rows.push({ engine, size: `${side}²`, run: `tiles of ${side / 2}`, tiles: String(tiled.tiles), s: tiled.ms / 1000, 'peak RSS MiB': tiled.peakRssMiB, 'mean |d|': d.mean, 'max |d|': d.max, 'seam ratio': seamRatio(b, cuts, cuts).ratio });
  }
  if (args.includes('--8k')) {
    const big = await photo(8192);
    const r = tryCase('tiles-case.ts', ['fst', big, join(dir, 'fst-8k.jpg'), 'auto']);
    rows.push({ engine: 'fst', size: '8192²', run: 'auto tiles', tiles: String(r.tiles), s: r.ms / 1000, 'peak RSS MiB': r.peakRssMiB, 'mean |d|': '', 'max |d|': '', 'seam ratio': '' });
  }
  return rows;
}

/** int8 against fp32 fast style: speed at three sizes (wave), PSNR per style on the held-out photos. */
function int8Section(): { speed: Row[]; quality: Row[] } {
  const speed: Row[] = [];
  // Both ways a CPU is used: one session on every core (the default), or one single-threaded
  // session per core (a service stylizing several images at once); int8 gains more in the second.
  for (const threads of [0, 1]) {
    for (const size of quick ? [256] : [256, 512, 1024]) {
      const r = tryCase('int8-case.ts', ['speed', 'wave', size, quick ? 3 : size >= 1024 ? 5 : 9, threads]);
      const row = { threads: threads || `${cpus().length} (default)`, size: `${size}²` };
      speed.push(r.failed ? { ...row, 'fp32 ms': r.failed } : { ...row, 'fp32 ms': r.fp32Ms, 'int8 ms': r.int8Ms, 'speed-up': r.speedup });
    }
  }
  const quality: Row[] = [];
  const styles = quick ? ['wave'] : ['wave', 'udnie', 'scream', 'la_muse', 'rain_princess', 'wreck', 'mathura', 'matilde_perez', 'matta'];
  for (const style of styles) {
    const r = tryCase('int8-case.ts', ['quality', style, quick ? 256 : 512]);
    if (r.failed) {
      quality.push({ style, 'mean PSNR dB': r.failed });
      continue;
    }
    const v = Object.values(r.psnr as Record<string, number>);
    const worst = Object.entries(r.psnr as Record<string, number>).sort((a, b) => a[1] - b[1])[0]!;
    quality.push({ style, photos: v.length, 'mean PSNR dB': v.reduce((a, b) => a + b, 0) / v.length, 'min PSNR dB': worst[1], 'worst photo': worst[0] });
  }
  return { speed, quality };
}

/**
 * Video: frames per second of stylizeVideo (wave, cpu) per frame against stabilized at 320x240
 * (tree.avi, whole) and 640x480 (vtest.avi shrunk to 640, its first 3 s: 30 frames), alternating
 * one process per run, each mode twice (once in quick mode), per-frame times averaged over the
 * runs; beside them the same pipeline with an identity style (decode + encode + pipes only).
 * "codec" is the rest of a stylized run (encoding and decoding not hidden behind the network).
 */
function videoSection(): Row[] {
  const video = resolve(IMAGES, 'video');
  const clips = [
    { clip: 'tree.avi', path: join(video, 'tree.avi'), maxSize: 0, duration: 0 },
    { clip: 'vtest.avi (first 3 s)', path: join(video, 'vtest.avi'), maxSize: 640, duration: 3 },
  ];
  const rows: Row[] = [];
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  for (const c of clips) {
    const runs: Record<string, Record<string, any>[]> = { perframe: [], stabilized: [], identity: [] };
    for (let round = 0; round < (quick ? 1 : 2); round++) {
      for (const mode of ['perframe', 'stabilized', 'identity']) runs[mode]!.push(tryCase('video-case.ts', [mode, c.path, c.maxSize, c.duration]));
    }
    const perFrame = (rs: Record<string, any>[], key: string) => mean(rs.map((r) => r[key] / r.frames));
    const identity = runs.identity!;
    const ffmpegOnly = identity.some((r) => r.failed) ? NaN : perFrame(identity, 'elapsedMs');
    for (const mode of ['perframe', 'stabilized']) {
      const rs = runs[mode]!;
      const failed = rs.find((r) => r.failed);
      if (failed) {
        rows.push({ clip: c.clip, mode: `${mode}: ${failed.failed}` });
        continue;
      }
      const ms = perFrame(rs, 'elapsedMs');
      rows.push({
        clip: c.clip,
        size: `${rs[0]!.width}x${rs[0]!.height}`,
        mode: mode === 'perframe' ? 'per frame' : 'stabilized',
        frames: String(rs[0]!.frames),
        fps: 1000 / ms,
        'ms/frame': ms,
        'stylize ms/frame': perFrame(rs, 'stylizeMs'),
        'stabilize ms/frame': perFrame(rs, 'stabilizeMs'),
        'codec ms/frame': perFrame(rs, 'codecMs'),
        'ffmpeg-only ms/frame': ffmpegOnly,
        runs: rs.map((r) => (r.elapsedMs / r.frames).toFixed(0)).join(', '),
      });
    }
  }
  return rows;
}

async function main() {
  const results: Record<string, Row[]> = {};
  const meta = { date: new Date().toISOString(), cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version };
  console.log(`Impasto benchmark — ${meta.cpu}, ${meta.cores} cores, Node ${meta.node}`);
  if (want('fst')) {
    console.log('\nFast style transfer (style wave, cpu provider, one image per run; "vs bare" is time / bare session time; SDK rows time a bare session alternately in the same process)');
    results.fst = await fstSection();
    console.log(table(results.fst));
  }
  if (want('int8')) {
    console.log('\nFast style at precision int8 vs fp32 (cpu provider, the SDK\'s stylizeRaw, alternating call by call in one process; PSNR of int8 against fp32 on every content photo, none seen in calibration, which is synthetic)');
    const int8 = int8Section();
    results.int8 = int8.speed;
    results.int8Quality = int8.quality;
    console.log(table(int8.speed));
    console.log(table(int8.quality));
  }
  if (want('nst')) {
    const { nstSection } = await import('./bench/nst-section');
    console.log('\nNeural style transfer: one loss + gradient evaluation (one optimiser iteration), cpu provider');
    results.nst = await nstSection({ quick, runCase, tryCase });
    console.log(table(results.nst));
  }
  if (want('photo')) {
    const { photoSection } = await import('./bench/photo-section');
    const photo = photoSection({ quick, runCase, images: IMAGES });
    console.log('\nPhoto style transfer: VGG19 ms per Adam iteration (one loss + gradient evaluation) with the photorealism term against the objective without it, alternating processes, cpu');
    console.log(table(photo.speed));
    console.log("\nPhoto style transfer on CC0 coffee ← public-domain night launch at 256 px, L-BFGS (targets: colour distances ≤ 0.5, affine residual ≤ 0.3 of plain NST's)");
    console.log(table(photo.quality));
    Object.assign(results, { photoSpeed: photo.speed, photoQuality: photo.quality });
  }
  if (want('nst-tf')) {
    console.log('\nNST (VGG19, default layers and weights) vs TensorFlow-CPU graph mode: ms per iteration (loss + gradient + Adam step), same pixels, both with as many intra-op threads as cores, alternating processes; "impasto / peer" < 1: Impasto faster');
    const { rows, rounds } = await nstTfSection();
    Object.assign(results, { nstTf: rows, nstTfRounds: rounds });
    console.log(table(rows));
  }
  if (want('train')) {
    const { trainSection } = await import('./bench/train-section');
    console.log('\nTraining a fast style: one step (batch of 4, VGG19 loss to relu5_1, Adam) against PyTorch CPU with the same network and loss, both on 2 intra-op threads, alternating processes; "impasto / peer" < 1: Impasto faster');
    const { rows, rounds } = trainSection({ quick, runCase, root, python });
    Object.assign(results, { train: rows, trainRounds: rounds });
    console.log(table(rows));
  }
  if (want('ast')) {
    console.log('\nArbitrary style transfer (MicroAST, cpu provider vs PyTorch CPU eager, both all cores; style code made once from a 512-side Starry Night; "vs PyTorch CPU" is PyTorch ms / Impasto ms, > 1: Impasto faster)');
    results.ast = await astSection();
    console.log(table(results.ast));
  }
  if (want('startup')) {
    console.log('\nStart-up: first load (weights read, graphs built and cached) vs a later load (graphs from the cache) and the set-up of a run on a loaded engine (decode, targets)');
    results.startup = startupSection();
    console.log(table(results.startup));
  }
  if (want('memory')) {
    console.log('\nMemory: peak RSS of one run in a fresh process (cpu provider; random pixels; NST: 2 iterations, style the same size; AST: style code from a 512-side painting), baseline = after load and a 32x32 warm-up');
    const { rows, fit } = memorySection();
    Object.assign(results, { memory: rows, memoryFit: fit });
    console.log(table(rows));
    console.log('\nFit peak RSS ≈ a + b·pixels (least squares over the squares)');
    console.log(table(fit));
  }
  if (want('tiles')) {
    console.log('\nLarge images: a file stylized into a file in a fresh process, one pass vs tiles sharing whole-image normalisation statistics (peak RSS of the whole process; seam ratio: the jump across the tile boundaries over the jump at other columns and rows of the same phase, 1 = none)');
    results.tiles = await tilesSection();
    console.log(table(results.tiles));
  }
  if (want('placement')) {
    console.log('\nWebGPU node placement (onnxruntime-node webgpu on SwiftShader, no GPU needed): nodes per provider; "cpu compute" leaves out shape arithmetic, which ONNX Runtime keeps on the CPU on purpose');
    const r = tryCase('placement-case.ts', []);
    const rows: Row[] = r.rows ?? [{ graph: 'failed', webgpu: r.failed ?? '' }];
    results.placement = rows;
    console.log(table(rows));
  }
  if (want('serve')) {
    const { serveSection } = await import('./bench/serve-section');
    console.log(`\nService: fast style wave at 512x512 (PNG in, PNG out), ImpastoClient against impasto serve (embedded engine processes, or Redis with one impasto worker of N processes), threads per process = cores / processes; latency one job at a time, jobs/s with two clients per process; against the library in a loop in one process (decode, stylize, encode), rounds alternating`);
    const image = await sharp(content).resize(512, 512, { fit: 'cover' }).png().toBuffer();
    const imagePath = join(mkdtempSync(join(tmpdir(), 'impasto-bench-serve-')), 'photo-512.png');
    writeFileSync(imagePath, image);
    const { rows, rounds } = await serveSection({ quick, runCase, image: new Uint8Array(image), imagePath });
    Object.assign(results, { serve: rows, serveRounds: rounds });
    console.log(table(rows));
  }
  if (want('video')) {
    console.log(`\nVideo: stylizeVideo, style wave, cpu provider, default .mp4 (H.264 crf 20), per frame vs stabilized (temporalWeight ${VIDEO_SCHEMA.fields.temporalWeight.default}, flowSize ${VIDEO_SCHEMA.fields.flowSize.default}), alternating processes; ms/frame end to end; ffmpeg-only: the same run with an identity style (decode + encode)`);
    results.video = videoSection();
    console.log(table(results.video));
  }
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  const json = JSON.stringify({ meta, results }, null, 2);
  const file = join(root, 'bench-results', `bench-${meta.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, json);
  writeFileSync(join(root, 'bench-results', 'latest.json'), json);
  console.log(`\nJSON: ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
