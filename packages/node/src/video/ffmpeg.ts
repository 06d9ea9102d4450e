import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { ImpastoError } from '@impasto/core';

/** Where ffmpeg and ffprobe are: `ffmpegPath`, else `IMPASTO_FFMPEG`, else `ffmpeg` on the PATH; ffprobe beside it. */
export interface FfmpegTools {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

const INSTALL_HINT = 'install it (Debian/Ubuntu: apt install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg) or name it with ffmpegPath / IMPASTO_FFMPEG';

/** Finds ffmpeg (and its ffprobe) and checks that it runs; a missing one is one `MISSING_FILE` line saying how to install it. */
export function findFfmpeg(ffmpegPath = process.env.IMPASTO_FFMPEG || 'ffmpeg'): FfmpegTools {
  const name = basename(ffmpegPath);
  const probeName = name.replace(/ffmpeg/i, 'ffprobe');
  const ffprobe = probeName === name ? 'ffprobe' : dirname(ffmpegPath) === '.' && !/[\\/]/.test(ffmpegPath) ? probeName : join(dirname(ffmpegPath), probeName);
  for (const tool of [ffmpegPath, ffprobe]) {
    const r = spawnSync(tool, ['-version'], { stdio: 'ignore' });
    if (r.error || r.status !== 0) throw new ImpastoError('MISSING_FILE', `${tool} was not found or does not run: ${INSTALL_HINT}`);
  }
  return { ffmpeg: ffmpegPath, ffprobe };
}

/** Starts an ffmpeg process in its own process group, so a Ctrl-C reaches Impasto first (which stops it and cleans up). */
export function startTool(tool: string, args: readonly string[]): ChildProcess {
  return spawn(tool, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
}

/** Runs a tool to completion, collecting its standard output (small outputs only: ffprobe's JSON). */
export async function runTool(tool: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((ok, fail) => child.on('error', fail).on('close', ok));
  return { code, stdout, stderr };
}

/** ffmpeg's last meaningful error line (its `[error]`/`[fatal]` lines when logged with levels). */
export function lastErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /\[(error|fatal)\]/.test(l));
  return (errors.at(-1) ?? lines.at(-1) ?? 'no message').replace(/^\[[^\]]*\]\s*/, '').replace(/\[(error|fatal)\]\s*/, '').slice(0, 200);
}
