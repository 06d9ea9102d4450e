/**
 * One photo style transfer benchmark case in its own process.
 *   tsx scripts/bench/photo-case.ts speed <with|without> <size> <iterations> [vgg19|squeezenet]
 *     ms per Adam iteration (one loss + gradient evaluation) of VGG19 NST at size² with the
 *     objective as it is (content, style, TV and the photorealism term at Luan's λ) or without the
 *     photorealism term (the objective before it), started from the photo.
 *   tsx scripts/bench/photo-case.ts quality <variant> <size> <iterations> <content> <style>
 *     the measures for one variant (scripts/photo/study.ts's) on one photo pair.
 * Prints one JSON line.
 */
import sharp from 'sharp';
import { LOSS_NET_DEFAULTS, contentTerm, photorealismTerm, styleTerm, tvTerm } from '@impasto/core/nst';
import { matchColorsByRegion } from '@impasto/core/platform';
import { type RawImage, ModelStore, NST_PRESETS, NeuralStyle, decodeImage, neuralStyle } from '@impasto/node';
import { IMAGES, weightsDir } from '../paths';
import { affineResidual, colorDistance } from '../photo/metrics';
import { peakRssMiB } from './measure';

const [mode, variant, sizeArg, itArg, contentFile, styleFile] = process.argv.slice(2);
const size = Number(sizeArg);
const iterations = Number(itArg);
const store = new ModelStore({ mirror: weightsDir(), download: false });

async function square(file: string): Promise<RawImage> {
  const { data, info } = await sharp(file).resize(size, size, { fit: 'cover' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** The variants the quality rows compare (plain: the luan preset without the term). */
const VARIANTS = { plain: { ...NST_PRESETS.luan, photorealism: 0 }, luan: NST_PRESETS.luan, photo: NST_PRESETS.photo, 'photo+smooth': { ...NST_PRESETS.photo, smooth: true } } as const;

async function main() {
  if (mode === 'speed') {
    const content = await square(`${IMAGES}/content/skimage_coffee.png`);
    const style = await square(`${IMAGES}/content/skimage_rocket.jpg`);
    const net = (contentFile ?? 'vgg19') as 'vgg19' | 'squeezenet';
    const d = LOSS_NET_DEFAULTS[net];
    const terms = [contentTerm([d.content]), styleTerm(d.style), tvTerm(), ...(variant === 'with' ? [photorealismTerm()] : [])];
    const nst = await NeuralStyle.load({ net, ep: 'cpu' }, { store, terms });
    const run = nst.run({ content, style }, { size, iterations: iterations + 1, checkpointEvery: 0, init: 'content', optimizer: 'adam', photorealism: variant === 'with' ? NST_PRESETS.photo.photorealism : 0 });
    const elapsed: number[] = [];
    for await (const e of run.events) if (e.type === 'progress') elapsed.push(e.msPerIteration * e.iteration);
    await run.result;
    await nst.dispose();
    // The first iteration (targets, the sessions' first run) is not counted.
    process.stdout.write(`${JSON.stringify({ variant, net, size, msPerIteration: (elapsed[iterations]! - elapsed[0]!) / iterations, peakRssMiB: peakRssMiB() })}\n`);
    return;
  }
  const content = await decodeImage(contentFile!, { maxSize: size });
  const style = await decodeImage(styleFile!, { maxSize: size });
  const t0 = performance.now();
  let image: RawImage;
  let msPerIteration = 0;
  let evaluations = 0;
  if (variant === 'colors') image = matchColorsByRegion(content, style);
  else {
    const run = neuralStyle({ content, style }, { ...VARIANTS[variant as keyof typeof VARIANTS], size, iterations, checkpointEvery: 0 }, { store });
    for await (const e of run.events) if (e.type === 'progress') evaluations = e.evaluations;
    const r = await run.result;
    image = r.image;
    msPerIteration = r.msPerIteration;
  }
  const base = colorDistance(content, style);
  const d = colorDistance(image, style);
  process.stdout.write(`${JSON.stringify({ variant, size, iterations, evaluations, meanRatio: d.mean / base.mean, covRatio: d.cov / base.cov, residual: affineResidual(image, content), msPerIteration, seconds: (performance.now() - t0) / 1000 })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
