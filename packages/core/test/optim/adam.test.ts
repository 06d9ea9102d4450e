import { Adam } from '../../src/optim/adam';
import { Rng } from '../../src/optim/rng';
import type { Objective } from '../../src/optim/types';
import { expectCode, quadratic, rosenbrock, rosenbrockStart } from './functions';

describe('Adam', () => {
  it('takes the textbook first step and keeps its state', () => {
    const adam = new Adam({ lr: 0.1 });
    const x = Float32Array.of(1, -2);
    adam.step(x, Float32Array.of(4, -0.5));
    // Bias correction makes the first step lr·g/|g| per coordinate.
    expect(x[0]).toBeCloseTo(0.9, 6);
    expect(x[1]).toBeCloseTo(-1.9, 6);
    expect(adam.state!.t).toBe(1);
    expect(adam.state!.m[0]).toBeCloseTo(0.4, 6);
    expect(adam.state!.v[1]).toBeCloseTo(0.001 * 0.25, 9);
    adam.reset();
    expect(adam.state).toBeNull();
  });

  it('reaches the minimiser of a convex quadratic', async () => {
    const rng = new Rng(7);
    const q = quadratic(6, () => rng.gaussian());
    const x = new Float32Array(6);
    const adam = new Adam({ lr: 0.01 });
    for (let k = 0; k < 3000; k++) expect((await adam.iterate(x, q.f)).evaluations).toBe(1);
    x.forEach((v, i) => expect(Math.abs(v - q.minimiser[i]!)).toBeLessThan(1e-4));
  });

  it.each([2, 10])('makes steady progress on Rosenbrock in %i dimensions', async (n) => {
    const p = rosenbrock(n);
    const x = rosenbrockStart(n);
    const f0 = p.value(x);
    const adam = new Adam({ lr: 0.02 });
    const seen: number[] = [];
    for (let k = 1; k <= 2000; k++) {
      await adam.iterate(x, p.f);
      if (k % 500 === 0) seen.push(p.value(x));
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeLessThan(seen[i - 1]!);
    expect(seen.at(-1)! / f0).toBeLessThan(0.01);
  });

  it('throws NUMERIC for a non-finite objective', async () => {
    const f: Objective = async () => ({ loss: Infinity, grad: Float32Array.of(0) });
    await expect(new Adam().iterate(Float32Array.of(1), f)).rejects.toMatchObject({ code: 'NUMERIC' });
  });

  it('rejects invalid options and mismatched gradients with INVALID_ARGUMENT', () => {
    expectCode(() => new Adam({ lr: -0.1 }), 'INVALID_ARGUMENT');
    expectCode(() => new Adam({ lr: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new Adam({ beta1: 1 }), 'INVALID_ARGUMENT');
    expectCode(() => new Adam({ beta2: -0.5 }), 'INVALID_ARGUMENT');
    expectCode(() => new Adam({ eps: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => new Adam().step(new Float32Array(3), new Float32Array(2)), 'INVALID_ARGUMENT');
  });
});
