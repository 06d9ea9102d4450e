import * as ort from 'onnxruntime-node';
import { Graph, attr, decodeModel, encodeModel, float32, int64 } from '@impasto/core/onnx';

async function run(g: Graph, feeds: Record<string, ort.Tensor>) {
  const s = await ort.InferenceSession.create(encodeModel(g));
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

describe('Graph builder', () => {
  it('builds a graph that onnxruntime-node loads and runs', async () => {
    const g = new Graph('affine');
    const x = g.input('x', 'float32', ['n', 3]);
    const w = g.constant('w', float32([3, 2], [1, 2, 3, 4, 5, 6]));
    const b = g.constant('b', float32([2], [0.5, -0.5]));
    const y = g.op('Add', [g.op('MatMul', [x, w]), b]);
    g.output(g.op('LeakyRelu', [y], { alpha: attr.float(1) }), 'y');
    const out = await run(g, { x: new ort.Tensor('float32', Float32Array.from([1, 0, -1, 2, 2, 2]), [2, 3]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([1 - 5 + 0.5, 2 - 6 - 0.5, 2 * 9 + 0.5, 2 * 12 - 0.5]);
  });

  it('names values uniquely, also inside scopes', () => {
    const g = new Graph();
    expect(g.fresh('a')).toBe('a');
    expect(g.fresh('a')).toBe('a_1');
    expect(g.scoped('block', () => [g.fresh('a'), g.fresh('a')])).toEqual(['block/a', 'block/a_1']);
  });

  it('round-trips through bytes and composes sub-graphs', async () => {
    const inner = new Graph('double');
    const v = inner.input('v', 'float32', [null]);
    inner.output(inner.op('Mul', [v, inner.constant('two', float32([], [2]))]), 'twice');
    const decoded = decodeModel(encodeModel(inner));
    expect(decoded.nodes.map((n) => n.opType)).toEqual(['Mul', 'Identity']);

    const outer = new Graph('outer');
    const x = outer.input('x', 'float32', [null]);
    const once = outer.include(decoded, { v: x }, 'first').twice!;
    const twice = outer.include(decoded, { v: once }, 'second').twice!;
    const shape = outer.constant('shape', int64([2], [2, -1]));
    outer.output(outer.op('Reshape', [twice, shape]), 'y');
    const out = await run(outer, { x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [4]) });
    expect(out.y!.dims).toEqual([2, 2]);
    expect(Array.from(out.y!.data as Float32Array)).toEqual([4, 8, 12, 16]);
  });
});
