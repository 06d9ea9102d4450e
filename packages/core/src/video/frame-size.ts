import { fitInside } from '../image/raw-image';

/**
 * The size frames are stylized and encoded at: the clip's (after rotation) shrunk inside
 * `maxSize`, rounded down to even, since 4:2:0 video halves the chroma both ways.
 */
export function videoFrameSize(width: number, height: number, maxSize?: number): [number, number] {
  const [w, h] = fitInside(width, height, maxSize);
  return [Math.max(2, w - (w % 2)), Math.max(2, h - (h % 2))];
}
