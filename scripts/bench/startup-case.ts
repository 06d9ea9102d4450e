/**
 * Start-up cost, the thing the engine design exists to cut, in one process with a fresh cache:
 * the first load (weights read, graphs built, serialised and cached), a second load (graphs from
 * the cache, no weights read), and for NST the set-up of a first and a second run on one engine.
 * Usage: tsx scripts/bench/startup-case.ts <fst|vgg19|squeezenet> [size]
 * Prints one JSON line.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastStyle, ModelStore, NeuralStyle, decodeImage } from '../../packages/node/src/index';
import { IMAGES, weightsDir } from '../paths';

const [what = 'fst', sizeArg = '256'] = process.argv.slice(2);
const size = Number(sizeArg);

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await f();
  return [performance.now() - t0, v];
}

async function main() {
  const cacheDir = mkdtempSync(join(tmpdir(), 'impasto-startup-'));
  const store = () => new ModelStore({ mirror: weightsDir(), cacheDir, download: false });
  if (what === 'fst') {
    const [coldMs, a] = await timed(() => FastStyle.load('wave', { ep: 'cpu' }, { store: store() }));
    await a.dispose();
    const [warmMs, b] = await timed(() => FastStyle.load('wave', { ep: 'cpu' }, { store: new ModelStore({ mirror: null, cacheDir, download: false }) }));
    await b.dispose();
    console.log(JSON.stringify({ what, coldLoadMs: coldMs, cachedLoadMs: warmMs }));
    return;
  }
  const content = await decodeImage(join(IMAGES, 'content/jcjohnson_tubingen.jpg'), { maxSize: size });
  const style = await decodeImage(join(IMAGES, 'style/jcjohnson_starry_night.jpg'), { maxSize: size });
  const net = what as 'vgg19' | 'squeezenet';
  const [coldMs, cold] = await timed(() => NeuralStyle.load({ net, ep: 'cpu' }, { store: store() }));
  const opts = { size, iterations: 1, checkpointEvery: 0 };
  const first = await cold.run({ content, style }, opts).result;
  const second = await cold.run({ content, style }, opts).result;
  await cold.dispose();
  const [warmMs, warm] = await timed(() => NeuralStyle.load({ net, ep: 'cpu' }, { store: new ModelStore({ mirror: null, cacheDir, download: false }) }));
  const third = await warm.run({ content, style }, opts).result;
  await warm.dispose();
  console.log(JSON.stringify({ what, size, coldLoadMs: coldMs, cachedLoadMs: warmMs, firstRunStartupMs: first.startupMs, secondRunStartupMs: second.startupMs, cachedEngineRunStartupMs: third.startupMs }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
