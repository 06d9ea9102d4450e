/**
 * Video in the browser: core's `FrameSource` and `FrameSink` on WebCodecs, with mediabunny for
 * the containers (demuxing MP4/MOV/WebM/MKV/MPEG-TS, muxing MP4 and WebM) and for driving the
 * decoders and encoders. Works on the page and in a Web Worker (OffscreenCanvas, no DOM needed).
 *
 * The pipeline itself (stylize, stabilize, progress, abort) is core's `runVideo`; this module only
 * turns a Blob into frames and frames back into a Blob.
 */
import { ImpastoError, type Frame, type FrameSink, type FrameSource, type RawImage, type VideoInfo, firstLineOf, videoFrameSize } from '@impasto/core/platform';
import {
  AudioSampleSink,
  AudioSampleSource,
  BlobSource,
  BufferTarget,
  EncodedAudioPacketSource,
  EncodedPacketSink,
  Input,
  MATROSKA,
  MP4,
  MPEG_TS,
  Mp4OutputFormat,
  Output,
  QTFF,
  Quality,
  UnsupportedInputFormatError,
  VideoSample,
  VideoSampleSink,
  VideoSampleSource,
  WEBM,
  WebMOutputFormat,
  getFirstEncodableAudioCodec,
  getFirstEncodableVideoCodec,
  type AudioCodec,
  type AudioSample,
  type EncodedPacket,
  type InputAudioTrack,
  type InputVideoTrack,
  type VideoCodec,
} from 'mediabunny';
import { makeCanvas, toImageData, webCodec } from './image-codec';

/** The containers the browser writes. */
export type VideoContainer = 'mp4' | 'webm';

/** The video codec a result was encoded with (mediabunny's names). */
export type EncodedVideoCodec = 'avc' | 'hevc' | 'vp8' | 'vp9' | 'av1' | 'prores';

/** What happened to the clip's audio track. */
export type AudioHandling = 'copied' | 're-encoded' | 'dropped' | 'none';

/** Containers the decoder reads (AVI and other legacy containers are not among them: transcode first). */
const INPUT_FORMATS = [MP4, QTFF, WEBM, MATROSKA, MPEG_TS];

const US = 1_000_000;
const toUs = (seconds: number) => Math.round(seconds * US);

/** Which part of the clip to decode, at what size (the resolved `VideoOptions` that concern decoding). */
export interface VideoDecodeOptions {
  /** Seconds into the clip (from its first frame). */
  readonly start?: number;
  /** Seconds to decode (default: to the end). */
  readonly duration?: number;
  /** Longest side, never enlarged; sizes are rounded down to even for the encoder. */
  readonly maxSize?: number;
}

function badVideo(what: string, e: unknown): ImpastoError {
  if (e instanceof ImpastoError) return e;
  return new ImpastoError('BAD_VIDEO', `${what}: ${firstLineOf(e)}`, { cause: e });
}

/**
 * A video file (a `File` or any `Blob`) as core's `FrameSource`: RGBA frames, upright (rotation
 * metadata applied), scaled to `info.width`x`info.height`, each with its own timestamp (so a
 * variable-frame-rate clip keeps its timing and frame count), counted from the first frame
 * decoded. Open with `BlobVideo.open`; the sink (`BlobVideoSink`) reads the audio track from it.
 */
export class BlobVideo implements FrameSource {
  /**
   * Where frame timestamps start, in microseconds of the file's own timeline: the first decoded
   * frame's time, known once it is decoded. The sink shifts the audio by the same amount, so sound
   * and pictures stay in sync however the clip was trimmed.
   */
  origin: number | undefined;
  private iterated = false;

  private constructor(
    private readonly input: Input,
    private readonly track: InputVideoTrack,
    /** The primary audio track (to copy), if any. */
    readonly audio: InputAudioTrack | undefined,
    readonly info: VideoInfo,
    /** Seconds, in the file's timeline, of the first frame asked for and the end (exclusive). */
    readonly range: { readonly start: number; readonly end: number },
  ) {}

