import type { RawImage } from '../image/raw-image';

/** One decoded frame: its pixels and when it is shown. */
export interface Frame {
  readonly image: RawImage;
  /** Presentation time in microseconds from the start of the (trimmed) clip. */
  readonly timestamp: number;
  /** How long it is shown, in microseconds, when the container says. */
  readonly duration?: number;
}

/** What a decoder knows about a clip before its first frame. */
export interface VideoInfo {
  /** Frame size after rotation and `maxSize`. */
  readonly width: number;
  readonly height: number;
  /** Nominal frames per second (a variable-rate clip keeps each frame's own timestamp). */
  readonly fps: number;
  /** Frames the decoder expects, when it can tell (for progress and ETA). */
  readonly frames?: number;
  /** Whether the clip has an audio track (carried over by the encoder, not through Impasto). */
  readonly hasAudio: boolean;
}

/**
 * A platform's decoder: frames one at a time, so memory does not grow with the clip. Iterating
 * twice is not supported; `close` stops the decoder early (also after an error).
 */
export interface FrameSource extends AsyncIterable<Frame> {
  readonly info: VideoInfo;
  close(): Promise<void>;
}

/**
 * A platform's encoder. `write` applies back-pressure (it resolves when the frame is taken);
 * `finish` completes the file and puts it in place; `abort` removes everything written so far.
 */
export interface FrameSink {
  write(frame: Frame): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/** Stylizes one frame (any engine: a fast style, a checkpoint, an arbitrary style with its painting). */
export type FrameStylizer = (frame: RawImage) => Promise<RawImage>;
