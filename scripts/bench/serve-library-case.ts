/**
 * The peer of `npm run bench -- serve`: the library called in a loop in one process, doing what a
 * service job does (decode the uploaded bytes, stylize, encode PNG). Prints `{ latenciesMs }`.
 *   tsx scripts/bench/serve-library-case.ts <image> <jobs>
 */
import { readFileSync } from 'node:fs';
import { FastStyle, encodeImage } from '@impasto/node';

async function main() {
  const [image, jobsArg] = process.argv.slice(2);
  const bytes = new Uint8Array(readFileSync(image!));
  const fst = await FastStyle.load('wave', { ep: 'cpu' });
  await encodeImage(await fst.stylize(bytes), 'png'); // warm-up
  const latenciesMs: number[] = [];
  for (let i = 0; i < Number(jobsArg); i++) {
    const t0 = performance.now();
    await encodeImage(await fst.stylize(bytes), 'png');
    latenciesMs.push(performance.now() - t0);
  }
  await fst.dispose();
  console.log(JSON.stringify({ latenciesMs }));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
