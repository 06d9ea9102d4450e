import { ImpastoError, type Frame, type FrameSource, type VideoInfo } from '@impasto/core/platform';
import type { FfmpegTools } from './ffmpeg';
import { ffmpegSeconds, lastErrorLine, startTool } from './ffmpeg';
import { RecordReader } from './record-reader';

/** Which part of the clip to decode, at what size. */
export interface DecodeRange {
  readonly start: number;
  readonly duration?: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Frames of `input` decoded by ffmpeg and streamed as raw RGB through a pipe, each with its own
 * timestamp (ffmpeg's `showinfo` reports it on stderr, in step with the frames), none dropped or
 * duplicated (`-fps_mode passthrough`), rotated upright. A decoding error ends the iteration
 * with `BAD_VIDEO` (`-xerror`: a truncated or corrupt file fails rather than silently ending).
 */
export function ffmpegFrames(tools: FfmpegTools, input: string, info: VideoInfo, range: DecodeRange): FrameSource {
  const { width, height } = range;
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info', '-xerror',
    ...(range.start ? ['-ss', ffmpegSeconds(range.start)] : []),
    ...(range.duration !== undefined ? ['-t', ffmpegSeconds(range.duration)] : []),
    '-i', input, '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', `scale=${width}:${height}:flags=area,format=rgb24,showinfo`,
    '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
  const child = startTool(tools.ffmpeg, args);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  child.on('error', () => undefined);
  child.stdin!.end();

  // Timestamps from showinfo: "config in time_base: 1/30", then "n: 12 pts: 5005 …" per frame.
  const pts: number[] = [];
  let timeBase: [number, number] = [1, 1_000_000];
  let log = '';
  let stderrDone = false;
  let wake: (() => void) | undefined;
  let pending = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const tb = /config in time_base: (\d+)\/(\d+)/.exec(line);
      const frame = /Parsed_showinfo.*\bn:\s*\d+\s+pts:\s*(-?\d+)/.exec(line);
      if (tb) timeBase = [Number(tb[1]), Number(tb[2])];
      else if (frame) pts.push(Number(frame[1]));
      else if (!line.includes('Parsed_showinfo')) log = `${log}\n${line}`.slice(-4000);
    }
    wake?.();
  });
  child.stderr!.on('close', () => {
    stderrDone = true;
    wake?.();
  });
  const timestampOf = async (k: number): Promise<number> => {
    while (pts.length <= k && !stderrDone) await new Promise<void>((r) => (wake = r));
    const p = pts[k];
    if (p === undefined) throw new ImpastoError('BAD_VIDEO', `${input}: ffmpeg gave frame ${k} without its timestamp`);
    return Math.round((p * timeBase[0] * 1e6) / timeBase[1]);
  };
  const frameBytes = width * height * 3;
  const reader = new RecordReader(child.stdout!, 2 * frameBytes);

  return {
    info,
    async *[Symbol.asyncIterator](): AsyncIterator<Frame> {
      for (let k = 0; ; k++) {
        const buf = await reader.read(frameBytes);
        if (buf === undefined) break;
        if (!(buf instanceof Buffer)) throw new ImpastoError('BAD_VIDEO', `${input}: the decoder stopped inside frame ${k}`);
        yield { image: { data: new Uint8Array(buf.buffer, buf.byteOffset, buf.length), width, height, channels: 3 }, timestamp: await timestampOf(k) };
      }
      const { code, signal } = await exited;
      if (code !== 0 || /\[(error|fatal)\]/.test(log)) {
        throw new ImpastoError('BAD_VIDEO', `${input} could not be decoded: ${signal ? `ffmpeg was stopped (${signal})` : lastErrorLine(log)}`);
      }
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      // A paused pipe never reaches its end, and the child's 'close' waits for it.
      child.stdout!.destroy();
      child.stderr!.destroy();
      await exited;
    },
  };
}
