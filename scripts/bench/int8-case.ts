/**
 * Fast style at precision fp32 against int8 through the SDK (`FastStyle.stylizeRaw`), in one
 * process, alternating call by call so this machine's drift hits both.
 * Usage: tsx scripts/bench/int8-case.ts speed <style> <size> <reps> [threads] → { fp32Ms, int8Ms, speedup }
 * (threads: intraOpNumThreads of both sessions; default 0, one per core)
 *        tsx scripts/bench/int8-case.ts quality <style> <size>        → { psnr: { photo: dB } }
 * quality: PSNR of int8 against fp32 on the held-out photos (every content photo; calibration is
 * synthetic, so none was seen), each resized to cover size × size.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { FastStyle, ModelStore, type RawImage, type StyleName } from '@impasto/node';
import { IMAGES, weightsDir } from '../paths';
import { psnr } from '../pixel-diff';

const [mode, style, sizeArg, repsArg, threadsArg] = process.argv.slice(2);
const intraOpNumThreads = Number(threadsArg ?? 0);
const size = Number(sizeArg);
const store = new ModelStore({ mirror: weightsDir(), download: false });

async function square(file: string): Promise<RawImage> {
  const { data, info } = await sharp(file).resize(size, size, { fit: 'cover' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;

async function main() {
  const [fp32, int8] = [await FastStyle.load(style as StyleName, { ep: 'cpu', intraOpNumThreads }, { store }), await FastStyle.load(style as StyleName, { ep: 'cpu', intraOpNumThreads, precision: 'int8' }, { store })];
  if (mode === 'speed') {
    const image = await square(join(IMAGES, 'content/jcjohnson_tubingen.jpg'));
    const time = async (f: FastStyle) => {
      const t0 = performance.now();
      await f.stylizeRaw(image);
      return performance.now() - t0;
    };
    await time(fp32);
    await time(int8);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < Number(repsArg ?? 5); i++) {
      a.push(await time(fp32));
      b.push(await time(int8));
    }
    console.log(JSON.stringify({ fp32Ms: median(a), int8Ms: median(b), speedup: median(a) / median(b), fp32Runs: a, int8Runs: b }));
  } else {
    const photos = readdirSync(join(IMAGES, 'content')).filter((f) => /\.(jpe?g|png)$/.test(f) && !f.includes('128x128'));
    const out: Record<string, number> = {};
    for (const p of photos) {
      const image = await square(join(IMAGES, 'content', p));
      out[p] = psnr((await fp32.stylizeRaw(image)).data, (await int8.stylizeRaw(image)).data);
    }
    console.log(JSON.stringify({ psnr: out }));
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
