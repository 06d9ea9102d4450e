import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { ImpastoError, type Frame, type FrameSink } from '@impasto/core/platform';
import { type FfmpegTools, ffmpegSeconds, lastErrorLine, startTool } from './ffmpeg';
import { countVideoPackets } from './probe';
import { removeOnExit } from './remove-on-exit';
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
  const leftover = removeOnExit(tmp);
  const args = [
    '-hide_banner', '-nostats', '-loglevel', 'level+error', '-y',
    '-f', 'matroska', '-i', 'pipe:0',
    ...(audio ? [...(audio.start ? ['-ss', ffmpegSeconds(audio.start)] : []), ...(audio.duration !== undefined ? ['-t', ffmpegSeconds(audio.duration)] : []), '-i', audio.input] : []),
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
  let written = 0;
  let aborted: ImpastoError | undefined;

  const put = async (bytes: Uint8Array): Promise<void> => {
    if (child.stdin!.write(bytes)) return;
    const drained = new Promise<void>((resolve) => child.stdin!.once('drain', resolve));
    const err = await Promise.race([drained.then(() => undefined), failure]);
    if (err) throw err;
  };
  const cleanup = async () => {
    await rm(tmp, { force: true }).catch(() => undefined);
    leftover.release();
  };

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
      written++;
    },
    async finish() {
      child.stdin!.end();
      const { code } = await exited;
      if (code !== 0) {
        await cleanup();
        throw await failure;
      }
      // ffmpeg can exit 0 over a broken file: a full disk fails its trailer ("Error writing
      // trailer … No space left on device") after the frames went out. So what it said and what it
      // wrote are both checked before the file may take its name.
      const broken = await brokenOutput(tools, tmp, log, written);
      if (broken) {
        await cleanup();
        throw new ImpastoError('IO', `ffmpeg could not write ${output}: ${broken}; nothing was written`);
      }
      if (aborted) {
        await cleanup();
        throw aborted;
      }
      try {
        await rename(tmp, output);
        leftover.release();
      } catch (e) {
        await cleanup();
        throw new ImpastoError('IO', `cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
      }
    },
    async abort() {
      aborted = new ImpastoError('ABORTED', 'the video was aborted');
      failed ??= aborted;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      // The child's 'close' waits for all its pipes, and nobody will end this one now.
      child.stdin!.destroy();
      await exited;
      await cleanup();
    },
  };
}

/** What is wrong with the encoder's finished `file` (its log has errors, or it lacks frames), or undefined when nothing is. */
async function brokenOutput(tools: FfmpegTools, file: string, log: string, frames: number): Promise<string | undefined> {
  if (/\[(error|fatal)\]/.test(log)) return lastErrorLine(log);
  const packets = await countVideoPackets(tools, file);
  if (typeof packets === 'string') return `the file it wrote cannot be read back (${packets})`;
  if (packets !== frames) return `the file it wrote holds ${packets} of the ${frames} frames`;
  return undefined;
}
