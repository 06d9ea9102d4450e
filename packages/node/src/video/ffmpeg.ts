import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { ImpastoError, onAbort, raceAbort, type AbortSignalLike } from '@impasto/core/platform';
import { env } from '../platform/env';

/** Where ffmpeg and ffprobe are: `ffmpegPath`, else `IMPASTO_FFMPEG`, else `ffmpeg` on the PATH; ffprobe beside it. */
export interface FfmpegTools {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

const INSTALL_HINT = 'install it (Debian/Ubuntu: apt install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg) or name it with ffmpegPath / IMPASTO_FFMPEG';

/** Finds ffmpeg (and its ffprobe) and checks that it runs; a missing one is one `MISSING_FILE` line saying how to install it. */
export function findFfmpeg(ffmpegPath = env.ffmpeg || 'ffmpeg'): FfmpegTools {
  const name = basename(ffmpegPath);
  const probeName = name.replace(/ffmpeg/i, 'ffprobe');
  const ffprobe = probeName === name ? 'ffprobe' : dirname(ffmpegPath) === '.' && !/[\\/]/.test(ffmpegPath) ? probeName : join(dirname(ffmpegPath), probeName);
  for (const tool of [ffmpegPath, ffprobe]) {
    const r = spawnSync(tool, ['-version'], { stdio: 'ignore' });
    if (r.error || r.status !== 0) throw new ImpastoError('MISSING_FILE', `${tool} was not found or does not run: ${INSTALL_HINT}`);
  }
  return { ffmpeg: ffmpegPath, ffprobe };
}

let deathWatch: readonly string[] | undefined;

/**
 * The command that makes the kernel kill a tool when Impasto dies, however it dies (SIGKILL, a
 * crash): util-linux's `setpriv --pdeathsig KILL`, which sets it and then becomes the tool, on
 * Linux where it runs. Without it (macOS, Windows) the decoder dies on its next write to the
 * closed pipe and the encoder ends at its closed input; only a caught signal removes the partial file.
 */
function parentDeathWatch(): readonly string[] {
  if (deathWatch === undefined) {
    const probe = process.platform === 'linux' ? spawnSync('setpriv', ['--pdeathsig', 'KILL', '--', process.execPath, '-e', ''], { stdio: 'ignore' }) : undefined;
    deathWatch = probe && !probe.error && probe.status === 0 ? ['setpriv', '--pdeathsig', 'KILL', '--'] : [];
  }
  return deathWatch;
}

/** Spawns `tool` so that it dies with Impasto (see `parentDeathWatch`). */
function spawnWatched(tool: string, args: readonly string[], options: { stdio: ('pipe' | 'ignore')[]; detached: boolean }): ChildProcess {
  const [watch, ...rest] = parentDeathWatch();
  return watch ? spawn(watch, [...rest, tool, ...args], options) : spawn(tool, args, options);
}

/**
 * Starts an ffmpeg process in its own process group, so a Ctrl-C in a terminal reaches Impasto
 * first (which stops it and cleans up), and bound to die with Impasto.
 */
export function startTool(tool: string, args: readonly string[]): ChildProcess {
  return spawnWatched(tool, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
}

/**
 * Runs a tool to completion, collecting its standard output (small outputs only: ffprobe's JSON).
 * Aborting `signal` kills it and rejects with `ABORTED` (ffprobe waits forever on a stalled input).
 */
export async function runTool(tool: string, args: readonly string[], signal?: AbortSignalLike): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnWatched(tool, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<number | null>((ok, fail) => child.on('error', fail).on('close', ok));
  const stop = onAbort(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  try {
    const code = await raceAbort(closed, signal, `${basename(tool)} was aborted`);
    return { code, stdout, stderr };
  } finally {
    stop();
  }
}

/** Seconds as ffmpeg reads them: plain decimal, microseconds at most (never `1e-7` or `1e+21`). */
export function ffmpegSeconds(seconds: number): string {
  return seconds.toFixed(6).replace(/\.?0+$/, '');
}

/** ffmpeg's last meaningful error line (its `[error]`/`[fatal]` lines when logged with levels). */
export function lastErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /\[(error|fatal)\]/.test(l));
  return (errors.at(-1) ?? lines.at(-1) ?? 'no message').replace(/^\[[^\]]*\]\s*/, '').replace(/\[(error|fatal)\]\s*/, '').slice(0, 200);
}
