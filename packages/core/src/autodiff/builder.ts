import { ImpastoError } from '../errors';
import type { AttrValue, Graph } from '../onnx/graph';
import { float32, int64 } from '../onnx/tensor';
import type { StaticInfo } from './static-info';

/**
 * Emits backward nodes. Small constants and Shape-family values are memoised per backward pass,
 * so rules can ask for them freely without growing the graph.
 */
export class GradBuilder {
  private readonly memo = new Map<string, string>();

  constructor(
    readonly g: Graph,
    readonly info: StaticInfo,
  ) {}

  /** Adds a single-output node. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttrValue> = {}, hint?: string): string {
    return this.g.op(opType, inputs, attributes, hint === undefined ? {} : { name: hint });
  }

  /** Adds a node with `count` outputs. */
  ops(opType: string, inputs: readonly string[], attributes: Record<string, AttrValue>, count: number): string[] {
    return this.g.node(opType, inputs, attributes, { outputs: count });
  }

  private cached(key: string, make: () => string): string {
    let v = this.memo.get(key);
    if (v === undefined) {
      v = make();
      this.memo.set(key, v);
    }
    return v;
  }

  /** A 1-D int64 constant. */
  ints(values: readonly number[]): string {
    return this.cached(`ints:${values.join(',')}`, () => this.g.constant('ints', int64([values.length], values)));
  }

  /** A scalar int64 constant. */
  int(value: number): string {
    return this.cached(`int:${value}`, () => this.g.constant('int', int64([], [value])));
  }

  /** A scalar float32 constant. */
  float(value: number): string {
    return this.cached(`float:${value}`, () => this.g.constant('float', float32([], [value])));
  }

  /** A float32 tensor of ones with static `dims` (pooling kernels). */
  ones(dims: readonly number[]): string {
    return this.cached(`ones:${dims.join(',')}`, () => {
      const t = float32(dims);
      t.data.fill(1);
      return this.g.constant('ones', t);
    });
  }

  /** Shape(x). */
  shape(x: string): string {
    return this.cached(`shape:${x}`, () => this.op('Shape', [x], {}, 'shape'));
  }

  /** Shape(x)[start:end] as a 1-D int64 value (`end` omitted: to the last axis). */
  dims(x: string, start: number, end?: number): string {
    return this.cached(`dims:${x}:${start}:${end}`, () => {
      if (this.g.opset >= 15) return this.op('Shape', [x], end === undefined ? { start } : { start, end }, 'dims');
      const ends = this.ints([end ?? 2 ** 62]);
      return this.op('Slice', [this.shape(x), this.ints([start]), ends, this.ints([0])], {}, 'dims');
    });
  }

  /**
   * The element count of `x`, an int64 scalar. ReduceProd of the shape rather than `Size`: ONNX
   * Runtime's WebGPU provider has no `Size` kernel and would copy all of `x` to the CPU to count it.
   */
  size(x: string): string {
    return this.cached(`size:${x}`, () => this.op('ReduceProd', [this.shape(x)], { keepdims: 0 }, 'size'));
  }

  /** The element count of `x` as a 1-D int64 value of length 1 (a shape for ConstantOfShape). */
  numel(x: string): string {
    return this.cached(`numel:${x}`, () => this.op('ReduceProd', [this.shape(x)], { keepdims: 1 }, 'numel'));
  }

  /** A float32 tensor of `value` with the run-time shape held in the int64 vector `shape`. */
  fill(shape: string, value: number): string {
    return this.cached(`fill:${shape}:${value}`, () => this.op('ConstantOfShape', [shape], { value: float32([1], [value]) }, value === 0 ? 'zeros' : 'filled'));
  }

  /** Zeros shaped like `x`. */
  zerosLike(x: string): string {
    return this.fill(this.shape(x), 0);
  }

  /** Reshape(x, Shape(like)): restores a gradient to the exact shape of a forward value. */
  reshapeLike(x: string, like: string): string {
    return this.op('Reshape', [x, this.shape(like)], {}, 'reshape');
  }

  /** Unsqueeze, in the form the graph's opset wants (axes input from opset 13). */
  unsqueeze(x: string, axes: readonly number[] | string): string {
    if (this.g.opset >= 13) return this.op('Unsqueeze', [x, typeof axes === 'string' ? axes : this.ints(axes)], {}, 'unsqueeze');
    if (typeof axes === 'string') throw new ImpastoError('UNSUPPORTED_OP', 'Unsqueeze with run-time axes needs opset 13');
    return this.op('Unsqueeze', [x], { axes: [...axes] }, 'unsqueeze');
  }

  /**
   * The elementwise sum of `terms`, as a chain of Adds in order: what ONNX `Sum` computes, but
   * `Sum` has no kernel in ONNX Runtime's WebGPU provider, which would run it on the CPU with two
   * copies around it.
   */
  sum(terms: readonly string[], hint: string): string {
    if (terms.length === 0) throw new Error('sum of no terms');
    return terms.slice(1).reduce((acc, t) => this.op('Add', [acc, t], {}, hint), terms[0]!);
  }

  /** ReduceSum over constant `axes` (axes input from opset 13). */
  reduceSum(x: string, axes: readonly number[], keepdims: boolean): string {
    return this.op('ReduceSum', [x, this.ints(axes)], { keepdims: keepdims ? 1 : 0 }, 'reduce_sum');
  }

  /** ReduceMean over constant `axes` (axes moved from attribute to input in opset 18). */
  reduceMean(x: string, axes: readonly number[], keepdims: boolean): string {
    const k = keepdims ? 1 : 0;
    if (this.g.opset >= 18) return this.op('ReduceMean', [x, this.ints(axes)], { keepdims: k }, 'reduce_mean');
    return this.op('ReduceMean', [x], { axes: [...axes], keepdims: k }, 'reduce_mean');
  }
}
