import { access } from 'node:fs/promises';
import {
  type FastStyleLoadOptions,
  ImpastoError,
  type ResolvedVideoOptions,
  type Run,
  type RunVideoContext,
  VIDEO_SCHEMA,
  type VideoEngine,
  type VideoOptions,
  type VideoProgress,
  type VideoResult,
  relayRun,
  resolveOptions,
  runVideo,
  startRun,
  videoFrameSize,
  withVideoEngine,
} from '@impasto/core';
import { farnebackFlow } from '@impasto/core/flow';
import { FastStyle } from '../fast-style';
import { checkOutputPath } from '../files';
import { containerOf } from './containers';
import { findFfmpeg } from './ffmpeg';
import { ffmpegSink } from './ffmpeg-sink';
import { ffmpegFrames } from './ffmpeg-source';
import { probeVideo } from './probe';

/** `stylizeVideo`'s options: the video's (`VideoOptions`), the style, and where ffmpeg is. */
export interface StylizeVideoOptions extends VideoOptions {
  /**
   * A fast style id or checkpoint folder (loaded with `load` and disposed at the end), or an engine
   * you own: a `FastStyle`, `{ engine: ArbitraryStyle, style }`, or a function of a `RawImage`.
   */
  readonly style: string | VideoEngine;
  /** How a style named by id or folder is loaded (provider, precision). */
  readonly load?: FastStyleLoadOptions;
  /** The ffmpeg to run (default `IMPASTO_FFMPEG`, else `ffmpeg` on the PATH); its ffprobe is beside it. */
  readonly ffmpegPath?: string;
}

/** What a finished `stylizeVideo` wrote. */
export interface StylizeVideoResult extends VideoResult {
  readonly output: string;
  /** The provider of a style loaded by name (undefined for an engine you passed). */
  readonly provider?: string;
}

/**
 * Stylizes the video file `input` into `output`, frame by frame, through ffmpeg: frames stream
 * through pipes (memory does not grow with the clip), keep their timestamps (so the frame count
 * and any variable frame rate too), are turned upright, and the audio is copied. The container
 * comes from `output`'s extension (.mp4/.m4v/.mov/.mkv: H.264 yuv420p, +faststart; .webm: VP9).
 * Stabilized unless `stabilize: false`. The output appears whole or not at all, never over the
 * input; abort with `context.signal`. Errors: `INVALID_ARGUMENT`, `MISSING_FILE` (the input, or
 * ffmpeg with how to install it), `BAD_VIDEO` (not a video, no frames, truncated, undecodable),
 * `IO`, `ABORTED`, and the style's own.
 */
export function stylizeVideo(input: string, output: string, options: StylizeVideoOptions, context: RunVideoContext = {}): Run<VideoProgress, StylizeVideoResult> {
  return startRun(async (emit) => {
    const { style, load, ffmpegPath, ...rest } = options ?? ({} as StylizeVideoOptions);
    if (style === undefined) throw new ImpastoError('INVALID_ARGUMENT', 'stylizeVideo needs a style: an id, a checkpoint folder or an engine');
    const o = resolveOptions<ResolvedVideoOptions>(VIDEO_SCHEMA, rest, { platform: 'node' });
    const container = containerOf(output);
    const tools = findFfmpeg(ffmpegPath);
    await access(input).catch(() => {
      throw new ImpastoError('MISSING_FILE', `Input file is missing: ${input}`);
    });
    await checkOutputPath(output, [input]);
    const probed = await probeVideo(tools, input);
    const [width, height] = videoFrameSize(probed.width, probed.height, o.maxSize);
    const left = probed.duration !== undefined ? Math.max(0, probed.duration - o.start) : undefined;
    const span = o.duration !== undefined && left !== undefined ? Math.min(o.duration, left) : (o.duration ?? left);
    const frames = o.start === 0 && o.duration === undefined ? probed.packets : span !== undefined ? Math.round(span * probed.fps) : undefined;
    const info = { width, height, fps: probed.fps, frames, hasAudio: probed.audioCodec !== undefined };

    return withVideoEngine(style, (name) => FastStyle.load(name, load), async (stylize, provider) => {
      const sink = await ffmpegSink(tools, {
        output,
        container,
        width,
        height,
        crf: o.crf,
        audio: probed.audioCodec ? { input, codec: probed.audioCodec, start: o.start, duration: o.duration } : undefined,
      });
      const source = ffmpegFrames(tools, input, info, { start: o.start, duration: o.duration, width, height });
      return { ...(await relayRun(runVideo(source, sink, stylize, o, { ...context, estimator: context.estimator ?? farnebackFlow() }), emit)), output, provider };
    });
  });
}