  /**
   * Reads the container's header and index (not the frames): `BAD_VIDEO` when `blob` is not a
   * video container mediabunny reads, has no video track, or has a codec this browser cannot
   * decode.
   */
  static async open(blob: Blob, options: VideoDecodeOptions = {}): Promise<BlobVideo> {
    if (typeof Blob === 'undefined' || !(blob instanceof Blob)) {
      throw new ImpastoError('INVALID_ARGUMENT', `Expected a Blob or File for the video but received ${blob === null ? 'null' : typeof blob}`);
    }
    if (typeof VideoDecoder === 'undefined' || typeof VideoEncoder === 'undefined') {
      throw new ImpastoError('BAD_VIDEO', 'this browser has no WebCodecs (VideoDecoder/VideoEncoder), which video needs');
    }
    const input = new Input({ source: new BlobSource(blob), formats: INPUT_FORMATS });
    try {
      let track: InputVideoTrack | null;
      try {
        track = await input.getPrimaryVideoTrack();
      } catch (e) {
        if (e instanceof UnsupportedInputFormatError) {
          throw new ImpastoError('BAD_VIDEO', `not a video file the browser reads (${blob.type || 'unknown type'}, ${blob.size} bytes; MP4, MOV, WebM, MKV and MPEG-TS are read)`, { cause: e });
        }
        throw badVideo('could not read the video file', e);
      }
      if (!track) throw new ImpastoError('BAD_VIDEO', 'the file has no video track');
      const codec = await track.getCodec();
      if (!codec || !(await track.canDecode())) {
        const id = codec ?? String(await track.getInternalCodecId().catch(() => 'unknown'));
        throw new ImpastoError('BAD_VIDEO', `this browser cannot decode the video's codec (${id})`);
      }
      const first = await track.getFirstTimestamp();
      const trackEnd = await track.computeDuration();
      const start = first + (options.start ?? 0);
      const end = options.duration !== undefined ? Math.min(trackEnd, start + options.duration) : trackEnd;
      // Packet counts and rates come from the container's index (no decoding).
      const stats = await track.computePacketStats();
      const fps = stats.averagePacketRate > 0 ? stats.averagePacketRate : 30;
      const whole = !options.start && options.duration === undefined;
      const frames = whole ? stats.packetCount : Math.max(0, Math.round((end - start) * fps));
      const [width, height] = videoFrameSize(await track.getDisplayWidth(), await track.getDisplayHeight(), options.maxSize);
      const audio = (await input.getPrimaryAudioTrack().catch(() => null)) ?? undefined;
      return new BlobVideo(input, track, audio, { width, height, fps, frames: frames || undefined, hasAudio: !!audio }, { start, end });
    } catch (e) {
      input.dispose();
      throw badVideo('could not read the video file', e);
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Frame> {
    if (this.iterated) throw new ImpastoError('INVALID_ARGUMENT', 'a BlobVideo can be iterated once');
    this.iterated = true;
    const { width, height } = this.info;
    const { ctx } = makeCanvas(width, height);
    ctx.imageSmoothingQuality = 'high';
    const samples = new VideoSampleSink(this.track).samples(this.range.start, this.range.end);
    try {
      for (;;) {
        let next: IteratorResult<VideoSample>;
        try {
          next = await samples.next();
        } catch (e) {
          throw badVideo('could not decode the video', e);
        }
        if (next.done) return;
        const sample = next.value;
        let frame: Frame;
        try {
          const t = toUs(sample.timestamp);
          this.origin ??= t;
          // draw() applies the rotation and flip, and scales to the frame size.
          ctx.clearRect(0, 0, width, height);
          sample.draw(ctx, 0, 0, width, height);
          const pixels = ctx.getImageData(0, 0, width, height).data;
          const image: RawImage = { data: new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), width, height, channels: 4 };
          frame = { image, timestamp: t - this.origin, duration: sample.duration > 0 ? toUs(sample.duration) : undefined };
        } finally {
          sample.close();
        }
        yield frame;
      }
    } finally {
      await samples.return(undefined).catch(() => undefined);
    }
  }

  /** Stops decoding and releases the file (idempotent). */
  async close(): Promise<void> {
    if (!this.input.disposed) this.input.dispose();
  }
}

/** How the sink encodes. */
export interface VideoEncodeOptions {
  /** Default: mp4 where the browser encodes H.264, else webm. */
  readonly container?: VideoContainer;
  /** Constant rate factor (see `videoQuality`); default 20 for H.264, 32 for VP9/VP8/AV1. */
  readonly crf?: number;
}

/** Video codecs tried for each container, best first. */
const VIDEO_CODECS: Record<VideoContainer, VideoCodec[]> = { mp4: ['avc', 'vp9', 'av1'], webm: ['vp9', 'vp8', 'av1'] };
const DEFAULT_CRF: Partial<Record<VideoCodec, number>> = { avc: 20, hevc: 20 };

/**
 * `crf` as a mediabunny `Quality`: the encoder's constant quantizer (WebCodecs' `bitrateMode:
 * 'quantizer'`, like ffmpeg's `-qp`, for H.264 0-51 and VP9 0-63; AV1's 0-255 scale is 4x), with a
 * bitrate fallback for encoders that have no quantizer mode (Chromium's H.264 encoder, VP8). The
 * fallback is bits per pixel per frame: H.264 0.15 at crf 20, halving every +6 (x264's rule of
 * thumb); VP9/VP8/AV1 0.1 at crf 32, halving every +8; times width x height x fps, between 64 kbit/s
 * and 100 Mbit/s. A quantizer is not x264's CRF (which also adapts to motion), so files run larger
 * at the same number.
 */
export function videoQuality(codec: VideoCodec, crf: number, width: number, height: number, fps: number): Quality {
  const h264 = codec === 'avc' || codec === 'hevc';
  if (h264 && crf > 51) throw new ImpastoError('INVALID_ARGUMENT', `Expected integer between 0 and 51 for crf with H.264 but received ${crf} of type number`);
  const bpp = h264 ? 0.15 * 2 ** ((20 - crf) / 6) : 0.1 * 2 ** ((32 - crf) / 8);
  const bitrate = Math.round(Math.min(100e6, Math.max(64e3, bpp * width * height * fps)));
  if (codec === 'vp8') return new Quality({ bitrate });
  return new Quality({ quantizer: codec === 'av1' ? Math.min(255, crf * 4) : crf, bitrate });
}

/** Picks the container and the first video codec the browser encodes at this size. */
async function chooseCodec(container: VideoContainer | undefined, width: number, height: number): Promise<{ container: VideoContainer; codec: VideoCodec }> {
  const order: VideoContainer[] = container ? [container] : ['mp4', 'webm'];
  for (const c of order) {
    // Without a container asked for, mp4 is only taken for H.264 (the format everything plays).
    const candidates = container ? VIDEO_CODECS[c] : c === 'mp4' ? ['avc' as const] : VIDEO_CODECS[c];
    const codec = await getFirstEncodableVideoCodec(candidates, { width, height });
    if (codec) return { container: c, codec };
  }
  throw new ImpastoError('RUNTIME', `this browser cannot encode ${container ? VIDEO_CODECS[container].join(', ') : 'H.264 or VP9'} video at ${width}x${height}`);
}

/** Audio in step with the video: packets (copied) or decoded samples (re-encoded), shifted to the clip's start. */
interface AudioPump {
  /** Adds everything that starts before `us` (microseconds on the clip's timeline). */
  until(us: number): Promise<void>;
  stop(): Promise<void>;
}

function copyAudio(track: InputAudioTrack, out: EncodedAudioPacketSource, decoderConfig: AudioDecoderConfig, from: number, origin: number, end: number): AudioPump {
  const sink = new EncodedPacketSink(track);
  let iter: AsyncGenerator<EncodedPacket> | undefined;
  let held: EncodedPacket | undefined;
  let done = false;
  let first = true;
  return {
    async until(us) {
      if (done) return;
      iter ??= sink.packets((await sink.getPacket(from)) ?? (await sink.getFirstPacket()) ?? undefined);
      for (;;) {
        const p = held ?? (await iter.next()).value;
        held = undefined;
        if (!p) return void (done = true);
        const t = toUs(p.timestamp) - origin;
        if (t + origin >= end * US) return void (done = true);
        if (t >= us) return void (held = p);
        // Packets before the clip's start are left out; a copied packet cannot be cut.
        if (t < 0) continue;
        await out.add(p.clone({ timestamp: t / US }), first ? { decoderConfig } : undefined);
        first = false;
      }
    },
    async stop() {
      done = true;
      await iter?.return(undefined);
    },
  };
}

function reencodeAudio(track: InputAudioTrack, out: AudioSampleSource, from: number, origin: number, end: number): AudioPump {
  const samples = new AudioSampleSink(track).samples(from, end);
  let held: AudioSample | undefined;
  let done = false;
  return {
    async until(us) {
      while (!done) {
        const s = held ?? (await samples.next()).value;
        held = undefined;
        if (!s) return void (done = true);
        const t = toUs(s.timestamp) - origin;
        if (t >= us) return void (held = s);
        try {
          if (t >= 0) {
            s.setTimestamp(t / US);
            await out.add(s);
          }
        } finally {
          s.close();
        }
      }
    },
    async stop() {
      done = true;
      held?.close();
      await samples.return(undefined);
    },
  };
}

/** What the sink wrote, once `finish` has run. */
export interface EncodedVideo {
  readonly blob: Blob;
  readonly container: VideoContainer;
  readonly codec: VideoCodec;
  /** The full MIME type with codecs, e.g. `video/mp4; codecs="avc1.42c01e, mp4a.40.2"`. */
  readonly mimeType: string;
  readonly audio: AudioHandling;
}

/**
 * Core's `FrameSink` writing MP4 (H.264, else VP9 or AV1) or WebM (VP9, else VP8 or AV1) into
 * memory with mediabunny: the first codec `getFirstEncodableVideoCodec` finds. Frames keep their
 * timestamps and durations. The audio of `video` is copied packet for packet when the container
 * holds its codec (AAC or Opus into MP4, Opus or Vorbis into WebM), else decoded and re-encoded
 * into one the browser encodes (Opus), else dropped (`encoded.audio` says which); it is cut to the
 * frames written. `write` waits on the encoder (back-pressure); `abort` discards everything.
 */
export class BlobVideoSink implements FrameSink {
  private output: Output | undefined;
  private videoSource: VideoSampleSource | undefined;
  private pump: AudioPump | undefined;
  private audioHandling: AudioHandling = 'none';
  private end = 0;
  private frames = 0;
  private result: EncodedVideo | undefined;
  private chosen: { container: VideoContainer; codec: VideoCodec } | undefined;

