import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { ImpastoError, type Frame, type FrameSink } from '@impasto/core';
import { type FfmpegTools, lastErrorLine, startTool } from './ffmpeg';
import { matroskaFramePrefix, matroskaHeader } from './raw-matroska';
import type { VideoContainer } from './containers';
import { audioCodecArgs, videoCodecArgs } from './containers';

/** What the encoder writes, and where the audio comes from. */
export interface EncodeTarget {
  readonly output: string;
  readonly container: VideoContainer;
  readonly width: number;
  readonly height: number;
  readonly crf?: number;
  /** The input's audio, copied (or re-encoded where the container cannot hold its codec). */
  readonly audio?: { readonly input: string; readonly codec: string; readonly start: number; readonly duration?: number };
}

/**
 * Encodes frames with ffmpeg, fed through its standard input as uncompressed Matroska (so each
 * frame keeps its timestamp), into a temporary file beside `output` that is renamed into place
 * by `finish`: the output appears whole or not at all. `abort` stops ffmpeg and removes it.
 * The temporary file is created first, so a place that cannot be written fails before any work.
 */
export async function ffmpegSink(tools: FfmpegTools, target: EncodeTarget): Promise<FrameSink> {
  const { output, container, width, height, audio } = target;
  const tmp = `${output}.tmp.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await (await open(tmp, 'wx')).close();
  } catch (e) {
    throw new ImpastoError('IO', `cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  const args = [
    '-hide_banner', '-nostats', '-loglevel', 'level+error', '-y',
    '-f', 'matroska', '-i', 'pipe:0',
    ...(audio ? [...(audio.start ? ['-ss', String(audio.start)] : []), ...(audio.duration !== undefined ? ['-t', String(audio.duration)] : []), '-i', audio.input] : []),
    '-map', '0:v:0', ...(audio ? ['-map', '1:a:0', ...audioCodecArgs(container, audio.codec)] : []),
    ...videoCodecArgs(container, target.crf),
    '-fps_mode', 'passthrough', '-enc_time_base:v', '-1',
    '-f', container.muxer, tmp,
  ];
  const child = startTool(tools.ffmpeg, args);
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-4000)));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  child.on('error', () => undefined);
  // A write after ffmpeg died is EPIPE; the reason is in its log, reported by `write`.
  child.stdin!.on('error', () => undefined);
  let failed: ImpastoError | undefined;
  const failure = exited.then(({ code, signal }) => {
    failed ??= new ImpastoError('IO', `ffmpeg could not encode ${output}: ${signal ? `it was stopped (${signal})` : lastErrorLine(log) || `exit code ${code}`}`);
    return failed;
  });
  let started = false;

  const put = async (bytes: Uint8Array): Promise<void> => {
    if (child.stdin!.write(bytes)) return;
    const drained = new Promise<void>((resolve) => child.stdin!.once('drain', resolve));
    const err = await Promise.race([drained.then(() => undefined), failure]);
    if (err) throw err;
  };
  const cleanup = () => rm(tmp, { force: true }).catch(() => undefined);

  return {
    async write(frame: Frame) {
      if (failed) throw failed;
      const { image } = frame;
      if (image.width !== width || image.height !== height || image.channels !== 3) {
        throw new ImpastoError('INVALID_ARGUMENT', `the encoder takes ${width}x${height} RGB frames, not ${image.width}x${image.height}x${image.channels}`);
      }
      if (!started) {
        started = true;
        await put(matroskaHeader(width, height));
      }
      await put(matroskaFramePrefix(frame.timestamp, image.data.length));
      await put(new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length));
    },
    async finish() {
      child.stdin!.end();
      const { code } = await exited;
      if (code !== 0) {
        await cleanup();
        throw await failure;
      }
      try {
        await rename(tmp, output);
      } catch (e) {
        await cleanup();
        throw new ImpastoError('IO', `cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
      }
    },
    async abort() {
      failed ??= new ImpastoError('ABORTED', 'the video was aborted');
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      // The child's 'close' waits for all its pipes, and nobody will end this one now.
      child.stdin!.destroy();
      await exited;
      await cleanup();
    },
  };
}
