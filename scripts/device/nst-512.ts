/**
 * Checks the NST defaults at the size the README promises (512 px, 250 iterations) where that is
 * quick: on the lent GPU machine. Reads raw RGB made here (scripts/device/run.sh), writes raw RGB
 * results and a JSON of the losses. Usage: node nst-512.cjs <weights> <in dir> <out dir>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type NstEvent, type NstResult, type RawImage, neuralStyleTransfer } from '../../packages/core/src/index';
import { nodeBackend } from '../../packages/node/src/backend';
import { loadFeatureNet } from '../../packages/node/src/nst/feature-nets';
import { ModelStore } from '../../packages/node/src/store/model-store';

const [weights, inDir, outDir] = process.argv.slice(2) as [string, string, string];

function readRaw(name: string): RawImage {
  const { width, height } = JSON.parse(readFileSync(join(inDir, `${name}.json`), 'utf8'));
  return { data: new Uint8Array(readFileSync(join(inDir, `${name}.rgb`))), width, height, channels: 3 };
}

async function main() {
  const vgg = await loadFeatureNet('vgg19', new ModelStore({ mirror: weights, download: false, cacheDir: '/tmp/impasto-cache' }));
  const content = readRaw('content');
  const style = readRaw('style');
  const report: Record<string, unknown> = {};
  for (const optimizer of ['adam', 'lbfgs'] as const) {
    const gen: AsyncGenerator<NstEvent, NstResult> = neuralStyleTransfer(nodeBackend, vgg, { content, style }, { ep: 'webgpu', optimizer, iterations: optimizer === 'adam' ? 250 : 100, checkpointEvery: 0 });
    const losses: number[] = [];
    for (let r = await gen.next(); ; r = await gen.next()) {
      if (r.done) {
        writeFileSync(join(outDir, `nst-512-${optimizer}.rgb`), r.value.image.data);
        report[optimizer] = { width: r.value.image.width, height: r.value.image.height, msPerIteration: r.value.msPerIteration, provider: r.value.provider, losses: losses.filter((_, i) => i % 25 === 0), final: r.value.loss };
        break;
      }
      if (r.value.type === 'progress') losses.push(r.value.loss);
    }
    console.log(optimizer, JSON.stringify(report[optimizer]));
    writeFileSync(join(outDir, 'nst-512.json'), JSON.stringify(report, null, 2));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
