import { join } from 'node:path';
import sharp from 'sharp';
import { ModelStore, NeuralStyle, type NeuralStyleOptions, type RawImage, encodeImage } from '@impasto/node';
import { IMAGES, weightsDir } from '../paths';

// Public-domain or CC0 only, so the figures may ship: a CC0 photo and two public-domain paintings.
const CONTENT = join(IMAGES, 'content/skimage_chelsea.png');
const STYLE = join(IMAGES, 'style/jcjohnson_starry_night.jpg');
const SIZE = 256;

type Run = NeuralStyleOptions & { content?: string; style?: string };

/** One run; engines are kept by their load options, so runs that share layers share sessions. */
function runner(store: ModelStore): { run(o: Run): Promise<RawImage>; dispose(): Promise<void> } {
  const engines = new Map<string, Promise<NeuralStyle>>();
  return {
    async run({ content, style, mode, net, pooling, contentLayers, styleLayers, ...runOptions }: Run) {
      const load = Object.fromEntries(Object.entries({ mode, net, pooling, contentLayers, styleLayers }).filter(([, v]) => v !== undefined));
      const key = JSON.stringify(load);
      if (!engines.has(key)) engines.set(key, NeuralStyle.load(load, { store }));
      const nst = await engines.get(key)!;
      return (await nst.run({ content, style }, { size: SIZE, checkpointEvery: 0, ...runOptions }).result).image;
    },
    async dispose() {
      for (const e of engines.values()) await (await e).dispose();
    },
  };
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
  const { run, dispose } = runner(new ModelStore({ mirror: weightsDir() }));
  try {
    const result = await run({ content: CONTENT, style: STYLE, iterations: 250 });
    await grid([await fileTile(CONTENT, h), await fileTile(STYLE, h), await tile(result, h)], 3, join(out, 'nst-transfer.jpg'));

    const contentTiles = [];
    for (const layer of [2, 7, 12, 21, 30]) contentTiles.push(await tile(await run({ mode: 'content', content: CONTENT, contentLayers: [layer], iterations: 100 }), h));
    await grid(contentTiles, 5, join(out, 'nst-content-layers.jpg'));

    const styleTiles = [];
    const sets = [[2], [2, 7], [2, 7, 12], [2, 7, 12, 21], [2, 7, 12, 21, 30]];
    for (const layers of sets) styleTiles.push(await tile(await run({ mode: 'style', style: STYLE, styleLayers: layers, iterations: 100 }), h));
    await grid(styleTiles, 5, join(out, 'nst-style-layers.jpg'));
  } finally {
    await dispose();
  }
}
