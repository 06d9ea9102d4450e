import { ImpastoError } from '../errors';
import type { Graph, NodeDef } from './graph';

/** Batch size and spatial sizes of an image-like value; sizes may be fractional (see below). */
interface Extent {
  batch: number;
  spatial: number[];
}

// Ops after which height and width no longer follow the input's: a Conv past one cannot be counted.
const RESHAPING = new Set(['Resize', 'Upsample', 'Reshape', 'Flatten', 'Transpose', 'DepthToSpace', 'SpaceToDepth', 'Squeeze', 'Unsqueeze', 'Gemm', 'MatMul']);
const POOLS = new Set(['MaxPool', 'AveragePool', 'LpPool']);
const GLOBAL_POOLS = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool']);

/**
 * Floating-point operations of one run of `graph`: two per multiply-add of its Conv and
 * ConvTranspose nodes (biases, norms and activations are not counted). `inputDims` gives the
 * [N, C, ...spatial] dims of the graph inputs that carry images. Kernel shapes come from
 * initializers or from the declared shapes of graph inputs.
 *
 * Sizes are followed as a scale of the input's, not inferred exactly: a stride-s Conv or pool divides
 * them by s, a stride-s ConvTranspose multiplies them, and every other op keeps those of its first
 * image-derived input. The count thus ignores borders (SAME rounding of sizes a stride does not
 * divide, rows lost to VALID padding, pads and crops around a network) and is exactly proportional
 * to the number of pixels, which is what a throughput figure wants; where every stride divides the
 * sizes and padding is SAME it is the exact count.
 */
export function graphFlops(graph: Graph, inputDims: Readonly<Record<string, readonly number[]>>): number {
  const extents = new Map<string, Extent | 'lost'>();
  for (const [name, dims] of Object.entries(inputDims)) {
    if (!graph.inputs.some((i) => i.name === name)) throw new ImpastoError('INVALID_ARGUMENT', `graph ${graph.name} has no input '${name}'`);
    if (dims.length < 3 || dims.some((d) => !Number.isFinite(d) || d < 1)) {
      throw new ImpastoError('INVALID_ARGUMENT', `Expected [N, C, ...spatial] sizes for input '${name}' but received [${dims.join(', ')}]`);
    }
    extents.set(name, { batch: dims[0]!, spatial: dims.slice(2) });
  }
  let flops = 0;
  for (const node of graph.nodes) {
    // Values that never meet an image (shape arithmetic, constants) carry no extent.
    const first = node.inputs.map((v) => extents.get(v)).find((e) => e !== undefined);
    if (first === undefined) continue;
    let out: Extent | 'lost' = first;
    if (node.opType === 'Conv' || node.opType === 'ConvTranspose') {
      const x = imageInput(node, extents);
      const kernel = kernelShape(graph, node);
      const strides = ints(node, 'strides', x.spatial.length);
      const up = node.opType === 'ConvTranspose';
      out = { batch: x.batch, spatial: x.spatial.map((d, i) => (up ? d * strides[i]! : d / strides[i]!)) };
      // A Conv does kernel-size multiply-adds per output pixel; a ConvTranspose scatters as many per input pixel.
      flops += 2 * x.batch * product(up ? x.spatial : out.spatial) * product(kernel);
    } else if (first !== 'lost' && POOLS.has(node.opType)) {
      const strides = ints(node, 'strides', first.spatial.length);
      out = { batch: first.batch, spatial: first.spatial.map((d, i) => d / strides[i]!) };
    } else if (first !== 'lost' && GLOBAL_POOLS.has(node.opType)) {
      out = { batch: first.batch, spatial: first.spatial.map(() => 1) };
    } else if (RESHAPING.has(node.opType)) {
      out = 'lost';
    }
    for (const v of node.outputs) extents.set(v, out);
  }
  return flops;
}

function imageInput(node: NodeDef, extents: ReadonlyMap<string, Extent | 'lost'>): Extent {
  const x = extents.get(node.inputs[0]!);
  if (x === undefined || x === 'lost') {
    throw new ImpastoError('UNSUPPORTED_OP', `graphFlops cannot tell the size of ${node.opType} node ${node.name}'s input (not an image input, or past a reshape)`);
  }
  return x;
}

function kernelShape(graph: Graph, node: NodeDef): readonly number[] {
  const w = node.inputs[1]!;
  const dims = graph.initializers.get(w)?.dims ?? graph.inputs.find((i) => i.name === w)?.shape;
  if (!dims || dims.some((d) => typeof d !== 'number')) {
    throw new ImpastoError('UNSUPPORTED_OP', `graphFlops needs the kernel of ${node.opType} node ${node.name} as an initializer or an input of fixed shape`);
  }
  return dims as number[];
}

function ints(node: NodeDef, name: string, rank: number): number[] {
  const v = node.attributes[name];
  return Array.isArray(v) ? (v as number[]) : Array<number>(rank).fill(1);
}

function product(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}
