import type { Objective, Optimizer } from '../../src/optim/types';

/** A test problem: objective in double precision, known minimiser. */
export interface Problem {
  f: Objective;
  value(x: ArrayLike<number>): number;
  evaluations: () => number;
}

function counted(value: (x: ArrayLike<number>) => number, grad: (x: ArrayLike<number>, out: Float32Array) => void): Problem {
  let n = 0;
  return {
    value,
    evaluations: () => n,
    f: async (x) => {
      n++;
      const g = new Float32Array(x.length);
      grad(x, g);
      return { loss: value(x), grad: g };
    },
  };
}

/** f(x) = ½ xᵀAx − bᵀx with A = MᵀM + I (SPD); minimiser A⁻¹b. */
export function quadratic(n: number, seedValues: (i: number) => number) {
  const M = Array.from({ length: n * n }, (_, i) => seedValues(i));
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) s += M[k * n + i]! * M[k * n + j]!;
      A[i * n + j] = s;
    }
  const b = Float64Array.from({ length: n }, (_, i) => seedValues(n * n + i));
  const Ax = (x: ArrayLike<number>, i: number) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j]! * x[j]!;
    return s;
  };
  const problem = counted(
    (x) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += 0.5 * x[i]! * Ax(x, i) - b[i]! * x[i]!;
      return s;
    },
    (x, g) => {
      for (let i = 0; i < n; i++) g[i] = Ax(x, i) - b[i]!;
    },
  );
  return { ...problem, minimiser: solve(A, b, n) };
}

/** Gaussian elimination with partial pivoting (A is small). */
function solve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[p * n + c]!)) p = r;
    for (let k = 0; k < n; k++) [a[c * n + k], a[p * n + k]] = [a[p * n + k]!, a[c * n + k]!];
    [x[c], x[p]] = [x[p]!, x[c]!];
    for (let r = c + 1; r < n; r++) {
      const m = a[r * n + c]! / a[c * n + c]!;
      for (let k = c; k < n; k++) a[r * n + k] = a[r * n + k]! - m * a[c * n + k]!;
      x[r] = x[r]! - m * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r * n + k]! * x[k]!;
    x[r] = s / a[r * n + r]!;
  }
  return x;
}

/** Chained Rosenbrock: Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², minimum 0 at (1, …, 1). */
export function rosenbrock(n: number): Problem {
  return counted(
    (x) => {
      let s = 0;
      for (let i = 0; i + 1 < n; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
      return s;
    },
    (x, g) => {
      g.fill(0);
      for (let i = 0; i + 1 < n; i++) {
        const r = x[i + 1]! - x[i]! ** 2;
        g[i] = g[i]! - 400 * x[i]! * r - 2 * (1 - x[i]!);
        g[i + 1] = g[i + 1]! + 200 * r;
      }
    },
  );
}

/** The standard start (−1.2, 1, −1.2, 1, …). */
export function rosenbrockStart(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
}

/** Runs `opt` until it converges or `maxIterations` steps; returns the steps taken. */
export async function minimise(opt: Optimizer, x: Float32Array, f: Objective, maxIterations: number) {
  let iterations = 0;
  let evaluations = 0;
  for (; iterations < maxIterations; iterations++) {
    const r = await opt.iterate(x, f);
    evaluations += r.evaluations;
    if (r.converged) break;
  }
  return { iterations, evaluations };
}

/** Asserts that `fn` throws an ImpastoError with `code`. */
export function expectCode(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toMatchObject({ name: 'ImpastoError', code });
}
