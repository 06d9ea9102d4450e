/** How a Resize node maps output positions to input ones (validated attributes). */
export interface ResizeMode {
  readonly mode: 'nearest' | 'linear';
  readonly coord: 'half_pixel' | 'pytorch_half_pixel' | 'asymmetric' | 'align_corners' | 'tf_half_pixel_for_nn';
  readonly nearest: 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil';
}

/** Coordinate modes whose x_original - k is the same for every output s·k + r under an integer scale s. */
export const SHIFT_INVARIANT: ReadonlySet<ResizeMode['coord']> = new Set(['half_pixel', 'pytorch_half_pixel', 'asymmetric', 'tf_half_pixel_for_nn']);

/**
 * Upsampling one axis by an integer factor as a strided convolution: output s·k + r reads input
 * taps k - 1, k, k + 1 with weights that depend only on the phase r. After edge padding the input
 * by `before` / `after` (which stands in for the runtime's clamping at the borders), the forward
 * op is ConvTranspose(kernel, stride s, pads [padBegin, padEnd]), so its adjoint is the Conv with
 * the same numbers.
 */
export interface PhaseKernel {
  readonly kernel: readonly number[];
  readonly before: 0 | 1;
  readonly after: 0 | 1;
  readonly padBegin: number;
  readonly padEnd: number;
}

/** x_original - k for output s·k + r (exact here; the runtime's float32 rounding only matters at ties, which are exact). */
function offset(coord: ResizeMode['coord'], s: number, r: number): number {
  switch (coord) {
    case 'asymmetric':
      return r / s;
    case 'tf_half_pixel_for_nn':
      return (r + 0.5) / s;
    default: // half_pixel; pytorch_half_pixel agrees whenever the output has more than one element
      return (r + 0.5) / s - 0.5;
  }
}

function nearestTap(rule: ResizeMode['nearest'], x: number): number {
  switch (rule) {
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    case 'round_prefer_ceil':
      return Math.floor(x + 0.5);
    default: // round_prefer_floor
      return Math.ceil(x - 0.5);
  }
}

/** The phase kernel of a shift-invariant Resize along one axis with integer scale `s` ≥ 1. */
export function phaseKernel(m: ResizeMode, s: number): PhaseKernel {
  // onnxruntime copies an axis of scale 1 unchanged, even where the transform would shift it
  // (tf_half_pixel_for_nn rounding up).
  if (s === 1) return { kernel: [1], before: 0, after: 0, padBegin: 0, padEnd: 0 };
  // Taps -1, 0, 1 of phase r sit at r + s·(1 - tap), so kernel index grows as the tap falls.
  const full = new Array<number>(3 * s).fill(0);
  const put = (r: number, tap: number, w: number) => {
    if (w !== 0) full[r + s * (1 - tap)]! += w;
  };
  for (let r = 0; r < s; r++) {
    const x = offset(m.coord, s, r);
    if (m.mode === 'nearest') {
      put(r, nearestTap(m.nearest, x), 1);
    } else {
      const i0 = Math.floor(x);
      put(r, i0, 1 - (x - i0));
      put(r, i0 + 1, x - i0);
    }
  }
  const used = (tap: number) => full.slice(s * (1 - tap), s * (2 - tap)).some((w) => w !== 0);
  const before = used(-1) ? 1 : 0;
  const after = used(1) ? 1 : 0;
  const lo = full.findIndex((w) => w !== 0);
  const hi = full.length - 1 - [...full].reverse().findIndex((w) => w !== 0);
  // Output s·k + r lands at r + s·(k + before + 1) of the full transposed convolution of the
  // padded input; the zero taps trimmed from the kernel's ends shift that by lo.
  return { kernel: full.slice(lo, hi + 1), before, after, padBegin: s * (1 + before) - lo, padEnd: s * (after - 2) + hi + 1 };
}