  constructor(
    private readonly video: BlobVideo,
    private readonly options: VideoEncodeOptions = {},
  ) {}

  /** What was written; throws before `finish`. */
  get encoded(): EncodedVideo {
    if (!this.result) throw new ImpastoError('INVALID_ARGUMENT', 'the video is not finished yet');
    return this.result;
  }

  /** Chooses the codec and checks `crf` against it, so bad options fail before the first frame is stylized. */
  async prepare(): Promise<{ container: VideoContainer; codec: VideoCodec }> {
    const { width, height, fps } = this.video.info;
    this.chosen ??= await chooseCodec(this.options.container, width, height);
    videoQuality(this.chosen.codec, this.options.crf ?? DEFAULT_CRF[this.chosen.codec] ?? 32, width, height, fps);
    return this.chosen;
  }

  private async start(): Promise<void> {
    const { width, height, fps } = this.video.info;
    const { container, codec } = await this.prepare();
    const format = container === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat();
    const output = new Output({ format, target: new BufferTarget() });
    this.videoSource = new VideoSampleSource({ codec, quality: videoQuality(codec, this.options.crf ?? DEFAULT_CRF[codec] ?? 32, width, height, fps) });
    // No frameRate: it would snap every timestamp to a fixed grid, and a variable-rate clip keeps its own.
    output.addVideoTrack(this.videoSource);
    await this.addAudio(output, format.getSupportedAudioCodecs());
    this.output = output;
    try {
      await output.start();
    } catch (e) {
      throw new ImpastoError('RUNTIME', `could not start the ${container} encoder: ${firstLineOf(e)}`, { cause: e });
    }
  }

