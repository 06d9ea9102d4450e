import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { type RawImage, regionToTensor, tensorToImage } from '@impasto/core/platform';
import { ArbitraryStyle, FastStyle, ModelStore, decodeImage, encodeImage } from '@impasto/node';
import { IMAGES, weightsDir } from '../paths';

const PANEL = 400;
const SIDE = 8192;
const TILE = 1024;

/**
 * An 8192² fast-style result in tiles (wave, auto tiling from the memory budget), from scikit-image's
 * public-domain astronaut photo enlarged 16x (no 8K photo ships with the samples): the whole
 * result with the tile grid, a 100 % crop around a corner where four tiles meet, and the same
 * crop from tiles each normalised by its own statistics (the seams shared statistics remove).
 * Takes about 15 minutes on 2 cores.
 */
export async function tilesFigure(out: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'impasto-figure-'));
  const photo = join(dir, 'astronaut-8k.jpg');
  await sharp(join(IMAGES, 'content/skimage_astronaut.png')).resize(SIDE, SIDE, { kernel: 'lanczos3' }).jpeg({ quality: 92 }).toFile(photo);
  const store = new ModelStore({ mirror: weightsDir() });
  const fst = await FastStyle.load('wave', { ep: 'cpu' }, { store });
  try {
    const result = join(dir, 'astronaut-8k-wave.png');
    let last = 0;
    await fst.stylizeFile(photo, result, { tile: TILE }, {
      onProgress: (p) => {
        if (p.pass !== last) console.log(`tiles: pass ${(last = p.pass)} of ${p.passes}`);
      },
    });
    // A corner where four tiles meet, crossed by a vertical and a horizontal tile boundary.
    const [cx, cy] = [3 * TILE, 3 * TILE];
    const crop = { left: cx - PANEL / 2, top: cy - PANEL / 2, width: PANEL, height: PANEL };
    const ours = await sharp(result).extract(crop).png().toBuffer();
    const input = await decodeImage(photo);
    const own = await ownStatistics(fst, input, crop);
    const grid = Array.from({ length: SIDE / TILE - 1 }, (_, i) => ((i + 1) * TILE * PANEL) / SIDE);
    const lines = grid.map((p) => `<line x1="${p}" y1="0" x2="${p}" y2="${PANEL}"/><line x1="0" y1="${p}" x2="${PANEL}" y2="${p}"/>`).join('');
    const box = `<rect x="${(crop.left * PANEL) / SIDE}" y="${(crop.top * PANEL) / SIDE}" width="${(PANEL * PANEL) / SIDE}" height="${(PANEL * PANEL) / SIDE}" fill="none" stroke="#ff0" stroke-width="2"/>`;
    const overlay = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${PANEL}" height="${PANEL}"><g stroke="#f33" stroke-width="1" opacity="0.7">${lines}</g>${box}</svg>`);
    const whole = await sharp(result).resize(PANEL, PANEL).composite([{ input: overlay }]).png().toBuffer();
    const gap = 8;
    await sharp({ create: { width: 3 * PANEL + 2 * gap, height: PANEL, channels: 3, background: '#fff' } })
      .composite([whole, ours, own].map((input, i) => ({ input, left: i * (PANEL + gap), top: 0 })))
      .jpeg({ quality: 84, mozjpeg: true })
      .toFile(join(out, 'tiles-8k.jpg'));
    console.log(join(out, 'tiles-8k.jpg'));
  } finally {
    await fst.dispose();
  }
}

/** The crop as tiles normalised each by its own statistics would give it (the four tiles around it, butted). */
async function ownStatistics(fst: FastStyle, img: RawImage, crop: { left: number; top: number; width: number; height: number }): Promise<Buffer> {
  const out = new Uint8Array(crop.width * crop.height * 3);
  for (const ty of [crop.top, crop.top + crop.height - 1].map((y) => Math.floor(y / TILE) * TILE)) {
    for (const tx of [crop.left, crop.left + crop.width - 1].map((x) => Math.floor(x / TILE) * TILE)) {
      const part = tensorToImage(await fst.model.run(regionToTensor(img, tx, ty, TILE, TILE)));
      for (let y = Math.max(ty, crop.top); y < Math.min(ty + TILE, crop.top + crop.height); y++) {
        for (let x = Math.max(tx, crop.left); x < Math.min(tx + TILE, crop.left + crop.width); x++) {
          for (let c = 0; c < 3; c++) out[((y - crop.top) * crop.width + (x - crop.left)) * 3 + c] = part.data[((y - ty) * TILE + (x - tx)) * 3 + c]!;
        }
      }
    }
  }
  return encodeImage({ data: out, width: crop.width, height: crop.height, channels: 3 }, 'png');
}

/**
 * Two paintings blended in one pass (arbitrary style, style codes mixed): the CC0 photo "chelsea",
 * The Starry Night and The Great Wave (public domain), then the result for weights 1/0, 0.5/0.5, 0/1.
 */
export async function blendFigure(out: string, tile: number, grid: (tiles: Buffer[], perRow: number, file: string) => Promise<void>): Promise<void> {
  const store = new ModelStore({ mirror: weightsDir() });
  const photo = await decodeImage(join(IMAGES, 'content/skimage_chelsea.png'), { maxSize: tile });
  const [a, b] = await Promise.all(['style/jcjohnson_starry_night.jpg', 'style/lengstrom_wave.jpg'].map((f) => decodeImage(join(IMAGES, f), { maxSize: 512 })));
  const ast = await ArbitraryStyle.load({}, { store });
  try {
    const fit = async (img: RawImage) => sharp(await encodeImage(img, 'png')).resize(photo.width, photo.height, { fit: 'cover' }).png().toBuffer();
    const results = [];
    for (const w of [1, 0.5, 0]) results.push(await encodeImage(await ast.stylize(photo, [{ style: a!, weight: w }, { style: b!, weight: 1 - w }], { styleSize: 512 }), 'png'));
    await grid([await encodeImage(photo, 'png'), await fit(a!), await fit(b!), ...results], 3, join(out, 'style-blend.jpg'));
  } finally {
    await ast.dispose();
  }
}
