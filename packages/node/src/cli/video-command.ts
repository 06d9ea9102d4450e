import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { FAST_STYLE_LOAD_SCHEMA, type FastStyleLoadOptions, ImpastoError, VIDEO_SCHEMA, type VideoEngine, type VideoOptions } from '@impasto/core/platform';
import { ArbitraryStyle } from '../arbitrary-style';
import { nodeBackend } from '../platform/backend';
import { ModelStore } from '../platform/cache-store';
import { stylizeVideo } from '../video/stylize-video';
import { fail } from './errors';
import { downloadReporter, progressBar } from './progress';
import { addSchemaFlags } from './schema-flags';

interface VideoCliOptions {
  style: string;
  output: string;
  stabilize: boolean;
  ffmpeg?: string;
  quiet?: boolean;
}

const PAINTING_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.avif', '.tif', '.tiff']);

/** `impasto video`: a clip stylized frame by frame, temporally stable. */
export function registerVideo(program: Command): void {
  const cmd = program
    .command('video')
    .description('stylize a video frame by frame with ffmpeg, temporally stabilized by optical flow')
    .argument('<input>', 'video file (anything ffmpeg decodes)')
    .requiredOption('-s, --style <style>', 'style id (see `impasto styles`), a checkpoint folder, or a painting (image file: arbitrary style, MicroAST)')
    .requiredOption('-o, --output <file>', 'output video: .mp4, .m4v, .mov, .mkv (H.264) or .webm (VP9)');
  const video = addSchemaFlags(cmd, VIDEO_SCHEMA);
  const session = addSchemaFlags(cmd, FAST_STYLE_LOAD_SCHEMA, { choices: { ep: ['auto', ...nodeBackend.providers] } });
  cmd
    .option('--no-stabilize', 'stylize each frame on its own (no optical-flow blending)')
    .option('--ffmpeg <path>', 'the ffmpeg to run (default: IMPASTO_FFMPEG, else ffmpeg on the PATH)')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (input: string, opts: VideoCliOptions & Record<string, unknown>) => {
      const stop = stopOnSignals(opts.quiet);
      try {
        await runVideoCommand(input, opts, { ...video.pick(opts), stabilize: opts.stabilize }, session.pick(opts), stop.signal);
      } catch (e) {
        fail(e, ImpastoError.is(e) && e.code === 'ABORTED' ? stop.exitCode() : 1);
      } finally {
        stop.dispose();
      }
    });
}

function isPainting(style: string): boolean {
  return PAINTING_EXT.has(extname(style).toLowerCase()) && existsSync(style) && statSync(style).isFile();
}

/**
 * Ctrl-C and SIGTERM abort the run (which stops ffmpeg and removes the partial output); a second
 * one exits at once (ffmpeg dies with us). The exit code is 128 + the signal's number.
 */
function stopOnSignals(quiet: boolean | undefined): { signal: AbortSignal; exitCode(): number; dispose(): void } {
  const ctl = new AbortController();
  let code = 130;
  const handler = (name: NodeJS.Signals) => {
    const exit = name === 'SIGTERM' ? 143 : 130;
    if (ctl.signal.aborted) process.exit(exit);
    code = exit;
    if (!quiet) process.stderr.write('\nstopping: the partial output is removed (again to quit at once)\n');
    ctl.abort();
  };
  process.on('SIGINT', handler).on('SIGTERM', handler);
  return { signal: ctl.signal, exitCode: () => code, dispose: () => process.off('SIGINT', handler).off('SIGTERM', handler) };
}

async function runVideoCommand(input: string, opts: VideoCliOptions, videoOpts: VideoOptions, load: FastStyleLoadOptions, signal: AbortSignal): Promise<void> {
  const store = new ModelStore({ onProgress: opts.quiet ? undefined : downloadReporter() });
  // A painting means arbitrary style: encoded once, then every frame in one pass.
  const ast = isPainting(opts.style) ? await ArbitraryStyle.load({ ep: load.ep }, { store, signal }) : undefined;
  const style: string | VideoEngine = ast ? { engine: ast, style: await ast.encodeStyle(opts.style) } : opts.style;
  const bar = !opts.quiet && process.stderr.isTTY ? progressBar('video [{bar}] {value}/{total} frames | {fps} fps | ETA {eta_formatted}') : undefined;
  try {
    const run = stylizeVideo(input, opts.output, { ...videoOpts, style, load: ast ? undefined : load, ffmpegPath: opts.ffmpeg }, { signal });
    for await (const e of run.events) {
      if (!bar) continue;
      if (e.frame === 1) bar.start(e.frames ?? 0, 0, { fps: '-' });
      // The header's count can be short of the frames really coded; the bar follows what comes.
      if (e.frames === undefined || e.frame > e.frames) bar.setTotal(e.frame);
      bar.update(e.frame, { fps: e.fps.toFixed(1) });
    }
    const r = await run.result;
    bar?.stop();
    if (!opts.quiet) {
      const how = r.stabilized ? 'stabilized' : 'per frame';
      process.stderr.write(`wrote ${r.output}: ${r.frames} frames, ${r.width}x${r.height}, ${how}, ${(r.elapsedMs / 1000).toFixed(1)} s (${((r.frames * 1000) / r.elapsedMs).toFixed(1)} fps)${ast ? ` on ${ast.provider}` : r.provider ? ` on ${r.provider}` : ''}\n`);
    }
  } finally {
    bar?.stop();
    await ast?.dispose();
  }
}
