import { checkChoice, checkInt, checkNumber, ImpastoError } from '../errors';
import type { Objective, Optimizer, StepResult } from './types';

export interface LbfgsOptions {
  /** Curvature pairs kept (default 10). */
  historySize?: number;
  /** `armijo` (default): backtrack until the sufficient-decrease condition holds. `fixed`: step by `lr` with one evaluation per iteration, no safeguard. */
  lineSearch?: 'armijo' | 'fixed';
  /** Step length along the quasi-Newton direction: the first trial for `armijo`, the step for `fixed` (default 1). */
  lr?: number;
  /** Armijo sufficient-decrease constant c₁ (default 1e-4). */
  c1?: number;
  /** Factor the trial step shrinks by while backtracking (default 0.5). */
  backtrack?: number;
  /** Evaluations one line search may use before it gives up (default 20). */
  maxLineSearch?: number;
  /** Converged when max |∂f/∂xᵢ| ≤ this (default 1e-7). */
  gradTolerance?: number;
  /** Converged when an accepted step changes f by ≤ this × max(1, |f|) (default 1e-12). */
  changeTolerance?: number;
}

interface Point {
  x: Float32Array;
  f: number;
  g: Float32Array;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Limited-memory BFGS (Nocedal & Wright, algorithm 7.4/7.5): the two-loop recursion over the last
 * `historySize` pairs (s, y), with H₀ = (sᵀy / yᵀy)·I. Pairs with sᵀy ≤ 0 are skipped so the
 * implied Hessian stays positive definite. History is kept in float32 (2·historySize·n values);
 * dot products accumulate in double.
 */
export class Lbfgs implements Optimizer {
  readonly historySize: number;
  readonly lineSearch: 'armijo' | 'fixed';
  readonly lr: number;
  readonly c1: number;
  readonly backtrack: number;
  readonly maxLineSearch: number;
  readonly gradTolerance: number;
  readonly changeTolerance: number;
  /** Accepted steps so far. */
  iterations = 0;
  /** Curvature pairs rejected by the sᵀy > 0 check so far. */
  skippedPairs = 0;
  private s: Float32Array[] = [];
  private y: Float32Array[] = [];
  private sy: number[] = [];
  private yy: number[] = [];
  private cur: Point | null = null;
  private trial: Float32Array | null = null;
  private done = false;

  constructor(options: LbfgsOptions = {}) {
    this.historySize = checkInt('historySize', options.historySize ?? 10, 1);
    this.lineSearch = checkChoice('lineSearch', options.lineSearch ?? 'armijo', ['armijo', 'fixed']);
    this.lr = checkNumber('lr', options.lr ?? 1, Number.MIN_VALUE);
    this.c1 = checkNumber('c1', options.c1 ?? 1e-4, Number.MIN_VALUE, 0.5);
    this.backtrack = checkNumber('backtrack', options.backtrack ?? 0.5, 0.01, 0.99);
    this.maxLineSearch = checkInt('maxLineSearch', options.maxLineSearch ?? 20, 1);
    this.gradTolerance = checkNumber('gradTolerance', options.gradTolerance ?? 1e-7, 0);
    this.changeTolerance = checkNumber('changeTolerance', options.changeTolerance ?? 1e-12, 0);
  }

  reset(): void {
    this.clearHistory();
    this.cur = null;
    this.trial = null;
    this.done = false;
    this.iterations = 0;
    this.skippedPairs = 0;
  }

  private clearHistory(): void {
    this.s = [];
    this.y = [];
    this.sy = [];
    this.yy = [];
  }

  private async evaluate(f: Objective, x: Float32Array, into?: Point): Promise<Point> {
    const r = await f(x);
    if (r.grad.length !== x.length) throw new ImpastoError('INVALID_ARGUMENT', `gradient has ${r.grad.length} values for ${x.length} parameters`);
    const g = into?.g ?? new Float32Array(x.length);
    g.set(r.grad); // the objective may reuse its gradient buffer
    return { x, f: r.loss, g };
  }

  /** −H·g by the two-loop recursion. */
  private direction(g: Float32Array): Float64Array {
    const k = this.s.length;
    const q = Float64Array.from(g);
    const alpha = new Array<number>(k);
    for (let i = k - 1; i >= 0; i--) {
      const s = this.s[i]!;
      const y = this.y[i]!;
      const a = dot(s, q) / this.sy[i]!;
      alpha[i] = a;
      for (let j = 0; j < q.length; j++) q[j] = q[j]! - a * y[j]!;
    }
    const gamma = k > 0 ? this.sy[k - 1]! / this.yy[k - 1]! : 1;
    for (let j = 0; j < q.length; j++) q[j] = q[j]! * gamma;
    for (let i = 0; i < k; i++) {
      const s = this.s[i]!;
      const b = dot(this.y[i]!, q) / this.sy[i]!;
      const c = alpha[i]! - b;
      for (let j = 0; j < q.length; j++) q[j] = q[j]! + c * s[j]!;
    }
    for (let j = 0; j < q.length; j++) q[j] = -q[j]!;
    return q;
  }