  private async addAudio(output: Output, supported: AudioCodec[]): Promise<void> {
    const track = this.video.audio;
    if (!track) return;
    const origin = this.video.origin ?? toUs(this.video.range.start);
    const from = origin / US;
    const { end } = this.video.range;
    const codec = await track.getCodec().catch(() => null);
    const decoderConfig = await track.getDecoderConfig().catch(() => null);
    if (codec && decoderConfig && supported.includes(codec)) {
      const source = new EncodedAudioPacketSource(codec);
      output.addAudioTrack(source);
      this.pump = copyAudio(track, source, decoderConfig, from, origin, end);
      this.audioHandling = 'copied';
      return;
    }
    const numberOfChannels = await track.getNumberOfChannels();
    const sampleRate = await track.getSampleRate();
    const target = (await track.canDecode().catch(() => false))
      ? await getFirstEncodableAudioCodec(supported.filter((c) => !c.startsWith('pcm-') && c !== 'ulaw' && c !== 'alaw'), { numberOfChannels, sampleRate })
      : null;
    if (!target) {
      this.audioHandling = 'dropped';
      return;
    }
    const source = new AudioSampleSource({ codec: target, quality: new Quality({ bitrate: 128_000 }) });
    output.addAudioTrack(source);
    this.pump = reencodeAudio(track, source, from, origin, end);
    this.audioHandling = 're-encoded';
  }

