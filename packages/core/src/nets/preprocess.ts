import { invalidParam } from '../errors';
import type { Graph } from '../onnx/graph';
import { float32 } from '../onnx/tensor';

/**
 * Per-channel input normalisation, applied to an NCHW RGB 0..255 image as
 * `y[c] = (x[perm(c)] * scale - mean[c]) / std[c]`, where `perm` swaps R and B when `bgr` is set.
 * `mean` and `std` are in the network's channel order (BGR when `bgr`).
 */
export interface Preprocessing {
  readonly mean?: readonly [number, number, number];
  readonly std?: readonly [number, number, number];
  readonly bgr?: boolean;
  readonly scale?: number;
}

function check3(name: string, v: readonly number[] | undefined): void {
  if (v !== undefined && (v.length !== 3 || !v.every(Number.isFinite))) throw invalidParam(name, 'three finite numbers', v);
}

/**
 * Adds `p` in front of `input` and returns the normalised value (or `input` when `p` is the identity).
 * It is a single 1x1 Conv (a 3x3 channel matrix plus bias): exact, cheap, and it keeps the op set
 * of the feature networks to Conv/Relu/Pool/Concat, which the NST engine differentiates.
 */
export function addPreprocessing(g: Graph, input: string, p: Preprocessing): string {
  check3('mean', p.mean);
  check3('std', p.std);
  if (p.std?.some((s) => s === 0)) throw invalidParam('std', 'non-zero values', p.std);
  const scale = p.scale ?? 1;
  if (!Number.isFinite(scale) || scale === 0) throw invalidParam('scale', 'finite non-zero number', p.scale);
  const mean = p.mean ?? [0, 0, 0];
  const std = p.std ?? [1, 1, 1];
  if (!p.bgr && scale === 1 && mean.every((m) => m === 0) && std.every((s) => s === 1)) return input;
  const w = new Float32Array(9);
  for (let c = 0; c < 3; c++) w[c * 3 + (p.bgr ? 2 - c : c)] = scale / std[c]!;
  const bias = mean.map((m, c) => -m / std[c]!);
  const W = g.constant('preprocess_W', float32([3, 3, 1, 1], w));
  const B = g.constant('preprocess_B', float32([3], bias));
  return g.op('Conv', [input, W, B], { kernel_shape: [1, 1] }, { name: 'preprocessed' });
}
