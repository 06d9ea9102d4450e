// Video under failure: a full disk, a decoder that never delivers, signals (SIGKILL included),
// frames too large, outputs that cannot be written, numbers ffmpeg cannot read. A fake ffmpeg
// (a bash script written here) plays the broken or hanging tool where the real one will not; the
// CLI cases run the BUILT CLI (`npm run build` first).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stylizeVideo } from '@impasto/node';
import { ffmpegSeconds, findFfmpeg } from '../src/video/ffmpeg';
import { SHARED, WEIGHTS, exited, tempDir } from './helpers';

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'packages/node/bin/impasto.cjs');
const TREE = join(SHARED, 'images/video/tree.avi');
// CI installs ffmpeg (.ci/run): a machine without it fails here rather than skipping.
const tools = findFfmpeg();
const REAL_FFMPEG = execFileSync('sh', ['-c', `command -v ${tools.ffmpeg}`], { encoding: 'utf8' }).trim();
const REAL_FFPROBE = execFileSync('sh', ['-c', `command -v ${tools.ffprobe}`], { encoding: 'utf8' }).trim();
const CACHE = tempDir('impasto-video-failures-cache-');

/**
 * A fake ffmpeg and ffprobe in a folder of their own. FAKE_MODE picks the part it plays:
 * `hang` (the decoder writes FAKE_MARK and sleeps), `trailer` (the encoder reads its input, writes a
 * stub and reports a failed trailer, yet exits 0, as ffmpeg 5.1 does on a full disk), `short` (the
 * encoder silently keeps only 3 frames); anything else is the real tool. Every call's arguments
 * go to FAKE_LOG.
 */
function fakeFfmpeg(defaults: { mode?: string; mark?: string } = {}): string {
  const dir = tempDir('impasto-fake-ffmpeg-');
  writeFileSync(
    join(dir, 'ffmpeg'),
    `#!/bin/bash
FAKE_MODE="\${FAKE_MODE:-${defaults.mode ?? ''}}"
FAKE_MARK="\${FAKE_MARK:-${defaults.mark ?? ''}}"
case " $* " in *" -version "*) echo "ffmpeg version fake"; exit 0;; esac
[ -n "$FAKE_LOG" ] && printf '%s\\n' "$*" >> "$FAKE_LOG"
last="\${@: -1}"
if [ "$last" = "pipe:1" ]; then
  [ -n "$FAKE_MARK" ] && echo started > "$FAKE_MARK"
  [ "$FAKE_MODE" = hang ] && exec sleep 1000
  exec ${REAL_FFMPEG} "$@"
fi
case "$FAKE_MODE" in
  trailer) cat > /dev/null; printf 'stub' > "$last"; echo "[out#0/mp4 @ 0x55d0c0] [error] Error writing trailer of $last: No space left on device" >&2; exit 0;;
  short) set -- "\${@:1:$(($# - 1))}" -vf 'select=lt(n\\,3)' "$last";;
esac
exec ${REAL_FFMPEG} "$@"
`,
  );
  writeFileSync(join(dir, 'ffprobe'), `#!/bin/bash\ncase " $* " in *" -version "*) echo "ffprobe version fake"; exit 0;; esac\nexec ${REAL_FFPROBE} "$@"\n`);
  chmodSync(join(dir, 'ffmpeg'), 0o755);
  chmodSync(join(dir, 'ffprobe'), 0o755);
  return join(dir, 'ffmpeg');
}
const FAKE = fakeFfmpeg();

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, IMPASTO_CACHE: CACHE, IMPASTO_WEIGHTS: WEIGHTS, ...extra };
  delete e.IMPASTO_VERBOSE;
  return e;
}

interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function cli(args: string[], extra: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: env(extra), encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}

/** Exactly one `impasto:` line, matching `pattern`, and no stack trace. */
function expectOneLine(r: CliResult, pattern: RegExp): void {
  expect({ lines: r.stderr.split('\n').filter((l) => l.startsWith('impasto:')), trace: /^\s+at /m.test(r.stderr) }).toEqual({ lines: [expect.stringMatching(pattern)], trace: false });
}

