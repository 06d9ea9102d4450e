import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ObjectiveTerm, contentTerm, styleTerm, tvTerm } from '@impasto/core/nst';
import { affineResidual, colorDistance } from '@impasto/test-support/photo/metrics';
import { ModelStore, NST_PRESETS, NeuralStyle, type RawImage, decodeImage, encodeImage, neuralStyle, recolor } from '../../src';
import { CONTENT, WEIGHTS, runCli, tempDir } from '../helpers';

const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tempDir(), download: false });
const SIZE = 96;
let photo: RawImage;
let night: RawImage;

beforeAll(async () => {
  photo = await decodeImage(join(CONTENT, 'skimage_chelsea.png'), { maxSize: SIZE });
  night = await decodeImage(join(CONTENT, 'jcjohnson_hoovertowernight.jpg'), { maxSize: SIZE });
});

/** A label image: `rows(y)` (or columns) picks each pixel's colour. */
function labels(width: number, height: number, color: (x: number, y: number) => [number, number, number]): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(color(x, y), (y * width + x) * 3);
  return { data, width, height, channels: 3 };
}
const RED: [number, number, number] = [255, 0, 0];
const BLUE: [number, number, number] = [0, 0, 255];

function meanColor(img: RawImage, inside: (x: number, y: number) => boolean): number[] {
  const m = [0, 0, 0];
  let n = 0;
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      if (!inside(x, y)) continue;
      n++;
      for (let c = 0; c < 3; c++) m[c]! += img.data[(y * img.width + x) * img.channels + c]!;
    }
  return m.map((v) => v / n);
}

