import { Lbfgs } from '../../src/optim/lbfgs';
import { Rng } from '../../src/optim/rng';
import type { Objective } from '../../src/optim/types';
import { expectCode, minimise, quadratic, rosenbrock, rosenbrockStart } from './functions';

describe('L-BFGS', () => {
  it.each(['armijo', 'fixed'] as const)('reaches the minimiser of a convex quadratic (%s step)', async (lineSearch) => {
    const rng = new Rng(7);
    const q = quadratic(6, () => rng.gaussian());
    const x = new Float32Array(6);
    const { iterations } = await minimise(new Lbfgs({ lineSearch }), x, q.f, 200);
    expect(iterations).toBeLessThan(50);
    x.forEach((v, i) => expect(Math.abs(v - q.minimiser[i]!)).toBeLessThan(1e-4));
  });

  it.each([2, 10])('minimises Rosenbrock in %i dimensions to f < 1e-6', async (n) => {
    const p = rosenbrock(n);
    const x = rosenbrockStart(n);
    const { iterations, evaluations } = await minimise(new Lbfgs(), x, p.f, 300);
    expect(p.value(x)).toBeLessThan(1e-6);
    expect(iterations).toBeLessThan(300);
    expect(evaluations).toBe(p.evaluations()); // every evaluation is reported
    x.forEach((v) => expect(v).toBeCloseTo(1, 3));
  });

  it('skips curvature pairs with sᵀy ≤ 0 and still finds a minimum of a nonconvex function', async () => {
    // Double well f = x⁴/4 − x²/2: concave near 0, minima −1/4 at x = ±1.
    const f: Objective = async (x) => ({ loss: x[0]! ** 4 / 4 - x[0]! ** 2 / 2, grad: Float32Array.of(x[0]! ** 3 - x[0]!) });
    const opt = new Lbfgs();
    const x = Float32Array.of(0.1);
    await minimise(opt, x, f, 100);
    expect(opt.skippedPairs).toBeGreaterThanOrEqual(1);
    expect(Math.abs(x[0]!)).toBeCloseTo(1, 4);
  });

  it('re-evaluates when the caller changes x, and stays put once converged', async () => {
    const rng = new Rng(3);
    const q = quadratic(4, () => rng.gaussian());
    const opt = new Lbfgs();
    const x = new Float32Array(4);
    const first = await opt.iterate(x, q.f);
    expect(first.evaluations).toBeGreaterThanOrEqual(2); // the start point and at least one trial
    const second = await opt.iterate(x, q.f);
    expect(second.loss).toBe(first.lossAfter); // the accepted point's value is reused
    x[0] = 5; // e.g. a pixel clamp between iterations
    const moved = q.value(x);
    const third = await opt.iterate(x, q.f);
    expect(third.loss).toBeCloseTo(moved, 4);
    expect(third.loss).not.toBeCloseTo(second.lossAfter!, 1);
    await minimise(opt, x, q.f, 200);
    const before = Float32Array.from(x);
    const done = await opt.iterate(x, q.f);
    expect(done).toMatchObject({ converged: true, evaluations: 0 });
    expect(x).toEqual(before);
  });

  it('converges with a history of one pair', async () => {
    const rng = new Rng(11);
    const q = quadratic(5, () => rng.gaussian());
    const x = new Float32Array(5);
    await minimise(new Lbfgs({ historySize: 1 }), x, q.f, 500);
    x.forEach((v, i) => expect(Math.abs(v - q.minimiser[i]!)).toBeLessThan(1e-3));
  });

  it('throws NUMERIC for a non-finite objective', async () => {
    const f: Objective = async () => ({ loss: NaN, grad: Float32Array.of(0) });
    await expect(new Lbfgs().iterate(Float32Array.of(1), f)).rejects.toMatchObject({ code: 'NUMERIC' });
  });

  it('rejects invalid options with INVALID_ARGUMENT', () => {
    expectCode(() => new Lbfgs({ historySize: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new Lbfgs({ historySize: 2.5 }), 'INVALID_ARGUMENT');
    expectCode(() => new Lbfgs({ lr: -1 }), 'INVALID_ARGUMENT');
    expectCode(() => new Lbfgs({ lineSearch: 'wolfe' as 'armijo' }), 'INVALID_ARGUMENT');
    expectCode(() => new Lbfgs({ gradTolerance: -1 }), 'INVALID_ARGUMENT');
  });
});
