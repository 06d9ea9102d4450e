/**
 * One NST benchmark case in its own process.
 * Usage: tsx scripts/bench/nst-case.ts <impasto|tfjs-wasm> <vgg19|squeezenet> <size> <iterations> [ep]
 * Prints one JSON line: ms per iteration (one loss + gradient evaluation and one Adam step) and the
 * share of that time spent inside ONNX Runtime's session.run.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { OBJECTIVE_IO } from '@impasto/core/nst';
import { ModelStore, NeuralStyle, type RawImage } from '@impasto/node';
import { nodeBackend } from '@impasto/node/platform';
import { type Backend } from '@impasto/core/platform';
import { IMAGES, weightsDir } from '../paths';
import { loadTfjsVggLoss } from '../reference/vgg-loss-tfjs';
import { peakRssMiB } from './measure';

const [engine, netName, sizeArg, itArg, epArg] = process.argv.slice(2);
const size = Number(sizeArg);
const iterations = Number(itArg ?? 5);
const ep = (epArg ?? 'cpu') as 'cpu' | 'webgpu';
const weights = weightsDir();
const images = IMAGES;

async function square(file: string): Promise<RawImage> {
  const { data, info } = await sharp(file).resize(size, size, { fit: 'cover' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** Time inside session.run, of the objective session (loss + gradient) and of all sessions. */
interface Sink {
  /** Each objective run's milliseconds, in order (one per Adam iteration). */
  objective: number[];
  /** Milliseconds of every other session's runs (the targets, before the first iteration). */
  otherMs: number;
}

/** Wraps a backend so every session.run is timed. */
function timed(inner: Backend, sink: Sink): Backend {
  return {
    ...inner,
    async createSession(model, options) {
      const s = await inner.createSession(model, options);
      const isObjective = s.inputNames.includes(OBJECTIVE_IO.x);
      return Object.assign(Object.create(s), {
        run: async (feeds: never, outputs?: readonly string[]) => {
          const t0 = performance.now();
          const r = await s.run(feeds, outputs);
          const ms = performance.now() - t0;
          if (isObjective) sink.objective.push(ms);
          else sink.otherMs += ms;
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
    const sink: Sink = { objective: [], otherMs: 0 };
    const store = new ModelStore({ mirror: weights, download: false });
    // Sessions are made at load; one engine run is timed, its first iteration (target features,
    // the sessions' first run) not counted.
    const nst = await NeuralStyle.load({ net: netName as 'vgg19' | 'squeezenet', ep }, { store, backend: timed(nodeBackend, sink) });
    const run = nst.run({ content, style }, { size, iterations: iterations + 1, checkpointEvery: 0 });
    // Elapsed time of the loop at each iteration, on the engine's own clock (msPerIteration is the
    // mean since the loop started), so how promptly this loop sees the events does not matter.
    const elapsed: number[] = [];
    const evaluations: number[] = [];
    for await (const e of run.events) {
      if (e.type !== 'progress') continue;
      elapsed.push(e.msPerIteration * e.iteration);
      evaluations.push(e.evaluations);
    }
    const { provider } = await run.result;
    await nst.dispose();
    if (elapsed.length !== iterations + 1) throw new Error(`expected ${iterations + 1} progress events, got ${elapsed.length}`);
    const total = elapsed[iterations]! - elapsed[0]!;
    const ortMs = sink.objective.slice(evaluations[0]!).reduce((a, b) => a + b, 0);
    const out = { engine, net: netName, size, ep, provider, msPerIteration: total / iterations, ortShare: ortMs / total, peakRssMiB: peakRssMiB() };
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
