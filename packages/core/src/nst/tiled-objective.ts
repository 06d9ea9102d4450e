import type { Objective } from '../optim/types';
import { Rng } from '../optim/rng';
import { float32 } from '../onnx/tensor';
import { cutPlanes } from '../tiles/cut-planes';

/** A rectangle of the optimised image, in pixels. */
export interface TileRegion {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One tile's objective: its loss, the gradient over its pixels (NCHW), its weighted terms. */
export interface TileEvaluation {
  readonly loss: number;
  readonly grad: Float32Array;
  readonly terms: Readonly<Record<string, number>>;
}

/**
 * Cuts `[0, length)` at `shift + k·tile`, dropping cuts closer than `minPart` to either end, so
 * parts are between `minPart` and `tile + minPart` long (one part when `length <= tile`).
 */
export function shiftedSpans(length: number, tile: number, shift: number, minPart: number): [number, number][] {
  const cuts = [0];
  for (let c = shift % tile; c < length; c += tile) if (c >= minPart && c <= length - minPart && c > cuts.at(-1)!) cuts.push(c);
  cuts.push(length);
  return cuts.slice(0, -1).map((c, i) => [c, cuts[i + 1]!]);
}

/**
 * The NST objective over a `width` x `height` image evaluated tile by tile, for images whose
 * loss-and-gradient pass does not fit in memory at once. Every call cuts the image afresh at a
 * random shift (crowsonkb's style_transfer did the same), so the tiles' borders, where each
 * tile's features see its edge instead of its neighbours, move every iteration and no seam
 * settles. Tiles partition the image; each one's loss and gradient are weighted by its share
 * of the pixels, as the means inside every term weight pixels for the whole image (`beforeTiles`
 * lets the caller make terms that are not means, like the style loss, whole-image too). The
 * tiling changes every call, so this suits Adam, not L-BFGS's line search. `terms` receives the
 * weighted terms of the last call.
 */
export function tiledObjective(
  width: number,
  height: number,
  o: { tile: number; minSide: number; seed: number },
  evaluate: (region: TileRegion, x: Float32Array, index: number, share: number) => Promise<TileEvaluation>,
  terms: (t: Record<string, number>) => void,
  /** Called with every tile of an evaluation before any is evaluated (e.g. to pool their Gram matrices). */
  beforeTiles?: (tiles: readonly { region: TileRegion; x: Float32Array; share: number }[]) => Promise<void>,
): Objective {
  const rng = new Rng(o.seed ^ 0x5bd1e995);
  const minPart = Math.max(o.minSide, Math.floor(o.tile / 4));
  const plane = width * height;
  return async (x) => {
    const grad = new Float32Array(x.length);
    const rows = shiftedSpans(height, o.tile, Math.floor(rng.uniform() * o.tile), minPart);
    const columns = shiftedSpans(width, o.tile, Math.floor(rng.uniform() * o.tile), minPart);
    let loss = 0;
    const sums: Record<string, number> = {};
    const tiles = rows.flatMap(([y0, y1]) =>
      columns.map(([x0, x1]) => {
        const region = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
        return { region, x: cutPlanes(float32([1, 3, height, width], x), region).data, share: (region.width * region.height) / plane };
      }),
    );
    await beforeTiles?.(tiles);
    for (const [i, { region, x: part, share }] of tiles.entries()) {
      const r = await evaluate(region, part, i, share);
      loss += share * r.loss;
      for (const [k, v] of Object.entries(r.terms)) sums[k] = (sums[k] ?? 0) + share * v;
      paste(grad, width, height, region, r.grad, share);
    }
    terms(sums);
    return { loss, grad };
  };
}

function paste(into: Float32Array, width: number, height: number, region: TileRegion, tile: Float32Array, scale: number): void {
  for (let c = 0, i = 0; c < 3; c++) {
    for (let row = 0; row < region.height; row++) {
      let o = c * width * height + (region.y + row) * width + region.x;
      for (let col = 0; col < region.width; col++) into[o++] = scale * tile[i++]!;
    }
  }
}
