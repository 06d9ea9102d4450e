import type { RawImage } from '../image/raw-image';
import type { Session } from '../runtime/backend';
import type { ParameterSet } from './parameters';
import type { PhotoSet } from './photo-batches';
import { TRAIN_IO } from './training-graph';

/** Held-out photos (centre crops) above their stylization by the current parameters. */
export async function previewImage(photos: PhotoSet, indices: readonly number[], forward: Session, params: ParameterSet, size: number): Promise<RawImage> {
  const plane = 3 * size * size;
  const batch = new Float32Array(indices.length * plane);
  const read = await Promise.all(indices.map((i) => photos.crop(i, { size, scale: 1, x: 0.5, y: 0.5, flip: false }).catch(() => undefined)));
  read.forEach((p, k) => p && batch.set(p, k * plane));
  const out = (await forward.run({ ...params.tensors(), [TRAIN_IO.images]: { type: 'float32', dims: [indices.length, 3, size, size], data: batch } }))[TRAIN_IO.stylized]!.data as Float32Array;
  const width = indices.length * size;
  const data = new Uint8Array(width * 2 * size * 3);
  for (let k = 0; k < indices.length; k++) {
    for (const [row, src] of [[0, batch], [1, out]] as const) {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const o = ((row * size + y) * width + k * size + x) * 3;
          for (let c = 0; c < 3; c++) data[o + c] = Math.min(255, Math.max(0, src[k * plane + c * size * size + y * size + x]! + 0.5));
        }
      }
    }
  }
  return { data, width, height: 2 * size, channels: 3 };
}