  async write(frame: Frame): Promise<void> {
    if (!this.output) await this.start();
    const { width, height } = this.video.info;
    // Engines that change the size (tiling, padding) are brought back to the clip's.
    const image = frame.image.width === width && frame.image.height === height ? frame.image : await webCodec.resize(frame.image, width, height);
    const rgba = image.channels === 4 ? image.data : toImageData(image).data;
    const duration = frame.duration ?? Math.round(US / this.video.info.fps);
    await this.pump?.until(frame.timestamp + duration);
    const sample = new VideoSample(rgba, { format: 'RGBX', codedWidth: width, codedHeight: height, timestamp: frame.timestamp / US, duration: duration / US });
    try {
      await this.videoSource!.add(sample);
    } catch (e) {
      throw new ImpastoError('RUNTIME', `could not encode frame ${this.frames + 1}: ${firstLineOf(e)}`, { cause: e });
    } finally {
      sample.close();
    }
    this.frames++;
    this.end = Math.max(this.end, frame.timestamp + duration);
  }

  async finish(): Promise<void> {
    if (!this.output) throw new ImpastoError('BAD_VIDEO', 'the video has no frames to encode');
    const { container, codec } = this.chosen!;
    try {
      await this.pump?.until(this.end);
      await this.pump?.stop();
      await this.output.finalize();
    } catch (e) {
      throw new ImpastoError('RUNTIME', `could not finish the ${container} file: ${firstLineOf(e)}`, { cause: e });
    }
    const buffer = (this.output.target as BufferTarget).buffer!;
    const mimeType = await this.output.getMimeType().catch(() => this.output!.format.mimeType);
    this.result = { blob: new Blob([buffer], { type: this.output.format.mimeType }), container, codec, mimeType, audio: this.audioHandling };
  }

  async abort(): Promise<void> {
    await this.pump?.stop().catch(() => undefined);
    if (this.output && this.output.state !== 'canceled' && this.output.state !== 'finalized') await this.output.cancel();
    this.output = undefined;
  }
}
