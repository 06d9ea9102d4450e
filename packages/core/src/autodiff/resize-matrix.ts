import type { GradBuilder } from './builder';
import type { ResizeMode } from './resize-phases';

const FLOAT = 1; // TensorProto.FLOAT
const INT64 = 7; // TensorProto.INT64

/** One resized axis at run time: input and output lengths (int64 scalars) and the scale (float scalar). */
export interface AxisSizes {
  readonly n: string;
  readonly m: string;
  readonly scale: string;
  /** Whether the scale may be exactly 1 at run time (it comes from sizes or a computed tensor). */
  readonly maybeUnit: boolean;
}

/** x_original by the coordinate transform's formula. */
function transform(b: GradBuilder, mode: ResizeMode, i: string, sizes: AxisSizes): string {
  const { n, m } = sizes; // the scale is read only where used (align_corners has none)
  switch (mode.coord) {
    case 'asymmetric':
      return b.op('Div', [i, sizes.scale], {}, 'x_original');
    case 'tf_half_pixel_for_nn':
      return b.op('Div', [b.op('Add', [i, b.float(0.5)]), sizes.scale], {}, 'x_original');
    case 'align_corners': {
      // i·(n - 1) / (m - 1), and 0 for a single output (the denominator is then irrelevant).
      const [nf, mf] = [b.op('Cast', [n], { to: FLOAT }), b.op('Cast', [m], { to: FLOAT })];
      const one = b.float(1);
      return b.op('Div', [b.op('Mul', [i, b.op('Sub', [nf, one])]), b.op('Max', [b.op('Sub', [mf, one]), one])], {}, 'x_original');
    }
    default: {
      const half = b.float(0.5);
      const x = b.op('Sub', [b.op('Div', [b.op('Add', [i, half]), sizes.scale]), half], {}, 'x_original');
      if (mode.coord === 'half_pixel') return x;
      return b.op('Where', [b.op('Greater', [m, b.int(1)]), x, b.float(0)], {}, 'x_original');
    }
  }
}

/**
 * x_original of every output position (float32 [m]), computed in the runtime's order of float32
 * operations so that nearest-mode ties round the same way.
 */
function originals(b: GradBuilder, mode: ResizeMode, sizes: AxisSizes): string {
  const i = b.op('Cast', [b.op('Range', [b.int(0), sizes.m, b.int(1)], {}, 'out_index')], { to: FLOAT });
  const x = transform(b, mode, i, sizes);
  // onnxruntime copies an axis of scale 1 unchanged, even where the transform would shift it.
  if (!sizes.maybeUnit) return x;
  return b.op('Where', [b.op('Equal', [sizes.scale, b.float(1)]), i, x], {}, 'x_original');
}

/** Rounds x_original to an input index as nearest_mode says, then clamps it into [0, n). */
function nearestIndex(b: GradBuilder, mode: ResizeMode, x: string, last: string): string {
  const half = () => b.float(0.5);
  let rounded: string;
  switch (mode.nearest) {
    case 'floor':
      rounded = b.op('Floor', [x]);
      break;
    case 'ceil':
      rounded = b.op('Ceil', [x]);
      break;
    case 'round_prefer_ceil':
      rounded = b.op('Floor', [b.op('Add', [x, half()])]);
      break;
    default: // round_prefer_floor: exact halves go down
      rounded = b.op('Ceil', [b.op('Sub', [x, half()])]);
  }
  const index = b.op('Cast', [rounded], { to: INT64 });
  return b.op('Min', [b.op('Max', [index, b.int(0)]), last], {}, 'nearest_index');
}

/** [m, n] one-hot rows of `index` ([m] int64), or [n, m] when `transposed`. */
function oneHot(b: GradBuilder, index: string, n: string, transposed: boolean): string {
  const cols = b.op('Range', [b.int(0), n, b.int(1)], {}, 'in_index');
  const eq = transposed ? b.op('Equal', [b.unsqueeze(cols, [1]), index]) : b.op('Equal', [b.unsqueeze(index, [1]), cols]);
  return b.op('Cast', [eq], { to: FLOAT }, 'one_hot');
}

/**
 * The interpolation matrix A of one axis (y = A·x along it): [m, n], or Aᵀ ([n, m]) when
 * `transposed`. Dense, but built from the run-time sizes, so it serves any scale, size and
 * coordinate mode.
 */
export function interpolationMatrix(b: GradBuilder, mode: ResizeMode, sizes: AxisSizes, transposed: boolean): string {
  const last = b.op('Sub', [sizes.n, b.int(1)], {}, 'last_index');
  const x = originals(b, mode, sizes);
  if (mode.mode === 'nearest') return oneHot(b, nearestIndex(b, mode, x, last), sizes.n, transposed);
  // Linear: the runtime clamps x_original into [0, n - 1], then mixes floor(x) and its successor.
  const lastF = b.op('Cast', [last], { to: FLOAT });
  const clamped = b.op('Min', [b.op('Max', [x, b.float(0)]), lastF], {}, 'x_clamped');
  const floor = b.op('Floor', [clamped]);
  const w = b.op('Sub', [clamped, floor], {}, 'lerp_weight');
  const i0 = b.op('Cast', [floor], { to: INT64 });
  const i1 = b.op('Min', [b.op('Add', [i0, b.int(1)]), last]);
  // Weights per output position: along the last axis of Aᵀ, as a column of A.
  const perOutput = (v: string) => (transposed ? v : b.unsqueeze(v, [1]));
  const lower = b.op('Mul', [oneHot(b, i0, sizes.n, transposed), perOutput(b.op('Sub', [b.float(1), w]))]);
  const upper = b.op('Mul', [oneHot(b, i1, sizes.n, transposed), perOutput(w)]);
  return b.op('Add', [lower, upper], {}, transposed ? 'interp_t' : 'interp');
}
