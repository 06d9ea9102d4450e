import type { StyleName } from '@impasto/core/platform';
/**
 * Stylizing a video in the browser: a File or Blob in, an MP4 or WebM Blob out, through core's
 * `runVideo` (the same pipeline and temporal stabilizer as @impasto/node) with WebCodecs doing the
 * decoding and encoding (platform/video-codec.ts). Runs on the page (`stylizeVideo`) or, better for
 * a responsive page, in the worker (`FastStyleWorker.stylizeVideo`).
 */
import {
  type CallContext,
  type FastStyleLoadOptions,
  type FrameStylizer,
  ImpastoError,
  type ResolvedVideoOptions,
  type Run,
  type RunVideoContext,
  VIDEO_SCHEMA,
  type VideoEngine,
  type VideoOptions,
  type VideoProgress,
  type VideoResult,
  defineSchema,
  relayRun,
  resolveOptions,
  runVideo,
  startRun,
  withVideoEngine,
} from '@impasto/core/platform';
import { FastStyle } from './fast-style';
import { farnebackFlow } from './platform/optical-flow';
import { type AudioHandling, BlobVideo, BlobVideoSink, type EncodedVideoCodec, type VideoContainer } from './platform/video-codec';

/** Video options in the browser: core's `VideoOptions` and the container to write. */
export interface WebVideoOptions extends VideoOptions {
  /** `mp4` (H.264, else VP9/AV1) or `webm` (VP9, else VP8/AV1) [mp4 where the browser encodes H.264, else webm] */
  container?: VideoContainer;
}

/** `WebVideoOptions` with the defaults filled in. */
export interface ResolvedWebVideoOptions extends ResolvedVideoOptions {
  readonly container?: VideoContainer;
}

/** Core's `VIDEO_SCHEMA` and the browser's `container`, checked together (unknown keys fail). */
export const WEB_VIDEO_SCHEMA = defineSchema(
  'WebVideoOptions',
  'stylizing a video in the browser',
  {
    container: {
      kind: 'choice',
      choices: ['mp4', 'webm'],
      defaultDoc: 'mp4 where the browser encodes H.264, else webm',
      flag: false,
      doc: 'Container of the result: mp4 (H.264, else VP9 or AV1) or webm (VP9, else VP8 or AV1)',
    },
  },
  { extend: [VIDEO_SCHEMA] },
);

/** What a finished browser video run made. */
export interface WebVideoResult extends VideoResult {
  /** The stylized clip (its `type` is the container's MIME type). */
  readonly output: Blob;
  readonly container: VideoContainer;
  readonly codec: EncodedVideoCodec;
  /** MIME type with codecs, e.g. `video/mp4; codecs="avc1.42c01f, mp4a.40.2"`. */
  readonly mimeType: string;
  /** The clip's audio: copied as it was, re-encoded (the container could not hold its codec), dropped (nothing could), or none. */
  readonly audio: AudioHandling;
}

/** Checks `options` now, so a bad option throws at the call rather than after the file is opened. */
export function resolveWebVideoOptions(options: WebVideoOptions | undefined): ResolvedWebVideoOptions {
  return resolveOptions<ResolvedWebVideoOptions>(WEB_VIDEO_SCHEMA, options, { platform: 'web' });
}

/**
 * The browser's video run with any per-frame function: opens `input` (`BAD_VIDEO` if it is not a
 * video the browser decodes), picks the encoder (checking `crf` against it), then core's
 * `runVideo`. Shared by `stylizeVideo` and the worker.
 */
export function runBlobVideo(input: Blob, stylize: FrameStylizer, options: ResolvedWebVideoOptions, context: RunVideoContext = {}): Run<VideoProgress, WebVideoResult> {
  return startRun(async (emit) => {
    if (context.signal?.aborted) throw new ImpastoError('ABORTED', 'the video was aborted; nothing was written');
    const video = await BlobVideo.open(input, options);
    const sink = new BlobVideoSink(video, options);
    try {
      await sink.prepare();
    } catch (e) {
      await video.close();
      throw e;
    }
    const result = await relayRun(runVideo(video, sink, stylize, options, context), emit);
    const { blob, container, codec, mimeType, audio } = sink.encoded;
    return { ...result, output: blob, container, codec, mimeType, audio };
  });
}

/** `stylizeVideo`'s options: the video's, the style, and how a style named by id is loaded. */
export interface StylizeVideoOptions extends WebVideoOptions {
  /**
   * A fast style id (loaded with `load` and disposed at the end), or an engine you own: a
   * `FastStyle`, `{ engine: ArbitraryStyle, style }`, or a function of a `RawImage`.
   */
  readonly style: string | VideoEngine;
  readonly load?: FastStyleLoadOptions;
}

/** A browser video run that loaded its own style also says on which provider. */
export interface StylizeVideoResult extends WebVideoResult {
  readonly provider?: string;
}

/**
 * Stylizes the video `input` (a File or Blob: MP4, MOV, WebM, MKV, MPEG-TS) on this thread and
 * returns an MP4 or WebM Blob: frames keep their timestamps (so a variable frame rate and the frame
 * count too), are turned upright, stabilized unless `stabilize: false`, and the audio is copied.
 * `events` brings one `VideoProgress` per frame (with a `preview` every `context.previewEvery`
 * frames); abort with `context.signal`. For a page that stays responsive, use
 * `FastStyleWorker.stylizeVideo`. Stabilizing fetches OpenCV.js (10 MB) on the first frame, for
 * Farneback's optical flow [`context.estimator`: `farnebackFlow()`]. Errors: `INVALID_ARGUMENT` (options, thrown at the call),
 * `BAD_VIDEO`, `RUNTIME` (no encoder), `ABORTED`, and the style's own.
 * @example
 * const run = stylizeVideo(file, { style: 'wave', maxSize: 512 }, { previewEvery: 10 });
 * for await (const p of run.events) bar.value = p.frame / (p.frames ?? p.frame);
 * video.src = URL.createObjectURL((await run.result).output);
 */
export function stylizeVideo(input: Blob, options: StylizeVideoOptions, context: RunVideoContext & Pick<CallContext, 'store'> = {}): Run<VideoProgress, StylizeVideoResult> {
  const { style, load, ...rest } = options ?? ({} as StylizeVideoOptions);
  if (style === undefined) throw new ImpastoError('INVALID_ARGUMENT', 'stylizeVideo needs a style: an id or an engine');
  const o = resolveWebVideoOptions(rest);
  return startRun(async (emit) => {
    const open = (name: string) => FastStyle.load(name as StyleName, load, context.store ? { store: context.store } : {});
    return withVideoEngine(style, open, async (stylize, provider) => ({ ...(await relayRun(runBlobVideo(input, stylize, o, { ...context, estimator: context.estimator ?? farnebackFlow() }), emit)), provider }));
  });
}
