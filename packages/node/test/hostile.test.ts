// Hostile inputs, built at test time in temporary folders (nothing binary is committed): every case
// checks the exit code, the one `impasto:` line (or the library's code and message), that no input
// changed (SHA-256 and inode of every input file) and that nothing but the expected outputs was left.
// The CLI cases run the BUILT CLI: `npm run build` first.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { ArbitraryStyle, FastStyle, ModelStore, NeuralStyle, type RawImage, decodeImage, encodeImage, isImpastoError, neuralStyle, stylizeVideo, type StyleName } from '../src';
import { CONTENT, SHARED, WEIGHTS, exited, tempDir } from './helpers';

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'packages/node/bin/impasto.cjs');
const PHOTO = join(CONTENT, 'ml5_harriet_128x128.jpg');
const COFFEE = join(CONTENT, 'skimage_coffee.png');
const CHELSEA = join(CONTENT, 'skimage_chelsea.png');
const ROCKET = join(CONTENT, 'skimage_rocket.jpg');
const STYLE = join(SHARED, 'images/style/jcjohnson_the_scream.jpg');
const WAVE = join(WEIGHTS, 'fst/wave');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One graph cache for the suite (the cache cases use their own), so each run does not rebuild. */
const SUITE_CACHE = tempDir('impasto-hostile-cache-');
const store = new ModelStore({ cacheDir: SUITE_CACHE, mirror: WEIGHTS, download: false });

interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

/** Runs the built CLI with stdout as bytes, a chosen cache and working folder. */
function cli(args: string[], o: { cache?: string; cwd?: string; timeout?: number } = {}): CliResult {
  if (!existsSync(join(ROOT, 'packages/node/dist/cli.cjs'))) throw new Error('build first: npm run build');
  const env: NodeJS.ProcessEnv = { ...process.env, IMPASTO_CACHE: o.cache ?? SUITE_CACHE, IMPASTO_WEIGHTS: WEIGHTS };
  delete env.IMPASTO_VERBOSE;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: o.cwd ?? ROOT, env, timeout: o.timeout ?? 60_000, maxBuffer: 64 << 20 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr.toString('utf8'), ms: Date.now() - t0 };
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('impasto:'));

/** A refusal: a non-zero exit (not a signal), exactly one `impasto:` line matching, no stack trace. */
function expectRefused(r: CliResult, pattern: RegExp, exit?: number): void {
  const seen = { code: r.code, signal: r.signal, errors: errorLines(r.stderr), stackTrace: /^\s+at /m.test(r.stderr) };
  expect(seen).toEqual({
    code: exit ?? expect.any(Number),
    signal: null,
    errors: [expect.stringMatching(pattern)],
    stackTrace: false,
  });
  expect(r.code).not.toBe(0);
}

/** A correct result: exit 0 and no `impasto:` line. */
function expectOk(r: CliResult): void {
  expect({ code: r.code, signal: r.signal, errors: errorLines(r.stderr) }).toEqual({ code: 0, signal: null, errors: [] });
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * What the files under `paths` are: symlinks by their target (never followed: one may point at
 * /dev/zero), regular files by inode and SHA-256 (a replaced input changes its inode), FIFOs and
 * devices by kind (never read).
 */
function fingerprint(paths: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) out[p] = `link -> ${readlinkSync(p)}`;
    else if (st.isDirectory()) {
      out[p] = 'dir';
      for (const f of readdirSync(p)) visit(join(p, f));
    } else if (st.isFile()) out[p] = `file ${st.ino} ${sha256(readFileSync(p))}`;
    else out[p] = st.isFIFO() ? 'fifo' : 'special';
  };
  for (const p of paths) visit(p);
  return out;
}

/** Every path under `dir`, relative, sorted; folders end in `/`. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const f of readdirSync(join(dir, rel))) {
      const r = rel ? `${rel}/${f}` : f;
      if (lstatSync(join(dir, r)).isDirectory()) {
        out.push(`${r}/`);
        visit(r);
      } else out.push(r);
    }
  };
  visit('');
  return out.sort();
}

/** `dir` holds exactly `names` (no `*.tmp.*` leftovers, nothing else). */
function expectOnly(dir: string, names: readonly string[]): void {
  const l = listing(dir);
  expect(l.filter((f) => /\.tmp\./.test(f))).toEqual([]);
  expect(l).toEqual([...names].sort());
}

/** Asserts nothing under `paths` changed while `act` ran. */
async function unchanged<T>(paths: readonly string[], act: () => T | Promise<T>): Promise<T> {
  const before = fingerprint(paths);
  const r = await act();
  expect(fingerprint(paths)).toEqual(before);
  return r;
}

async function pixels(file: string | Buffer): Promise<Buffer> {
  return sharp(file).removeAlpha().raw().toBuffer();
}

function solidPng(file: string, size: number, background: { r: number; g: number; b: number }): Promise<unknown> {
  return sharp({ create: { width: size, height: size, channels: 3, background } }).png().toFile(file);
}

/** A copy of the wave checkpoint as symlinks into the mirror, then changed by `edit`. */
function checkpointCopy(edit: (dir: string) => void): string {
  const dir = join(tempDir('impasto-ckpt-'), 'wave-copy');
  mkdirSync(dir);
  for (const f of readdirSync(WAVE)) symlinkSync(join(WAVE, f), join(dir, f));
  edit(dir);
  return dir;
}

/** The manifest of the copy as a real file, changed by `edit`. */
function editManifest(dir: string, edit: (m: Record<string, { filename: unknown; shape: unknown }>) => void): void {
  const m = JSON.parse(readFileSync(join(WAVE, 'manifest.json'), 'utf8'));
  edit(m);
  rmSync(join(dir, 'manifest.json'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
}

/** Makes `dir` unwritable, also for root (chattr +i where chmod does not bind); returns the undo. */
function makeUnwritable(dir: string): () => void {
  if (process.getuid?.() !== 0) {
    execFileSync('chmod', ['555', dir]);
    return () => execFileSync('chmod', ['755', dir]);
  }
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`running as root and chattr +i failed, so no folder can be made unwritable here: ${(e as Error).message}`);
  }
  return () => execFileSync('chattr', ['-i', dir]);
}

