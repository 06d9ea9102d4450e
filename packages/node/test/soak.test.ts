// Soak: many calls in one process must not grow its memory. 1000 fast-style stylizations on one
// loaded network and 50 NST runs on one engine (checkpoints flowing through the events); RSS after
// warm-up and at the end, growth bounded per phase.
import { join } from 'node:path';
import type { RawImage } from '@impasto/core/platform';
import { FastStyle, ModelStore, NeuralStyle, decodeImage } from '../src';
import { CONTENT, SHARED, WEIGHTS, tempDir } from './helpers';

const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tempDir('impasto-soak-cache-'), download: false });
const MiB = 1024 * 1024;
const LIMIT = 40 * MiB;

const rss = () => process.memoryUsage().rss;
const mib = (b: number) => `${(b / MiB).toFixed(1)} MiB`;
const settle = async () => {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setImmediate(r));
};

function image(size: number, seed: number): RawImage {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + seed * 17) & 255;
  return { data, width: size, height: size, channels: 3 };
}

describe('soak', () => {
  it('1000 FST stylizations on one FastStyle keep RSS flat', async () => {
    const fst = await FastStyle.load('wave', { ep: 'cpu' }, { store });
    const inputs = [image(32, 1), image(32, 2), image(32, 3)];
    let warm = 0;
    const t0 = Date.now();
    try {
      for (let i = 0; i < 1000; i++) {
        const out = await fst.stylize(inputs[i % inputs.length]!);
        if (out.width !== 32 || out.height !== 32 || out.data.length !== 32 * 32 * 3) throw new Error(`bad output at ${i}`);
        if (i === 99) {
          await settle();
          warm = rss();
        }
      }
    } finally {
      await fst.dispose();
    }
    await settle();
    const end = rss();
    console.log(`FST soak: 1000 stylizations in ${Date.now() - t0} ms; RSS after 100 ${mib(warm)}, after 1000 ${mib(end)}, growth ${mib(end - warm)}`);
    expect(end - warm).toBeLessThan(LIMIT);
  });

  it('50 NST runs on one engine (checkpoints through events) keep RSS flat', async () => {
    const nst = await NeuralStyle.load({ net: 'squeezenet', ep: 'cpu' }, { store });
    const content = await decodeImage(join(CONTENT, 'ml5_harriet_128x128.jpg'), { maxSize: 32 });
    const style = await decodeImage(join(SHARED, 'images/style/jcjohnson_the_scream.jpg'), { maxSize: 32 });
    let warm = 0;
    const t0 = Date.now();
    try {
      for (let i = 0; i < 50; i++) {
        const run = nst.run({ content, style }, { size: 32, iterations: 2, checkpointEvery: 1 });
        const seen = { progress: 0, checkpoint: 0 };
        for await (const e of run.events) {
          seen[e.type]++;
          if (e.type === 'checkpoint' && e.image.data.length !== e.image.width * e.image.height * 3) throw new Error('bad checkpoint');
        }
        const r = await run.result;
        expect({ ...seen, iterations: r.iterations, finite: Number.isFinite(r.loss) }).toEqual({ progress: 2, checkpoint: 1, iterations: 2, finite: true });
        if (i === 4) {
          await settle();
          warm = rss();
        }
      }
    } finally {
      await nst.dispose();
    }
    await settle();
    const end = rss();
    console.log(`NST soak: 50 runs in ${Date.now() - t0} ms; RSS after 5 ${mib(warm)}, after 50 ${mib(end)}, growth ${mib(end - warm)}`);
    expect(end - warm).toBeLessThan(LIMIT);
  });
});
