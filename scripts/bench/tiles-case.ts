/**
 * One large-image run as a user makes it, in a fresh process: a file stylized into a file, in
 * one pass or in tiles. Peak RSS is the whole process's (the target is absolute).
 * Usage: tsx scripts/bench/tiles-case.ts <fst|ast> <input> <output> <tile|0 for one pass|auto> [memoryBudgetMiB]
 * Prints one JSON line: { engine, tile, tiles, ms, peakRssMiB }.
 */
import { join } from 'node:path';
import { ArbitraryStyle, FastStyle, ModelStore } from '@impasto/node';
import { IMAGES, weightsDir } from '../paths';
import { rss } from './measure';

const [engine, input = '', output = '', tileArg = 'auto', budgetArg] = process.argv.slice(2);
const store = new ModelStore({ mirror: weightsDir(), download: false });
const tile = tileArg === 'auto' ? undefined : Number(tileArg) || 65535;
const options = { tile, memoryBudget: budgetArg ? Number(budgetArg) : undefined };

async function main() {
  const t0 = performance.now();
  let tiles: number;
  if (engine === 'fst') {
    const fst = await FastStyle.load('wave', { ep: 'cpu' }, { store });
    tiles = (await fst.stylizeFile(input, output, options)).tiles;
  } else {
    const ast = await ArbitraryStyle.load({ ep: 'cpu' }, { store });
    tiles = (await ast.stylizeFile(input, join(IMAGES, 'style/jcjohnson_starry_night.jpg'), output, { ...options, styleSize: 512 })).tiles;
  }
  console.log(JSON.stringify({ engine, tile: tileArg, tiles, ms: performance.now() - t0, peakRssMiB: rss().peak }));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
