import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { ImpastoError, type CropSpec, type PhotoSet } from '@impasto/core/platform';

/** File names sharp may read, by extension; anything else in the folder is not listed. */
const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|avif|tiff?|gif|heic|heif|jp2|bmp)$/i;

/** Photos larger than this many pixels are refused as unreadable (decompression bombs). */
const MAX_PIXELS = 100_000_000;

/**
 * The image files under `dir` (recursively, sorted, so the same folder is the same list) as a
 * `PhotoSet` cropped by sharp on libuv's threads. `NO_IMAGES`-style errors are `BAD_IMAGE`.
 */
export async function photoFolder(dir: string): Promise<PhotoSet> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && IMAGE_EXTENSIONS.test(e.name)).map((e) => join(e.parentPath, e.name));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ImpastoError(code === 'ENOENT' ? 'MISSING_FILE' : 'IO', code === 'ENOENT' ? `no folder ${dir}` : code === 'ENOTDIR' ? `${dir} is not a folder of photos` : `cannot read ${dir}: ${(e as Error).message}`);
  }
  const files = entries.sort();
  if (files.length === 0) throw new ImpastoError('BAD_IMAGE', `${dir} holds no images (looked for ${IMAGE_EXTENSIONS.source.slice(3, -3).split('|').join(', ')} files, in subfolders too)`);
  return {
    count: files.length,
    name: (i) => relative(process.cwd(), files[i]!),
    crop: (i, spec) => cropPhoto(files[i]!, spec),
  };
}

async function cropPhoto(file: string, { size, scale, x, y, flip }: CropSpec): Promise<Float32Array> {
  const image = sharp(file, { limitInputPixels: MAX_PIXELS, failOn: 'truncated' }).autoOrient();
  const meta = await image.metadata();
  const oriented = (meta.orientation ?? 1) >= 5;
  const [w, h] = oriented ? [meta.height!, meta.width!] : [meta.width!, meta.height!];
  const side = Math.max(1, Math.round(scale * Math.min(w, h)));
  const left = Math.round(x * (w - side));
  const top = Math.round(y * (h - side));
  let p = image.extract({ left, top, width: side, height: side }).resize(size, size, { fit: 'fill' }).toColourspace('srgb').removeAlpha();
  if (flip) p = p.flop();
  const { data } = await p.raw().toBuffer({ resolveWithObject: true });
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    out[i] = data[3 * i]!;
    out[plane + i] = data[3 * i + 1]!;
    out[2 * plane + i] = data[3 * i + 2]!;
  }
  return out;
}
