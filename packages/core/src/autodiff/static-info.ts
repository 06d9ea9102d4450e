import type { Graph, NodeDef } from '../onnx/graph';
import type { TensorData } from '../onnx/tensor';
import { intAttr, intsAttr, optionalInput } from './attrs';

// Ops whose output has the rank of their first input.
const SAME_RANK = new Set([
  'Relu', 'LeakyRelu', 'Neg', 'Sqrt', 'Tanh', 'Sigmoid', 'Exp', 'Log', 'Abs', 'Identity', 'Cast', 'Dropout',
  'Softmax', 'InstanceNormalization', 'BatchNormalization', 'Conv', 'ConvTranspose', 'MaxPool', 'AveragePool',
  'Pad', 'Slice', 'Concat', 'Clip', 'Elu', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign', 'Transpose', 'Resize',
]);
// Broadcasting ops: the output rank is the largest input rank.
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sum', 'Max', 'Min', 'Mean', 'Where', 'Equal', 'Greater', 'Less']);

/**
 * What is known about values before the graph runs: initializer and declared-input shapes, and
 * ranks propagated through common ops. Used only to pick cheaper backward forms; every rule also
 * works when nothing is known.
 */
export class StaticInfo {
  private readonly producers = new Map<string, NodeDef>();
  private readonly ranks = new Map<string, number | undefined>();

  constructor(private readonly g: Graph) {
    for (const n of g.nodes) for (const o of n.outputs) this.producers.set(o, n);
  }

  /** The value of `v` if it is a constant (initializer or Constant node with a tensor `value`). */
  constant(v: string): TensorData | undefined {
    const init = this.g.initializers.get(v);
    if (init) return init;
    const p = this.producers.get(v);
    const value = p?.opType === 'Constant' ? p.attributes.value : undefined;
    return value !== undefined && typeof value === 'object' && 'dims' in value ? value : undefined;
  }

  /** Integer values of a constant int tensor `v`, if known. */
  ints(v: string | undefined): number[] | undefined {
    if (v === undefined) return undefined;
    const t = this.constant(v);
    if (!t || (t.type !== 'int64' && t.type !== 'int32')) return undefined;
    return Array.from(t.data as ArrayLike<number | bigint>, Number);
  }

  /** The full static shape of `v`, if known. */
  shape(v: string): readonly number[] | undefined {
    const c = this.constant(v);
    if (c) return c.dims;
    const inp = this.g.inputs.find((i) => i.name === v);
    if (inp?.shape && inp.shape.every((d): d is number => typeof d === 'number')) return inp.shape as number[];
    return undefined;
  }

  /** The static rank of `v`, if it can be worked out. */
  rank(v: string): number | undefined {
    if (this.ranks.has(v)) return this.ranks.get(v);
    this.ranks.set(v, undefined); // guards against cycles in malformed graphs
    const r = this.computeRank(v);
    this.ranks.set(v, r);
    return r;
  }

  private computeRank(v: string): number | undefined {
    const c = this.constant(v);
    if (c) return c.dims.length;
    const inp = this.g.inputs.find((i) => i.name === v);
    if (inp) return inp.shape?.length;
    const n = this.producers.get(v);
    if (!n) return undefined;
    const first = n.inputs[0];
    const inRanks = () => n.inputs.filter((i) => i !== '').map((i) => this.rank(i));
    if (SAME_RANK.has(n.opType) && n.outputs[0] === v && first) return this.rank(first);
    if (BROADCAST.has(n.opType)) {
      const rs = inRanks();
      return rs.every((r): r is number => r !== undefined) ? Math.max(...rs) : undefined;
    }
    switch (n.opType) {
      case 'Reshape': {
        const shape = optionalInput(n, 1);
        const t = shape === undefined ? undefined : this.constant(shape);
        return t ? (t.dims[0] ?? 0) : undefined;
      }
      case 'Flatten':
        return 2;
      case 'Shape':
        return 1;
      case 'Size':
        return 0;
      case 'MatMul': {
        const [a, b] = inRanks();
        if (a === undefined || b === undefined) return undefined;
        if (a === 1 && b === 1) return 0;
        if (a === 1) return b - 1;
        if (b === 1) return a - 1;
        return Math.max(a, b);
      }
      case 'ReduceSum':
      case 'ReduceMean':
      case 'ReduceMax':
      case 'ReduceMin':
      case 'ReduceProd':
      case 'ReduceL2': {
        const r = first ? this.rank(first) : undefined;
        if (r === undefined || intAttr(n, 'keepdims', 1) === 1) return r;
        const axes = intsAttr(n, 'axes') ?? this.ints(optionalInput(n, 1));
        if (axes === undefined) return optionalInput(n, 1) === undefined ? 0 : undefined;
        return r - axes.length;
      }
      case 'Unsqueeze':
      case 'Squeeze': {
        const r = first ? this.rank(first) : undefined;
        const axes = intsAttr(n, 'axes') ?? this.ints(optionalInput(n, 1));
        if (r === undefined || axes === undefined) return undefined;
        return n.opType === 'Unsqueeze' ? r + axes.length : r - axes.length;
      }
      case 'Gather': {
        const [d, i] = inRanks();
        return d === undefined || i === undefined ? undefined : d - 1 + i;
      }
      default:
        return undefined;
    }
  }
}
