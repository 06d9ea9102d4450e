/**
 * One stylizeVideo run, timed: style wave on the cpu provider, per frame or stabilized, or an
 * identity style (`async (f) => f`, not stabilized) that leaves only decoding, encoding and the
 * pipes: ffmpeg's own share. The output is a default-quality .mp4 in a temporary folder, removed.
 * Usage: tsx scripts/bench/video-case.ts perframe|stabilized|identity CLIP MAXSIZE|0 DURATION|0
 *   → { frames, width, height, elapsedMs, stylizeMs, stabilizeMs, codecMs, loadMs }
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastStyle, ModelStore, type RawImage, stylizeVideo } from '@impasto/node';
import { weightsDir } from '../paths';

const [mode, clip, maxSizeArg, durationArg] = process.argv.slice(2);
if (!['perframe', 'stabilized', 'identity'].includes(mode ?? '') || !clip) {
  console.error('Usage: tsx scripts/bench/video-case.ts perframe|stabilized|identity CLIP MAXSIZE|0 DURATION|0');
  process.exit(2);
}
const maxSize = Number(maxSizeArg) || undefined;
const duration = Number(durationArg) || undefined;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'impasto-bench-video-'));
  const t0 = performance.now();
  const fst = mode === 'identity' ? undefined : await FastStyle.load('wave', { ep: 'cpu' }, { store: new ModelStore({ mirror: weightsDir(), download: false }) });
  const loadMs = performance.now() - t0;
  try {
    const style = fst ?? (async (f: RawImage) => f);
    const r = await stylizeVideo(clip!, join(dir, 'out.mp4'), { style, stabilize: mode === 'stabilized', maxSize, duration }).result;
    console.log(JSON.stringify({ frames: r.frames, width: r.width, height: r.height, elapsedMs: r.elapsedMs, stylizeMs: r.stylizeMs, stabilizeMs: r.stabilizeMs, codecMs: r.codecMs, loadMs }));
  } finally {
    await fst?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
