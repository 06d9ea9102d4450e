import { stat } from 'node:fs/promises';
import {
  DEFAULT_MAX_PIXELS,
  type FastStyleLoadOptions,
  checkContext,
  invalidParam,
  throwIfAborted,
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
  type StyleName,
} from '@impasto/core/platform';
import { farnebackFlow } from './optical-flow';
import { FastStyle } from '../fast-style';
import { checkOutputPath } from '../files';
import { containerOf } from './containers';
import { findFfmpeg } from './ffmpeg';
import { ffmpegSink } from './ffmpeg-sink';
import { ffmpegFrames } from './ffmpeg-source';
import { type ProbedVideo, countFramesIn, probeVideo } from './probe';

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
    const { style, load, ffmpegPath, ...rest } = checkVideoOptions(options);
    if (style === undefined) throw new ImpastoError('INVALID_ARGUMENT', 'stylizeVideo needs a style: an id, a checkpoint folder or an engine');
    const o = resolveOptions<ResolvedVideoOptions>(VIDEO_SCHEMA, rest, { platform: 'node' });
    checkContext(context);
    const { signal } = context;
    if (typeof input !== 'string' || !input) throw invalidParam('input', 'the path of a video file', input);
    if (typeof output !== 'string' || !output) throw invalidParam('output', 'the path of the video to write', output);
    const container = containerOf(output);
    const tools = findFfmpeg(ffmpegPath);
    await checkVideoInput(input);
    await checkOutputPath(output, [input]);
    throwIfAborted(signal, 'the video');
    const probed = await probeVideo(tools, input, signal);
    const [width, height] = videoFrameSize(probed.width, probed.height, o.maxSize);
    checkFramePixels(input, probed, width, height);
    const frames = o.start === 0 && o.duration === undefined ? probed.packets : await countFramesIn(tools, input, o.start, o.duration, signal);
    const info = { width, height, fps: probed.fps, frames, hasAudio: probed.audioCodec !== undefined };

    return withVideoEngine(style, (name) => FastStyle.load(name as StyleName, load, { signal }), async (stylize, provider) => {
      throwIfAborted(signal, 'the video');
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

function checkVideoOptions(options: unknown): StylizeVideoOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalidParam('options', 'an object with at least a style', options);
  return options as StylizeVideoOptions;
}

/**
 * The input must be a regular file: ffmpeg probes it and then decodes it, reading it twice, which
 * a FIFO or a device cannot give (a FIFO without a writer would also wait forever).
 */
async function checkVideoInput(input: string): Promise<void> {
  let st;
  try {
    st = await stat(input);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ImpastoError('MISSING_FILE', `Input file is missing: ${input}`);
    throw new ImpastoError('IO', `could not read ${input}: ${code ?? (e as Error).message}`, { cause: e });
  }
  if (st.isDirectory()) throw new ImpastoError('BAD_VIDEO', `input ${input} is a directory, not a video file`);
  if (!st.isFile()) throw new ImpastoError('BAD_VIDEO', `input ${input} is not a regular file (a FIFO or a device): the video is read twice, probed then decoded, so save it to a file first`);
}

/** Refuses frames larger than an image may be, from the probe: before anything is decoded. */
function checkFramePixels(input: string, probed: ProbedVideo, width: number, height: number): void {
  if (width * height <= DEFAULT_MAX_PIXELS) return;
  const fit = Math.min(8192, Math.floor(Math.max(width, height) * Math.sqrt(DEFAULT_MAX_PIXELS / (width * height))));
  throw new ImpastoError(
    'IMAGE_TOO_LARGE',
    (name) => `${input} has ${probed.width}x${probed.height} frames, more pixels (${width * height}) than a frame may have (${DEFAULT_MAX_PIXELS}); shrink them with ${name('maxSize', fit)} or less`,
  );
}
