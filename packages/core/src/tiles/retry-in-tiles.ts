import { isImpastoError } from '../errors';
import type { RawImage } from '../image/raw-image';
import { MAX_AUTO_TILE, MIN_TILE } from '../runtime/memory';
import { outOfMemoryHint } from '../runtime/out-of-memory';

/** What one engine call produced. */
export interface EngineOutput {
  readonly image: RawImage;
  /** 1 for one pass. */
  readonly tiles: number;
}

/** What one stylize call did, measured for that call alone. */
export interface StylizeResult extends EngineOutput {
  /** Milliseconds in the network (tensor conversion and tiling included; decoding not). */
  readonly inferenceMs: number;
}

/** A feed-forward run that can go in one pass or in tiles of a given side. */
export interface TileableRun {
  /** The work, for messages (`fast style transfer`). */
  readonly what: string;
  onePass(): Promise<EngineOutput>;
  tiled(tile: number): Promise<EngineOutput>;
  /** Gives back what the failed one pass left allocated (its session's arena), before tiles try. */
  trim(): Promise<void>;
}

const outOfMemory = (e: unknown) => isImpastoError(e) && e.code === 'IMAGE_TOO_LARGE';

/**
 * Runs `run` as planned (`planned` undefined: one pass). A one-pass run that the budget allowed but
 * that runs out of memory anyway (a limit the budget cannot see: `ulimit -v`, other processes
 * growing) is retried in tiles, halving the side from half the image's down to `MIN_TILE`; a tile
 * size the caller chose is not second-guessed. What still fails is `IMAGE_TOO_LARGE` saying what
 * to try.
 */
export async function retryInTiles(image: RawImage, planned: number | undefined, options: { readonly tile?: number }, run: TileableRun): Promise<EngineOutput> {
  const hint = (e: unknown, tile?: number) => outOfMemoryHint(e, image, { what: run.what, sizeOption: 'maxSize', tile, tiles: true });
  let failed: unknown;
  try {
    return planned === undefined ? await run.onePass() : await run.tiled(planned);
  } catch (e) {
    if (!outOfMemory(e) || planned !== undefined || options.tile !== undefined) throw hint(e, planned);
    failed = e;
  }
  await run.trim();
  let last: number | undefined;
  for (let tile = Math.min(MAX_AUTO_TILE, Math.floor(Math.max(image.width, image.height) / 2 / 4) * 4); tile >= MIN_TILE; tile = Math.floor(tile / 2 / 4) * 4) {
    last = tile;
    try {
      return await run.tiled(tile);
    } catch (e) {
      if (!outOfMemory(e)) throw e;
      failed = e;
    }
  }
  throw hint(failed, last);
}
