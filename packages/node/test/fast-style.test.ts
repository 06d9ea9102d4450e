import { join } from 'node:path';
import { imageToTensor, listStyles, type StyleName } from '@impasto/core/platform';
import { FST_INPUT, FST_OUTPUT, buildFastStyleGraph, readFstCheckpoint } from '@impasto/core/fst';
import { encodeModel } from '@impasto/core/onnx';
import { loadTfjsFastStyle } from '@impasto/test-support/reference/fst-tfjs';
import { FastStyle, ModelStore, decodeImage } from '../src';
import { nodeBackend } from '../src/platform-entry';
import { CONTENT, WEIGHTS, tempDir } from './helpers';

const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tempDir(), download: false });

/** NCHW planes to HWC, the layout the TF.js reference uses. */
function toHWC(chw: Float32Array, h: number, w: number): Float32Array {
  const out = new Float32Array(h * w * 3);
  for (let c = 0; c < 3; c++) for (let p = 0; p < h * w; p++) out[p * 3 + c] = chw[c * h * w + p]!;
  return out;
}

describe('fast-style network', () => {
  // The independent reference: the same checkpoint on TensorFlow.js's CPU backend, whose conv2d and
  // conv2dTranspose implement TensorFlow's SAME padding, as the weights were trained with.
  it.each([
    ['wave', 'jcjohnson_tubingen.jpg', 64],
    ['udnie', 'skimage_chelsea.png', 96],
    ['wreck', 'ml5_harriet_128x128.jpg', 128],
  ])('%s matches TensorFlow.js within 0.05 on %s at %i px', async (style, photo, size) => {
    const img = await decodeImage(join(CONTENT, photo), { maxSize: size });
    const h = img.height - (img.height % 4);
    const w = img.width - (img.width % 4);
    const cropped = { ...img, data: img.data.slice(0, 0), width: w, height: h };
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) data.set(img.data.subarray(y * img.width * 3, (y * img.width + w) * 3), y * w * 3);
    const input = imageToTensor({ ...cropped, data, channels: 3 });

    const vars = await readFstCheckpoint(store.source(`fst/${style}`));
    const session = await nodeBackend.createSession(encodeModel(buildFastStyleGraph(vars)), { ep: 'cpu' });
    const ours = (await session.run({ [FST_INPUT]: input }))[FST_OUTPUT]!;
    await session.dispose();
    expect(ours.dims).toEqual([1, 3, h, w]);

    const ref = await loadTfjsFastStyle(join(WEIGHTS, 'fst', style), 'cpu');
    const theirs = await ref.run(toHWC(input.data as Float32Array, h, w), h, w);
    ref.dispose();
    const mine = toHWC(ours.data as Float32Array, h, w);
    let maxDiff = 0;
    let spread = 0;
    for (let i = 0; i < mine.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(mine[i]! - theirs[i]!));
      spread += Math.abs(mine[i]! - 127.5);
    }
    expect(maxDiff).toBeLessThanOrEqual(0.05);
    expect(spread / mine.length).toBeGreaterThan(10); // a real picture, not a flat one
  });

  it('keeps the input size for sizes that are not multiples of 4', async () => {
    const fst = await FastStyle.load('scream', { ep: 'cpu' }, { store });
    for (const [w, h] of [[33, 18], [1, 1], [7, 130]] as const) {
      const r = await fst.stylizeRaw({ data: new Uint8Array(w * h * 3).fill(90), width: w, height: h, channels: 3 });
      expect([r.width, r.height]).toEqual([w, h]);
    }
    await fst.dispose();
  });

  it('carries alpha through unchanged', async () => {
    const fst = await FastStyle.load('la_muse', { ep: 'cpu' }, { store });
    const data = new Uint8Array(8 * 8 * 4).map((_, i) => (i % 4 === 3 ? i & 0xff : 120));
    const r = await fst.stylizeRaw({ data, width: 8, height: 8, channels: 4 });
    expect(r.channels).toBe(4);
    for (let p = 0; p < 64; p++) expect(r.data[p * 4 + 3]).toBe(data[p * 4 + 3]);
    await fst.dispose();
  });

  it('loads every catalogued style from the mirror and reuses its cached graph', async () => {
    const cacheDir = tempDir();
    const mirrorStore = new ModelStore({ mirror: WEIGHTS, cacheDir, download: false });
    const img = await decodeImage(join(CONTENT, 'ml5_harriet_128x128.jpg'), { maxSize: 32 });
    for (const s of listStyles()) {
      const fst = await FastStyle.load(s.id as StyleName, { ep: 'cpu' }, { store: mirrorStore });
      expect(fst.style?.id).toBe(s.id);
      expect((await fst.stylizeRaw(img)).width).toBe(32);
      await fst.dispose();
    }
    // Second load of a style needs no weights at all: the graph comes from the cache.
    const offline = new ModelStore({ mirror: null, cacheDir, download: false });
    const again = await FastStyle.load('wave', { ep: 'cpu' }, { store: offline });
    await again.dispose();
  });

  it('loads a checkpoint folder of the user\'s own', async () => {
    const fst = await FastStyle.load(join(WEIGHTS, 'fst', 'matta') as StyleName, { ep: 'cpu' });
    expect(fst.style).toBeUndefined();
    const png = await fst.stylizeEncoded(join(CONTENT, 'ml5_harriet_128x128.jpg'), { maxSize: 16 });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    await fst.dispose();
  });

  it('rejects an unknown style with the valid ones', async () => {
    // @ts-expect-error a name that is not a style id (nor a folder, which has a slash) does not type-check
    await expect(FastStyle.load('monet', {}, { store })).rejects.toMatchObject({ code: 'UNKNOWN_STYLE', message: expect.stringContaining('valid styles: la_muse') });
  });
});
