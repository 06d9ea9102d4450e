/**
 * `precision: 'int8'`: the quantized fast-style network runs as QLinearConv in ONNX Runtime,
 * stays close to the float network on photos it was not calibrated on (calibration is synthetic),
 * is cached like the float graph, and refuses GPU providers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { FST_INPUT, FST_OUTPUT, INT8_LAYERS, buildFastStyleGraph, quantizeFastStyle, readFstCheckpoint } from '@impasto/core/fst';
import { decodeModel, encodeModel } from '@impasto/core/onnx';
import { psnr } from '@impasto/test-support/pixel-diff';
import { FastStyle, ModelStore, decodeImage } from '../src';
import { nodeBackend } from '../src/platform-entry';
import { CONTENT, WEIGHTS, runCli, tempDir } from './helpers';

const PHOTOS = ['jcjohnson_tubingen.jpg', 'skimage_chelsea.png', 'lengstrom_stata.jpg'];

describe("fast style at precision 'int8'", () => {
  const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tempDir(), download: false });

  it('ONNX Runtime fuses every quantized layer into QLinearConv', async () => {
    const g = buildFastStyleGraph(await readFstCheckpoint(store.source('fst/wave')));
    const q = await quantizeFastStyle(nodeBackend, g, { images: 2, size: 64, minPsnr: 0 });
    const dir = tempDir();
    const optimized = join(dir, 'optimized.onnx');
    const s = await ort.InferenceSession.create(encodeModel(q), { graphOptimizationLevel: 'all', optimizedModelFilePath: optimized });
    await s.release();
    const ops = decodeModel(readFileSync(optimized)).nodes.map((n) => n.opType);
    expect(ops.filter((op) => op === 'QLinearConv')).toHaveLength(INT8_LAYERS.length);
    // Both upsamplings became Conv + DepthToSpace, and DepthToSpace two transposes.
    expect(ops.filter((op) => op === 'ConvTranspose' || op === 'DepthToSpace')).toHaveLength(0);
  });

  it('keeps in float32 the layers a style cannot afford (minPsnr on synthetic validation images)', async () => {
    const g = buildFastStyleGraph(await readFstCheckpoint(store.source('fst/matilde_perez')));
    const count = (q: Awaited<ReturnType<typeof quantizeFastStyle>>) => [...q.initializers.keys()].filter((k) => k.endsWith('.kernel.int8')).length;
    const [all, strict] = [await quantizeFastStyle(nodeBackend, g, { images: 2, size: 64, minPsnr: 0 }), await quantizeFastStyle(nodeBackend, g, { images: 2, size: 64, minPsnr: 45 })];
    expect(count(all)).toBe(INT8_LAYERS.length);
    expect(count(strict)).toBeLessThan(INT8_LAYERS.length);
  }, 120_000);

  it.each(PHOTOS)('stays within PSNR 36 dB of the float network on %s (held out: calibration is synthetic)', async (photo) => {
    const img = await decodeImage(join(CONTENT, photo), { maxSize: 256 });
    const [fp32, int8] = [await FastStyle.load('wave', { ep: 'cpu' }, { store }), await FastStyle.load('wave', { ep: 'cpu', precision: 'int8' }, { store })];
    const [a, b] = [await fp32.stylizeRaw(img), await int8.stylizeRaw(img)];
    const db = psnr(a.data, b.data);
    console.log(`int8 wave vs fp32 on ${photo} at ${img.width}x${img.height}: PSNR ${db.toFixed(2)} dB`);
    expect(db).toBeGreaterThan(36);
    expect(db).toBeLessThan(70); // it is quantized, not the float graph under another name
    await Promise.all([fp32.dispose(), int8.dispose()]);
  }, 120_000);

  it('is cached: a second load reads no weights and gives the same pixels', async () => {
    const cacheDir = tempDir();
    const img = await decodeImage(join(CONTENT, PHOTOS[0]!), { maxSize: 96 });
    const read: string[] = [];
    const first = await FastStyle.load('udnie', { ep: 'cpu', precision: 'int8' }, { store: new ModelStore({ mirror: WEIGHTS, cacheDir, download: false }), onFile: (f) => read.push(String(f)) });
    const a = await first.stylizeRaw(img);
    await first.dispose();
    expect(read.length).toBeGreaterThan(0);
    const files: string[] = [];
    const second = await FastStyle.load('udnie', { precision: 'int8' }, { store: new ModelStore({ mirror: WEIGHTS, cacheDir, download: false }), onFile: (f) => files.push(String(f)) });
    expect(second.provider).toBe('cpu');
    expect(Buffer.from((await second.stylizeRaw(img)).data).equals(Buffer.from(a.data))).toBe(true);
    expect(files).toEqual([]);
    await second.dispose();
  }, 120_000);

  it('tiles run in float32 from the cached float graph', async () => {
    const img = await decodeImage(join(CONTENT, PHOTOS[1]!), { maxSize: 160 });
    const [fp32, int8] = [await FastStyle.load('wave', { ep: 'cpu' }, { store }), await FastStyle.load('wave', { ep: 'cpu', precision: 'int8' }, { store })];
    const [a, b] = [await fp32.stylize(img, { tile: 64 }), await int8.stylizeWithInfo(img, { tile: 64 })];
    expect(b.tiles).toBeGreaterThan(1);
    expect(Buffer.from(b.image.data).equals(Buffer.from(a.data))).toBe(true);
    await Promise.all([fp32.dispose(), int8.dispose()]);
  }, 120_000);

  it('refuses a GPU provider in one line, and validates the option', async () => {
    await expect(FastStyle.load('wave', { ep: 'webgpu', precision: 'int8' }, { store })).rejects.toThrow(/^precision 'int8' runs on the cpu provider, not webgpu: use ep 'cpu' or 'auto', or precision 'fp32'$/);
    await expect(FastStyle.load('wave', { precision: 'int4' as never }, { store })).rejects.toThrow(/Expected one of fp32, int8 for precision but received 'int4'/);
  });

  it('the CLI takes --precision int8', () => {
    const out = join(tempDir(), 'int8.png');
    const r = runCli('fst', join(CONTENT, 'ml5_harriet_128x128.jpg'), '--style', 'wave', '--precision', 'int8', '-o', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^style wave on cpu, int8\n/);
    expect(readFileSync(out).subarray(1, 4).toString()).toBe('PNG');
    const bad = runCli('fst', join(CONTENT, 'ml5_harriet_128x128.jpg'), '--style', 'wave', '--precision', 'int16', '-o', out);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/precision/);
  });
});
