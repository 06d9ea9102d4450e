/**
 * `tsx scripts/photo/study.ts <content> <style> [--size 256] [--iterations 100] [--out dir] [variants…]`:
 * runs photo style transfer variants on one pair and prints, for each, the targets' measures: the
 * result's colour distance to the style photo as a share of the content photo's (mean, covariance)
 * and the 3×3 affine residual against the content as a share of plain NST's (`plain`: the photo
 * preset without the photorealism term, same iterations, started from the content). Variants:
 * plain, luan, 'luan λ1e4', photo, 'photo λ1e4', photo+smooth, colors, two-stage (Luan's: half
 * the iterations without the term, half with).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type NeuralStyleOptions, NST_PRESETS, matchColorsByRegion } from '@impasto/core/platform';
import { ModelStore, decodeImage, encodeImage, neuralStyle } from '@impasto/node';
import { weightsDir } from '../paths';
import { affineResidual, colorDistance } from './metrics';

const args = process.argv.slice(2);
const flag = (name: string, d: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1]! : d;
};
const size = Number(flag('size', '256'));
const iterations = Number(flag('iterations', '100'));
const out = flag('out', '');
const [contentFile, styleFile, ...wanted] = args;
if (!contentFile || !styleFile) throw new Error('usage: study.ts <content> <style> [--size n] [--iterations n] [--out dir] [variants…]');

export const VARIANTS: Record<string, NeuralStyleOptions> = {
  plain: { ...NST_PRESETS.luan, photorealism: 0 },
  luan: { ...NST_PRESETS.luan },
  'luan λ1e4': { ...NST_PRESETS.luan, photorealism: 1e4 },
  photo: { ...NST_PRESETS.photo },
  'photo λ1e4': { ...NST_PRESETS.photo, photorealism: 1e4 },
  'photo+smooth': { ...NST_PRESETS.photo, smooth: true },
};

async function main() {
  const store = new ModelStore({ mirror: weightsDir(), download: false });
  const content = await decodeImage(contentFile!, { maxSize: size });
  const style = await decodeImage(styleFile!, { maxSize: size });
  const base = colorDistance(content, style);
  const rows: Record<string, unknown>[] = [];
  let plainResidual: number | undefined;
  if (out) mkdirSync(out, { recursive: true });
  const names = wanted.length ? wanted : ['plain', 'luan', 'photo', 'photo+smooth', 'colors'];
  for (const name of ['plain', ...names.filter((n) => n !== 'plain')]) {
    const t0 = performance.now();
    let image;
    let msPerIteration = 0;
    if (name === 'colors') image = matchColorsByRegion(content, style);
    else if (name === 'two-stage') {
      // Luan et al.'s two stages: half the iterations without the regulariser, then half with it.
      const half = Math.round(iterations / 2);
      const first = await neuralStyle({ content, style }, { ...VARIANTS.plain, size, iterations: half, checkpointEvery: 0 }, { store }).result;
      const r = await neuralStyle({ content, style }, { ...VARIANTS.luan, init: first.image, size, iterations: iterations - half, checkpointEvery: 0 }, { store }).result;
      image = r.image;
      msPerIteration = (first.msPerIteration * half + r.msPerIteration * (iterations - half)) / iterations;
    } else {
      const r = await neuralStyle({ content, style }, { ...VARIANTS[name], size, iterations, checkpointEvery: 0 }, { store }).result;
      image = r.image;
      msPerIteration = r.msPerIteration;
    }
    const d = colorDistance(image, style);
    const residual = affineResidual(image, content);
    if (name === 'plain') plainResidual = residual;
    rows.push({ variant: name, 'mean dist / content': +(d.mean / base.mean).toFixed(3), 'cov dist / content': +(d.cov / base.cov).toFixed(3), 'affine residual / plain': +(residual / plainResidual!).toFixed(3), residual: +residual.toExponential(2), 'ms/it': Math.round(msPerIteration), s: +((performance.now() - t0) / 1000).toFixed(1) });
    if (out) writeFileSync(join(out, `${name}.png`), await encodeImage(image));
    console.table(rows.slice(-1));
  }
  console.log(JSON.stringify({ size, iterations, content: contentFile, style: styleFile, rows }));
}

void main();