describe('photorealistic style transfer', () => {
  it('the photorealism term keeps the result a locally affine colour transform of the photo (the same run without it: 5x the residual or more)', async () => {
    const common = { net: 'squeezenet', size: SIZE, iterations: 30, optimizer: 'lbfgs', init: 'content', checkpointEvery: 0 } as const;
    const plain = await neuralStyle({ content: photo, style: night }, { ...common, photorealism: 0 }, { store }).result;
    const photoreal = await neuralStyle({ content: photo, style: night }, { ...common, photorealism: 1e4 }, { store }).result;
    const [a, b] = [affineResidual(plain.image, photo), affineResidual(photoreal.image, photo)];
    const moved = (img: RawImage) => colorDistance(img, night).mean / colorDistance(photo, night).mean;
    console.log(`affine residual at ${SIZE} px, 30 L-BFGS iterations: without the term ${a.toExponential(2)}, with ${b.toExponential(2)}; colour mean distance to the style photo ${moved(plain.image).toFixed(2)} and ${moved(photoreal.image).toFixed(2)} of the photo's`);
    expect(b).toBeLessThan(0.2 * a);
    // Not by standing still: the result left the photo.
    expect(photoreal.iterations).toBe(30);
    const change = Array.from(photo.data, (v, i) => Math.abs(v - photoreal.image.data[i]!)).reduce((x, y) => x + y, 0) / photo.data.length;
    expect(change).toBeGreaterThan(3);
  }, 300_000);

  it('the photo preset moves the colours toward the style photo while staying photographic; recolor is its start', async () => {
    const r = await neuralStyle({ content: photo, style: night }, { ...NST_PRESETS.photo, size: SIZE, iterations: 10, checkpointEvery: 0 }, { store }).result;
    const base = colorDistance(photo, night);
    const moved = colorDistance(r.image, night);
    expect(moved.mean).toBeLessThan(0.5 * base.mean);
    // The night photo's covariance cannot be met within 0..255 by an affine map of the cat: closer, not there.
    expect(moved.cov).toBeLessThan(0.9 * base.cov);
    const start = (await recolor({ content: photo, style: night })).image;
    expect(colorDistance(start, night).mean).toBeLessThan(0.1 * base.mean);
  }, 300_000);

  it("region masks send each region's style where it belongs", async () => {
    // The painting: warm on the left (red label), cold on the right (blue label). The photo: top red, bottom blue.
    const painting = labels(SIZE, SIZE, (x, y) => (x < SIZE / 2 ? [220, 120 + ((x * 7 + y * 13) % 60), 20] : [20, 60 + ((x * 11 + y * 5) % 60), 220]));
    const styleMask = labels(SIZE, SIZE, (x) => (x < SIZE / 2 ? RED : BLUE));
    const contentMask = labels(photo.width, photo.height, (_x, y) => (y < photo.height / 2 ? RED : BLUE));
    const o = { net: 'squeezenet', size: SIZE, iterations: 40, init: 'content', lr: 8, contentWeight: 0.01, styleWeight: 1e5, checkpointEvery: 0 } as const;
    const r = await neuralStyle({ content: photo, style: painting, contentMask, styleMask }, o, { store }).result;
    expect(r.regions).toEqual(['#ff0000', '#0000ff']);
    const top = meanColor(r.image, (_x, y) => y < photo.height / 2 - 4);
    const bottom = meanColor(r.image, (_x, y) => y >= photo.height / 2 + 4);
    // Red minus blue: positive where the warm half of the painting went, negative for the cold.
    expect(top[0]! - top[2]!).toBeGreaterThan(bottom[0]! - bottom[2]! + 60);
    // Without masks both halves get the whole painting's mix.
    const mixed = await neuralStyle({ content: photo, style: painting }, o, { store }).result;
    const [mt, mb] = [meanColor(mixed.image, (_x, y) => y < photo.height / 2 - 4), meanColor(mixed.image, (_x, y) => y >= photo.height / 2 + 4)];
    expect(Math.abs(mt[0]! - mt[2]! - (mb[0]! - mb[2]!))).toBeLessThan(top[0]! - top[2]! - (bottom[0]! - bottom[2]!));
  }, 300_000);

  it('bad masks fail with one clear error: wrong shape, a label the style lacks, not an image, one without the other, an engine without regions', async () => {
    const plain = await NeuralStyle.load({ net: 'squeezenet' }, { store });
    const mask = labels(photo.width, photo.height, () => RED);
    await expect(plain.run({ content: photo, style: night, contentMask: mask, styleMask: labels(night.width, night.height, () => RED) }, { size: SIZE, iterations: 1 }).result).rejects.toThrow(/loaded without regions: load it with \{ regions: true \}/);
    await plain.dispose();
    const nst = await NeuralStyle.load({ net: 'squeezenet', regions: true }, { store });
    const run = (inputs: object) => nst.run({ content: photo, style: night, ...inputs }, { size: SIZE, iterations: 1, checkpointEvery: 0 }).result;
    const half = labels(photo.width, photo.height, (x) => (x < photo.width / 2 ? RED : BLUE));
    await expect(run({ contentMask: labels(40, 90, () => RED), styleMask: labels(night.width, night.height, () => RED) })).rejects.toThrow(/content mask is 40x90 px .* a mask must have its image's shape/);
    await expect(run({ contentMask: half, styleMask: labels(night.width, night.height, () => RED) })).rejects.toThrow(/region #0000ff is not in the style mask/);
    const text = join(tempDir(), 'mask.png');
    writeFileSync(text, 'not an image');
    await expect(run({ contentMask: text, styleMask: text })).rejects.toMatchObject({ code: 'BAD_IMAGE', message: expect.stringMatching(/^the content mask: /) });
    expect(() => nst.run({ content: photo, style: night, contentMask: half }, { size: SIZE })).toThrow(/masks come in pairs: give styleMask too/);
    await nst.dispose();
  }, 120_000);

  it('takes any terms: a host term adds its value and gradient, reported by name', async () => {
    // Pulls every pixel toward mid-grey: value Σ (x − 128)² / N, on the host.
    const grey: ObjectiveTerm = {
      name: 'grey',
      weightOption: 'photorealism',
      layers: [],
      key: ['grey'],
      host: (x) => {
        let value = 0;
        const grad = new Float32Array(x.length);
        for (let i = 0; i < x.length; i++) {
          value += (x[i]! - 128) ** 2 / x.length;
          grad[i] = (2 * (x[i]! - 128)) / x.length;
        }
        return { value, grad };
      },
    };
    const nst = await NeuralStyle.load({ net: 'squeezenet' }, { store, terms: [contentTerm(['fire2']), styleTerm(['fire3']), tvTerm(), grey] });
    const run = nst.run({ content: photo, style: night }, { size: 48, iterations: 15, photorealism: 1e3, lr: 8, checkpointEvery: 0 });
    const terms: Record<string, number>[] = [];
    for await (const e of run.events) if (e.type === 'progress') terms.push({ ...e.terms });
    const r = await run.result;
    expect(Object.keys(terms[0]!).sort()).toEqual(['content', 'grey', 'style', 'tv']);
    expect(terms.at(-1)!.grey!).toBeLessThan(0.5 * terms[0]!.grey!);
    const spread = (img: RawImage) => Array.from(img.data, (v) => Math.abs(v - 128)).reduce((a, b) => a + b, 0) / img.data.length;
    expect(spread(r.image)).toBeLessThan(spread(await decodeImage(photo, { maxSize: 48 })));
    await nst.dispose();
  }, 120_000);

  it('tiles with the photorealism term (its windows cut with the image); masks refuse tiles with a clear error', async () => {
    const r = await neuralStyle({ content: photo, style: night }, { net: 'squeezenet', size: SIZE, tile: 64, iterations: 4, photorealism: 1e5, checkpointEvery: 0 }, { store }).result;
    expect(r.tile).toBe(64);
    const mask = labels(photo.width, photo.height, () => RED);
    await expect(neuralStyle({ content: photo, style: night, contentMask: mask, styleMask: labels(night.width, night.height, () => RED) }, { net: 'squeezenet', size: SIZE, tile: 64, iterations: 1 }, { store }).result).rejects.toThrow(/region masks need the whole/);
  }, 120_000);

  it('runs from the CLI: nst --preset photo with masks, and recolor', async () => {
    const dir = tempDir();
    const [c, s, cm, sm] = ['c.png', 's.png', 'cm.png', 'sm.png'].map((f) => join(dir, f));
    writeFileSync(c!, await encodeImage(photo));
    writeFileSync(s!, await encodeImage(night));
    writeFileSync(cm!, await encodeImage(labels(photo.width, photo.height, (_x, y) => (y < 40 ? RED : BLUE))));
    writeFileSync(sm!, await encodeImage(labels(night.width, night.height, (_x, y) => (y < 30 ? BLUE : RED))));
    const nst = runCli('nst', '-c', c!, '-s', s!, '--content-mask', cm!, '--style-mask', sm!, '--preset', 'photo', '--net', 'squeezenet', '--size', '64', '--iterations', '3', '--checkpoint', '0', '--smooth', '-o', join(dir, 'out.png'));
    expect(nst.code === 0 ? '' : nst.stderr).toBe('');
    const rc = runCli('recolor', '-c', c!, '-s', s!, '--content-mask', cm!, '--style-mask', sm!, '-o', join(dir, 'rc.png'));
    expect(rc.code === 0 ? '' : rc.stderr).toBe('');
    expect(rc.stderr).toMatch(/2 regions: #(ff0000|0000ff) #(ff0000|0000ff)/);
    const bad = runCli('recolor', '-c', c!, '-s', s!, '--content-mask', cm!, '-o', join(dir, 'rc2.png'));
    expect(bad.stderr).toMatch(/masks come in pairs: give --style-mask too/);
  }, 180_000);
});
