/**
 * Checks the NST defaults at the size the README promises (512 px, 250 iterations) where that is
 * quick: on the lent GPU machine. Reads raw RGB made here (scripts/device/run.sh), writes raw RGB
 * results and a JSON of the losses. Usage: node nst-512.cjs <weights> <in dir> <out dir>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawImage } from '@impasto/core/platform';
import { ModelStore, loadNeuralStyle } from './raw-platform';

const [weights, inDir, outDir] = process.argv.slice(2) as [string, string, string];
// NST_512_SMOKE=1 runs the same code here, on cpu and for a few iterations, to check the script before the lease.
const smoke = process.env.NST_512_SMOKE === '1';

function readRaw(name: string): RawImage {
  const { width, height } = JSON.parse(readFileSync(join(inDir, `${name}.json`), 'utf8'));
  return { data: new Uint8Array(readFileSync(join(inDir, `${name}.rgb`))), width, height, channels: 3 };
}

async function main() {
  const store = new ModelStore({ mirror: weights, download: false, cacheDir: '/tmp/impasto-cache' });
  // One engine (VGG19, webgpu), two runs: its sessions are made once.
  const nst = await loadNeuralStyle(store, { net: 'vgg19', ep: smoke ? 'cpu' : 'webgpu' });
  const content = readRaw('content');
  const style = readRaw('style');
  const report: Record<string, unknown> = {};
  for (const optimizer of ['adam', 'lbfgs'] as const) {
    const run = nst.run({ content, style }, { optimizer, iterations: smoke ? 3 : optimizer === 'adam' ? 250 : 100, checkpointEvery: 0 });
    const losses: number[] = [];
    for await (const e of run.events) if (e.type === 'progress') losses.push(e.loss);
    const r = await run.result;
    writeFileSync(join(outDir, `nst-512-${optimizer}.rgb`), r.image.data);
    report[optimizer] = { width: r.image.width, height: r.image.height, msPerIteration: r.msPerIteration, provider: r.provider, losses: losses.filter((_, i) => i % 25 === 0), final: r.loss };
    console.log(optimizer, JSON.stringify(report[optimizer]));
    writeFileSync(join(outDir, 'nst-512.json'), JSON.stringify(report, null, 2));
  }
  await nst.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
