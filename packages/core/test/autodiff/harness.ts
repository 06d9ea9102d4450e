import * as ort from 'onnxruntime-node';
import { Graph, type Dim } from '../../src/onnx/graph';
import { encodeModel } from '../../src/onnx/serialize';
import { addGradients } from '../../src/autodiff';

/** A small seeded generator (mulberry32), so every check sees the same numbers on every run. */
export class Rng {
  constructor(private state: number) {}
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  array(n: number, lo = -1, hi = 1): Float32Array {
    return Float32Array.from({ length: n }, () => this.uniform(lo, hi));
  }
  /** Values at least `gap` from 0 (keeps finite differences off Relu/Abs kinks). */
  awayFromZero(n: number, gap = 0.05): Float32Array {
    return Float32Array.from({ length: n }, () => (this.next() < 0.5 ? -1 : 1) * this.uniform(gap, 1));
  }
  /** A random permutation of 0, spacing, 2·spacing, ...: no ties or near-ties (MaxPool). */
  distinct(n: number, spacing = 0.02): Float32Array {
    const v = Array.from({ length: n }, (_, i) => i * spacing - (n * spacing) / 2);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [v[i], v[j]] = [v[j]!, v[i]!];
    }
    return Float32Array.from(v);
  }
}

export const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

export async function session(g: Graph): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(encodeModel(g), { intraOpNumThreads: 1, interOpNumThreads: 1 });
}

export interface GradCase {
  /** Input sizes, one record per run: the same two graphs serve every run (dynamic shapes). */
  readonly runs: readonly Record<string, readonly number[]>[];
  /** Builds f from the declared inputs; called once for the forward and once for the gradient graph. */
  build(g: Graph, x: Record<string, string>): string;
  /** Inputs to differentiate against (default: all). */
  readonly wrt?: readonly string[];
  /** Declared input shapes (default: none, so nothing is known before run time). */
  readonly declare?: Readonly<Record<string, readonly Dim[]>>;
  /** Input contents (default uniform in [-1, 1]). */
  readonly data?: Readonly<Record<string, (n: number, rng: Rng) => Float32Array>>;
  /** The scalar checked: Σ f·R for a fixed random R (default), or Σ f². */
  readonly objective?: 'projection' | 'sumsq';
  readonly h?: number;
  readonly rtol?: number;
  readonly seed?: number;
}

function objectiveOf(kind: 'projection' | 'sumsq', f: Float32Array, r: Float32Array): number {
  let s = 0;
  for (let i = 0; i < f.length; i++) s += kind === 'sumsq' ? f[i]! * f[i]! : f[i]! * r[i]!;
  return s;
}

/** Elementwise |got - want| <= rtol·(|want| + rms(want)), reporting the worst element. */
export function expectClose(label: string, got: ArrayLike<number>, want: ArrayLike<number>, rtol: number): void {
  expect(got.length).toBe(want.length);
  let sq = 0;
  for (let i = 0; i < want.length; i++) sq += want[i]! ** 2;
  const rms = Math.sqrt(sq / Math.max(1, want.length));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const ratio = Math.abs(got[i]! - want[i]!) / (Math.abs(want[i]!) + rms + 1e-12);
    if (!(ratio <= worst)) [worst, at] = [ratio, i];
  }
  if (!(worst <= rtol)) {
    throw new Error(`${label}: element ${at} is ${got[at]} but finite differences give ${want[at]} (relative error ${worst.toExponential(2)}, rms ${rms.toExponential(2)})`);
  }
}

/**
 * Checks addGradients on f = build(inputs) against central finite differences of a scalar
 * objective computed in float64 from f's float32 values, for every element of every `wrt` input.
 */
export async function checkGradients(c: GradCase): Promise<void> {
  const names = Object.keys(c.runs[0]!);
  const wrt = c.wrt ?? names;
  const kind = c.objective ?? 'projection';
  const h = c.h ?? 1e-2;
  const declareInputs = (g: Graph) => Object.fromEntries(names.map((n) => [n, g.input(n, 'float32', c.declare?.[n])]));

  const forward = new Graph('forward');
  forward.output(c.build(forward, declareInputs(forward)), 'f');
  const backward = new Graph('backward');
  const f = c.build(backward, declareInputs(backward));
  const weighted = kind === 'sumsq' ? backward.op('Mul', [f, f]) : backward.op('Mul', [f, backward.input('R', 'float32')]);
  const loss = backward.op('ReduceSum', [weighted], { keepdims: 0 });
  const grads = addGradients(backward, loss, wrt);
  backward.output(loss, 'loss');
  for (const w of wrt) backward.output(grads[w]!, `d_${w}`);

  const [fs, gs] = await Promise.all([session(forward), session(backward)]);
  try {
    const rng = new Rng(c.seed ?? 1234);
    for (const run of c.runs) {
      const values = Object.fromEntries(names.map((n) => {
        const count = size(run[n]!);
        return [n, c.data?.[n]?.(count, rng) ?? rng.array(count)];
      }));
      const feeds = () => Object.fromEntries(names.map((n) => [n, new ort.Tensor('float32', values[n]!, [...run[n]!])]));
      const fOut = (await fs.run(feeds())).f!;
      const r = rng.array(fOut.data.length);
      const evaluate = async () => objectiveOf(kind, (await fs.run(feeds())).f!.data as Float32Array, r);
      const out = await gs.run({ ...feeds(), ...(kind === 'projection' ? { R: new ort.Tensor('float32', r, fOut.dims) } : {}) });
      const expectedLoss = await evaluate();
      expectClose('loss', [(out.loss!.data as Float32Array)[0]!], [expectedLoss], 1e-4);
      for (const w of wrt) {
        const got = out[`d_${w}`]!;
        expect(got.dims).toEqual(run[w]);
        const x = values[w]!;
        const fd = new Float64Array(x.length);
        for (let i = 0; i < x.length; i++) {
          const x0 = x[i]!;
          const [xp, xm] = [Math.fround(x0 + h), Math.fround(x0 - h)];
          x[i] = xp;
          const lp = await evaluate();
          x[i] = xm;
          const lm = await evaluate();
          x[i] = x0;
          fd[i] = (lp - lm) / (xp - xm);
        }
        expectClose(`d/d${w} at ${JSON.stringify(run)}`, got.data as Float32Array, fd, c.rtol ?? 1e-2);
      }
    }
  } finally {
    await Promise.all([fs.release(), gs.release()]);
  }
}
