import { type AbortSignalLike, ImpastoError } from '@impasto/core/platform';
import { type FfmpegTools, lastErrorLine, runTool } from './ffmpeg';

/** What ffprobe says of a clip's first video stream (and whether there is audio). */
export interface ProbedVideo {
  /** Size as displayed: after the rotation a player applies. */
  readonly width: number;
  readonly height: number;
  /** Degrees the player turns the frames (0, 90, 180, 270); ffmpeg applies it when decoding. */
  readonly rotation: number;
  readonly fps: number;
  readonly codec: string;
  /** Seconds, when the container says. */
  readonly duration?: number;
  /** Video packets in the file (what is really coded, not the header's count). */
  readonly packets?: number;
  readonly audioCodec?: string;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_read_packets?: string;
  tags?: { rotate?: string };
  side_data_list?: { rotation?: number }[];
}

function rate(r: string | undefined): number {
  const [n, d] = (r ?? '').split('/').map(Number);
  return n && d ? n / d : 0;
}

/**
 * Probes `input`; not a video, no video stream or a codec ffmpeg cannot decode is `BAD_VIDEO`.
 * Aborting `signal` stops ffprobe (`ABORTED`).
 */
export async function probeVideo(tools: FfmpegTools, input: string, signal?: AbortSignalLike): Promise<ProbedVideo> {
  const r = await runTool(tools.ffprobe, ['-v', 'error', '-count_packets', '-show_streams', '-show_format', '-of', 'json', input], signal);
  if (r.code !== 0) throw new ImpastoError('BAD_VIDEO', `${input} is not a video ffmpeg can read: ${lastErrorLine(r.stderr)}`);
  const json = JSON.parse(r.stdout) as { streams?: ProbeStream[]; format?: { duration?: string } };
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && s.width && s.height);
  if (!video) throw new ImpastoError('BAD_VIDEO', `${input} has no video stream`);
  if (!video.codec_name || video.codec_name === 'none') throw new ImpastoError('BAD_VIDEO', `${input}: its video codec is not one this ffmpeg decodes`);
  const raw = video.side_data_list?.find((s) => typeof s.rotation === 'number')?.rotation ?? Number(video.tags?.rotate ?? 0);
  const rotation = (((Math.round(raw / 90) * 90) % 360) + 360) % 360;
  const turned = rotation === 90 || rotation === 270;
  const audio = streams.find((s) => s.codec_type === 'audio');
  const duration = Number(json.format?.duration);
  return {
    width: turned ? video.height! : video.width!,
    height: turned ? video.width! : video.height!,
    rotation,
    fps: rate(video.avg_frame_rate) || rate(video.r_frame_rate) || 25,
    codec: video.codec_name,
    duration: Number.isFinite(duration) ? duration : undefined,
    packets: video.nb_read_packets ? Number(video.nb_read_packets) : undefined,
    audioCodec: audio?.codec_name,
  };
}

/** The video packets in `file` as ffprobe counts them by reading it through, or why it could not. */
export async function countVideoPackets(tools: FfmpegTools, file: string): Promise<number | string> {
  const r = await runTool(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file]);
  const n = Number(r.stdout.trim().split(/\s+/)[0]);
  if (r.code !== 0 || !Number.isInteger(n)) return lastErrorLine(r.stderr || r.stdout);
  return n;
}

/**
 * The video frames of `input` that start inside [`start`, `start + duration`), counted from the
 * packets' timestamps (no decoding): the frame total of a part of a clip, true for a variable rate
 * too (a count from the rate alone said 75 for 5 s of a clip that holds 12 frames there).
 */
export async function countFramesIn(tools: FfmpegTools, input: string, start: number, duration: number | undefined, signal?: AbortSignalLike): Promise<number | undefined> {
  const r = await runTool(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,dts_time', '-of', 'csv=p=0', input], signal);
  if (r.code !== 0) return undefined;
  const end = duration === undefined ? Infinity : start + duration;
  let n = 0;
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) continue;
    const [pts, dts] = line.split(',').map((x) => (x.trim() ? Number(x) : NaN));
    const t = Number.isFinite(pts) ? pts! : dts!;
    if (Number.isFinite(t) && t >= start - 1e-6 && t < end - 1e-6) n++;
  }
  return n;
}
