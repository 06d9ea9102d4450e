// Multiply-adds count as two FLOPs. Per output pixel of an H x W image: two 9x9 convolutions at full
// size, stride-2 convolutions and transposes at 1/4 and 1/16 of the pixels, ten 128-channel 3x3
// convolutions at 1/16.
const PER_PIXEL =
  2 * (81 * 3 * 32 + (9 * 32 * 64) / 4 + (9 * 64 * 128) / 16 + (10 * 9 * 128 * 128) / 16 + (9 * 128 * 64) / 16 + (9 * 64 * 32) / 4 + 81 * 32 * 3);

/** Floating-point operations of one fast-style pass on an H x W image (convolutions only). */
export function fastStyleFlops(height: number, width: number): number {
  return PER_PIXEL * height * width;
}
