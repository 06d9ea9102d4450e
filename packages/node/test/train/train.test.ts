import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { type TrainCheckpoint, trainFastStyle as coreTrain } from '@impasto/core/platform';
import { FastStyle, ModelStore, trainFastStyle } from '../../src';
import { nodePlatform } from '../../src/platform';
import { STRIPES, TINY_TRAINING, syntheticPhotos, tinyLossNet } from '@impasto/test-support/train/fixtures';
import { encodeModel } from '../../../core/src/onnx/serialize';
import { TRAIN_IO, buildTrainingForwardGraph } from '../../../core/src/train/training-graph';
import { WEIGHTS, tempDir } from '../helpers';

const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tempDir(), download: false });

const tinyNet = () => tinyLossNet();
const painting = STRIPES;
const TINY = TINY_TRAINING;

async function tinyRun(iterations: number, checkpoints: TrainCheckpoint[], resume?: Record<string, Uint8Array>, photos = syntheticPhotos(8), checkpointEvery = 0) {
  const losses: number[] = [];
  const run = coreTrain(nodePlatform, { painting, photos, resume }, { ...TINY, iterations, checkpointEvery }, { net: tinyNet(), store, onCheckpoint: async (c) => void checkpoints.push(c) });
  for await (const e of run.events) if (e.type === 'progress') losses.push(e.loss);
  return { losses, result: await run.result };
}

describe('training a fast style', () => {
  it('20 steps on 8 small photos lower the loss, and checkpoint every n steps and at the end', async () => {
    const checkpoints: TrainCheckpoint[] = [];
    const { losses, result } = await tinyRun(20, checkpoints, undefined, syntheticPhotos(8), 10);
    expect(losses).toHaveLength(20);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(losses.slice(-4))).toBeLessThan(0.7 * mean(losses.slice(0, 4)));
    expect(checkpoints.map((c) => [c.iteration, c.final])).toEqual([[10, false], [20, true]]);
    expect(result.photos).toEqual({ train: 7, heldOut: 1, unreadable: 0 });
    expect(checkpoints[1]!.preview).toMatchObject({ width: 16, height: 32, channels: 3 });
  });

  it('resuming from a checkpoint gives the same next losses as an uninterrupted run', async () => {
    const whole = await tinyRun(6, []);
    const at3: TrainCheckpoint[] = [];
    await tinyRun(3, at3);
    const resumed = await tinyRun(6, [], { ...at3[0]!.state });
    expect(resumed.losses).toEqual(whole.losses.slice(3));
  });

  it('refuses to resume with other settings, and a checkpoint already at the end', async () => {
    const at3: TrainCheckpoint[] = [];
    await tinyRun(3, at3);
    const other = () => coreTrain(nodePlatform, { painting, photos: syntheticPhotos(8), resume: { ...at3[0]!.state } }, { ...TINY, batch: 3, iterations: 6 }, { net: tinyNet(), store, onCheckpoint: async () => undefined });
    expect(other).toThrow(/trained with batch 2; resume with the same/);
    const done = () => coreTrain(nodePlatform, { painting, photos: syntheticPhotos(8), resume: { ...at3[0]!.state } }, { ...TINY, iterations: 3 }, { net: tinyNet(), store, onCheckpoint: async () => undefined });
    expect(done).toThrow(/at step 3; ask for more iterations/);
  });

  it('the exported folder loads in FastStyle and gives the training graph\'s forward output', async () => {
    const checkpoints: TrainCheckpoint[] = [];
    await tinyRun(3, checkpoints);
    const { style, state } = checkpoints[0]!;
    const dir = tempDir();
    for (const [name, bytes] of Object.entries(style)) writeFileSync(join(dir, name), bytes);
    const photo = await syntheticPhotos(1).crop(0, { size: 20, scale: 1, x: 0, y: 0, flip: false });
    const params = new Float32Array(new Uint8Array(state['params.f32']!).buffer);
    const forward = await ort.InferenceSession.create(encodeModel(buildTrainingForwardGraph()));
    const feeds: Record<string, ort.Tensor> = { [TRAIN_IO.images]: new ort.Tensor('float32', photo, [1, 3, 20, 20]) };
    const { ParameterSet } = await import('../../../core/src/train/parameters');
    const set = new ParameterSet(params);
    for (const [name, t] of Object.entries(set.tensors())) feeds[name] = new ort.Tensor('float32', t.data, [...t.dims]);
    const expected = (await forward.run(feeds))[TRAIN_IO.stylized]!.data as Float32Array;
    const fst = await FastStyle.load(`${dir}/` as `${string}/${string}`, { ep: 'cpu' }, { store });
    const rgb = new Uint8Array(20 * 20 * 3);
    for (let p = 0; p < 400; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = Math.round(photo[c * 400 + p]!);
    const got = await fst.stylize({ data: rgb, width: 20, height: 20, channels: 3 });
    let worst = 0;
    for (let p = 0; p < 400; p++) for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(got.data[p * 3 + c]! - Math.min(255, Math.max(0, expected[c * 400 + p]!))));
    expect(worst).toBeLessThanOrEqual(2); // the photo rounded to bytes, the result rounded back
    await fst.dispose();
  });

  it('a step larger than the memory budget is refused with a batch that fits', async () => {
    const run = coreTrain(nodePlatform, { painting, photos: syntheticPhotos(8) }, { ...TINY, size: 256, batch: 4, iterations: 1, memoryBudget: 1200 }, { net: tinyNet(), store, onCheckpoint: async () => undefined });
    await expect(run.result).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE', message: expect.stringMatching(/batch 4, size 256 needs about \d+ MiB; the memory budget is 1200 MiB: try batch 1 at size 256/) });
  });

  it('skips and counts unreadable photos; none readable is one clear error', async () => {
    const flaky = syntheticPhotos(8);
    const crop = flaky.crop.bind(flaky);
    flaky.crop = async (i, spec) => (i % 2 ? Promise.reject(new Error('corrupt')) : crop(i, spec));
    const { result } = await tinyRun(4, [], undefined, flaky);
    expect(result.photos.unreadable).toBeGreaterThan(0);
    const broken = syntheticPhotos(8);
    broken.crop = async () => Promise.reject(new Error('corrupt'));
    await expect(tinyRun(2, [], undefined, broken)).rejects.toThrow(/^none of the 7 files to train on could be read as an image/);
  });
});

