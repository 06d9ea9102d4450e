import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { type NstEvent, type NstResult, type RawImage } from '../../packages/core/src/index';
import { encodeImage } from '../../packages/node/src/image-io';
import { transfer, type TransferOptions } from '../../packages/node/src/nst/transfer';

const shared = resolve(__dirname, '../../../shared/images');
// Public-domain or CC0 only, so the figures may ship: a CC0 photo and two public-domain paintings.
const CONTENT = join(shared, 'content/skimage_chelsea.png');
const STYLE = join(shared, 'style/jcjohnson_starry_night.jpg');
const SIZE = 256;

async function run(o: TransferOptions): Promise<RawImage> {
  const gen: AsyncGenerator<NstEvent, NstResult> = transfer({ size: SIZE, checkpointEvery: 0, ...o });
  for (let r = await gen.next(); ; r = await gen.next()) if (r.done) return r.value.image;
}

async function tile(img: RawImage, height: number): Promise<Buffer> {
  return sharp(await encodeImage(img, 'png')).resize(240, height, { fit: 'cover' }).png().toBuffer();
}

async function fileTile(file: string, height: number): Promise<Buffer> {
  return sharp(file).resize(240, height, { fit: 'cover' }).png().toBuffer();
}

/** The seed's figures: 3 (content reconstruction per layer), 5 (style per layer set) and 6 (transfer). */
export async function nstFigures(out: string, grid: (tiles: Buffer[], perRow: number, file: string) => Promise<void>): Promise<void> {
  const h = 160;
  const result = await run({ content: CONTENT, style: STYLE, iterations: 250 });
  await grid([await fileTile(CONTENT, h), await fileTile(STYLE, h), await tile(result, h)], 3, join(out, 'nst-transfer.jpg'));

  const contentTiles = [];
  for (const layer of [2, 7, 12, 21, 30]) contentTiles.push(await tile(await run({ mode: 'content', content: CONTENT, contentLayers: [layer], iterations: 100 }), h));
  await grid(contentTiles, 5, join(out, 'nst-content-layers.jpg'));

  const styleTiles = [];
  const sets = [[2], [2, 7], [2, 7, 12], [2, 7, 12, 21], [2, 7, 12, 21, 30]];
  for (const layers of sets) styleTiles.push(await tile(await run({ mode: 'style', style: STYLE, styleLayers: layers, iterations: 100 }), h));
  await grid(styleTiles, 5, join(out, 'nst-style-layers.jpg'));
}
