/**
 * The mean of `src` (a `width` x `height` plane) over the (2r+1)² window around each pixel, the
 * window cut at the borders (so the mean is over the pixels inside): two running sums, O(1) a
 * pixel whatever the radius, in float64.
 */
export function boxMean(src: Float64Array, width: number, height: number, r: number): Float64Array {
  const rows = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    let sum = 0;
    for (let x = 0; x < Math.min(r, width - 1) + 1; x++) sum += src[o + x]!;
    for (let x = 0; x < width; x++) {
      rows[o + x] = sum;
      if (x + r + 1 < width) sum += src[o + x + r + 1]!;
      if (x - r >= 0) sum -= src[o + x - r]!;
    }
  }
  const out = new Float64Array(width * height);
  for (let x = 0; x < width; x++) {
    let sum = 0;
    for (let y = 0; y < Math.min(r, height - 1) + 1; y++) sum += rows[y * width + x]!;
    for (let y = 0; y < height; y++) {
      const h = Math.min(y + r, height - 1) - Math.max(y - r, 0) + 1;
      const w = Math.min(x + r, width - 1) - Math.max(x - r, 0) + 1;
      out[y * width + x] = sum / (h * w);
      if (y + r + 1 < height) sum += rows[(y + r + 1) * width + x]!;
      if (y - r >= 0) sum -= rows[(y - r) * width + x]!;
    }
  }
  return out;
}