describe('trainFastStyle in Node (VGG19, files)', () => {
  const data = tempDir();
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const px = Buffer.from(Array.from({ length: 40 * 30 * 3 }, (_, k) => (k * (i + 3) * 7) % 256));
      await sharp(px, { raw: { width: 40, height: 30, channels: 3 } }).jpeg().toFile(join(data, `p${i}.jpg`));
    }
    mkdirSync(join(data, 'sub'));
    writeFileSync(join(data, 'sub', 'broken.jpg'), 'not a jpeg');
    writeFileSync(join(data, 'notes.txt'), 'not an image');
  });
  const paintingFile = join(WEIGHTS, '../images/style/jcjohnson_starry_night.jpg');

  it('writes a style folder FastStyle loads; Ctrl-C (abort) leaves a loadable checkpoint', async () => {
    const out = join(tempDir(), 'my-style');
    const controller = new AbortController();
    const run = trainFastStyle({ style: paintingFile, data, output: out, licence: 'public domain' }, { size: 32, batch: 2, iterations: 50, styleSize: 64, intraOpNumThreads: 1 }, { signal: controller.signal, store });
    let steps = 0;
    const seen = (async () => {
      for await (const e of run.events) if (e.type === 'progress' && ++steps === 2) controller.abort();
    })().catch((e: unknown) => e);
    await expect(run.result).rejects.toMatchObject({ code: 'ABORTED' });
    await seen;
    expect(JSON.parse(readFileSync(join(out, 'style.json'), 'utf8'))).toMatchObject({ painting: 'jcjohnson_starry_night.jpg', licence: 'public domain', finished: false });
    expect(existsSync(join(out, 'training', 'state.json'))).toBe(true);
    const fst = await FastStyle.load(`${out}/` as `${string}/${string}`, { ep: 'cpu' }, { store });
    expect((await fst.stylize({ data: new Uint8Array(24 * 24 * 3).fill(90), width: 24, height: 24, channels: 3 })).width).toBe(24);
    await fst.dispose();
    // The same output again without resume is refused; with it, training goes on to the end on the
    // painting, photos and licence the checkpoint recorded, and another painting is refused.
    await expect(trainFastStyle({ style: paintingFile, data, output: out }, { size: 32, batch: 2, iterations: 4, styleSize: 64 }, { store }).result).rejects.toThrow(/already holds a training checkpoint/);
    const other = join(WEIGHTS, '../images/style/jcjohnson_the_scream.jpg');
    await expect(trainFastStyle({ style: other, output: out, resume: true }, { size: 32, batch: 2, iterations: 4, styleSize: 64 }, { store }).result).rejects.toThrow(
      /trained on another painting \(.*jcjohnson_starry_night\.jpg\); resume with that one/,
    );
    const resumed = await trainFastStyle({ output: out, resume: true }, { size: 32, batch: 2, iterations: 4, styleSize: 64, intraOpNumThreads: 1 }, { store }).result;
    expect(resumed).toMatchObject({ iterations: 4, photos: { train: 4, heldOut: 0, unreadable: 1 } });
    expect(JSON.parse(readFileSync(join(out, 'style.json'), 'utf8'))).toMatchObject({ painting: 'jcjohnson_starry_night.jpg', licence: 'public domain', steps: 4, finished: true });
  });

  it('--from fine-tunes a pretrained style: training starts from its network', async () => {
    const out = join(tempDir(), 'from-wave');
    const checkpoints: number[] = [];
    const run = trainFastStyle({ style: paintingFile, data, output: out, from: 'wave' }, { size: 32, batch: 2, iterations: 1, styleSize: 64, lr: 1e-12, intraOpNumThreads: 1 }, { store });
    for await (const e of run.events) if (e.type === 'checkpoint') checkpoints.push(e.iteration);
    await run.result;
    expect(checkpoints).toEqual([1]);
    expect(JSON.parse(readFileSync(join(out, 'style.json'), 'utf8'))).toMatchObject({ from: 'wave', steps: 1 });
    // At a step size of 1e-12 the network is still wave's: the same pixels as wave itself.
    const photo = { data: Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => (i * 7) % 256), width: 32, height: 32, channels: 3 as const };
    const [ours, wave] = [await FastStyle.load(`${out}/` as `${string}/${string}`, { ep: 'cpu' }, { store }), await FastStyle.load('wave', { ep: 'cpu' }, { store })];
    const [a, b] = [await ours.stylize(photo), await wave.stylize(photo)];
    expect(Math.max(...a.data.map((v, i) => Math.abs(v - b.data[i]!)))).toBeLessThanOrEqual(1);
    await Promise.all([ours.dispose(), wave.dispose()]);
  });

  it('an empty folder, a folder without images, a painting that is not an image: one clear error each', async () => {
    const empty = tempDir();
    const text = tempDir();
    writeFileSync(join(text, 'a.txt'), 'x');
    const out = () => join(tempDir(), 'o');
    const fail = (inputs: { style: string; data: string }) => trainFastStyle({ ...inputs, output: out() }, { size: 32, iterations: 1 }, { store }).result;
    await expect(fail({ style: paintingFile, data: empty })).rejects.toMatchObject({ code: 'BAD_IMAGE', message: expect.stringMatching(/holds no images/) });
    await expect(fail({ style: paintingFile, data: text })).rejects.toMatchObject({ code: 'BAD_IMAGE', message: expect.stringMatching(/holds no images/) });
    await expect(fail({ style: join(text, 'a.txt'), data })).rejects.toMatchObject({ code: 'BAD_IMAGE' });
    await expect(fail({ style: paintingFile, data: join(data, 'missing') })).rejects.toMatchObject({ code: 'MISSING_FILE' });
  });
});
