import { join } from 'node:path';
import sharp from 'sharp';
import { ModelStore, NST_PRESETS, decodeImage, encodeImage, neuralStyle, recolor } from '@impasto/node';
import { IMAGES, weightsDir } from '../paths';

/**
 * Photo style transfer (Luan et al. 2017): scikit-image's CC0 "coffee" in the colours and light of
 * its public-domain night launch ("rocket"). Tiles: photo, style photo, plain NST (the same
 * settings without the photorealism term), the colour-only transfer, the photo preset. 320 px,
 * 150 L-BFGS iterations each, VGG19. Prints each run's seconds.
 */
export async function photoFigure(out: string, tile: number, grid: (tiles: Buffer[], perRow: number, file: string) => Promise<void>): Promise<void> {
  const store = new ModelStore({ mirror: weightsDir() });
  const size = 320;
  const content = await decodeImage(join(IMAGES, 'content/skimage_coffee.png'), { maxSize: size });
  const style = await decodeImage(join(IMAGES, 'content/skimage_rocket.jpg'), { maxSize: size });
  const run = async (o: object) => {
    const t0 = performance.now();
    const r = await neuralStyle({ content, style }, { ...o, size, iterations: 150, checkpointEvery: 0 }, { store }).result;
    console.log(`photo figure: ${JSON.stringify(o).slice(0, 60)}… ${((performance.now() - t0) / 1000).toFixed(0)} s, ${Math.round(r.msPerIteration)} ms/it`);
    return r.image;
  };
  const images = [content, style, await run({ ...NST_PRESETS.luan, photorealism: 0 }), (await recolor({ content, style })).image, await run(NST_PRESETS.photo)];
  const tiles = await Promise.all(images.map(async (img) => sharp(await encodeImage(img, 'png')).resize(tile, Math.round((tile * 3) / 4), { fit: 'cover' }).png().toBuffer()));
  await grid(tiles, 5, join(out, 'photo-transfer.jpg'));
}
