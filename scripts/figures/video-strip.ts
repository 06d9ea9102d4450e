import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { FastStyle, ModelStore, type RawImage, encodeImage, stylizeVideo } from '@impasto/node';
import { VIDEO_SCHEMA } from '@impasto/core/platform';
import { IMAGES, weightsDir } from '../paths';
import { cameraPathClip } from './camera-path-clip';

// A camera move over scikit-image's "coffee" (CC0, Rachel Michetti; shared/images/LICENSES.md),
// rendered here: a clip the repository may ship, unlike the shared sample clips.
const PHOTO = 'content/skimage_coffee.png';
/** The first of the four frames: mid-move, where the camera is fastest. */
const FIRST = 16;
const COUNT = 4;
const GAP = 6;
const CAPTION = 24;

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function caption(text: string, width: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${CAPTION}">` +
      `<text x="2" y="17" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="14" fill="#333">${escapeXml(text)}</text></svg>`,
  );
}

const copy = (img: RawImage): RawImage => ({ ...img, data: img.data.slice() });

/**
 * Four consecutive frames of a camera move over a CC0 photo in three rows: the input, fast style wave frame by frame,
 * and the same stabilized with stylizeVideo's defaults (docs/figures/video-strip.jpg). One
 * stylizeVideo run gives all three: the style function keeps each input and its per-frame
 * result, the progress events' previews are the stabilized frames written.
 */
export async function videoStripFigure(out: string): Promise<void> {
  const store = new ModelStore({ mirror: weightsDir() });
  const fst = await FastStyle.load('wave', { ep: 'cpu' }, { store });
  const dir = mkdtempSync(join(tmpdir(), 'impasto-figure-video-'));
  const rows: RawImage[][] = [[], [], []];
  const wanted = (k: number) => k >= FIRST && k < FIRST + COUNT;
  let k = 0;
  try {
    const style = async (frame: RawImage) => {
      const result = await fst.stylizeRaw(frame);
      if (wanted(k)) {
        rows[0]!.push(copy(frame));
        rows[1]!.push(copy(result));
      }
      k++;
      return result;
    };
    const clip = await cameraPathClip(join(IMAGES, PHOTO), join(dir, 'camera-path.mkv'));
    const run = stylizeVideo(clip, join(dir, 'strip.mkv'), { style, crf: 0 }, { previewEvery: 1 });
    for await (const e of run.events) if (wanted(e.frame - 1) && e.preview) rows[2]!.push(copy(e.preview));
    const r = await run.result;
    console.log(`  camera path over ${PHOTO}: ${r.frames} frames, ${(r.elapsedMs / r.frames).toFixed(0)} ms/frame (stabilize ${(r.stabilizeMs / r.frames).toFixed(0)})`);
  } finally {
    await fst.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  if (rows.some((row) => row.length !== COUNT)) throw new Error(`video strip: expected ${COUNT} frames from ${FIRST} in each row`);
  const { width: w, height: h } = rows[0]![0]!;
  const width = COUNT * w + (COUNT - 1) * GAP;
  const labels = [`Input: a camera move over a CC0 photo (scikit-image "coffee"), frames ${FIRST}–${FIRST + COUNT - 1}`, 'Fast style “wave”, each frame on its own', `The same, stabilized (stylizeVideo defaults: optical flow, temporalWeight ${VIDEO_SCHEMA.fields.temporalWeight.default})`];
  const layers: OverlayOptions[] = [];
  for (let r = 0; r < rows.length; r++) {
    const top = r * (CAPTION + h + GAP);
    layers.push({ input: caption(labels[r]!, width), left: 0, top });
    for (let c = 0; c < COUNT; c++) layers.push({ input: await encodeImage(rows[r]![c]!, 'png'), left: c * (w + GAP), top: top + CAPTION });
  }
  const file = join(out, 'video-strip.jpg');
  await sharp({ create: { width, height: rows.length * (CAPTION + h) + (rows.length - 1) * GAP, channels: 3, background: '#fff' } })
    .composite(layers)
    .jpeg({ quality: 74, mozjpeg: true })
    .toFile(file);
  console.log(file);
}
