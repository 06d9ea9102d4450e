import { defineSchema } from '../options/schema';

/** A million hours: far past any clip, and still exact in microseconds. */
const MAX_SECONDS = 3_600_000_000;

/** Stylizing a video: which part, at what size, how stable, how compressed. */
export const VIDEO_SCHEMA = defineSchema('VideoOptions', 'stylizing a video', {
  // Bounded so that they reach ffmpeg as plain decimals to the microsecond, the finest it reads.
  start: { kind: 'number', min: 0, max: MAX_SECONDS, default: 0, arg: 's', doc: 'Seconds into the clip to start at (to the microsecond)' },
  duration: { kind: 'number', min: 0.000001, max: MAX_SECONDS, arg: 's', defaultDoc: 'to the end', doc: 'Seconds of the clip to stylize (to the microsecond)' },
  maxSize: { kind: 'int', min: 16, max: 8192, arg: 'n', defaultDoc: "the clip's own size", doc: 'Shrink frames so the longest side is at most this many pixels (never enlarges; even sizes for the encoder)' },
  crf: {
    kind: 'int',
    min: 0,
    max: 63,
    arg: 'n',
    defaultDoc: '20 for H.264, 32 for VP9',
    doc: 'Constant rate factor of the encoder (lower: better and larger; H.264 takes 0-51, VP9 0-63)',
  },
  stabilize: {
    kind: 'bool',
    default: true,
    flag: false,
    doc: 'Blend each stylized frame with the previous output warped by optical flow where the flow is reliable, so textures stop swimming',
  },
  temporalWeight: {
    kind: 'number',
    min: 0,
    max: 0.95,
    default: 0.85,
    arg: 'w',
    doc: "Weight of the warped previous output in the blend (0: per-frame; higher: steadier, further from each frame's own texture)",
  },
  temporalThreshold: {
    kind: 'number',
    min: 0,
    max: 442,
    default: 12,
    arg: 'levels',
    doc: "Texture changes smaller than this (RGB distance, 0-255 levels) are held where the flow is reliable, so still areas stop shimmering (0: follow every change by 1 - weight)",
  },
  flowSize: {
    kind: 'int',
    min: 32,
    max: 2048,
    default: 256,
    arg: 'px',
    doc: 'Longest side of the frames the optical flow is computed on (smaller: faster, coarser)',
  },
});
