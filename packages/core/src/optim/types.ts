/**
 * The function being minimised: its value and gradient at `x`. Async because in NST both come
 * from an ONNX Runtime session. The returned `grad` may be reused by the caller's next call; the
 * optimisers copy what they keep.
 */
export type Objective = (x: Float32Array) => Promise<{ loss: number; grad: Float32Array }>;

/** What one optimiser iteration did. */
export interface StepResult {
  /** Objective at `x` as the iteration found it (before the update, as PyTorch reports it). */
  readonly loss: number;
  /** Objective at the updated `x` when the iteration already knows it (L-BFGS does; Adam does not). */
  readonly lossAfter?: number;
  /** Objective evaluations the iteration used. */
  readonly evaluations: number;
  /** True when the tolerances are met or no decrease can be found; later calls leave `x` as is until it changes. */
  readonly converged: boolean;
}

/**
 * The driver shape the NST loop uses: one call is one iteration (one accepted step, unless
 * `converged`), updating `x` in place.
 */
export interface Optimizer {
  iterate(x: Float32Array, f: Objective): Promise<StepResult>;
  /** Forgets accumulated state (moments, curvature history). */
  reset(): void;
}