describe('hostile inputs', () => {
  describe('1. lost files', () => {
    it('refuses -o DIR when a result would replace another input in DIR, inputs given as DIR or as files', async () => {
      const dir = tempDir();
      copyFileSync(COFFEE, join(dir, 'photo.png'));
      copyFileSync(CHELSEA, join(dir, 'photo_wave.png'));
      await unchanged([dir], () => {
        expectRefused(cli(['fst', dir, '-s', 'wave', '-o', dir, '--max-size', '32']), /Cannot use same file for input and output: .*photo_wave\.png/);
        expectOnly(dir, ['photo.png', 'photo_wave.png']);
        expectRefused(
          cli(['fst', join(dir, 'photo.png'), join(dir, 'photo_wave.png'), '-s', 'wave', '-o', dir, '--max-size', '32']),
          /Cannot use same file for input and output: .*photo_wave\.png/,
        );
        expectOnly(dir, ['photo.png', 'photo_wave.png']);
      });
    });

    it('refuses an output that is an input through a hard link or a symlink (another path, same inode)', async () => {
      const dir = tempDir();
      const photo = join(dir, 'photo.png');
      copyFileSync(COFFEE, photo);
      mkdirSync(join(dir, 'out'));
      linkSync(photo, join(dir, 'out', 'photo_wave.png'));
      symlinkSync(photo, join(dir, 'link.png'));
      const expected = ['link.png', 'out/', 'out/photo_wave.png', 'photo.png'];
      await unchanged([dir, STYLE], () => {
        for (const args of [
          ['fst', photo, '-s', 'wave', '-o', join(dir, 'out'), '--max-size', '32'],
          ['fst', photo, '-s', 'wave', '-o', join(dir, 'out', 'photo_wave.png'), '--max-size', '32'],
          ['fst', photo, '-s', 'wave', '-o', join(dir, 'link.png'), '--max-size', '32'],
          ['nst', '-c', photo, '-s', STYLE, '-o', join(dir, 'out', 'photo_wave.png'), '--net', 'squeezenet', '--size', '32', '--iterations', '1'],
        ]) {
          expectRefused(cli(args), /Cannot use same file for input and output: .*(photo_wave|link)\.png is the input .*photo\.png/);
          expectOnly(dir, expected);
        }
      });
      expect(statSync(join(dir, 'out', 'photo_wave.png')).ino).toBe(statSync(photo).ino);
      expect(lstatSync(join(dir, 'link.png')).isSymbolicLink()).toBe(true);
    });

    it('refuses two inputs of the same name (a/x.jpg, b/x.jpg) into one -o folder', async () => {
      const dir = tempDir();
      mkdirSync(join(dir, 'a'));
      mkdirSync(join(dir, 'b'));
      mkdirSync(join(dir, 'out'));
      copyFileSync(PHOTO, join(dir, 'a', 'x.jpg'));
      copyFileSync(ROCKET, join(dir, 'b', 'x.jpg'));
      await unchanged([join(dir, 'a'), join(dir, 'b')], () => {
        expectRefused(cli(['fst', join(dir, 'a', 'x.jpg'), join(dir, 'b', 'x.jpg'), '-s', 'wave', '-o', join(dir, 'out'), '--max-size', '32']), /two inputs would both be written to .*x_wave\.png/);
        expectRefused(cli(['fst', join(dir, 'a'), join(dir, 'b'), '-s', 'wave', '-o', join(dir, 'fresh'), '--max-size', '32']), /two inputs would both be written to .*x_wave\.png/);
      });
      expectOnly(dir, ['a/', 'a/x.jpg', 'b/', 'b/x.jpg', 'out/']);
    });

    it('refuses an NST checkpoint (out_50.png) that would replace an input', async () => {
      const dir = tempDir();
      copyFileSync(STYLE, join(dir, 'out_50.png'));
      await unchanged([dir, PHOTO], () => {
        const r = cli(['nst', '-c', PHOTO, '-s', join(dir, 'out_50.png'), '-o', join(dir, 'out.png'), '--net', 'squeezenet', '--size', '32', '--iterations', '100', '--checkpoint', '50']);
        expectRefused(r, /Cannot use same file for input and output: .*out_50\.png/);
      });
      expectOnly(dir, ['out_50.png']);
    });
  });

  describe('2. SVG references are not resolved', () => {
    it('stylizes an SVG that references files beside it without reading them', async () => {
      const dir = tempDir();
      await solidPng(join(dir, 'red.png'), 64, { r: 255, g: 0, b: 0 });
      writeFileSync(join(dir, 'secret.txt'), 'SECRET SECRET SECRET SECRET\n'.repeat(4));
      const svg = (body: string) =>
        `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xi="http://www.w3.org/2001/XInclude" width="64" height="64" viewBox="0 0 64 64">\n<rect x="0" y="0" width="64" height="64" fill="#ffffff"/>\n${body}</svg>\n`;
      writeFileSync(
        join(dir, 'evil.svg'),
        svg(
          `<image x="0" y="0" width="32" height="64" href="red.png"/>\n` +
            `<image x="32" y="0" width="32" height="64" xlink:href="file://${join(dir, 'red.png')}"/>\n` +
            `<text x="0" y="40" font-size="16" fill="black"><xi:include href="secret.txt" parse="text"/></text>\n`,
        ),
      );
      writeFileSync(join(dir, 'white.svg'), svg(''));
      const inputs = [join(dir, 'evil.svg'), join(dir, 'white.svg'), join(dir, 'red.png'), join(dir, 'secret.txt')];
      mkdirSync(join(dir, 'out'));
      // The fixture is hostile: rendered from its path, librsvg pulls the red image (and the text) in.
      const leaky = await sharp(join(dir, 'evil.svg')).removeAlpha().raw().toBuffer();
      expect(leaky.some((v, i) => i % 3 === 1 && v < 128)).toBe(true);
      await unchanged(inputs, async () => {
        const decoded = await decodeImage(join(dir, 'evil.svg'));
        expect([decoded.width, decoded.height]).toEqual([64, 64]);
        const distinct = new Set<string>();
        for (let i = 0; i < decoded.data.length; i += decoded.channels) distinct.add(decoded.data.subarray(i, i + decoded.channels).join(','));
        expect([...distinct]).toEqual([decoded.channels === 4 ? '255,255,255,255' : '255,255,255']);
        const evil = cli(['fst', join(dir, 'evil.svg'), '-s', 'wave', '-o', join(dir, 'out', 'evil.png'), '--max-size', '64']);
        expectOk(evil);
        const white = cli(['fst', join(dir, 'white.svg'), '-s', 'wave', '-o', join(dir, 'out', 'white.png'), '--max-size', '64']);
        expectOk(white);
        expect((await pixels(join(dir, 'out', 'evil.png'))).equals(await pixels(join(dir, 'out', 'white.png')))).toBe(true);
      });
      expectOnly(join(dir, 'out'), ['evil.png', 'white.png']);
    });
  });

  describe('3. crashes become one-line refusals', () => {
    it.each([4, 8, 1])('nst --net squeezenet with a %ipx style image exits 1 (not SIGFPE)', async (side) => {
      const dir = tempDir();
      const style = join(dir, `style${side}.png`);
      await solidPng(style, side, { r: 120, g: 60, b: 200 });
      mkdirSync(join(dir, 'out'));
      await unchanged([style, PHOTO], () => {
        const r = cli(['nst', '-c', PHOTO, '-s', style, '-o', join(dir, 'out', 'out.png'), '--net', 'squeezenet', '--size', '32', '--iterations', '2', '--checkpoint', '1']);
        expectRefused(r, new RegExp(`the style image is ${side}x${side} px; squeezenet .*needs at least 9 px on each side`), 1);
      });
      expectOnly(join(dir, 'out'), []);
    });

    it('refuses --threads beyond the schema (commander) and beyond 4 × the cores', async () => {
      const dir = tempDir();
      const out = join(dir, 'out.png');
      const max = 4 * availableParallelism();
      await unchanged([PHOTO, STYLE], () => {
        for (const t of ['1000', '100000']) {
          const r = cli(['nst', '-c', PHOTO, '-s', STYLE, '-o', out, '--net', 'squeezenet', '--size', '32', '--iterations', '1', '--threads', t]);
          expectRefused(r, new RegExp(`option '--threads <n>' argument '${t}' is invalid\\. expected integer between 0 and 256`));
          expectOnly(dir, []);
        }
        if (max >= 256) return; // nothing between the schema's bound and this machine's
        const t = String(64 > max ? 64 : max + 1);
        const bound = new RegExp(`integer between 0 and ${max} \\(4 × the cores here\\) for intraOpNumThreads but received ${t}`);
        expectRefused(cli(['nst', '-c', PHOTO, '-s', STYLE, '-o', out, '--net', 'squeezenet', '--size', '32', '--iterations', '1', '--threads', t]), bound);
        expectRefused(cli(['fst', PHOTO, '-s', 'wave', '-o', out, '--max-size', '32', '--threads', t]), bound);
        expectOnly(dir, []);
      });
    });

    const load = (dir: string) => FastStyle.load(dir as StyleName, { ep: 'cpu' }, { store });
    const fstWith = (ckpt: string, out: string) => cli(['fst', PHOTO, '-s', ckpt, '-o', out, '--max-size', '32'], { timeout: 15_000 });

    it(
      'refuses a checkpoint variable that is a symlink to /dev/zero, or a FIFO, promptly',
      async () => {
        const zero = checkpointCopy((d) => {
          rmSync(join(d, 'Variable_3'));
          symlinkSync('/dev/zero', join(d, 'Variable_3'));
        });
        const fifo = checkpointCopy((d) => {
          rmSync(join(d, 'Variable_5'));
          execFileSync('mkfifo', [join(d, 'Variable_5')]);
        });
        const out = tempDir();
        await unchanged([zero, fifo, WAVE, PHOTO], async () => {
          const r = fstWith(zero, join(out, 'o.png'));
          expectRefused(r, /model file .*Variable_3 is not a regular file/);
          expect(r.ms).toBeLessThan(15_000);
          expectRefused(fstWith(fifo, join(out, 'o.png')), /model file .*Variable_5 is not a regular file/);
          await expect(load(zero)).rejects.toMatchObject({ code: 'BAD_MODEL', message: expect.stringMatching(/Variable_3 is not a regular file/) });
          await expect(load(fifo)).rejects.toMatchObject({ code: 'BAD_MODEL', message: expect.stringMatching(/Variable_5 is not a regular file/) });
        });
        expectOnly(out, []);
      },
      20_000,
    );

    it.each([
      [
        "a manifest naming '../../etc/hostname'",
        (d: string) => editManifest(d, (m) => (m.Variable_3!.filename = '../../etc/hostname')),
        /manifest\.json in .*: Variable_3 names '\.\.\/\.\.\/etc\/hostname', not a file in the checkpoint folder/,
      ],
      [
        'a manifest whose shape is a string',
        (d: string) => editManifest(d, (m) => (m.Variable_3!.shape = '3,3,32,64')),
        /manifest\.json in .*: Variable_3 has shape "3,3,32,64", not 1 to 4 positive integers/,
      ],
      [
        'a variable file full of NaN (right size)',
        (d: string) => {
          rmSync(join(d, 'Variable_3'));
          writeFileSync(join(d, 'Variable_3'), Buffer.from(new Float32Array(statSync(join(WAVE, 'Variable_3')).size / 4).fill(NaN).buffer));
        },
        /Variable_3 in .* holds a non-finite weight \(NaN at 0\)/,
      ],
      [
        'a variable file one byte larger than its shape',
        (d: string) => {
          rmSync(join(d, 'Variable_3'));
          writeFileSync(join(d, 'Variable_3'), Buffer.concat([readFileSync(join(WAVE, 'Variable_3')), Buffer.from([0])]));
        },
        /Variable_3 has 73729 bytes, more than the 73728 expected/,
      ],
    ])('refuses %s (BAD_MODEL, one line)', async (_what, edit, message) => {
      const ckpt = checkpointCopy(edit);
      const out = tempDir();
      await unchanged([ckpt, WAVE, PHOTO], async () => {
        expectRefused(fstWith(ckpt, join(out, 'o.png')), message);
        await expect(load(ckpt)).rejects.toMatchObject({ code: 'BAD_MODEL', message: expect.stringMatching(message) });
      });
      expectOnly(out, []);
    });
  });

  describe('4. special outputs', () => {
    it('-o - writes the PNG to standard output and no file named -', async () => {
      const cwd = tempDir();
      const r = await unchanged([PHOTO], () => cli(['fst', PHOTO, '-s', 'wave', '-o', '-', '--max-size', '32'], { cwd }));
      expectOk(r);
      expect(r.stdout.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(await sharp(r.stdout).metadata()).toMatchObject({ format: 'png', width: 32, height: 32 });
      expectOnly(cwd, []);
    });

    it('-o /dev/stdout writes through and /dev/stdout stays a symlink (stdout a socket, as child_process gives)', async () => {
      const cwd = tempDir();
      const r = await unchanged([PHOTO], () => cli(['fst', PHOTO, '-s', 'wave', '-o', '/dev/stdout', '--max-size', '32'], { cwd }));
      expectOk(r);
      expect(r.stdout.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(await sharp(r.stdout).metadata()).toMatchObject({ format: 'png', width: 32, height: 32 });
      expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
      expectOnly(cwd, []);
    });

    it('-o /dev/stdout writes through when standard output is a shell pipe', async () => {
      const cwd = tempDir();
      // Node gives a child a socket for stdout; here the CLI's stdout is a real pipe into `cat`.
      const r = await unchanged([PHOTO], () => {
        const t0 = Date.now();
        const env: NodeJS.ProcessEnv = { ...process.env, IMPASTO_CACHE: SUITE_CACHE, IMPASTO_WEIGHTS: WEIGHTS };
        const s = spawnSync('bash', ['-c', 'set -o pipefail; "$0" "$@" | cat', process.execPath, BIN, 'fst', PHOTO, '-s', 'wave', '-o', '/dev/stdout', '--max-size', '32'], { cwd, env, timeout: 60_000, maxBuffer: 64 << 20 });
        return { code: s.status, signal: s.signal, stdout: s.stdout, stderr: s.stderr.toString('utf8'), ms: Date.now() - t0 } as CliResult;
      });
      expectOk(r);
      expect(r.stdout.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(await sharp(r.stdout).metadata()).toMatchObject({ format: 'png', width: 32, height: 32 });
      expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
      expectOnly(cwd, []);
    });

    it('a FIFO as output is written through to its reader and stays a FIFO', async () => {
      const dir = tempDir();
      const fifo = join(dir, 'pipe.png');
      execFileSync('mkfifo', [fifo]);
      const reader = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', fifo, join(dir, 'got')], { stdio: 'ignore' });
      const done = exited(reader, 30_000);
      try {
        const r = await unchanged([PHOTO], () => cli(['fst', PHOTO, '-s', 'wave', '-o', fifo, '--max-size', '32'], { timeout: 30_000 }));
        expectOk(r);
        expect(await done).toEqual({ code: 0, signal: null });
      } finally {
        reader.kill('SIGKILL');
      }
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      const got = readFileSync(join(dir, 'got'));
      expect(got.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(await sharp(got).metadata()).toMatchObject({ format: 'png', width: 32, height: 32 });
      expectOnly(dir, ['got', 'pipe.png']);
    });

    it('a symlink output replaces the file it points to in another folder; the link stays', async () => {
      const dir = tempDir();
      mkdirSync(join(dir, 'out'));
      mkdirSync(join(dir, 'other'));
      const target = join(dir, 'other', 'target.png');
      await solidPng(target, 8, { r: 0, g: 255, b: 0 });
      const oldIno = statSync(target).ino;
      symlinkSync('../other/target.png', join(dir, 'out', 'link.png'));
      const r = await unchanged([PHOTO], () => cli(['fst', PHOTO, '-s', 'wave', '-o', join(dir, 'out', 'link.png'), '--max-size', '32']));
      expectOk(r);
      expect(lstatSync(join(dir, 'out', 'link.png')).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(dir, 'out', 'link.png'))).toBe('../other/target.png');
      expect(await sharp(target).metadata()).toMatchObject({ format: 'png', width: 32, height: 32 });
      expect(statSync(target).ino).not.toBe(oldIno); // replaced by rename, not rewritten in place
      expectOnly(join(dir, 'out'), ['link.png']);
      expectOnly(join(dir, 'other'), ['target.png']);
    });

    it('(extra) a dangling symlink output: the link is not silently replaced by a file', async () => {
      const dir = tempDir();
      mkdirSync(join(dir, 'out'));
      mkdirSync(join(dir, 'other'));
      symlinkSync('../other/new.png', join(dir, 'out', 'link.png'));
      const r = await unchanged([PHOTO], () => cli(['fst', PHOTO, '-s', 'wave', '-o', join(dir, 'out', 'link.png'), '--max-size', '32']));
      // Either written through the link (as `>` in a shell would) or refused; never the link turned into a file.
      expect(lstatSync(join(dir, 'out', 'link.png')).isSymbolicLink()).toBe(true);
      expectOnly(join(dir, 'out'), ['link.png']);
      if (r.code === 0) {
        expectOk(r);
        expectOnly(join(dir, 'other'), ['new.png']);
      } else {
        expectRefused(r, /link\.png/);
        expectOnly(join(dir, 'other'), []);
      }
    });
  });

  describe('5. weak contracts', () => {
    let fst: FastStyle;
    let dir: string;
    let photo: string;
    beforeAll(async () => {
      fst = await FastStyle.load('wave', { ep: 'cpu' }, { store });
      dir = tempDir();
      photo = join(dir, 'photo.jpg');
      copyFileSync(PHOTO, photo);
    });
    afterAll(() => fst.dispose());

    const refuses = async (call: () => Promise<unknown>, code: string, message: RegExp) => {
      await unchanged([dir], () => expect(call()).rejects.toMatchObject({ code, message: expect.stringMatching(message) }));
      expectOnly(dir, ['photo.jpg']);
    };

    it.each([
      ['maxPixels: 0', { maxPixels: 0 }, /Expected integer between 1 and 2147483647 for maxPixels but received 0/],
      ['maxPixels: false', { maxPixels: false }, /Expected integer between 1 and 2147483647 for maxPixels but received false/],
      ["format: 'bogus'", { format: 'bogus' }, /Expected one of png, jpeg, webp, avif, tiff for format but received 'bogus'/],
      ['quality: 101', { quality: 101 }, /Expected integer between 1 and 100 for quality but received 101/],
      ['an unknown key { maxsize: 10 }', { maxsize: 10 }, /Unknown option 'maxsize' for stylizing an image; valid options: maxSize/],
    ])('%s is INVALID_ARGUMENT for stylize, stylizeEncoded, stylizeFile and decodeImage', async (_what, options, message) => {
      const o = options as never;
      await refuses(() => fst.stylize(photo, o), 'INVALID_ARGUMENT', message);
      await refuses(() => fst.stylizeEncoded(photo, o), 'INVALID_ARGUMENT', message);
      await refuses(() => fst.stylizeFile(photo, join(dir, 'out.png'), o), 'INVALID_ARGUMENT', message);
      if ('maxPixels' in options || 'maxsize' in options) {
        await refuses(() => decodeImage(photo, o), 'INVALID_ARGUMENT', 'maxsize' in options ? /Unknown option 'maxsize' for decoding an image/ : message);
      }
    });

    it('stylize(null) and stylize(undefined) are BAD_IMAGE', async () => {
      await refuses(() => fst.stylize(null as never), 'BAD_IMAGE', /Expected an image but received null/);
      await refuses(() => fst.stylize(undefined as never), 'BAD_IMAGE', /Expected an image but received undefined/);
      await refuses(() => decodeImage(null as never), 'BAD_IMAGE', /Expected an image but received null/);
    });

    it('stylizeFile refuses an output name it cannot write or that disagrees with format', async () => {
      for (const name of ['out.gif', 'out.xyz', 'out']) {
        await refuses(() => fst.stylizeFile(photo, join(dir, name)), 'INVALID_ARGUMENT', /cannot tell the format of .*: name it \.png, \.jpg/);
      }
      await refuses(() => fst.stylizeFile(photo, join(dir, 'x.png'), { format: 'jpeg' }), 'INVALID_ARGUMENT', /format jpeg does not match .*x\.png, which names png/);
    });

    it('a disposed FastStyle is INVALID_ARGUMENT on every call', async () => {
      const f = await FastStyle.load('wave', { ep: 'cpu' }, { store });
      await f.dispose();
      await f.dispose(); // twice is fine
      await refuses(() => f.stylize(photo), 'INVALID_ARGUMENT', /this FastStyle was disposed/);
      await refuses(() => f.stylizeEncoded(photo), 'INVALID_ARGUMENT', /this FastStyle was disposed/);
      await refuses(() => f.stylizeFile(photo, join(dir, 'out.png')), 'INVALID_ARGUMENT', /this FastStyle was disposed/);
      await refuses(() => f.stylizeRaw({ data: new Uint8Array(3 * 16), width: 4, height: 4, channels: 3 }), 'INVALID_ARGUMENT', /this FastStyle was disposed/);
    });

    it('the CLI refuses -o out.gif / out.xyz (cannot tell the format) and --format jpeg -o x.png (does not match)', async () => {
      const out = tempDir();
      await unchanged([PHOTO, STYLE], () => {
        for (const name of ['out.gif', 'out.xyz']) {
          expectRefused(cli(['fst', PHOTO, '-s', 'wave', '-o', join(out, name), '--max-size', '32']), new RegExp(`cannot tell the format of .*${name.replace('.', '\\.')}`));
          expectRefused(cli(['nst', '-c', PHOTO, '-s', STYLE, '-o', join(out, name), '--net', 'squeezenet', '--size', '32', '--iterations', '1']), /cannot tell the format/);
        }
        expectRefused(cli(['fst', PHOTO, '-s', 'wave', '-o', join(out, 'x.png'), '--format', 'jpeg', '--max-size', '32']), /format jpeg does not match .*x\.png/);
      });
      expectOnly(out, []);
    });
  });

  describe('6. silent corruption of the graph cache', () => {
    it('rebuilds a graph with a flipped byte, and one copied under another key, instead of using it', async () => {
      const cache = tempDir('impasto-hostile-own-cache-');
      const dir = tempDir();
      const photo = join(dir, 'photo.jpg');
      copyFileSync(PHOTO, photo);
      const out = join(dir, 'out');
      mkdirSync(out);
      const run = (style: string, name: string) => {
        const r = cli(['fst', photo, '-s', style, '-o', join(out, name), '--max-size', '32'], { cache });
        expectOk(r);
        return join(out, name);
      };
      const graphs = () => readdirSync(join(cache, 'graphs')).filter((f) => f.endsWith('.onnx')).sort();
      await unchanged([photo], async () => {
        const first = await pixels(run('wave', 'wave1.png'));
        const [waveGraph] = graphs();
        expect(graphs()).toEqual([waveGraph]);
        const wavePath = join(cache, 'graphs', waveGraph!);
        const good = readFileSync(wavePath);

        // A flipped byte in the middle of the cached graph.
        const bad = Buffer.from(good);
        bad[bad.length >> 1]! ^= 0xff;
        writeFileSync(wavePath, bad);
        expect((await pixels(run('wave', 'wave2.png'))).equals(first)).toBe(true);
        expect(sha256(readFileSync(wavePath))).toBe(sha256(good)); // rebuilt and cached again

        // udnie's graph and seal copied over wave's key.
        const udnie = await pixels(run('udnie', 'udnie.png'));
        expect(udnie.equals(first)).toBe(false);
        const udnieGraph = graphs().find((g) => g !== waveGraph)!;
        for (const ext of ['.onnx', '.sha256']) {
          copyFileSync(join(cache, 'graphs', udnieGraph.replace(/\.onnx$/, ext)), join(cache, 'graphs', waveGraph!.replace(/\.onnx$/, ext)));
        }
        expect((await pixels(run('wave', 'wave3.png'))).equals(first)).toBe(true);
        expect(sha256(readFileSync(wavePath))).toBe(sha256(good));
      });
      expectOnly(out, ['udnie.png', 'wave1.png', 'wave2.png', 'wave3.png']);
      expect(listing(cache).filter((f) => /\.tmp\./.test(f))).toEqual([]);
    });
  });

  describe('7. what already works keeps working', () => {
    let dir: string;
    const bad: Record<string, string> = {};
    beforeAll(async () => {
      dir = tempDir();
      writeFileSync((bad.empty = join(dir, 'empty.jpg')), '');
      writeFileSync((bad.truncated = join(dir, 'truncated.jpg')), readFileSync(ROCKET).subarray(0, 3000));
      writeFileSync((bad.text = join(dir, 'text.png')), 'this is not an image\n');
      mkdirSync((bad.folder = join(dir, 'folder.jpg')));
      bad.missing = join(dir, 'missing.jpg');
    });

    it.each([
      ['an empty file', 'empty', /input file .*empty\.jpg is empty/],
      ['a truncated JPEG', 'truncated', /truncated\.jpg cannot be decoded \(VipsJpeg: premature end of JPEG image\)/],
      ['not an image', 'text', /text\.png is not an image in a format Impasto reads/],
      ['a missing input', 'missing', /missing\.jpg does not exist/],
      ['a directory as the input file', 'folder', /folder\.jpg (holds no images|is a directory, not a file)/],
    ])('%s is refused by fst and nst, and by the library', async (_what, key, message) => {
      const input = bad[key]!;
      const out = tempDir();
      await unchanged([dir, STYLE], async () => {
        expectRefused(cli(['fst', input, '-s', 'wave', '-o', join(out, 'f.png'), '--max-size', '32']), message);
        expectRefused(cli(['nst', '-c', input, '-s', STYLE, '-o', join(out, 'n.png'), '--net', 'squeezenet', '--size', '32', '--iterations', '1']), message);
        const code = key === 'missing' ? 'MISSING_FILE' : 'BAD_IMAGE';
        await expect(decodeImage(input)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
      });
      expectOnly(out, []);
      expectOnly(dir, ['empty.jpg', 'folder.jpg/', 'text.png', 'truncated.jpg']);
    });

    it('an unwritable output folder is one IO line and leaves nothing', async () => {
      const out = join(tempDir(), 'locked');
      mkdirSync(out);
      const undo = makeUnwritable(out);
      try {
        await unchanged([PHOTO, STYLE], () => {
          expectRefused(cli(['fst', PHOTO, '-s', 'wave', '-o', join(out, 'o.png'), '--max-size', '32']), /cannot write .*locked\/o\.png: E(ACCES|PERM)/);
          expectRefused(cli(['fst', PHOTO, '-s', 'wave', '-o', join(out, 'sub', 'o.png'), '--max-size', '32']), /cannot write .*locked\/sub\/o\.png: E(ACCES|PERM)/);
          expectRefused(cli(['nst', '-c', PHOTO, '-s', STYLE, '-o', join(out, 'n.png'), '--net', 'squeezenet', '--size', '32', '--iterations', '1']), /cannot write .*locked\/n\.png: E(ACCES|PERM)/);
        });
      } finally {
        undo();
      }
      expectOnly(out, []);
    });

    it('output = input is refused for fst and nst', async () => {
      const d = tempDir();
      const photo = join(d, 'photo.png');
      copyFileSync(COFFEE, photo);
      await unchanged([d, STYLE], () => {
        expectRefused(cli(['fst', photo, '-s', 'wave', '-o', photo, '--max-size', '32']), /Cannot use same file for input and output: .*photo\.png/);
        expectRefused(cli(['nst', '-c', photo, '-s', STYLE, '-o', photo, '--net', 'squeezenet', '--size', '32', '--iterations', '1']), /Cannot use same file for input and output: .*photo\.png/);
        expectRefused(cli(['nst', '-c', STYLE, '-s', photo, '-o', photo, '--net', 'squeezenet', '--size', '32', '--iterations', '1']), /Cannot use same file for input and output: .*photo\.png/);
      });
      expectOnly(d, ['photo.png']);
    });

    it(
      'Ctrl-C during impasto nst exits 130 and leaves no output or checkpoint',
      async () => {
        const out = tempDir();
        await unchanged([PHOTO, STYLE], async () => {
          const child = spawn(
            process.execPath,
            [BIN, 'nst', '-c', PHOTO, '-s', STYLE, '-o', join(out, 'out.png'), '--net', 'squeezenet', '--size', '64', '--iterations', '100000', '--checkpoint', '1000'],
            { cwd: ROOT, env: { ...process.env, IMPASTO_CACHE: SUITE_CACHE, IMPASTO_WEIGHTS: WEIGHTS }, stdio: ['ignore', 'pipe', 'pipe'] },
          );
          let stderr = '';
          let sent = false;
          child.stderr!.on('data', (b: Buffer) => {
            stderr += b.toString('utf8');
            if (!sent && /^iteration 1\//m.test(stderr)) {
              sent = true;
              child.kill('SIGINT');
            }
          });
          const { code, signal } = await exited(child, 45_000);
          expect(sent).toBe(true);
          expectRefused({ code, signal, stderr, stdout: Buffer.alloc(0), ms: 0 }, /stopped after \d+ of 100000 iterations/, 130);
        });
        expectOnly(out, []);
      },
      60_000,
    );

    it('aborting a library neuralStyle run after the first progress event rejects ABORTED and writes nothing', async () => {
      const d = tempDir();
      const photo = join(d, 'photo.jpg');
      copyFileSync(PHOTO, photo);
      await unchanged([d, STYLE], async () => {
        const ac = new AbortController();
        const run = neuralStyle(
          { content: photo, style: STYLE },
          { net: 'squeezenet', ep: 'cpu', size: 32, iterations: 100000, checkpointEvery: 1 },
          { store, signal: ac.signal },
        );
        let progress = 0;
        const consume = (async () => {
          for await (const e of run.events) if (e.type === 'progress' && ++progress === 1) ac.abort();
        })();
        await expect(run.result).rejects.toMatchObject({ code: 'ABORTED', message: expect.stringMatching(/^stopped after \d+ of 100000 iterations$/) });
        await expect(consume).rejects.toMatchObject({ code: 'ABORTED' });
        expect(progress).toBeGreaterThanOrEqual(1);
        expect(progress).toBeLessThan(5);
      });
      expectOnly(d, ['photo.jpg']);
    });
  });

  describe('8. every public entry refuses null, NaN, non-integers and non-objects with a code', () => {
    let fst: FastStyle;
    let ast: ArbitraryStyle;
    let raw: RawImage;
    let dir: string;
    beforeAll(async () => {
      fst = await FastStyle.load('wave', { ep: 'cpu' }, { store });
      ast = await ArbitraryStyle.load({ ep: 'cpu' }, { store });
      raw = await decodeImage(PHOTO, { maxSize: 32 });
      dir = tempDir();
    });
    afterAll(async () => {
      await fst.dispose();
      await ast.dispose();
    });

    /** What a call does: its error (sync or async, run results included), or 'ok'. */
    const outcome = async (call: () => unknown): Promise<unknown> => {
      try {
        const r = call() as { result?: Promise<unknown> } | Promise<unknown> | undefined;
        if (r && typeof r === 'object' && 'result' in r && r.result instanceof Promise) await r.result;
        else await r;
        return 'ok';
      } catch (e) {
        return e;
      }
    };
    const rawWith = (patch: Record<string, unknown>) => ({ ...raw, ...patch }) as unknown as RawImage;
    const out = () => join(dir, 'o.png');
    const cases: [string, () => unknown][] = [
      ['FastStyle.load(null)', () => FastStyle.load(null as never)],
      ['FastStyle.load(42)', () => FastStyle.load(42 as never)],
      ['FastStyle.load({})', () => FastStyle.load({} as never)],
      ["FastStyle.load('wave', null)", () => FastStyle.load('wave', null as never)],
      ["FastStyle.load('wave', {}, null)", () => FastStyle.load('wave', {}, null as never)],
      ["FastStyle.load('wave', {}, 42)", () => FastStyle.load('wave', {}, 42 as never)],
      ['stylize(42)', () => fst.stylize(42 as never)],
      ['stylize({})', () => fst.stylize({} as never)],
      ['stylize([])', () => fst.stylize([] as never)],
      ['stylize(photo, null)', () => fst.stylize(PHOTO, null as never)],
      ['stylize(photo, {}, null)', () => fst.stylize(PHOTO, {}, null as never)],
      ['stylize(photo, {}, { signal: 1 })', () => fst.stylize(PHOTO, {}, { signal: 1 } as never)],
      ['stylize(photo, { maxSize: NaN })', () => fst.stylize(PHOTO, { maxSize: NaN })],
      ['stylize(photo, { maxSize: 1.5 })', () => fst.stylize(PHOTO, { maxSize: 1.5 })],
      ['stylizeRaw(null)', () => fst.stylizeRaw(null as never)],
      ['stylizeRaw(width NaN)', () => fst.stylizeRaw(rawWith({ width: NaN }))],
      ['stylizeRaw(width 1.5)', () => fst.stylizeRaw(rawWith({ width: 1.5 }))],
      ["stylizeRaw(width '32')", () => fst.stylizeRaw(rawWith({ width: '32' }))],
      ['stylizeRaw(data an Array)', () => fst.stylizeRaw(rawWith({ data: Array.from(raw.data) }))],
      ['stylizeRaw(data a Float32Array)', () => fst.stylizeRaw(rawWith({ data: new Float32Array(raw.data.length) }))],
      ['stylizeRaw(channels 7)', () => fst.stylizeRaw(rawWith({ channels: 7 }))],
      ['stylizeRaw(raw, NaN)', () => fst.stylizeRaw(raw, NaN)],
      ['stylizeRaw(raw, -1)', () => fst.stylizeRaw(raw, -1)],
      ['stylizeRaw(raw, undefined, null)', () => fst.stylizeRaw(raw, undefined, null as never)],
      ['stylizeEncoded(null)', () => fst.stylizeEncoded(null as never)],
      ['stylizeFile(null, out)', () => fst.stylizeFile(null as never, out())],
      ['stylizeFile(photo, null)', () => fst.stylizeFile(PHOTO, null as never)],
      ['stylizeFile(photo, 42)', () => fst.stylizeFile(PHOTO, 42 as never)],
      ['ArbitraryStyle.load(null)', () => ArbitraryStyle.load(null as never)],
      ['ArbitraryStyle.load({}, 42)', () => ArbitraryStyle.load({}, 42 as never)],
      ['ast.stylize(photo, null)', () => ast.stylize(PHOTO, null as never)],
      ['ast.stylize(photo, 42)', () => ast.stylize(PHOTO, 42 as never)],
      ['ast.stylize(photo, [null])', () => ast.stylize(PHOTO, [null] as never)],
      ['ast.stylize(photo, [{ style, weight: NaN }])', () => ast.stylize(PHOTO, [{ style: STYLE, weight: NaN }])],
      ['ast.stylize(photo, style, {}, 42)', () => ast.stylize(PHOTO, STYLE, {}, 42 as never)],
      ['ast.encodeStyle(null)', () => ast.encodeStyle(null as never)],
      ['ast.encodeStyle(style, 42)', () => ast.encodeStyle(STYLE, 42 as never)],
      ['ast.stylizeFile(photo, [null], out)', () => ast.stylizeFile(PHOTO, [null] as never, out())],
      ['ast.stylizeFile(photo, style, null)', () => ast.stylizeFile(PHOTO, STYLE, null as never)],
      ['NeuralStyle.load(null)', () => NeuralStyle.load(null as never)],
      ['NeuralStyle.load({}, 42)', () => NeuralStyle.load({}, 42 as never)],
      ['neuralStyle(null)', () => neuralStyle(null as never, { net: 'squeezenet', iterations: 1 }, { store })],
      ['neuralStyle(a RawImage as inputs)', () => neuralStyle(raw as never, { net: 'squeezenet', iterations: 1 }, { store })],
      ['neuralStyle(inputs, null)', () => neuralStyle({ content: PHOTO, style: STYLE }, null as never, { store })],
      ['neuralStyle(inputs, {}, 42)', () => neuralStyle({ content: PHOTO, style: STYLE }, {}, 42 as never)],
      ['neuralStyle({ content: null })', () => neuralStyle({ content: null as never, style: STYLE }, { net: 'squeezenet', iterations: 1, size: 32 }, { store })],
      ['neuralStyle({ style: [null] })', () => neuralStyle({ content: PHOTO, style: [null] as never }, { net: 'squeezenet', iterations: 1, size: 32 }, { store })],
      ['neuralStyle(weights 1e308, 1e308)', () => neuralStyle({ content: PHOTO, style: [{ style: STYLE, weight: 1e308 }, { style: STYLE, weight: 1e308 }] }, { net: 'squeezenet', iterations: 1, size: 32 }, { store })],
      ['stylizeVideo(null, out, { style })', () => stylizeVideo(null as never, join(dir, 'o.mp4'), { style: 'wave' })],
      ['stylizeVideo(in, null, { style })', () => stylizeVideo(PHOTO, null as never, { style: 'wave' })],
      ['stylizeVideo(in, out, null)', () => stylizeVideo(PHOTO, join(dir, 'o.mp4'), null as never)],
      ['stylizeVideo(in, out, { style: 42 })', () => stylizeVideo(join(SHARED, 'images/video/tree.avi'), join(dir, 'o.mp4'), { style: 42 as never, maxSize: 32 })],
      ['stylizeVideo(in, out, { style }, 42)', () => stylizeVideo(PHOTO, join(dir, 'o.mp4'), { style: 'wave' }, 42 as never)],
      ['decodeImage(42)', () => decodeImage(42 as never)],
      ['decodeImage(photo, null)', () => decodeImage(PHOTO, null as never)],
      ['encodeImage(null)', () => encodeImage(null as never)],
      ["encodeImage(raw, 42)", () => encodeImage(raw, 42 as never)],
      ['new ModelStore(null)', () => new ModelStore(null as never)],
    ];

    it('throws or rejects an ImpastoError for each (never a TypeError), and writes nothing', async () => {
      const seen: Record<string, string> = {};
      await unchanged([PHOTO, STYLE], async () => {
        for (const [what, call] of cases) {
          const e = await outcome(call);
          seen[what] = isImpastoError(e) ? `${e.code}` : e === 'ok' ? 'ok (no error)' : `${(e as Error)?.name}: ${(e as Error)?.message}`;
        }
      });
      const codes = ['INVALID_ARGUMENT', 'BAD_IMAGE', 'UNKNOWN_STYLE', 'MISSING_FILE'];
      expect(Object.entries(seen).filter(([, v]) => !codes.includes(v))).toEqual([]);
      expectOnly(dir, []);
    }, 120_000);

    it('names what was wrong', async () => {
      const message = async (call: () => unknown) => ((await outcome(call)) as Error).message;
      expect(await message(() => FastStyle.load(null as never))).toBe('Expected a style id (see listStyles()), a checkpoint folder or a WeightSource for style but received null');
      expect(await message(() => fst.stylizeRaw(rawWith({ width: NaN })))).toBe('Expected an integer between 1 and 1048576 for image.width but received NaN of type number');
      expect(await message(() => fst.stylizeRaw(rawWith({ data: new Float32Array(3) })))).toBe('Expected a Uint8Array or Uint8ClampedArray of 8-bit pixels for image.data but received a Float32Array');
      expect(await message(() => fst.stylize(PHOTO, {}, null as never))).toBe('Expected an object or undefined for context but received null');
      expect(await message(() => fst.stylizeFile(PHOTO, 42 as never))).toBe('Expected a file path for output but received 42 of type number');
      expect(await message(() => neuralStyle({ content: PHOTO, style: [{ style: STYLE, weight: 1e308 }, { style: STYLE, weight: 1e308 }] }, { net: 'squeezenet', iterations: 1, size: 32 }, { store }))).toMatch(/^the style weights add up to Infinity, beyond float32's range; scale them down/);
    });
  });

  describe('9. a graph-cache entry that cannot be read is dropped and rebuilt', () => {
    it.each([
      ['a directory', (p: string) => mkdirSync(p)],
      ['a FIFO', (p: string) => execFileSync('mkfifo', [p])],
    ])('the cached graph replaced by %s: the run rebuilds it (said with --verbose) and gives the same pixels', async (_what, replace) => {
      const cache = tempDir('impasto-hostile-unreadable-');
      const out = tempDir();
      const run = (name: string, verbose = false) => {
        const r = cli(['fst', PHOTO, '-s', 'wave', '-o', join(out, name), '--max-size', '32', ...(verbose ? ['--verbose'] : [])], { cache, timeout: 60_000 });
        // --verbose prints what the store did as `impasto:` lines of its own.
        if (verbose) expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
        else expectOk(r);
        return r;
      };
      run('first.png');
      const graph = readdirSync(join(cache, 'graphs')).find((f) => f.endsWith('.onnx'))!;
      rmSync(join(cache, 'graphs', graph));
      replace(join(cache, 'graphs', graph));
      const r = run('second.png', true);
      expect(errorLines(r.stderr)).toEqual([expect.stringMatching(new RegExp(`^impasto: .*graphs/${graph.replace('.', '\\.')} could not be read \\(.* (is a directory, not a file|is not a regular file)\\); dropped, and made again$`))]);
      expect((await pixels(join(out, 'second.png'))).equals(await pixels(join(out, 'first.png')))).toBe(true);
      expect(statSync(join(cache, 'graphs', graph)).isFile()).toBe(true);
      expectOnly(out, ['first.png', 'second.png']);
    }, 90_000);
  });

  describe('10. arbitrary style: weights near the largest number, thin images', () => {
    let ast: ArbitraryStyle;
    beforeAll(async () => {
      ast = await ArbitraryStyle.load({ ep: 'cpu' }, { store });
    });
    afterAll(() => ast.dispose());

    it('--style-weights 1e308,1e308 blends as 1,1 (no overflow to a flat image)', async () => {
      const dir = tempDir();
      const other = join(SHARED, 'images/style/jcjohnson_starry_night.jpg');
      const args = (weights: string, name: string) => ['ast', PHOTO, '-s', STYLE, other, '--style-weights', weights, '--max-size', '64', '-o', join(dir, name)];
      await unchanged([PHOTO, STYLE, other], () => {
        expectOk(cli(args('1e308,1e308', 'huge.png')));
        expectOk(cli(args('1,1', 'ones.png')));
      });
      const [huge, ones] = [await pixels(join(dir, 'huge.png')), await pixels(join(dir, 'ones.png'))];
      expect(huge.equals(ones)).toBe(true);
      // Not flat: the blend of two paintings, not a zero code.
      expect(new Set(huge).size).toBeGreaterThan(50);
    });

    it('a 10000x10 painting is encoded (its short side kept at 8 px) instead of refused as 1024x1', async () => {
      const dir = tempDir();
      const thin = join(dir, 'thin.png');
      await sharp({ create: { width: 10000, height: 10, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toFile(thin);
      const code = await ast.encodeStyle(thin);
      expect(code.kind).toBe('microast-style-code');
      await unchanged([thin, PHOTO], () => expectOk(cli(['ast', PHOTO, '-s', thin, '--max-size', '48', '-o', join(dir, 'out.png')])));
    });

    it('a thin photo shrunk too thin by --max-size is refused with the --max-size that works', async () => {
      const dir = tempDir();
      const thin = join(dir, 'thin.png');
      await sharp({ create: { width: 4000, height: 10, channels: 3, background: { r: 20, g: 140, b: 90 } } }).png().toFile(thin);
      expectRefused(cli(['ast', thin, '-s', STYLE, '--max-size', '1024', '-o', join(dir, 'out.png')]), /the content image is 1024x3 px; arbitrary style transfer needs at least 8 px on each side: its 4000x10 px fit with --max-size 3200 or more/);
      await expect(ast.stylize(thin, STYLE, { maxSize: 1024 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/fit with maxSize 3200 or more/) });
      expectOk(cli(['ast', thin, '-s', STYLE, '--max-size', '3200', '-o', join(dir, 'out.png')]));
    });
  });
});
