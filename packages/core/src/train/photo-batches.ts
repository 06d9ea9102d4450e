import { ImpastoError } from '../errors';
import { Rng } from '../optim/rng';

/** Which part of a photo one training crop takes. */
export interface CropSpec {
  /** Side of the square crop after resizing, in pixels. */
  readonly size: number;
  /** The crop's side as a fraction of the photo's shorter side, (0, 1]. */
  readonly scale: number;
  /** Where the crop sits in the room left, 0 (left, top) to 1 (right, bottom). */
  readonly x: number;
  readonly y: number;
  /** Mirror left to right. */
  readonly flip: boolean;
}

/**
 * Platform contract for training data: a list of photos and a way to crop one. Crops are
 * decoded on the platform's own threads (sharp's pool in Node), so loading overlaps training.
 */
export interface PhotoSet {
  readonly count: number;
  /** Photo `index` as messages name it (its path). */
  name(index: number): string;
  /** Photo `index` cropped as `spec` says: planar RGB on 0..255, [3, size, size]. Rejects when it cannot be read. */
  crop(index: number, spec: CropSpec): Promise<Float32Array>;
}

/** Crops cover 60-100 % of the shorter side: scale augmentation around the whole photo. */
const MIN_SCALE = 0.6;

/** Batches fetched ahead of the one being trained on. */
const AHEAD = 2;

/**
 * The training batches: batch `i` is a function of the seed and `i` alone (the photo order is a
 * seeded shuffle per epoch; each crop's place, scale and flip come from its own seeded draw), so
 * a resumed run sees exactly the batches an uninterrupted one would. A photo that cannot be read
 * is skipped (the next one of the epoch's order takes its place) and counted.
 */
export class PhotoBatches {
  private readonly ahead = new Map<number, Promise<Float32Array>>();
  private readonly perms = new Map<number, Uint32Array>();
  /** Photos that could not be read. */
  readonly unreadable = new Set<number>();

  constructor(
    private readonly photos: PhotoSet,
    /** The photos trained on (indices into `photos`); the others are held out. */
    private readonly train: readonly number[],
    private readonly batch: number,
    private readonly size: number,
    private readonly seed: number,
  ) {
    if (train.length === 0) throw new ImpastoError('INVALID_ARGUMENT', 'no photos to train on');
  }

  /** Batch `i`: float32 [batch, 3, size, size]; the next ones start loading in the background. */
  async get(i: number): Promise<Float32Array> {
    for (let k = i; k <= i + AHEAD; k++) {
      if (this.ahead.has(k)) continue;
      const batch = this.load(k);
      // A batch fetched ahead may fail before anyone awaits it; `get` still sees the error.
      batch.catch(() => undefined);
      this.ahead.set(k, batch);
    }
    for (const k of this.ahead.keys()) if (k < i) this.ahead.delete(k);
    const b = this.ahead.get(i)!;
    this.ahead.delete(i);
    return b;
  }

  private async load(i: number): Promise<Float32Array> {
    const plane = 3 * this.size * this.size;
    const out = new Float32Array(this.batch * plane);
    await Promise.all(
      Array.from({ length: this.batch }, async (_, k) => {
        out.set(await this.slot(i * this.batch + k), k * plane);
      }),
    );
    return out;
  }

  private async slot(position: number): Promise<Float32Array> {
    const n = this.train.length;
    const epoch = Math.floor(position / n);
    const perm = this.permutation(epoch);
    const rng = new Rng((this.seed * 1_000_003 + position) % Number.MAX_SAFE_INTEGER);
    const spec: CropSpec = { size: this.size, scale: MIN_SCALE + (1 - MIN_SCALE) * rng.uniform(), x: rng.uniform(), y: rng.uniform(), flip: rng.uniform() < 0.5 };
    for (let attempt = 0; attempt < n; attempt++) {
      const index = this.train[perm[(position + attempt) % n]!]!;
      if (this.unreadable.has(index)) continue;
      try {
        return await this.photos.crop(index, spec);
      } catch (e) {
        if (e instanceof ImpastoError && e.code === 'ABORTED') throw e;
        this.unreadable.add(index);
      }
    }
    throw new ImpastoError('BAD_IMAGE', `none of the ${n} files to train on could be read as an image (${this.photos.name(this.train[0]!)}, …)`);
  }

  private permutation(epoch: number): Uint32Array {
    let p = this.perms.get(epoch);
    if (!p) {
      const rng = new Rng((this.seed * 7919 + epoch) % Number.MAX_SAFE_INTEGER);
      p = Uint32Array.from({ length: this.train.length }, (_, i) => i);
      for (let i = p.length - 1; i > 0; i--) {
        const j = Math.floor(rng.uniform() * (i + 1));
        [p[i], p[j]] = [p[j]!, p[i]!];
      }
      if (this.perms.size > 2) this.perms.delete(Math.min(...this.perms.keys()));
      this.perms.set(epoch, p);
    }
    return p;
  }
}

/**
 * Splits the photos into those trained on and up to four held out for previews (one in eight,
 * so a small folder keeps most for training), by a seeded shuffle.
 */
export function holdOut(count: number, seed: number): { train: number[]; preview: number[] } {
  const rng = new Rng(seed);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const k = Math.min(4, Math.floor(count / 8));
  return { preview: order.slice(0, k).sort((a, b) => a - b), train: order.slice(k).sort((a, b) => a - b) };
}