/** Processes (other than this one) whose command line mentions `needle`. */
function processesMentioning(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle)) found.push(`${pid}: ${cmd.slice(0, 160)}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Polls `check` until it returns true or `ms` pass; returns its last answer. */
async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The frame count ffprobe reads from a file. */
function framesIn(file: string): number {
  return Number(spawnSync(REAL_FFPROBE, ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file], { encoding: 'utf8' }).stdout.trim());
}

describe('video failures', () => {
  describe('an encoder that fails at the end is never reported as success', () => {
    it.each([
      ['trailer', /ffmpeg could not write .*out\.mp4: Error writing trailer of .*: No space left on device; nothing was written/],
      ['short', /ffmpeg could not write .*out\.mp4: the file it wrote holds 3 of the 68 frames; nothing was written/],
    ])('a fake ffmpeg that exits 0 after %s: exit 1, one line, no file left', (mode, message) => {
      const out = tempDir();
      const r = cli(['video', TREE, '-s', 'wave', '--max-size', '64', '--ffmpeg', FAKE, '-o', join(out, 'out.mp4')], { FAKE_MODE: mode });
      expect(r.code).toBe(1);
      expectOneLine(r, message);
      expect(readdirSync(out)).toEqual([]);
    });

    it('a real full disk (a 40 KB tmpfs, where this machine lets a test mount one)', () => {
      const dir = tempDir();
      const full = join(dir, 'full');
      mkdirSync(full);
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=40k', 'tmpfs', full], { encoding: 'utf8' });
      if (mounted.status !== 0) {
        // The fake-ffmpeg cases above cover the logic; this one needs mount rights.
        console.warn(`tmpfs could not be mounted here (${mounted.stderr.trim()}): the real-disk case is not run`);
        return;
      }
      try {
        for (const name of ['out.mp4', 'out.mkv']) {
          const r = cli(['video', TREE, '-s', 'wave', '--max-size', '128', '-o', join(full, name)]);
          expect(r.code).toBe(1);
          expectOneLine(r, new RegExp(`ffmpeg could not write .*${name.replace('.', '\\.')}: .*No space left on device`));
          expect(readdirSync(full)).toEqual([]);
        }
      } finally {
        spawnSync('umount', [full]);
      }
    });

    it('the same checks pass a good encode: frames read back equal frames written', () => {
      const out = join(tempDir(), 'ok.mkv');
      const r = cli(['video', TREE, '-s', 'wave', '--max-size', '64', '--ffmpeg', FAKE, '-o', out], { FAKE_MODE: 'real' });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/wrote .*ok\.mkv: 68 frames/);
      expect(framesIn(out)).toBe(68);
    });
  });

  describe('every wait gives way to a signal', () => {
    const startHung = (out: string) => {
      const mark = join(tempDir(), 'decoder-started');
      const child = spawn(process.execPath, [BIN, 'video', TREE, '-s', 'wave', '--ffmpeg', FAKE, '-o', join(out, 'out.mp4')], {
        cwd: ROOT,
        env: env({ FAKE_MODE: 'hang', FAKE_MARK: mark }),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
      return { child, mark, stderr: () => stderr };
    };

    it.each([
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const)('%s while the decoder never delivers: exits %i at once, nothing left, no ffmpeg running', async (sig, exit) => {
      const out = tempDir('impasto-hung-');
      const run = startHung(out);
      const done = exited(run.child, 60_000);
      expect(await eventually(() => existsSync(run.mark), 30_000)).toBe(true);
      const t0 = Date.now();
      run.child.kill(sig);
      const { code, signal } = await done;
      expect({ code, signal, ms: Date.now() - t0 < 10_000 }).toEqual({ code: exit, signal: null, ms: true });
      expectOneLine({ code, signal, stderr: run.stderr() }, /the video was aborted; nothing was written/);
      expect(await eventually(() => processesMentioning(out).length === 0, 5_000)).toBe(true);
      expect(readdirSync(out)).toEqual([]);
    });

    it('SIGKILL: both ffmpeg children die with it, and its partial file is removed', async () => {
      const out = tempDir('impasto-killed-');
      const run = startHung(out);
      const done = exited(run.child, 60_000);
      expect(await eventually(() => existsSync(run.mark), 30_000)).toBe(true);
      // The encoder starts before the decoder: its temporary file is there now.
      expect(readdirSync(out)).toEqual([expect.stringMatching(/^out\.mp4\.tmp\./)]);
      expect(processesMentioning(out).length).toBeGreaterThanOrEqual(2);
      run.child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      expect(await eventually(() => processesMentioning(out).length === 0, 5_000)).toBe(true);
      expect(await eventually(() => readdirSync(out).length === 0, 5_000)).toBe(true);
    });

    it('the library: aborting while the decoder hangs rejects ABORTED at once', async () => {
      const out = tempDir('impasto-hung-lib-');
      const mark = join(tempDir(), 'decoder-started');
      // Jest gives each test file a copy of process.env that child processes do not see: the mode is built in.
      const hanging = fakeFfmpeg({ mode: 'hang', mark });
      const ac = new AbortController();
      const run = stylizeVideo(TREE, join(out, 'out.mp4'), { style: 'wave', ffmpegPath: hanging }, { signal: ac.signal });
      run.result.catch(() => undefined);
      expect(await eventually(() => existsSync(mark), 30_000)).toBe(true);
      const t0 = Date.now();
      ac.abort();
      await expect(run.result).rejects.toMatchObject({ code: 'ABORTED' });
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(await eventually(() => processesMentioning(out).length === 0, 5_000)).toBe(true);
      expect(readdirSync(out)).toEqual([]);
    });
  });

  describe('checked before anything is decoded', () => {
    const noDecoder = (args: string[], pattern: RegExp, exit = 1) => {
      const mark = join(tempDir(), 'decoder-started');
      const r = cli([...args, '--ffmpeg', FAKE], { FAKE_MODE: 'real', FAKE_MARK: mark });
      expect(r.code).toBe(exit);
      expectOneLine(r, pattern);
      expect(existsSync(mark)).toBe(false);
    };

    it('a FIFO input is refused at once (the video is read twice: probed, then decoded)', () => {
      const dir = tempDir();
      const fifo = join(dir, 'clip.mp4');
      execFileSync('mkfifo', [fifo]);
      noDecoder(['video', fifo, '-s', 'wave', '-o', join(dir, 'out.mp4')], /input .*clip\.mp4 is not a regular file \(a FIFO or a device\)/);
      expect(readdirSync(dir)).toEqual(['clip.mp4']);
    });

    it('frames larger than an image may be are refused from the probe, naming --max-size', () => {
      const dir = tempDir();
      const big = join(dir, 'big.mkv');
      // One grey 16384x4200 frame (68.8 Mpx, over the 8192² limit), PNG in Matroska: 80 KB.
      execFileSync(REAL_FFMPEG, ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=gray:s=16384x4200:d=0.04:r=25', '-frames:v', '1', '-c:v', 'png', '-pix_fmt', 'gray', big]);
      noDecoder(['video', big, '-s', 'wave', '-o', join(dir, 'out.mp4')], /big\.mkv has 16384x4200 frames, more pixels \(68812800\) than a frame may have \(67108864\); shrink them with --max-size 8192 or less/);
      expect(readdirSync(dir)).toEqual(['big.mkv']);
      // The advice works.
      const r = cli(['video', big, '-s', 'wave', '--max-size', '256', '-o', join(dir, 'out.mp4')]);
      expect(r.code).toBe(0);
    });

    it('-o naming an existing directory is refused before decoding', () => {
      const dir = tempDir();
      mkdirSync(join(dir, 'taken.mp4'));
      noDecoder(['video', TREE, '-s', 'wave', '-o', join(dir, 'taken.mp4')], /cannot write .*taken\.mp4: it is a directory/);
      expect(readdirSync(join(dir, 'taken.mp4'))).toEqual([]);
    });
  });

  describe('numbers reach ffmpeg as it reads them', () => {
    it('formats seconds as plain decimals to the microsecond', () => {
      expect([1e-6, 0.1 + 0.2, 3600000000, 0, 12.5, 1 / 3].map(ffmpegSeconds)).toEqual(['0.000001', '0.3', '3600000000', '0', '12.5', '0.333333']);
    });

    it.each([
      ['--duration', '0.0000001', /option '--duration <s>' argument '0\.0000001' is invalid\. expected finite number at least 0\.000001 and at most 3600000000/],
      ['--start', '1e21', /option '--start <s>' argument '1e21' is invalid\. expected finite number at least 0 and at most 3600000000/],
    ])('%s %s is refused with the range, before ffmpeg runs', (flag, value, message) => {
      const out = tempDir();
      const log = join(tempDir(), 'args');
      const r = cli(['video', TREE, '-s', 'wave', flag, value, '--ffmpeg', FAKE, '-o', join(out, 'o.mp4')], { FAKE_LOG: log });
      expect(r.code).toBe(1);
      expectOneLine(r, message);
      expect(existsSync(log)).toBe(false);
    });

    it('the library refuses them too (INVALID_ARGUMENT)', async () => {
      const out = join(tempDir(), 'o.mp4');
      await expect(stylizeVideo(TREE, out, { style: 'wave', duration: 1e-7 }).result).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/for duration but received 1e-7/) });
      await expect(stylizeVideo(TREE, out, { style: 'wave', start: 1e21 }).result).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/for start but received 1e\+21/) });
    });

    it('--start 0.30000000000000004 --duration 0.000001 reach the decoder as 0.3 and 0.000001', () => {
      const out = tempDir();
      const log = join(tempDir(), 'args');
      const r = cli(['video', TREE, '-s', 'wave', '--start', String(0.1 + 0.2), '--duration', '0.2', '--max-size', '64', '--ffmpeg', FAKE, '-o', join(out, 'o.mp4')], { FAKE_LOG: log, FAKE_MODE: 'real' });
      expect(r.code).toBe(0);
      const decoder = readFileSync(log, 'utf8').split('\n').find((l) => l.endsWith('pipe:1'))!;
      expect(decoder).toMatch(/ -ss 0\.3 -t 0\.2 /);
      expect(readFileSync(log, 'utf8')).not.toMatch(/ -(ss|t) \S*e/);
    });
  });
});