  private remember(from: Point, to: Point): void {
    // Reuse the oldest pair's buffers once the history is full.
    const full = this.s.length >= this.historySize;
    const s = full ? this.s[0]! : new Float32Array(from.x.length);
    const y = full ? this.y[0]! : new Float32Array(from.x.length);
    for (let i = 0; i < s.length; i++) {
      s[i] = to.x[i]! - from.x[i]!;
      y[i] = to.g[i]! - from.g[i]!;
    }
    const sy = dot(s, y);
    const yy = dot(y, y);
    // Scale-free form of sᵀy > 0; keeping a pair with sᵀy ≤ 0 would make H indefinite.
    if (!(sy > Number.EPSILON * yy) || !Number.isFinite(sy)) {
      this.skippedPairs++;
      return;
    }
    if (full) {
      this.s.shift();
      this.y.shift();
      this.sy.shift();
      this.yy.shift();
    }
    this.s.push(s);
    this.y.push(y);
    this.sy.push(sy);
    this.yy.push(yy);
  }

  /** One accepted step; `x` is updated in place. */
  async iterate(x: Float32Array, f: Objective): Promise<StepResult> {
    let evaluations = 0;
    // Re-evaluate when x is not where the last step left it (first call, or the caller changed it).
    if (this.cur === null || !sameValues(this.cur.x, x)) {
      if (this.cur !== null && this.cur.x.length !== x.length) this.reset();
      this.cur = await this.evaluate(f, Float32Array.from(x), this.cur ?? undefined);
      evaluations++;
      this.done = false;
      if (!Number.isFinite(this.cur.f)) throw new ImpastoError('NUMERIC', `objective is ${this.cur.f} at the starting point`);
    }
    const cur = this.cur;
    if (this.done || maxAbs(cur.g) <= this.gradTolerance) {
      this.done = true;
      return { loss: cur.f, lossAfter: cur.f, evaluations, converged: true };
    }
    const trial = this.trial ?? new Float32Array(x.length);
    let next: Point | null = null;
    // A failed search along the quasi-Newton direction falls back once to steepest descent.
    while (next === null) {
      let d = this.direction(cur.g);
      let gtd = dot(cur.g, d);
      if (!(gtd < 0)) {
        this.clearHistory();
        d = this.direction(cur.g);
        gtd = dot(cur.g, d);
        if (!Number.isFinite(gtd)) throw new ImpastoError('NUMERIC', 'gradient is not finite');
      }
      const steepest = this.s.length === 0;
      // Without curvature information, aim for a step of unit length rather than one of size |g|.
      let t = this.s.length === 0 ? this.lr * Math.min(1, 1 / Math.sqrt(-gtd)) : this.lr;
      const tries = this.lineSearch === 'fixed' ? 1 : this.maxLineSearch;
      for (let k = 0; k < tries; k++) {
        for (let i = 0; i < trial.length; i++) trial[i] = cur.x[i]! + t * d[i]!;
        if (sameValues(trial, cur.x)) break; // the step fell below float32 resolution
        const p = await this.evaluate(f, trial);
        evaluations++;
        if (this.lineSearch === 'fixed') {
          if (!Number.isFinite(p.f)) throw new ImpastoError('NUMERIC', `objective is ${p.f} after a fixed step of ${t}`);
          next = p;
          break;
        }
        if (Number.isFinite(p.f) && p.f <= cur.f + this.c1 * t * gtd) {
          next = p;
          break;
        }
        t *= this.backtrack;
      }
      if (next === null) {
        if (steepest) {
          this.done = true; // even steepest descent found no decrease: stationary to working precision
          return { loss: cur.f, lossAfter: cur.f, evaluations, converged: true };
        }
        this.clearHistory();
      }
    }
    this.remember(cur, next);
    // Swap buffers: the accepted trial becomes the current point, the old point the next trial.
    this.trial = cur.x;
    this.cur = { x: next.x, f: next.f, g: next.g };
    x.set(next.x);
    this.iterations++;
    const change = Math.abs(cur.f - next.f);
    this.done = maxAbs(next.g) <= this.gradTolerance || change <= this.changeTolerance * Math.max(1, Math.abs(cur.f));
    return { loss: cur.f, lossAfter: next.f, evaluations, converged: this.done };
  }
}
