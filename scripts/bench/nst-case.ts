/**
 * One NST benchmark case in its own process.
 * Usage: tsx scripts/bench/nst-case.ts <impasto|tfjs-wasm> <vgg19|squeezenet> <size> <iterations> [ep]
 * Prints one JSON line: ms per iteration (one loss + gradient evaluation and one Adam step) and the
 * share of that time spent inside ONNX Runtime's session.run.
 */
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { type Backend, type RawImage, neuralStyleTransfer } from '../../packages/core/src/index';
import { nodeBackend } from '../../packages/node/src/backend';
import { loadFeatureNet } from '../../packages/node/src/nst/feature-nets';
import { ModelStore } from '../../packages/node/src/store/model-store';
import { loadTfjsVggLoss } from '../reference/vgg-loss-tfjs';
import { peakRssMiB } from './measure';

const [engine, netName, sizeArg, itArg, epArg] = process.argv.slice(2);
const size = Number(sizeArg);
const iterations = Number(itArg ?? 5);
const ep = (epArg ?? 'cpu') as 'cpu' | 'webgpu';
const weights = resolve(process.env.IMPASTO_WEIGHTS ?? '../shared/weights');
const images = resolve(weights, '../images');

async function square(file: string): Promise<RawImage> {
  const { data, info } = await sharp(file).resize(size, size, { fit: 'cover' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** Wraps a backend so every session.run is timed. */
function timed(inner: Backend, sink: { ms: number; runs: number }): Backend {
  return {
    ...inner,
    async createSession(model, options) {
      const s = await inner.createSession(model, options);
      return Object.assign(Object.create(s), {
        run: async (feeds: never, outputs?: readonly string[]) => {
          const t0 = performance.now();
          const r = await s.run(feeds, outputs);
          sink.ms += performance.now() - t0;
          sink.runs++;
          return r;
        },
        dispose: () => s.dispose(),
      });
    },
  };
}

async function main() {
  const content = await square(join(images, 'content/jcjohnson_tubingen.jpg'));
  const style = await square(join(images, 'style/jcjohnson_starry_night.jpg'));
  if (engine === 'impasto') {
    const net = await loadFeatureNet(netName as 'vgg19' | 'squeezenet', new ModelStore({ mirror: weights, download: false }));
    const sink = { ms: 0, runs: 0 };
    const gen = neuralStyleTransfer(timed(nodeBackend, sink), net, { content, style }, { ep, iterations: iterations + 1, checkpointEvery: 0 });
    let first = true;
    let t0 = 0;
    let provider = '';
    for (let r = await gen.next(); ; r = await gen.next()) {
      if (r.done) {
        provider = r.value.provider;
        break;
      }
      if (first) {
        // The first iteration includes session creation and target features: not counted.
        first = false;
        sink.ms = 0;
        sink.runs = 0;
        t0 = performance.now();
      }
    }
    const total = performance.now() - t0;
    const out = { engine, net: netName, size, ep, provider, msPerIteration: total / iterations, ortShare: sink.ms / total, peakRssMiB: peakRssMiB() };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else if (engine === 'tfjs-wasm') {
    const hwc = (img: RawImage) => Float32Array.from(img.data);
    const loss = await loadTfjsVggLoss(join(weights, 'vgg19-tfjs-uint8'), 'wasm', { styleWeight: 1e3 });
    loss.setTargets(hwc(content), hwc(style), size, size);
    const x = hwc(content);
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) await loss.lossAndGrad(x);
    const ms = (performance.now() - t0) / iterations;
    process.stdout.write(`${JSON.stringify({ engine, net: netName, size, msPerIteration: ms, peakRssMiB: peakRssMiB() })}\n`);
  } else {
    throw new Error(`unknown engine ${engine}`);
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
