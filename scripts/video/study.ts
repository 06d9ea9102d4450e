/**
 * How much the temporal stabilizer steadies a clip, and at what cost: stylizeVideo per frame and
 * stabilized at several temporal weights (and flow sizes), written losslessly (.mkv, crf 0) or as a
 * user gets them (`--crf default`: .mp4 at the product's default CRF), then measured by
 * warp_error.py (DIS flow, independent of the stabilizer's Farneback).
 * Usage: tsx scripts/video/study.ts CLIP OUTDIR [--styles wave,udnie] [--weights 0.3,0.5,0.6,0.7]
 *        [--flow-sizes 256] [--max-size N] [--duration S] [--start S] [--crf N|default]
 * The style network runs once per style: the stabilized runs get the per-frame run's frames back
 * from memory (a style function replaying them), so they cost only the flow and differ from the
 * per-frame output by the stabilizer alone. Prints each warp_error.py table; JSON beside the clips.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { FastStyle, ModelStore, type RawImage, stylizeVideo, type StyleName } from '@impasto/node';
import { REPO, weightsDir } from '../paths';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const [clip, outDir] = positional;
if (!clip || !outDir) {
  console.error('Usage: tsx scripts/video/study.ts CLIP OUTDIR [--styles wave,udnie] [--weights 0.3,0.5,0.6,0.7] [--flow-sizes 256] [--max-size N] [--duration S] [--start S]');
  process.exit(2);
}
const styles = (opt('styles') ?? 'wave').split(',');
const weights = (opt('weights') ?? '0.3,0.5,0.6,0.7').split(',').map(Number);
const flowSizes = (opt('flow-sizes') ?? '256').split(',').map(Number);
const num = (s?: string) => (s === undefined ? undefined : Number(s));
const range = { maxSize: num(opt('max-size')), duration: num(opt('duration')), start: num(opt('start')) };
const crfArg = opt('crf') ?? '0';
const encoding = crfArg === 'default' ? { ext: 'mp4', crf: {} } : { ext: 'mkv', crf: { crf: Number(crfArg) } };

async function main() {
  mkdirSync(outDir!, { recursive: true });
  const name = basename(clip!, extname(clip!));
  const store = new ModelStore({ mirror: weightsDir(), download: false });
  for (const style of styles) {
    const fst = await FastStyle.load(style as StyleName, { ep: 'cpu' }, { store });
    const frames: RawImage[] = [];
    const files: string[] = [];
    const run = async (label: string, o: { stabilize: boolean; temporalWeight?: number; flowSize?: number }, stylize: (f: RawImage) => Promise<RawImage>) => {
      const file = resolve(outDir!, `${name}-${style}-${label}.${encoding.ext}`);
      const r = await stylizeVideo(clip!, file, { style: stylize, ...encoding.crf, ...range, ...o }).result;
      console.log(`${label}: ${r.frames} frames ${r.width}x${r.height}, ${(r.elapsedMs / r.frames).toFixed(0)} ms/frame (stylize ${(r.stylizeMs / r.frames).toFixed(0)}, stabilize ${(r.stabilizeMs / r.frames).toFixed(0)}), blended ${(100 * r.blended).toFixed(1)} %`);
      files.push(file);
    };
    await run('perframe', { stabilize: false }, async (f) => {
      const out = await fst.stylizeRaw(f);
      frames.push(out);
      return out;
    });
    await fst.dispose();
    for (const flowSize of flowSizes) {
      for (const w of weights) {
        let k = 0;
        const label = `w${w}${flowSizes.length > 1 || flowSize !== 256 ? `-f${flowSize}` : ''}`;
        await run(label, { stabilize: true, temporalWeight: w, flowSize }, async () => frames[k++]!);
      }
    }
    const trim = [...(range.start ? ['--start', String(range.start)] : []), ...(range.duration ? ['--duration', String(range.duration)] : [])];
    const json = resolve(outDir!, `${name}-${style}-warp.json`);
    const r = spawnSync('python3', [join(REPO, 'scripts/video/warp_error.py'), clip!, ...files, ...trim, '--json', json], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`warp_error.py failed (${r.status})`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
