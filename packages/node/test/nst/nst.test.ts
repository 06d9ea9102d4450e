import { join } from 'node:path';
import { type FeatureNet, type NstEvent, type NstResult, type RawImage, type Run, imageToTensor } from '@impasto/core/platform';
import { buildTargetGraph, loadLossNet, styleTerm } from '@impasto/core/nst';
import { encodeModel } from '@impasto/core/onnx';
import { ModelStore, NeuralStyle, decodeImage, neuralStyle } from '../../src';
import { nodeBackend } from '../../src/platform-entry';
import { CONTENT, SHARED, WEIGHTS, tempDir } from '../helpers';

const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tempDir(), download: false });
const STYLE = join(SHARED, 'images/style');
let photo: RawImage;
let painting: RawImage;

beforeAll(async () => {
  photo = await decodeImage(join(CONTENT, 'jcjohnson_tubingen.jpg'), { maxSize: 64 });
  painting = await decodeImage(join(STYLE, 'jcjohnson_starry_night.jpg'), { maxSize: 64 });
});

async function runAll(run: Run<NstEvent, NstResult>): Promise<{ events: NstEvent[]; result: NstResult }> {
  const events: NstEvent[] = [];
  for await (const e of run.events) events.push(e);
  return { events, result: await run.result };
}

function psnr(a: RawImage, b: RawImage): number {
  let se = 0;
  for (let i = 0; i < a.data.length; i++) se += (a.data[i]! - b.data[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.data.length));
}

/** Sum of squared Gram differences over the style layers, measured by an independent forward graph. */
async function gramDistance(net: FeatureNet, layers: string[], a: RawImage, b: RawImage): Promise<number> {
  const s = await nodeBackend.createSession(encodeModel(buildTargetGraph(net, [styleTerm(layers)])), { ep: 'cpu' });
  const ga = await s.run({ image: imageToTensor(a) });
  const gb = await s.run({ image: imageToTensor(b) });
  await s.dispose();
  let d = 0;
  for (const k of Object.keys(ga)) {
    const x = ga[k]!.data as Float32Array;
    const y = gb[k]!.data as Float32Array;
    for (let i = 0; i < x.length; i++) d += (x[i]! - y[i]!) ** 2;
  }
  return d;
}

describe('neural style transfer on real VGG19 weights at 64 px', () => {
  it('an engine reuses its sessions across runs, and a second engine its cached graphs without any weights', async () => {
    const cacheDir = tempDir();
    const first = await NeuralStyle.load({ ep: 'cpu', net: 'squeezenet' }, { store: new ModelStore({ mirror: WEIGHTS, cacheDir, download: false }) });
    const a = await first.run({ content: photo, style: painting }, { iterations: 2, checkpointEvery: 0 }).result;
    const b = await first.run({ content: photo, style: painting }, { iterations: 2, checkpointEvery: 0 }).result;
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    await first.dispose();
    expect(() => first.run({ content: photo, style: painting })).toThrow(/disposed/);
    // No mirror and no downloads: only the cached graphs can make this engine.
    const offline = await NeuralStyle.load({ ep: 'cpu', net: 'squeezenet' }, { store: new ModelStore({ mirror: null, cacheDir, download: false }) });
    const c = await offline.run({ content: photo, style: painting }, { iterations: 2, checkpointEvery: 0 }).result;
    expect(Buffer.from(c.image.data).equals(Buffer.from(a.image.data))).toBe(true);
    await offline.dispose();
  });


  it('cuts the total loss by at least 90 % in 100 iterations, with progress and checkpoints', async () => {
    const { events, result } = await runAll(neuralStyle({ content: photo, style: painting }, { ep: 'cpu', iterations: 100, checkpointEvery: 40 }, { store }));
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress).toHaveLength(100);
    const first = progress[0]!;
    expect(first.terms.content).toBeDefined();
    expect(first.terms.style).toBeGreaterThan(0);
    expect(first.etaMs).toBeGreaterThan(0);
    expect(result.loss).toBeLessThan(0.1 * first.loss);
    expect(events.filter((e) => e.type === 'checkpoint').map((e) => e.iteration)).toEqual([40, 80]);
    expect([result.image.width, result.image.height]).toEqual([photo.width, photo.height]);
  });

  it('reconstructs the content image from relu2_1 (Owl 7) to at least 20 dB PSNR', async () => {
    const { result } = await runAll(neuralStyle({ content: photo }, { ep: 'cpu', mode: 'content', contentLayers: [7], iterations: 100, checkpointEvery: 0 }, { store }));
    expect(psnr(result.image, photo)).toBeGreaterThanOrEqual(20);
  });

  it('reconstructs style: the Gram distance falls by at least 90 %', async () => {
    const layers = ['relu1_1', 'relu2_1', 'relu3_1'];
    const net = await loadLossNet('vgg19', store.source('vgg19-tfjs-uint8'), layers);
    const engine = await NeuralStyle.load({ ep: 'cpu', mode: 'style', styleLayers: layers }, { store });
    const { result } = await runAll(engine.run({ style: painting }, { iterations: 100, checkpointEvery: 0, seed: 3 }));
    const noise = await runAll(engine.run({ style: painting }, { iterations: 1, lr: 1e-9, checkpointEvery: 0, seed: 3 }));
    await engine.dispose();
    const before = await gramDistance(net, layers, noise.result.image, painting);
    const after = await gramDistance(net, layers, result.image, painting);
    expect(after).toBeLessThan(0.1 * before);
  });

  it('is deterministic for a seed on one provider', async () => {
    const opts = { ep: 'cpu' as const, mode: 'content' as const, contentLayers: ['relu1_1'], iterations: 5, checkpointEvery: 0, seed: 42, intraOpNumThreads: 1 };
    const a = await runAll(neuralStyle({ content: photo }, opts, { store }));
    const b = await runAll(neuralStyle({ content: photo }, opts, { store }));
    expect(Buffer.from(a.result.image.data).equals(Buffer.from(b.result.image.data))).toBe(true);
  });

  it('stops on an abort signal', async () => {
    const controller = new AbortController();
    const run = neuralStyle({ content: photo, style: painting }, { ep: 'cpu', iterations: 50 }, { store, signal: controller.signal });
    for await (const e of run.events) if (e.type === 'progress') break;
    controller.abort();
    await expect(run.result).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('rejects bad options with one clear error', async () => {
    const bad = async (o: object) => {
      try {
        await runAll(neuralStyle({ content: photo, style: painting }, { ep: 'cpu', iterations: 3, checkpointEvery: 0, ...o }, { store }));
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(await bad({ contentLayers: ['relu9_9'] })).toMatch(/relu9_9/);
    expect(await bad({ styleLayers: [99] })).toMatch(/99/);
    expect(await bad({ lr: -1 })).toMatch(/Expected .* for lr but received -1/);
    expect(await bad({ optimizer: 'sgd' })).toMatch(/one of adam, lbfgs for optimizer/);
    expect(await bad({ styleWeight: 1e38 })).toMatch(/the loss became (Infinity|NaN); lower the learning rate/);
    await expect(neuralStyle({ content: photo }, { ep: 'cpu' }, { store }).result).rejects.toThrow(/a style image is needed for transfer/);
  });
});
