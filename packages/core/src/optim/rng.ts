import { checkInt, checkNumber } from '../errors';
import { float32, sizeOf, type TensorData } from '../onnx/tensor';

const TWO_POW_32 = 4294967296;

/** splitmix32: spreads a seed over the state words, so nearby seeds give unrelated streams. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A seeded pseudo-random generator (xoshiro128**): the same seed gives the same stream on every
 * platform, which makes noise initialisations reproducible.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  /** `seed`: a non-negative safe integer. */
  constructor(seed: number) {
    checkInt('seed', seed, 0);
    // Mix the high bits in too, so seeds such as Date.now() do not collide modulo 2³².
    const mix = splitmix32((seed >>> 0) ^ Math.imul(Math.floor(seed / TWO_POW_32), 0x27d4eb2d));
    this.s0 = mix();
    this.s1 = mix();
    this.s2 = mix();
    this.s3 = mix();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  gaussian(): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1], so the log is finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Fills `out` with Gaussian draws of mean `mean` and standard deviation `std`. */
  fillGaussian(out: Float32Array, std = 1, mean = 0): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.gaussian();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The seed's white-noise initial image: Gaussian × `scale` (default 0.256), a float32 tensor of
 * shape `dims` (usually the content image's NCHW shape). Deterministic for a given `seed`.
 */
export function noiseImage(dims: readonly number[], seed: number, scale = 0.256): TensorData<'float32'> {
  dims.forEach((d, i) => checkInt(`dims[${i}]`, d, 1));
  checkNumber('scale', scale, 0);
  return float32(dims, new Rng(seed).fillGaussian(new Float32Array(sizeOf(dims)), scale));
}
