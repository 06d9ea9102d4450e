/**
 * Peak memory of one engine run at one image size, in a fresh process, so the library can learn
 * how memory grows with pixels and estimate it before a run.
 * Usage: tsx scripts/bench/memory-case.ts <fst|nst-vgg19|nst-squeezenet|ast> <width> <height>
 * Prints one JSON line: { engine, width, height, pixels, peakRssMiB, baselineRssMiB, ms, loadPeakRssMiB }.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ArbitraryStyle, FastStyle, ModelStore, NeuralStyle, type RawImage, type StyleCode } from '@impasto/node';
import { IMAGES, weightsDir } from '../paths';
import { noiseImage, rss } from './measure';

const [engine = '', widthArg, heightArg] = process.argv.slice(2);
const width = Number(widthArg);
const height = Number(heightArg);
const NETS: Record<string, 'vgg19' | 'squeezenet'> = { 'nst-vgg19': 'vgg19', 'nst-squeezenet': 'squeezenet' };


/**
 * Resets VmHWM to the current RSS (Linux 4.0+), so the peak read later is the run's, not the
 * load's (building the graphs on a first load, weights being read) or the warm-up's.
 */
function resetPeak(): void {
  writeFileSync('/proc/self/clear_refs', '5');
}

/**
 * A full V8 collection (without --expose-gc on the command line), then a pause: V8 frees the
 * dead buffers' memory on background threads, after gc() returns.
 */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  await new Promise((r) => setTimeout(r, 500));
}


/**
 * Loads the engine (cpu provider, ONNX Runtime's default threads). It gives, for a size, a run on
 * images made up front, so their pixels are in the baseline like a decoded photo's would be.
 */
async function load(): Promise<(w: number, h: number) => () => Promise<unknown>> {
  const store = new ModelStore({ mirror: weightsDir(), download: false });
  const session = { ep: 'cpu', intraOpNumThreads: 0 } as const;
  if (engine === 'fst') {
    const fst = await FastStyle.load('wave', session, { store });
    return (w, h) => {
      const image = noiseImage(w, h, 1);
      return () => fst.stylize(image);
    };
  }
  if (engine === 'ast') {
    const ast = await ArbitraryStyle.load(session, { store });
    // The style is encoded (Starry Night, 512 on its longest side) in the warm-up run, so the
    // measured run is one stylize with a code made before: the content path alone.
    let code: StyleCode | undefined;
    return (w, h) => {
      const image = noiseImage(w, h, 1);
      return async () => {
        code ??= await ast.encodeStyle(join(IMAGES, 'style/jcjohnson_starry_night.jpg'), { styleSize: 512 });
        return ast.stylize(image, code);
      };
    };
  }
  const net = NETS[engine];
  if (!net) throw new Error(`unknown engine ${engine}: fst, nst-vgg19, nst-squeezenet or ast`);
  const nst = await NeuralStyle.load({ net, ...session }, { store });
  return (w, h) => {
    const [content, style] = [noiseImage(w, h, 1), noiseImage(w, h, 2)];
    // Two iterations: ONNX Runtime plans memory for a shape on its first run and uses the plan
    // from the second, which can allocate again; later iterations add nothing.
    const options = { size: Math.max(w, h), iterations: 2, checkpointEvery: 0 };
    return () => nst.run({ content, style }, options).result;
  };
}

async function main() {
  if (!(width > 0 && height > 0)) throw new Error('usage: memory-case.ts <fst|nst-vgg19|nst-squeezenet|ast> <width> <height>');
  const prepare = await load();
  // A tiny warm-up run, so ONNX Runtime's one-off set-up (thread pools, kernels) is in the baseline
  // and not counted as per-pixel memory.
  await prepare(32, 32)();
  const run = prepare(width, height);
  const loadPeakRssMiB = rss().peak;
  // The load leaves garbage (weights, serialised graphs) that V8 frees when it likes: collected
  // now, the baseline is the engine's own and the run's peak does not swing with GC timing.
  await collectGarbage();
  resetPeak();
  const baselineRssMiB = rss().now;
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  const peakRssMiB = rss().peak;
  process.stdout.write(`${JSON.stringify({ engine, width, height, pixels: width * height, peakRssMiB, baselineRssMiB, ms, loadPeakRssMiB })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
