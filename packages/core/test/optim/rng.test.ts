import { noiseImage, Rng } from '../../src/optim/rng';
import { expectCode } from './functions';

function draws(seed: number, n: number, kind: 'uniform' | 'gaussian'): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => rng[kind]());
}

function moments(v: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i]!;
    s2 += v[i]! ** 2;
  }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(s2 / v.length - mean * mean) };
}

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(draws(123, 50, 'gaussian')).toEqual(draws(123, 50, 'gaussian'));
    expect(draws(123, 50, 'uniform')).not.toEqual(draws(124, 50, 'uniform'));
    // Seeds that agree modulo 2³² still give different streams.
    expect(draws(5, 10, 'uniform')).not.toEqual(draws(5 + 2 ** 32, 10, 'uniform'));
  });

  it('draws uniforms in [0, 1) with mean ½', () => {
    const u = draws(1, 100_000, 'uniform');
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(moments(u).mean).toBeCloseTo(0.5, 2);
  });

  it('draws Gaussians with mean ~0 and std ~1 over 1e5 draws', () => {
    const { mean, std } = moments(draws(2024, 100_000, 'gaussian'));
    expect(Math.abs(mean)).toBeLessThan(0.015); // ~5 standard errors
    expect(Math.abs(std - 1)).toBeLessThan(0.015);
  });

  it('makes the seed’s noise image: Gaussian × 0.256, reproducible', () => {
    const a = noiseImage([1, 3, 64, 64], 9);
    expect(a.type).toBe('float32');
    expect(a.dims).toEqual([1, 3, 64, 64]);
    expect(a.data).toEqual(noiseImage([1, 3, 64, 64], 9).data);
    const { mean, std } = moments(a.data);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std).toBeCloseTo(0.256, 2);
    expect(moments(noiseImage([2, 1000], 9, 1).data).std).toBeCloseTo(1, 1);
  });

  it('rejects bad seeds, shapes and scales with INVALID_ARGUMENT', () => {
    expectCode(() => new Rng(-1), 'INVALID_ARGUMENT');
    expectCode(() => new Rng(1.5), 'INVALID_ARGUMENT');
    expectCode(() => noiseImage([1, 0, 4], 1), 'INVALID_ARGUMENT');
    expectCode(() => noiseImage([1, 3, 4, 4], 1, -1), 'INVALID_ARGUMENT');
  });
});
