import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { ImpastoError } from '../../src/errors';
import type { Graph } from '../../src/onnx/graph';
import { encodeModel } from '../../src/onnx/serialize';
import type { WeightSource } from '../../src/store/source';

export const SHARED = path.resolve(__dirname, '../../../../../shared');
export const WEIGHTS = path.join(SHARED, 'weights');

/** A WeightSource over a folder of the shared weights that records what it was asked for. */
export function folderSource(model: string, hide: readonly string[] = []): WeightSource & { reads: string[] } {
  const root = path.join(WEIGHTS, model);
  const reads: string[] = [];
  return {
    location: root,
    reads,
    async read(p) {
      reads.push(p);
      if (hide.includes(p)) throw new ImpastoError('MISSING_FILE', `missing ${p}`);
      try {
        const b = await readFile(path.join(root, p));
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ImpastoError('MISSING_FILE', `missing ${p} in ${root}`);
        throw e;
      }
    },
  };
}

/** Runs a graph once on onnxruntime-node's CPU provider. */
export async function runGraph(g: Graph | Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const s = await ort.InferenceSession.create(g instanceof Uint8Array ? g : encodeModel(g));
  try {
    return (await s.run(feeds)) as Record<string, ort.Tensor>;
  } finally {
    await s.release();
  }
}

/** A reproducible NCHW RGB image with values 0..255 (mulberry32 noise). */
export function noiseImage(h: number, w: number, seed = 1): ort.Tensor {
  let a = seed >>> 0;
  const data = Float32Array.from({ length: 3 * h * w }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 255;
  });
  return new ort.Tensor('float32', data, [1, 3, h, w]);
}

/** Decodes an image from shared/images, resized to w x h, as NCHW RGB 0..255 (optionally mirrored). */
export async function photo(name: string, w: number, h: number, flop = false): Promise<Float32Array> {
  let img = sharp(path.join(SHARED, 'images', name)).removeAlpha().resize(w, h, { fit: 'fill' });
  if (flop) img = img.flop();
  const { data } = await img.raw().toBuffer({ resolveWithObject: true });
  const out = new Float32Array(3 * h * w);
  for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) out[c * h * w + i] = data[i * 3 + c]!;
  return out;
}

/** Stacks NCHW single images into one batch tensor. */
export function batch(images: readonly Float32Array[], h: number, w: number): ort.Tensor {
  const data = new Float32Array(images.length * 3 * h * w);
  images.forEach((im, i) => data.set(im, i * 3 * h * w));
  return new ort.Tensor('float32', data, [images.length, 3, h, w]);
}

/** ||a - b|| / ||b||. */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Awaits `p` and returns the ImpastoError it rejects with (fails if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<ImpastoError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ImpastoError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}
