import { join } from 'node:path';
import { ArbitraryStyle, FastStyle, ModelStore, decodeImage, encodeImage } from '@impasto/node';
import { IMAGES, weightsDir } from '../paths';

/**
 * Colour preservation side by side: the CC0 photo "chelsea", fast style wave plain and with
 * `preserveColors: 'luminance'`; then arbitrary style from The Starry Night (public domain) plain,
 * with 'histogram' and with 'luminance'.
 */
export async function colorFigure(out: string, tile: number, grid: (tiles: Buffer[], perRow: number, file: string) => Promise<void>): Promise<void> {
  const store = new ModelStore({ mirror: weightsDir() });
  const photo = await decodeImage(join(IMAGES, 'content/skimage_chelsea.png'), { maxSize: tile });
  const painting = await decodeImage(join(IMAGES, 'style/jcjohnson_starry_night.jpg'), { maxSize: 512 });
  const fst = await FastStyle.load('wave', {}, { store });
  const ast = await ArbitraryStyle.load({}, { store });
  try {
    // Row 1: photo | wave | wave, luminance. Row 2: any style | histogram | luminance.
    const images = [
      photo,
      await fst.stylize(photo),
      await fst.stylize(photo, { preserveColors: 'luminance' }),
      await ast.stylize(photo, painting),
      await ast.stylize(photo, painting, { preserveColors: 'histogram' }),
      await ast.stylize(photo, painting, { preserveColors: 'luminance' }),
    ];
    await grid(await Promise.all(images.map((img) => encodeImage(img, 'png'))), 3, join(out, 'preserve-colors.jpg'));
  } finally {
    await fst.dispose();
    await ast.dispose();
  }
}
