import type { TensorData } from '../onnx/tensor';
import type { RawImage } from '../image/raw-image';

/**
 * Blends weighted tile outputs into one image, holding in float only the rows still open: a band
 * one tile row (plus the feather) high, so a huge image costs its 8-bit output and one band.
 */
export class TileCompositor {
  readonly image: RawImage;
  private band = new Float32Array(0);
  private top = 0;
  private bottom = 0;

  /** An output of `width` x `height`; an RGBA `alphaFrom` of that size gives its alpha channel. */
  constructor(
    readonly width: number,
    readonly height: number,
    private readonly alphaFrom?: RawImage,
  ) {
    const channels = alphaFrom?.channels === 4 ? 4 : 3;
    this.image = { data: new Uint8Array(width * height * channels), width, height, channels };
  }

  /**
   * Adds `tile` (float32 [1, 3, h, w], 0..255 unclamped) read at (`x`, `y`), weighted by
   * `wx[i] * wy[j]` inside the rectangle `[x0, x1) x [y0, y1)` of image pixels.
   */
  add(tile: TensorData<'float32'>, x: number, y: number, wx: Float32Array, wy: Float32Array, [x0, x1]: [number, number], [y0, y1]: [number, number]): void {
    const [, , h, w] = tile.dims as [number, number, number, number];
    if (y0 < this.top) throw new Error(`rows from ${y0} were already written (next open row ${this.top})`);
    this.extendTo(y1);
    const plane = h * w;
    const src = tile.data;
    const band = this.band;
    for (let row = y0; row < y1; row++) {
      const j = row - y;
      const wj = wy[j]!;
      if (wj === 0) continue;
      let o = ((row - this.top) * this.width + x0) * 3;
      for (let col = x0; col < x1; col++, o += 3) {
        const i = col - x;
        const weight = wj * wx[i]!;
        const p = j * w + i;
        band[o] = band[o]! + weight * src[p]!;
        band[o + 1] = band[o + 1]! + weight * src[plane + p]!;
        band[o + 2] = band[o + 2]! + weight * src[2 * plane + p]!;
      }
    }
  }

  /** Writes the open rows up to `end` (exclusive) to the 8-bit image, rounded and clamped, and frees them. */
  flush(end: number): void {
    if (end <= this.top) return;
    const { width, image } = this;
    const channels = image.channels;
    const out = image.data;
    this.extendTo(end);
    for (let row = this.top; row < end; row++) {
      let s = (row - this.top) * width * 3;
      let o = row * width * channels;
      for (let col = 0; col < width; col++, s += 3, o += channels) {
        // As tensorToImage: clamp, then + 0.5 so Uint8Array's truncation rounds to nearest.
        out[o] = Math.min(255, Math.max(0, this.band[s]! + 0.5));
        out[o + 1] = Math.min(255, Math.max(0, this.band[s + 1]! + 0.5));
        out[o + 2] = Math.min(255, Math.max(0, this.band[s + 2]! + 0.5));
        if (channels === 4) out[o + 3] = this.alphaFrom!.data[(row * width + col) * 4 + 3]!;
      }
    }
    this.band = this.band.slice((end - this.top) * width * 3);
    this.top = end;
  }

  private extendTo(end: number): void {
    if (end <= this.bottom) return;
    const grown = new Float32Array((end - this.top) * this.width * 3);
    grown.set(this.band);
    this.band = grown;
    this.bottom = end;
  }
}
