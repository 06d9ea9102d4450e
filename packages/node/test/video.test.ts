import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FastStyle, type RawImage, stylizeVideo } from '@impasto/node';
import { farnebackFlow } from '@impasto/node/platform';
import { WarpErrorMeter, meanAbsDifference, psnr } from '@impasto/core/platform';
import { findFfmpeg } from '../src/video/ffmpeg';
import { ffmpegFrames } from '../src/video/ffmpeg-source';
import { SHARED, WEIGHTS, runCli, tempDir } from './helpers';

// CI installs ffmpeg (.ci/run): a machine without it fails here rather than skipping.
const tools = findFfmpeg();
const TREE = join(SHARED, 'images/video/tree.avi');
process.env.IMPASTO_WEIGHTS ??= WEIGHTS;

function ffmpeg(...args: string[]): void {
  const r = spawnSync(tools.ffmpeg, ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
}

interface Probe {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number; side_data_list?: { rotation?: number }[] }[];
}
function probe(file: string): Probe {
  return JSON.parse(spawnSync(tools.ffprobe, ['-v', 'error', '-show_streams', '-of', 'json', file], { encoding: 'utf8' }).stdout) as Probe;
}
/** Presentation times of the video frames, in seconds, in display order. */
function frameTimes(file: string): number[] {
  const out = spawnSync(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file], { encoding: 'utf8' }).stdout;
  return out.split('\n').map((l) => l.replace(/,.*$/, '').trim()).filter(Boolean).map(Number);
}
async function decode(file: string, width: number, height: number): Promise<RawImage[]> {
  const frames: RawImage[] = [];
  for await (const f of ffmpegFrames(tools, file, { width, height, fps: 0, hasAudio: false }, { start: 0, width, height })) frames.push(f.image);
  return frames;
}
async function previews(input: string, output: string, options: Parameters<typeof stylizeVideo>[2]): Promise<RawImage[]> {
  const run = stylizeVideo(input, output, options, { previewEvery: 1 });
  const out: RawImage[] = [];
  for await (const e of run.events) out.push(e.preview!);
  const r = await run.result;
  expect(r.frames).toBe(out.length);
  return out;
}
/** Mean of RGB over the frame, 0..255. */
function meanLevel(img: RawImage): number {
  let sum = 0;
  for (let p = 0; p < img.width * img.height; p++) for (let k = 0; k < 3; k++) sum += img.data[p * img.channels + k]!;
  return sum / (3 * img.width * img.height);
}
/** Mean |4-neighbour Laplacian| of the green channel: how much fine detail a frame holds. */
function sharpness(img: RawImage): number {
  const { width: w, height: h, channels: c, data } = img;
  const g = (x: number, y: number) => data[(y * w + x) * c + 1]!;
  let sum = 0;
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) sum += Math.abs(4 * g(x, y) - g(x - 1, y) - g(x + 1, y) - g(x, y - 1) - g(x, y + 1));
  return sum / ((w - 2) * (h - 2));
}
function oneErrorLine(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => l.startsWith('impasto:'));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('video', () => {
  const dir = tempDir('impasto-video-');
  const withAudio = join(dir, 'av.mp4');
  const rotated = join(dir, 'rotated.mp4');
  let wave: FastStyle;

  beforeAll(async () => {
    // 2 s at 10 fps with a 440 Hz tone (AAC): a clip with audio, made here.
    ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=10', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', withAudio);
    ffmpeg('-i', withAudio, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rotated);
    wave = await FastStyle.load('wave', { ep: 'cpu' });
  });
  afterAll(() => wave?.dispose());

  it('impasto video keeps the frame count, size and uneven timestamps of tree.avi (68 coded frames of 444)', () => {
    const out = join(dir, 'tree-wave.mp4');
    const r = runCli('video', TREE, '-s', 'wave', '-o', out, '--max-size', '160', '--ep', 'cpu');
    expect(r.stderr).toMatch(/wrote .*tree-wave\.mp4: 68 frames, 160x120, stabilized/);
    expect(r.code).toBe(0);
    const v = probe(out).streams.find((s) => s.codec_type === 'video')!;
    expect([v.codec_name, v.width, v.height]).toEqual(['h264', 160, 120]);
    const want = frameTimes(TREE);
    const got = frameTimes(out);
    expect(want).toHaveLength(68);
    expect(got).toHaveLength(68);
    for (let i = 0; i < 68; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(0.001);
  });

  it('copies the audio into mp4, re-encodes it for webm, keeps timestamps, and turns a rotated clip upright', async () => {
    const mp4 = join(dir, 'av-out.mp4');
    const webm = join(dir, 'av-out.webm');
    const upright = join(dir, 'rot-out.mp4');
    await stylizeVideo(withAudio, mp4, { style: wave }).result;
    await stylizeVideo(withAudio, webm, { style: wave, stabilize: false }).result;
    await stylizeVideo(rotated, upright, { style: wave, stabilize: false }).result;
    const codecs = (f: string) => probe(f).streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort();
    expect(codecs(mp4)).toEqual(['audio:aac', 'video:h264']);
    expect(codecs(webm)).toEqual(['audio:opus', 'video:vp9']);
    const times = frameTimes(withAudio);
    expect(times).toHaveLength(20);
    // WebM shifts everything by Opus's encoder delay (7 ms) so no packet starts before 0: compare from the first frame.
    for (const f of [mp4, webm]) {
      const got = frameTimes(f);
      expect(got.map((t, i) => Math.abs(t - got[0]! - times[i]!) < 0.0015)).toEqual(times.map(() => true));
    }
    const v = probe(upright).streams.find((s) => s.codec_type === 'video')!;
    expect([v.width, v.height]).toEqual([64, 96]);
    expect(v.side_data_list?.some((s) => s.rotation)).toBeFalsy();
  });

  it('without stabilization writes what stylize gives each decoded frame (frame 0 bit-exact)', async () => {
    const out = join(dir, 'per-frame.mkv');
    const written = await previews(TREE, out, { style: wave, stabilize: false, maxSize: 128, crf: 0 });
    const inputs = await decode(TREE, 128, 96);
    expect(written).toHaveLength(inputs.length);
    expect(Buffer.from((await wave.stylize(inputs[0]!)).data).equals(Buffer.from(written[0]!.data))).toBe(true);
    for (const i of [1, 33, 67]) expect(meanAbsDifference(await wave.stylize(inputs[i]!), written[i]!)).toBeLessThanOrEqual(1);
    // And the file holds them (H.264 at crf 0 in yuv420p: only the chroma subsampling loses).
    const decoded = await decode(out, 128, 96);
    expect(decoded).toHaveLength(written.length);
    expect(psnr(decoded[10]!.data, written[10]!.data)).toBeGreaterThan(30);
  });

  it('stabilization halves the warp error (measured with another flow) without drifting or blurring', async () => {
    const perFrame = await previews(TREE, join(dir, 'a.mp4'), { style: wave, stabilize: false, maxSize: 160 });
    const stable = await previews(TREE, join(dir, 'b.mp4'), { style: wave, maxSize: 160 });
    const inputs = await decode(TREE, 160, 120);
    // Another flow than the one that stabilized: Farneback at full size with a larger window (the stabilizer's runs at 256 px).
    const meter = new WarpErrorMeter({ estimator: farnebackFlow({ levels: 5, winsize: 21, iterations: 5, polyN: 7, polySigma: 1.5 }) });
    let deviation = 0;
    let drift = 0;
    let detail = 0;
    for (let i = 0; i < inputs.length; i++) {
      await meter.add(inputs[i]!, [perFrame[i]!, stable[i]!]);
      deviation += meanAbsDifference(perFrame[i]!, stable[i]!) / inputs.length;
      drift += Math.abs(meanLevel(stable[i]!) - meanLevel(perFrame[i]!)) / inputs.length;
      detail += sharpness(stable[i]!) / sharpness(perFrame[i]!) / inputs.length;
    }
    const [before, after] = meter.means as [number, number];
    console.log(`tree 160x120 wave: warp error ${before.toFixed(2)} -> ${after.toFixed(2)}, mean |O'-O| ${deviation.toFixed(2)}, drift ${drift.toFixed(2)}, detail ${detail.toFixed(3)}`);
    expect(after).toBeLessThan(0.5 * before);
    // Not frozen, not drifted: the frames move with their own stylization, and keep its level.
    expect(deviation).toBeGreaterThan(0.5);
    expect(deviation).toBeLessThan(8);
    expect(drift).toBeLessThan(3);
    // Ghosts and blur piled up by re-warping both lower the detail (warp error alone rewards them).
    expect(detail).toBeGreaterThan(0.85);
  }, 300_000);

  it.each([
    ['not a video', () => join(SHARED, 'README.md'), 'out.mp4', /is not a video ffmpeg can read/],
    ['zero frames', () => TREE, 'out.mp4', /has no frames to stylize/, ['--start', '100']],
    ['a truncated file', (d: string) => (writeFileSync(join(d, 'cut.avi'), readFileSync(TREE).subarray(0, 300_000)), join(d, 'cut.avi')), 'out.mp4', /could not be decoded/],
    ['an unsupported codec', (d: string) => (writeFileSync(join(d, 'zz.avi'), Buffer.from(readFileSync(TREE).toString('latin1').replaceAll('cvid', 'zzzz'), 'latin1')), join(d, 'zz.avi')), 'out.mp4', /could not be decoded|not one this ffmpeg decodes/],
    ['no video stream', (d: string) => (ffmpeg('-f', 'lavfi', '-i', 'sine', '-t', '1', join(d, 'tone.m4a')), join(d, 'tone.m4a')), 'out.mp4', /has no video stream/],
    ['an unknown output extension', () => TREE, 'out.gif', /cannot tell the video format of .*out\.gif/],
  ])('refuses %s in one line and leaves nothing behind', (_what, input, output, message, extra: string[] = []) => {
    const d = tempDir('impasto-video-bad-');
    const file = input(d);
    const before = readdirSync(d).sort();
    const r = runCli('video', file, '-s', 'wave', '-o', join(d, output), '--ep', 'cpu', '--max-size', '64', ...extra);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(message);
    expect(readdirSync(d).sort()).toEqual(before);
  });

  it('refuses to write over its input or into a place it cannot write, before any work', () => {
    const d = tempDir('impasto-video-bad-');
    const input = join(d, 'in.mp4');
    ffmpeg('-i', withAudio, '-c', 'copy', input);
    const same = runCli('video', input, '-s', 'wave', '-o', input, '--ep', 'cpu');
    expect(same.code).toBe(1);
    expect(oneErrorLine(same.stderr)).toMatch(/Cannot use same file for input and output/);
    expect(readFileSync(input).equals(readFileSync(withAudio))).toBe(true);
    // Under a regular file: unwritable even for root (CI may run as root, where chmod does not bind).
    const blocked = runCli('video', input, '-s', 'wave', '-o', join(input, 'out.mp4'), '--ep', 'cpu');
    expect(blocked.code).toBe(1);
    expect(oneErrorLine(blocked.stderr)).toMatch(/cannot write .*out\.mp4/);
    expect(readdirSync(d)).toEqual(['in.mp4']);
  });

  it('a missing ffmpeg is one line saying how to install it', () => {
    const r = spawnSync(process.execPath, [join(__dirname, '../bin/impasto.cjs'), 'video', TREE, '-s', 'wave', '-o', join(tempDir(), 'x.mp4')], {
      encoding: 'utf8',
      env: { ...process.env, IMPASTO_FFMPEG: '/nonexistent/ffmpeg' },
    });
    expect(r.status).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(/ffmpeg was not found .*apt install ffmpeg/);
  });

  it('Ctrl-C mid-run stops with exit 130 and leaves no partial output', async () => {
    const d = tempDir('impasto-video-int-');
    const long = join(d, 'long.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25', '-t', '40', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', long);
    const child = spawn(process.execPath, [join(__dirname, '../bin/impasto.cjs'), 'video', long, '-s', 'wave', '-o', join(d, 'out.mp4'), '--ep', 'cpu'], { env: process.env });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    // Interrupt once the encoder has started writing its temporary file.
    for (let i = 0; i < 600 && !readdirSync(d).some((f) => f.includes('.tmp.')); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(/impasto: the video was aborted; nothing was written/);
    expect(readdirSync(d)).toEqual(['long.mp4']);
  }, 120_000);

  it('keeps memory flat over a 400-frame clip', async () => {
    const clip = join(dir, 'long400.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25', '-frames:v', '400', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip);
    const invert = async (f: RawImage): Promise<RawImage> => ({ ...f, data: f.data.map((v) => 255 - v) });
    const run = stylizeVideo(clip, join(dir, 'long400-out.mp4'), { style: invert, flowSize: 48, crf: 40 });
    const samples: number[] = [];
    for await (const e of run.events) if (e.frame % 10 === 0) samples.push(process.memoryUsage().rss);
    expect((await run.result).frames).toBe(400);
    // A frame and its flow kept per step would be over 100 kB x 300 = 30 MB between the first and last quarter.
    const early = Math.max(...samples.slice(5, 15));
    const late = Math.max(...samples.slice(-10));
    expect((late - early) / 2 ** 20).toBeLessThan(24);
  }, 180_000);

  it('a part of a variable-rate clip: the frame total told in progress is the frames written (tree.avi, 5 s: 12)', async () => {
    const run = stylizeVideo(TREE, join(dir, 'part.mp4'), { style: 'wave', duration: 5, maxSize: 64, stabilize: false });
    const totals = new Set<number | undefined>();
    for await (const e of run.events) totals.add(e.frames);
    const r = await run.result;
    expect(r.frames).toBe(12);
    expect([...totals]).toEqual([12]);
  });
});
