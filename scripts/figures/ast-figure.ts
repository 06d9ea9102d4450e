import { join } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { ArbitraryStyle, ModelStore, decodeImage, encodeImage } from '@impasto/node';
import { IMAGES, weightsDir } from '../paths';

// Public-domain or CC0 only (see shared/images/LICENSES.md), so the figure may ship: skimage's
// coffee photo (CC0, Rachel Michetti) and five public-domain paintings.
const CONTENT = { file: 'content/skimage_coffee.png', label: 'Photo (scikit-image “coffee”, CC0)' };
const PAINTINGS = [
  { file: 'style/jcjohnson_starry_night.jpg', label: 'Van Gogh, The Starry Night (1889)' },
  { file: 'style/lengstrom_wave.jpg', label: 'Hokusai, The Great Wave (c. 1831)' },
  { file: 'style/jcjohnson_the_scream.jpg', label: 'Munch, The Scream (1893)' },
  { file: 'style/jcjohnson_shipwreck.jpg', label: 'Turner, The Shipwreck of the Minotaur (c. 1810)' },
  { file: 'style/uttam1216_composition_vii.jpg', label: 'Kandinsky, Composition VII (1913)' },
];
const SIZE = 512; // the content's longest side
const STYLE_SIZE = 512; // the painting's longest side before encoding

// Three columns of 320 px with 12 px gutters: 1008 px wide, about the size of the other README figures.
const COLS = 3;
const CELL = 320;
const GAP = 12;
const CAPTION = 34;
const INSET = { width: 112, height: 78 }; // the box the painting fits in, in its result's corner

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function caption(text: string): Buffer {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${CELL}" height="${CAPTION}">` +
    `<text x="${CELL / 2}" y="22" text-anchor="middle" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="13" fill="#333">${escapeXml(text)}</text></svg>`;
  return Buffer.from(svg);
}

/** The painting, small, framed in white with a thin grey line, for a result's bottom-right corner. */
async function inset(file: string): Promise<{ input: Buffer; width: number; height: number }> {
  const small = await sharp(file).resize(INSET.width - 8, INSET.height - 8, { fit: 'inside' }).extend({ top: 3, bottom: 3, left: 3, right: 3, background: '#fff' })
    .extend({ top: 1, bottom: 1, left: 1, right: 1, background: '#999' }).png().toBuffer();
  const m = await sharp(small).metadata();
  return { input: small, width: m.width!, height: m.height! };
}

/** One photo in five paintings, one MicroAST pass each (no per-style training), as docs/figures/ast-paintings.jpg. */
export async function astFigure(out: string): Promise<void> {
  const store = new ModelStore({ mirror: weightsDir() });
  const ast = await ArbitraryStyle.load({}, { store });
  const photo = await decodeImage(join(IMAGES, CONTENT.file), { maxSize: SIZE });
  const cellH = Math.round((CELL * photo.height) / photo.width);
  const cell = async (png: Buffer) => sharp(png).resize(CELL, cellH, { fit: 'cover' }).png().toBuffer();
  const cells: { image: Buffer; label: string; painting?: string }[] = [{ image: await cell(await encodeImage(photo, 'png')), label: CONTENT.label }];
  try {
    for (const p of PAINTINGS) {
      const file = join(IMAGES, p.file);
      const { image: result, inferenceMs } = await ast.stylizeWithInfo(photo, file, { styleSize: STYLE_SIZE });
      console.log(`  ${p.file}: ${result.width}x${result.height}, ${inferenceMs.toFixed(0)} ms on ${ast.provider}`);
      cells.push({ image: await cell(await encodeImage(result, 'png')), label: p.label, painting: file });
    }
  } finally {
    await ast.dispose();
  }
  const rows = Math.ceil(cells.length / COLS);
  const width = COLS * CELL + (COLS + 1) * GAP;
  const height = rows * (cellH + CAPTION) + GAP * (rows + 1) - GAP / 2;
  const layers: OverlayOptions[] = [];
  for (const [i, c] of cells.entries()) {
    const left = GAP + (i % COLS) * (CELL + GAP);
    const top = GAP + Math.floor(i / COLS) * (cellH + CAPTION + GAP);
    layers.push({ input: c.image, left, top });
    if (c.painting) {
      const s = await inset(c.painting);
      layers.push({ input: s.input, left: left + CELL - s.width - 8, top: top + cellH - s.height - 8 });
    }
    layers.push({ input: caption(c.label), left, top: top + cellH });
  }
  const file = join(out, 'ast-paintings.jpg');
  await sharp({ create: { width, height, channels: 3, background: '#fff' } }).composite(layers).jpeg({ quality: 72, mozjpeg: true }).toFile(file);
  console.log(file);
}
