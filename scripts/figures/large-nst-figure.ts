import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ModelStore, encodeImage, neuralStyle } from '@impasto/node';
import { IMAGES, weightsDir } from '../paths';

const PANEL = 400;

/**
 * A 2048² VGG19 NST made coarse to fine within a 3 GiB memory budget (the top scales in tiles):
 * scikit-image's public-domain astronaut (512², enlarged to 2048² first: NST never enlarges the
 * photo) in The Starry Night (public domain), the result scaled down, and a 100 % crop. About 20 minutes on 2 cores; `from` reuses a result made by
 * the README's command instead.
 */
export async function largeNstFigure(out: string, from?: string): Promise<void> {
  const photo = join(IMAGES, 'content/skimage_astronaut.png');
  let result: Buffer;
  if (from) result = await sharp(from).png().toBuffer();
  else {
    const big = join(mkdtempSync(join(tmpdir(), 'impasto-figure-')), 'astronaut-2048.png');
    await sharp(photo).resize(2048, 2048, { kernel: 'lanczos3' }).png().toFile(big);
    const store = new ModelStore({ mirror: weightsDir() });
    const run = neuralStyle(
      { content: big, style: join(IMAGES, 'style/jcjohnson_starry_night.jpg') },
      { net: 'vgg19', size: 2048, startSize: 256, iterations: 15, topIterations: 6, memoryBudget: 3072, checkpointEvery: 0 },
      { store },
    );
    for await (const e of run.events) if (e.type === 'progress' && e.iteration === 1) console.log(`nst: scale ${e.scale?.index} of ${e.scale?.scales}, ${e.scale?.size} px`);
    result = await encodeImage((await run.result).image, 'png');
  }
  const { width = 0, height = 0 } = await sharp(result).metadata();
  const panels = [
    await sharp(photo).resize(PANEL, PANEL, { fit: 'inside' }).png().toBuffer(),
    await sharp(result).resize(PANEL, PANEL, { fit: 'inside' }).png().toBuffer(),
    // The face, at 100 %.
    await sharp(result).extract({ left: Math.round(width * 0.36), top: Math.round(height * 0.17), width: PANEL, height: PANEL }).png().toBuffer(),
  ];
  const gap = 8;
  await sharp({ create: { width: 3 * PANEL + 2 * gap, height: PANEL, channels: 3, background: '#fff' } })
    .composite(panels.map((input, i) => ({ input, left: i * (PANEL + gap), top: 0 })))
    .jpeg({ quality: 84, mozjpeg: true })
    .toFile(join(out, 'nst-2048.jpg'));
  console.log(join(out, 'nst-2048.jpg'));
}
