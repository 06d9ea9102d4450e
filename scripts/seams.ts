import type { RawImage } from '@impasto/core/platform';

/**
 * How visible tile boundaries are: the mean jump between neighbouring pixels (RGB, 0-255) across
 * the given column and row boundaries, divided by the mean jump at the other columns and rows of
 * the same phase modulo `period` (a network with stride 4 leaves a faint 4-pixel pattern, and
 * tile boundaries sit on it). About 1 when nothing marks the boundaries; a seam makes it larger.
 */
export function seamRatio(img: RawImage, columns: readonly number[], rows: readonly number[], period = 4): { ratio: number; boundary: number; elsewhere: number } {
  const { data, width, height, channels } = img;
  const at = (x: number, y: number, c: number) => data[(y * width + x) * channels + c]!;
  let [bSum, bCount, oSum, oCount] = [0, 0, 0, 0];
  const cols = new Set(columns);
  const rws = new Set(rows);
  for (let y = 0; y < height; y++) {
    for (let x = 1; x < width; x++) {
      let d = 0;
      for (let c = 0; c < 3; c++) d += Math.abs(at(x, y, c) - at(x - 1, y, c));
      if (cols.has(x)) (bSum += d), bCount++;
      else if (x % period === columns[0]! % period) (oSum += d), oCount++;
    }
  }
  for (let y = 1; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let d = 0;
      for (let c = 0; c < 3; c++) d += Math.abs(at(x, y, c) - at(x, y - 1, c));
      if (rws.has(y)) (bSum += d), bCount++;
      else if (y % period === rows[0]! % period) (oSum += d), oCount++;
    }
  }
  const boundary = bSum / bCount / 3;
  const elsewhere = oSum / oCount / 3;
  return { ratio: boundary / elsewhere, boundary, elsewhere };
}
