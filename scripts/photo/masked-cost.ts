/**
 * `tsx scripts/photo/masked-cost.ts <plain|masked> [size]`: ms per VGG19 NST iteration with the style
 * loss on plain Gram matrices or per region (masked Grams, one all-ones region), for the `regions`
 * load option's cost. Alternate the two in separate processes; this machine is noisy.
 */
import sharp from 'sharp';
import { LOSS_NET_DEFAULTS, contentTerm, styleTerm, tvTerm } from '@impasto/core/nst';
import { ModelStore, NeuralStyle, type RawImage } from '@impasto/node';
const size = Number(process.argv[3] ?? 512);
async function square(file: string): Promise<RawImage> {
  const { data, info } = await sharp(file).resize(size, size, { fit: 'cover' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}
void (async () => {
  const store = new ModelStore({ mirror: '/work/shared/weights', download: false });
  const d = LOSS_NET_DEFAULTS.vgg19;
  const terms = [contentTerm([d.content]), styleTerm(d.style, { regions: process.argv[2] === 'masked' }), tvTerm()];
  const nst = await NeuralStyle.load({ net: 'vgg19', ep: 'cpu' }, { store, terms });
  const content = await square('/work/shared/images/content/jcjohnson_tubingen.jpg');
  const style = await square('/work/shared/images/style/jcjohnson_starry_night.jpg');
  const run = nst.run({ content, style }, { size, iterations: 4, checkpointEvery: 0 });
  const el: number[] = [];
  for await (const e of run.events) if (e.type === 'progress') el.push(e.msPerIteration * e.iteration);
  await run.result;
  console.log(process.argv[2], size, ((el[3]! - el[0]!) / 3).toFixed(0));
})();
