/**
 * Regenerates the README's pictures in docs/figures/ from the shared sample images (public-domain or
 * CC0 ones only) and the public weights (IMPASTO_WEIGHTS, else shared/weights beside the repository).
 * Usage: npm run figures [-- fst|nst|ast|colors|photo|blend|video|tiles|nst2048|trained] [--out DIR] [--from FILE] [--as NAME]
 * (tiles and nst2048 only when named: an 8K run, ~15 minutes; a 2048² NST, ~20 minutes, or its figure from a result FILE;
 * trained only when named, with --from a style folder `impasto train` wrote from Starry Night)
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { FastStyle, ModelStore, decodeImage, encodeImage, listStyles, type StyleName } from '@impasto/node';
import { IMAGES, REPO, weightsDir } from './paths';

const USAGE = 'Usage: npm run figures [-- fst|nst|ast|colors|photo|blend|video|tiles|nst2048|trained] [--out DIR] [--from FILE] [--as NAME]  (all figures into docs/figures/ by default; trained needs --from a style folder, and writes NAME.jpg and NAME-loss.svg, trained-style by default)';
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? resolve(args[outAt + 1] ?? '') : join(REPO, 'docs/figures');
const fromAt = args.indexOf('--from');
const asAt = args.indexOf('--as');
const sections = args.filter((a, i) => !a.startsWith('--') && ![outAt, fromAt, asAt].some((at) => at >= 0 && i === at + 1));
const want = (s: string) => sections.length === 0 || sections.includes(s);
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
  const photo = await decodeImage(join(IMAGES, 'content/skimage_chelsea.png'), { maxSize: TILE });
  const store = new ModelStore({ mirror: weightsDir() });
  const tiles = [await encodeImage(photo, 'png')];
  for (const s of listStyles()) {
    const fst = await FastStyle.load(s.id as StyleName, {}, { store });
    tiles.push(await encodeImage(await fst.stylizeRaw(photo), 'png'));
    await fst.dispose();
  }
  await grid(tiles, 5, join(out, 'fst-styles.jpg'));
}

async function main() {
  if (args.includes('--help') || args.includes('-h')) return console.log(USAGE);
  if (outAt >= 0 && !args[outAt + 1]) throw new Error(`--out needs a folder\n${USAGE}`);
  const unknown = sections.filter((s) => !['fst', 'nst', 'ast', 'colors', 'photo', 'blend', 'video', 'tiles', 'nst2048', 'trained'].includes(s));
  if (unknown.length) throw new Error(`unknown section ${unknown.join(', ')}\n${USAGE}`);
  mkdirSync(out, { recursive: true });
  if (want('fst')) await fstFigure();
  if (want('nst')) {
    const { nstFigures } = await import('./figures/nst-figures');
    await nstFigures(out, grid);
  }
  if (want('ast')) {
    const { astFigure } = await import('./figures/ast-figure');
    await astFigure(out);
  }
  if (want('colors')) {
    const { colorFigure } = await import('./figures/color-figure');
    await colorFigure(out, TILE, grid);
  }
  if (want('photo')) {
    const { photoFigure } = await import('./figures/photo-figure');
    await photoFigure(out, TILE, grid);
  }
  if (want('blend')) {
    const { blendFigure } = await import('./figures/tiles-figure');
    await blendFigure(out, TILE, grid);
  }
  if (want('video')) {
    const { videoStripFigure } = await import('./figures/video-strip');
    await videoStripFigure(out);
  }
  // The long ones only when named.
  if (sections.includes('tiles')) {
    const { tilesFigure } = await import('./figures/tiles-figure');
    await tilesFigure(out);
  }
  if (sections.includes('nst2048')) {
    const { largeNstFigure } = await import('./figures/large-nst-figure');
    await largeNstFigure(out, fromAt >= 0 ? resolve(args[fromAt + 1] ?? '') : undefined);
  }
  if (sections.includes('trained')) {
    if (fromAt < 0) throw new Error(`trained needs --from <style folder>\n${USAGE}`);
    const { trainedStyleFigure } = await import('./figures/trained-style-figure');
    await trainedStyleFigure(out, TILE, resolve(args[fromAt + 1] ?? ''), asAt >= 0 ? (args[asAt + 1] ?? 'trained-style') : 'trained-style');
  }
}

main().catch((e) => {
  console.error(`make-figures: ${e.message}`);
  process.exit(1);
});
