import { ImpastoError } from '../errors';
import type { RawImage } from '../image/raw-image';
import { now } from '../platform';
import { type Run, startRun } from '../util/run';
import { type AbortSignalLike, raceAbort } from '../util/abort';
import type { FlowEstimator } from './flow';
import type { FrameSink, FrameSource, FrameStylizer, VideoInfo } from './frames';
import { TemporalStabilizer } from './stabilizer';

/** Progress of a video run, one event per frame written. */
export interface VideoProgress {
  readonly type: 'frame';
  /** Frames written so far (1-based). */
  readonly frame: number;
  /** Frames expected, when the decoder could tell. */
  readonly frames?: number;
  /** Frames per second so far, end to end. */
  readonly fps: number;
  readonly elapsedMs: number;
  /** Milliseconds left at this pace, when the frame count is known. */
  readonly etaMs?: number;
  /** The frame just written, every `previewEvery` frames (for a live preview). */
  readonly preview?: RawImage;
}

/** What a finished video run did. */
export interface VideoResult {
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly stabilized: boolean;
  /** The share of pixels (0..1, over the frames after the first) blended with the previous output; 0 unstabilized. */
  readonly blended: number;
  readonly elapsedMs: number;
  /** Milliseconds in the style network, in optical flow and blending, and the rest (decoding, encoding, waiting on them). */
  readonly stylizeMs: number;
  readonly stabilizeMs: number;
  readonly codecMs: number;
}

/** How `runVideo` treats frames (the platform-independent part of `VideoOptions`). */
export interface RunVideoOptions {
  readonly stabilize?: boolean;
  readonly temporalWeight?: number;
  readonly temporalThreshold?: number;
  readonly flowSize?: number;
}

/** Not options but things. */
export interface RunVideoContext {
  /**
   * Stops with `ABORTED` at once, also while waiting on the decoder or the encoder (the source is
   * closed and the sink aborted, so nothing partial is left); a frame being stylized finishes first.
   */
  readonly signal?: AbortSignalLike;
  /** Put a frame on every `previewEvery`-th event (default: none). */
  readonly previewEvery?: number;
  /** The optical flow stabilization needs (`farnebackFlow()` from `@impasto/node/platform` or `@impasto/web/platform`); the platforms' `stylizeVideo` pass it. */
  readonly estimator?: FlowEstimator;
}

/**
 * The video pipeline every platform shares: frames from `source`, each stylized by `stylize`,
 * stabilized (unless `stabilize: false`) and written to `sink`, one at a time so memory stays
 * flat however long the clip. Any failure (or an abort) aborts the sink, so no partial output is
 * left, and closes the source. A clip without frames is `BAD_VIDEO`.
 */
export function runVideo(source: FrameSource, sink: FrameSink, stylize: FrameStylizer, options: RunVideoOptions = {}, context: RunVideoContext = {}): Run<VideoProgress, VideoResult> {
  return startRun(async (emit) => {
    const { info } = source;
    if (options.stabilize !== false && !context.estimator) {
      throw new ImpastoError('INVALID_ARGUMENT', 'stabilizing a video needs an optical flow: pass { estimator: farnebackFlow() } from @impasto/node/platform or @impasto/web/platform, or stabilize: false');
    }
    const stabilizer = options.stabilize === false ? undefined : new TemporalStabilizer({ ...options, estimator: context.estimator! });
    const t0 = now();
    let frames = 0;
    let stylizeMs = 0;
    const signal = context.signal;
    // Every wait on the decoder and the encoder races the abort: a decoder that never delivers (a
    // hung ffmpeg, a stalled network drive) must not keep a Ctrl-C waiting. Closing the source and
    // aborting the sink below is what stops them.
    const frames$ = source[Symbol.asyncIterator]();
    try {
      for (;;) {
        checkAborted(signal);
        const next = await raceAbort(frames$.next(), signal, ABORTED_MESSAGE);
        if (next.done) break;
        const frame = next.value;
        checkAborted(signal);
        const t = now();
        const stylized = await stylize(frame.image);
        stylizeMs += now() - t;
        const image = stabilizer ? await stabilizer.next(frame.image, stylized) : stylized;
        await raceAbort(sink.write({ ...frame, image }), signal, ABORTED_MESSAGE);
        frames++;
        const elapsedMs = now() - t0;
        const every = context.previewEvery;
        await emit({
          type: 'frame',
          frame: frames,
          frames: info.frames,
          fps: (frames * 1000) / elapsedMs,
          elapsedMs,
          etaMs: info.frames ? (elapsedMs / frames) * Math.max(0, info.frames - frames) : undefined,
          preview: every && frames % every === 1 % every ? image : undefined,
        });
      }
      checkAborted(signal);
      if (frames === 0) throw new ImpastoError('BAD_VIDEO', 'the video has no frames to stylize (check --start and --duration)');
      await raceAbort(sink.finish(), signal, ABORTED_MESSAGE);
    } catch (e) {
      await sink.abort().catch(() => undefined);
      throw e;
    } finally {
      await source.close().catch(() => undefined);
    }
    const elapsedMs = now() - t0;
    const stabilizeMs = stabilizer?.elapsedMs ?? 0;
    return { frames, width: info.width, height: info.height, stabilized: !!stabilizer, blended: stabilizer?.blended ?? 0, elapsedMs, stylizeMs, stabilizeMs, codecMs: Math.max(0, elapsedMs - stylizeMs - stabilizeMs) };
  });
}

const ABORTED_MESSAGE = 'the video was aborted; nothing was written';

function checkAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new ImpastoError('ABORTED', ABORTED_MESSAGE);
}

export type { VideoInfo };
