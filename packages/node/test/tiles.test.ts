/**
 * Tiled fast style: tiles sharing whole-image instance-norm statistics match one pass over the
 * whole image and leave no seam, where tiles normalised on their own do; tiles are chosen from the
 * memory budget by themselves.
 */
import { join } from 'node:path';
import { type RawImage, regionToTensor, tensorToImage } from '@impasto/core/platform';
import { planTiles } from '@impasto/core/fst';
import { absDiff } from '@impasto/test-support/pixel-diff';
import { seamRatio } from '@impasto/test-support/seams';
import { ArbitraryStyle, FastStyle, ModelStore, decodeImage } from '../src';
import { CONTENT, SHARED, WEIGHTS, runCli, tempDir } from './helpers';

const store = new ModelStore({ mirror: WEIGHTS, cacheDir: tempDir(), download: false });
const SIZE = 768;
const TILE = 384;

let photo: RawImage;
let fst: FastStyle;
let onePass: RawImage;
beforeAll(async () => {
  const p = await decodeImage(join(CONTENT, 'jcjohnson_tubingen.jpg'));
  photo = await decodeImage(p, { maxSize: SIZE });
  fst = await FastStyle.load('wave', { ep: 'cpu' }, { store });
  onePass = await fst.stylize(photo);
});
afterAll(() => fst.dispose());

/** The boundaries between tile cores, along x and y. */
function boundaries(img: RawImage, tile: number): { columns: number[]; rows: number[] } {
  const plan = planTiles(img.width, img.height, { tile, overlap: 0, align: 4 });
  return { columns: plan.columns.slice(1).map((s) => s.coreStart), rows: plan.rows.slice(1).map((s) => s.coreStart) };
}

/** Tiles normalised each by its own statistics, butted together: what shared statistics avoid. */
async function ownStatisticsTiles(img: RawImage, tile: number): Promise<RawImage> {
  const plan = planTiles(img.width, img.height, { tile, overlap: 0, align: 4 });
  const out = new Uint8Array(img.width * img.height * 3);
  for (const row of plan.rows) {
    for (const col of plan.columns) {
      const [w, h] = [col.coreEnd - col.coreStart, row.coreEnd - row.coreStart];
      const part = tensorToImage(await fst.model.run(regionToTensor(img, col.coreStart, row.coreStart, w, h)));
      for (let y = 0; y < h; y++) out.set(part.data.subarray(y * w * 3, (y + 1) * w * 3), ((row.coreStart + y) * img.width + col.coreStart) * 3);
    }
  }
  return { data: out, width: img.width, height: img.height, channels: 3 };
}

describe('tiled fast style', () => {
  it('matches one pass over the whole image, with no seam where tiles meet', async () => {
    const progress: number[] = [];
    const { image: tiled, tiles } = await fst.stylizeWithInfo(photo, { tile: TILE }, { onProgress: (p) => progress.push(p.pass) });
    expect(tiles).toBe(Math.ceil(photo.width / TILE) * Math.ceil(photo.height / TILE));
    const d = absDiff(tiled, onePass);
    const { columns, rows } = boundaries(photo, TILE);
    const seams = seamRatio(tiled, columns, rows);
    const own = seamRatio(await ownStatisticsTiles(photo, TILE), columns, rows);
    const reference = seamRatio(onePass, columns, rows);
    console.log(`tiled ${photo.width}x${photo.height} in ${TILE}: vs one pass mean |d| ${d.mean.toFixed(4)}, max ${d.max}; seam ratio ${seams.ratio.toFixed(3)} (one pass ${reference.ratio.toFixed(3)}, own-statistics tiles ${own.ratio.toFixed(3)})`);
    expect(d.mean).toBeLessThanOrEqual(0.1);
    // The jump across the boundaries relative to elsewhere is the one pass's own (the photo's
    // content there), not more.
    expect(Math.abs(seams.ratio - reference.ratio)).toBeLessThan(0.02);
    // The metric sees seams: tiles normalised on their own make them.
    expect(own.ratio).toBeGreaterThan(reference.ratio + 0.1);
    expect(progress[0]).toBe(1);
    expect(progress.at(-1)).toBe(17);
  });

  it('tiles by itself when the image does not fit the memory budget, and refuses what cannot fit', async () => {
    const small = await decodeImage(photo, { maxSize: 384 });
    const whole = await fst.stylize(small);
    const { image: tiled, tiles } = await fst.stylizeWithInfo(small, { memoryBudget: 120 });
    expect(tiles).toBeGreaterThan(1);
    expect(absDiff(tiled, whole).mean).toBeLessThanOrEqual(0.1);
    await expect(fst.stylize(small, { memoryBudget: 16 })).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    await expect(fst.stylize(small, { tile: 8 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/tile/) });
  });

  it('aborts between tiles', async () => {
    const controller = new AbortController();
    const run = fst.stylize(photo, { tile: TILE }, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('impasto fst --tile writes the tiled result', async () => {
    const dir = tempDir();
    const input = join(CONTENT, 'skimage_chelsea.png');
    const r = runCli('fst', input, '-s', 'wave', '--tile', '128', '-o', join(dir, 'out.png'));
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const out = await decodeImage(join(dir, 'out.png'));
    const whole = await fst.stylize(input);
    expect(absDiff(out, whole).mean).toBeLessThanOrEqual(0.2);
    const bad = runCli('fst', input, '-s', 'wave', '--tile', '10', '-o', join(dir, 'bad.png'));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.split('\n')[0]).toMatch(/^impasto: .*tile/);
    expect(bad.stderr).toMatch(/tile/);
  });
});

describe('tiled arbitrary style', () => {
  it('matches one pass with whole-image AdaIN statistics, and tiles by itself over the budget', async () => {
    const ast = await ArbitraryStyle.load({ ep: 'cpu' }, { store });
    try {
      const painting = join(SHARED, 'images', 'style', 'jcjohnson_starry_night.jpg');
      const whole = await ast.stylize(photo, painting);
      const progress: number[] = [];
      const { image: tiled, tiles } = await ast.stylizeWithInfo(photo, painting, { tile: TILE }, { onProgress: (p) => progress.push(p.pass) });
      expect(tiles).toBe(4);
      const d = absDiff(tiled, whole);
      const { columns, rows } = boundaries(photo, TILE);
      const seams = seamRatio(tiled, columns, rows);
      const reference = seamRatio(whole, columns, rows);
      console.log(`arbitrary style ${photo.width}x${photo.height} in ${TILE}: vs one pass mean |d| ${d.mean.toFixed(4)}, max ${d.max}; seam ratio ${seams.ratio.toFixed(3)} (one pass ${reference.ratio.toFixed(3)})`);
      expect(d.mean).toBeLessThanOrEqual(0.1);
      expect(Math.abs(seams.ratio - reference.ratio)).toBeLessThan(0.02);
      expect(Math.max(...progress)).toBe(3);
      const half = await ast.stylize(photo, painting, { tile: TILE, strength: 0.5 });
      expect(absDiff(half, await ast.stylize(photo, painting, { strength: 0.5 })).mean).toBeLessThanOrEqual(0.6);
      expect((await ast.stylizeWithInfo(photo, painting, { memoryBudget: 200 })).tiles).toBeGreaterThan(1);
    } finally {
      await ast.dispose();
    }
  });
});
