import { ImpastoError } from '../errors';
import { fstCheckpointFiles, FST_CHECKPOINT_LAYERS } from '../fst/checkpoint';
import { fastStyleParameterShapes, type FastStyleParams } from '../fst/network';
import { sizeOf, transpose, type TensorData } from '../onnx/tensor';
import { Rng } from '../optim/rng';
import { utf8Encode } from '../platform';

/**
 * The fast-style network's parameters packed in one vector, in `fastStyleParameterShapes()`
 * order, with a named view of each: what Adam updates in place and what the graph is fed.
 */
export class ParameterSet {
  readonly names: readonly string[];
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  readonly values: Float32Array;
  private readonly offsets = new Map<string, number>();

  /** The network's parameter names, in order. */
  static names(): readonly string[] {
    return Object.keys(fastStyleParameterShapes());
  }

  constructor(values?: Float32Array) {
    this.shapes = fastStyleParameterShapes();
    this.names = Object.keys(this.shapes);
    let total = 0;
    for (const n of this.names) {
      this.offsets.set(n, total);
      total += sizeOf(this.shapes[n]!);
    }
    if (values && values.length !== total) throw new ImpastoError('BAD_MODEL', `a fast-style network has ${total} parameters, got ${values.length}`);
    this.values = values ?? new Float32Array(total);
  }

  /** Where parameter `name` starts in `values`. */
  offset(name: string): number {
    const at = this.offsets.get(name);
    if (at === undefined) throw new ImpastoError('INVALID_ARGUMENT', `no fast-style parameter '${name}'`);
    return at;
  }

  /** Parameter `name`'s values, a view into `values`. */
  view(name: string): Float32Array {
    const at = this.offset(name);
    return this.values.subarray(at, at + sizeOf(this.shapes[name]!));
  }

  /** Each parameter as a tensor viewing `values` (feeds for a graph built with `bind: 'input'`). */
  tensors(): Record<string, TensorData<'float32'>> {
    return Object.fromEntries(this.names.map((n) => [n, { type: 'float32' as const, dims: [...this.shapes[n]!], data: this.view(n) }]));
  }

  /** A copy of named parameters (checked by `buildFastStyleGraph`'s rules). */
  static from(params: FastStyleParams): ParameterSet {
    const set = new ParameterSet();
    for (const n of set.names) {
      const t = params[n];
      if (!t || t.data.length !== set.view(n).length) throw new ImpastoError('BAD_MODEL', `fast-style parameters lack ${n} or it has the wrong size`);
      set.view(n).set(t.data);
    }
    return set;
  }

  /**
   * A fresh network as lengstrom/fast-style-transfer starts one: kernels from a normal of
   * standard deviation 0.1 truncated at two deviations, instance-norm scales 1 and shifts 0.
   */
  static initial(seed: number): ParameterSet {
    const set = new ParameterSet();
    const rng = new Rng(seed);
    for (const n of set.names) {
      const v = set.view(n);
      if (n.endsWith('.gamma')) v.fill(1);
      else if (n.endsWith('.kernel')) {
        for (let i = 0; i < v.length; i++) {
          let z: number;
          do z = rng.gaussian();
          while (Math.abs(z) > 2);
          v[i] = 0.1 * z;
        }
      }
    }
    return set;
  }
}

/**
 * The files of a style folder in the nine pretrained styles' format: `manifest.json` and one raw
 * little-endian float32 file per variable (`Variable`, `Variable_1`, …, in lengstrom's creation
 * order and TensorFlow's layout), so `FastStyle.load` and everything built on it reads it.
 */
export function styleFolderFiles(params: ParameterSet): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const manifest: Record<string, { filename: string; shape: number[] }> = {};
  const variables = fstCheckpointFiles().slice(1);
  let i = 0;
  for (const layer of FST_CHECKPOINT_LAYERS) {
    for (const kind of ['kernel', 'beta', 'gamma'] as const) {
      const name = `${layer}.${kind}`;
      const t: TensorData<'float32'> = { type: 'float32', dims: [...params.shapes[name]!], data: params.view(name) };
      // ONNX [out, in, kh, kw] (ConvTranspose [in, out, kh, kw]) back to TensorFlow's [kh, kw, in, out].
      const tf = kind === 'kernel' ? transpose(t, [2, 3, 1, 0]) : t;
      const file = variables[i++]!;
      manifest[file] = { filename: file, shape: [...tf.dims] };
      files[file] = new Uint8Array(Float32Array.from(tf.data).buffer);
    }
  }
  files['manifest.json'] = utf8Encode(JSON.stringify(manifest, null, 1));
  return files;
}
