import { extname } from 'node:path';
import { ImpastoError } from '@impasto/core/platform';

/** An output container by file extension, and what it holds. */
export interface VideoContainer {
  readonly muxer: string;
  readonly video: 'h264' | 'vp9';
  /** Audio codecs it can carry as they are (others are re-encoded to `audioFallback`). */
  readonly audio: readonly string[];
  readonly audioFallback: string;
}

const H264_AUDIO = ['aac', 'mp3', 'ac3', 'eac3', 'alac', 'opus'];
const CONTAINERS: Record<string, VideoContainer> = {
  '.mp4': { muxer: 'mp4', video: 'h264', audio: H264_AUDIO, audioFallback: 'aac' },
  '.m4v': { muxer: 'mp4', video: 'h264', audio: H264_AUDIO, audioFallback: 'aac' },
  '.mov': { muxer: 'mov', video: 'h264', audio: [...H264_AUDIO, 'pcm_s16le', 'pcm_s24le'], audioFallback: 'aac' },
  '.mkv': { muxer: 'matroska', video: 'h264', audio: ['aac', 'mp3', 'ac3', 'eac3', 'opus', 'vorbis', 'flac', 'pcm_s16le', 'alac', 'dts'], audioFallback: 'aac' },
  '.webm': { muxer: 'webm', video: 'vp9', audio: ['opus', 'vorbis'], audioFallback: 'libopus' },
};

/** The container `output`'s extension names; anything else is one `INVALID_ARGUMENT` line. */
export function containerOf(output: string): VideoContainer {
  const c = CONTAINERS[extname(output).toLowerCase()];
  if (!c) throw new ImpastoError('INVALID_ARGUMENT', `cannot tell the video format of ${output}: name it .mp4, .m4v, .mov, .mkv (H.264) or .webm (VP9)`);
  return c;
}

/** Default constant rate factors: visually transparent-ish for stylized frames, files of a sensible size. */
export const DEFAULT_CRF = { h264: 20, vp9: 32 } as const;

/** The video encoder's arguments: H.264 in yuv420p (what every player takes) with the index up front in MP4, or VP9. */
export function videoCodecArgs(c: VideoContainer, crf: number = DEFAULT_CRF[c.video]): string[] {
  if (c.video === 'h264') {
    if (crf > 51) throw new ImpastoError('INVALID_ARGUMENT', `Expected integer between 0 and 51 for crf with H.264 but received ${crf} of type number`);
    return ['-c:v', 'libx264', '-preset', 'medium', '-crf', String(crf), '-pix_fmt', 'yuv420p', ...(c.muxer === 'mp4' || c.muxer === 'mov' ? ['-movflags', '+faststart', '-video_track_timescale', '1000000'] : [])];
  }
  return ['-c:v', 'libvpx-vp9', '-crf', String(crf), '-b:v', '0', '-pix_fmt', 'yuv420p', '-row-mt', '1', '-deadline', 'good', '-cpu-used', '4'];
}

/** Copy the audio when the container holds its codec, else re-encode it. */
export function audioCodecArgs(c: VideoContainer, codec: string): string[] {
  return c.audio.includes(codec) ? ['-c:a', 'copy'] : ['-c:a', c.audioFallback, ...(c.audioFallback === 'aac' ? ['-b:a', '192k'] : ['-b:a', '128k'])];
}
