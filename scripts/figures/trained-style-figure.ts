import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { FastStyle, ModelStore, decodeImage, encodeImage } from '@impasto/node';
import { IMAGES } from '../paths';

/** Public-domain and CC0 photos the network never saw (BSDS500 is what it trained on). */
const PHOTOS = ['content/skimage_chelsea.png', 'content/skimage_coffee.png', 'content/skimage_astronaut.png', 'content/skimage_rocket.jpg'];

/**
 * A style trained with `impasto train` (the folder `from`: never committed, it learned from
 * research-only photos) on CC0/PD photos: the painting its style.json names (from the shared
 * paintings), then each photo above its stylization (`<name>.jpg`); and its loss curve from
 * training/losses.csv (`<name>-loss.svg`).
 */
export async function trainedStyleFigure(out: string, tile: number, from: string, name: string): Promise<void> {
  const painting = join(IMAGES, 'style', basename(JSON.parse(readFileSync(join(from, 'style.json'), 'utf8')).painting as string));
  const store = new ModelStore({ download: false });
  const fst = await FastStyle.load(`${from.replace(/\/$/, '')}/` as `${string}/${string}`, { ep: 'cpu' }, { store });
  const h = Math.round((tile * 3) / 4);
  const cell = async (img: Parameters<typeof encodeImage>[0]) => sharp(await encodeImage(img, 'png')).resize(tile, h, { fit: 'cover' }).png().toBuffer();
  const top: Buffer[] = [await cell(await decodeImage(painting, { maxSize: 512 }))];
  const bottom: Buffer[] = [await sharp({ create: { width: tile, height: h, channels: 3, background: '#fff' } }).png().toBuffer()];
  for (const p of PHOTOS) {
    const photo = await decodeImage(join(IMAGES, p), { maxSize: 512 });
    top.push(await cell(photo));
    bottom.push(await cell(await fst.stylize(photo)));
  }
  await fst.dispose();
  const file = join(out, `${name}.jpg`);
  await sharp({ create: { width: top.length * tile, height: 2 * h, channels: 3, background: '#fff' } })
    .composite([...top.map((input, i) => ({ input, left: i * tile, top: 0 })), ...bottom.map((input, i) => ({ input, left: i * tile, top: h }))])
    .jpeg({ quality: 82, mozjpeg: true })
    .toFile(file);
  console.log(file);
  const svg = lossCurve(readFileSync(join(from, 'training', 'losses.csv'), 'utf8'));
  writeFileSync(join(out, `${name}-loss.svg`), svg);
  console.log(join(out, `${name}-loss.svg`));
}

/** The weighted loss terms per step (a 25-step moving mean, log scale) as a small SVG chart. */
function lossCurve(csv: string): string {
  const rows = csv.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  const [W, H, pad] = [640, 260, 44];
  const series = [
    { name: 'total', col: 1, color: '#222' },
    { name: 'style', col: 3, color: '#c0392b' },
    { name: 'content', col: 2, color: '#2471a3' },
    { name: 'tv', col: 4, color: '#7d9d3a' },
  ];
  const smooth = (col: number) => rows.map((_, i) => {
    const from = Math.max(0, i - 24);
    const win = rows.slice(from, i + 1).map((r) => r[col]!);
    return win.reduce((a, b) => a + b, 0) / win.length;
  });
  const all = series.flatMap((s) => smooth(s.col)).filter((v) => v > 0);
  const [lo, hi] = [Math.log10(Math.min(...all)), Math.log10(Math.max(...all))];
  const steps = rows.length ? rows[rows.length - 1]![0]! : 1;
  const x = (step: number) => pad + ((W - 2 * pad) * step) / steps;
  const y = (v: number) => H - pad + ((H - 2 * pad) * (lo - Math.log10(Math.max(v, 10 ** lo)))) / (hi - lo || 1);
  const lines = series.map((s) => {
    const ys = smooth(s.col);
    const d = rows.map((r, i) => `${i ? 'L' : 'M'}${x(r[0]!).toFixed(1)},${y(ys[i]!).toFixed(1)}`).join('');
    return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`;
  });
  const legend = series.map((s, i) => `<text x="${W - pad - 70}" y="${pad + 14 * i}" fill="${s.color}" font-size="12">${s.name}</text>`);
  const ticks = [];
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) ticks.push(`<text x="4" y="${y(10 ** e) + 4}" font-size="11">1e${e}</text><line x1="${pad}" x2="${W - pad}" y1="${y(10 ** e)}" y2="${y(10 ** e)}" stroke="#ddd"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="${W}" height="${H}" fill="#fff"/>${ticks.join('')}
<text x="${W / 2}" y="${H - 8}" font-size="12" text-anchor="middle">step (batch of 4 at 256 px); weighted loss terms, 25-step mean, log scale</text>
<text x="${pad}" y="${H - pad + 16}" font-size="11">0</text><text x="${W - pad}" y="${H - pad + 16}" font-size="11" text-anchor="end">${steps}</text>
${lines.join('\n')}
${legend.join('')}
</svg>
`;
}
