/**
 * Regenerates the README's pictures in docs/figures/ from the shared sample images (public-domain or
 * CC0 ones only) and the public weights. Usage: npm run figures [-- fst|nst]
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { FastStyle, ModelStore, decodeImage, encodeImage, listStyles } from '../packages/node/src/index';

const root = resolve(__dirname, '..');
const shared = resolve(root, '../shared');
const out = join(root, 'docs/figures');
const want = (s: string) => process.argv.length <= 2 || process.argv.includes(s);
const TILE = 240;

/** Lays tiles (all TILE x h) out in rows of `perRow`, as a JPEG small enough to commit. */
async function grid(tiles: Buffer[], perRow: number, file: string): Promise<void> {
  const metas = await Promise.all(tiles.map((t) => sharp(t).metadata()));
  const h = metas[0]!.height!;
  const rows = Math.ceil(tiles.length / perRow);
  await sharp({ create: { width: perRow * TILE, height: rows * h, channels: 3, background: '#fff' } })
    .composite(tiles.map((input, i) => ({ input, left: (i % perRow) * TILE, top: Math.floor(i / perRow) * h })))
    .jpeg({ quality: 82, mozjpeg: true })
    .toFile(file);
  console.log(file);
}

async function fstFigure(): Promise<void> {
  // skimage's chelsea.png is CC0 (scikit-image docs), so the figure may ship.
  const photo = await decodeImage(join(shared, 'images/content/skimage_chelsea.png'), { maxSize: TILE });
  const store = new ModelStore();
  const tiles = [await encodeImage(photo, 'png')];
  for (const s of listStyles()) {
    const fst = await FastStyle.load(s.id, { store });
    tiles.push(await encodeImage(await fst.stylizeRaw(photo), 'png'));
    await fst.dispose();
  }
  await grid(tiles, 5, join(out, 'fst-styles.jpg'));
}

async function main() {
  mkdirSync(out, { recursive: true });
  if (want('fst')) await fstFigure();
  if (want('nst')) {
    const { nstFigures } = await import('./figures/nst-figures');
    await nstFigures(out, grid);
  }
}

main().catch((e) => {
  console.error(`make-figures: ${e.message}`);
  process.exit(1);
});
