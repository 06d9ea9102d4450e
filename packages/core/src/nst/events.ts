import type { RawImage } from '../image/raw-image';

/** One iteration's report. Terms are weighted, as they add up to `loss`, keyed by term name. */
export interface NstProgress {
  readonly type: 'progress';
  readonly iteration: number;
  readonly iterations: number;
  readonly loss: number;
  readonly terms: Readonly<Record<string, number>>;
  readonly msPerIteration: number;
  readonly etaMs: number;
  readonly evaluations: number;
  /** With `startSize`: which scale (1-based) of how many, and its longest side. */
  readonly scale?: NstScale;
}

/** One scale of a coarse-to-fine run. */
export interface NstScale {
  readonly index: number;
  readonly scales: number;
  readonly size: number;
}

/** The current image every `checkpointEvery` iterations (of each scale, with `startSize`). */
export interface NstCheckpoint {
  readonly type: 'checkpoint';
  readonly iteration: number;
  readonly image: RawImage;
  readonly scale?: NstScale;
}

export type NstEvent = NstProgress | NstCheckpoint;

/** What a finished run gives. */
export interface NstResult {
  readonly image: RawImage;
  readonly loss: number;
  readonly iterations: number;
  readonly provider: string;
  /** Whether the image and Adam's moments stayed in GPU memory between iterations (untiled Adam on webgpu). */
  readonly stepsOnDevice: boolean;
  readonly msPerIteration: number;
  /** Milliseconds from the call to the first iteration: loading (one-off runs), decoding, targets. */
  readonly startupMs: number;
  /** The longest side of each scale run (one entry without `startSize`). */
  readonly sizes: readonly number[];
  /** The tile side of a tiled run (the last scale's), or undefined for one piece. */
  readonly tile?: number;
  /** With region masks: each region's colour in the masks, in the order of the style loss's regions. */
  readonly regions?: readonly string[];
}

/** The sizes of a coarse-to-fine run: `start`, then ×√2 while below `size`, then `size`. */
export function coarseToFineSizes(start: number, size: number): number[] {
  const sizes: number[] = [];
  for (let s = start; Math.round(s) < size; s *= Math.SQRT2) sizes.push(Math.round(s));
  return [...sizes, size];
}
