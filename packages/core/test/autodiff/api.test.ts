import * as ort from 'onnxruntime-node';
import { Graph } from '../../src/onnx/graph';
import { decodeModel, encodeModel } from '../../src/onnx/serialize';
import { float32, int64 } from '../../src/onnx/tensor';
import { ImpastoError } from '../../src/errors';
import { addGradients, differentiableOps, gradientGraph } from '../../src/autodiff';
import { session } from './harness';

const tensor = (data: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(data), dims);
const values = (t: ort.Tensor | undefined) => Array.from(t!.data as Float32Array);

async function runOnce(g: Graph, feeds: Record<string, ort.Tensor>) {
  const s = await session(g);
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

function sumLoss(g: Graph, v: string): string {
  return g.op('ReduceSum', [v], { keepdims: 0 });
}

describe('autodiff: API', () => {
  it('names the op without a gradient rule and leaves the graph as it was', () => {
    const g = new Graph();
    const x = g.input('x', 'float32');
    const loss = sumLoss(g, g.op('Erf', [g.op('Relu', [x])], {}, { name: 'my_erf' }));
    const before = { nodes: g.nodes.length, inits: g.initializers.size };
    let error: unknown;
    try {
      addGradients(g, loss, [x]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImpastoError);
    expect((error as ImpastoError).code).toBe('UNSUPPORTED_OP');
    expect((error as ImpastoError).message).toBe("no gradient for ONNX op 'Erf' (node 'my_erf_node')");
    expect({ nodes: g.nodes.length, inits: g.initializers.size }).toEqual(before);
  });

  it('rejects wrap Pad on the path and restores the graph, MaxPool rewrite included', () => {
    const g = new Graph();
    const x = g.input('x', 'float32');
    // Backward visits MaxPool (which adds an Indices output to its node) before it meets the Pad.
    const padded = g.op('Pad', [x, g.constant('p', int64([8], [0, 0, 1, 1, 0, 0, 1, 1]))], { mode: 'wrap' });
    const loss = sumLoss(g, g.op('MaxPool', [padded], { kernel_shape: [2, 2] }));
    const nodes = [...g.nodes];
    const inits = [...g.initializers.keys()];
    expect(() => addGradients(g, loss, [x])).toThrow("no gradient for ONNX op 'Pad' in mode 'wrap'");
    expect(g.nodes).toEqual(nodes);
    expect(g.nodes[1]!.outputs).toHaveLength(1);
    expect([...g.initializers.keys()]).toEqual(inits);
  });

  it('ignores unsupported ops off the path, including ones fed only through shapes', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32');
    const other = g.input('other', 'float32');
    const offPath = g.op('Erf', [other]); // does not depend on x
    const shapeOnly = g.op('Cast', [g.op('Shape', [g.op('Erf', [x])])], { to: 1 }); // depends on x only through Shape
    const y = g.op('Add', [g.op('Mul', [x, offPath]), g.op('ReduceSum', [shapeOnly], { keepdims: 0 })]);
    const grads = addGradients(g, sumLoss(g, y), [x]);
    g.output(grads.x!, 'dx');
    const out = await runOnce(g, { x: tensor([1, 2, 3], [3]), other: tensor([0, 1, -1], [3]) });
    const erf1 = 0.8427007929497149;
    values(out.dx).forEach((v, i) => expect(v).toBeCloseTo([0, erf1, -erf1][i]!, 6));
  });

  it('accumulates gradients of values used several times', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32');
    // y = x·x + 3x + x  →  dy/dx = 2x + 4
    const y = g.op('Sum', [g.op('Mul', [x, x]), g.op('Mul', [x, g.constant('three', float32([], [3]))]), x]);
    const grads = addGradients(g, sumLoss(g, y), [x]);
    g.output(grads.x!, 'dx');
    const out = await runOnce(g, { x: tensor([1, -2, 0.5], [3]) });
    expect(values(out.dx)).toEqual([6, 0, 5]);
  });

  it('gives zeros for a wrt value the loss does not depend on, and gradients at intermediate values', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32');
    const unused = g.input('unused', 'float32');
    const h = g.op('Mul', [x, g.constant('two', float32([], [2]))]);
    const loss = sumLoss(g, g.op('Mul', [h, h]));
    const grads = addGradients(g, loss, [x, unused, h]);
    g.output(grads.x!, 'dx');
    g.output(grads.unused!, 'dunused');
    g.output(grads[h]!, 'dh');
    const out = await runOnce(g, { x: tensor([1, 2], [2]), unused: tensor([5, 5, 5], [3]) });
    expect(values(out.dh)).toEqual([4, 8]); // 2h
    expect(values(out.dx)).toEqual([8, 16]); // 8x
    expect(out.dunused!.dims).toEqual([3]);
    expect(values(out.dunused)).toEqual([0, 0, 0]);
  });

  it('gradientGraph returns a copy with the loss and gradient as outputs, leaving the forward graph alone', async () => {
    const forward = new Graph('fwd');
    const x = forward.input('x', 'float32', [1, 1, 'h', 'w']);
    const pooled = forward.op('MaxPool', [forward.op('Tanh', [x])], { kernel_shape: [2, 2], strides: [2, 2] });
    forward.output(pooled, 'pooled');
    const loss = sumLoss(forward, pooled);
    const snapshot = encodeModel(forward);

    const g = gradientGraph(forward, loss, x, 'dx');
    expect(encodeModel(forward)).toEqual(snapshot);
    expect(g.outputs.map((o) => o.name)).toEqual([loss, 'dx']);
    // It also survives a round trip through bytes.
    const s = await session(decodeModel(encodeModel(g)));
    const data = [0.1, 0.9, -0.3, 0.2, 0.5, 0.4, 0.7, -1];
    const out = await s.run({ x: tensor(data, [1, 1, 2, 4]) });
    await s.release();
    const dtanh = (v: number) => 1 - Math.tanh(v) ** 2;
    const expected = [0, dtanh(0.9), 0, 0, 0, 0, dtanh(0.7), 0];
    values(out.dx).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    expect(values(out[loss])[0]).toBeCloseTo(Math.tanh(0.9) + Math.tanh(0.7), 6);
  });

  it('differentiates with respect to an initializer (a weight)', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32');
    const w = g.constant('w', float32([2], [3, -1]));
    const loss = sumLoss(g, g.op('Mul', [g.op('Mul', [x, w]), w])); // Σ x·w²  →  d/dw = 2·x·w
    g.output(addGradients(g, loss, [w])[w]!, 'dw');
    const out = await runOnce(g, { x: tensor([0.5, 2], [2]) });
    expect(values(out.dw)).toEqual([3, -4]);
  });

  it('rejects names that are not in the graph, and lists the ops it differentiates', () => {
    const g = new Graph();
    const x = g.input('x', 'float32');
    expect(() => addGradients(g, sumLoss(g, x), ['nope'])).toThrow("'nope' is not a value of graph 'impasto'");
    const ops = differentiableOps();
    for (const op of ['Conv', 'MaxPool', 'AveragePool', 'MatMul', 'InstanceNormalization', 'Shape']) expect(ops).toContain(op);
  });
});
