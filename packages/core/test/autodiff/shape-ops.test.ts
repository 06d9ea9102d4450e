import { Graph } from '../../src/onnx/graph';
import { addGradients } from '../../src/autodiff';
import { float32, int64 } from '../../src/onnx/tensor';
import { checkGradients } from './harness';

const ints = (g: Graph, values: readonly (number | bigint)[]) => g.constant('i', int64([values.length], values));
const BIG = 0x7fffffffffffffffn;

describe('autodiff: layout ops', () => {
  it('Concat along channels (one input constant) and along the last axis', async () => {
    await checkGradients({
      runs: [{ a: [1, 2, 3, 2], b: [1, 1, 3, 2] }, { a: [1, 2, 2, 4], b: [1, 3, 2, 4] }],
      build: (g, v) => g.op('Concat', [v.a!, g.op('Neg', [v.b!]), v.a!, g.op('Slice', [v.a!, ints(g, [0]), ints(g, [1]), ints(g, [1])])], { axis: 1 }),
    });
    await checkGradients({ runs: [{ a: [2, 3], b: [2, 1] }], build: (g, v) => g.op('Concat', [v.a!, v.b!], { axis: -1 }) });
  });

  it('Transpose with a perm and without', async () => {
    await checkGradients({ runs: [{ x: [2, 3, 4] }], build: (g, v) => g.op('Transpose', [v.x!], { perm: [1, 2, 0] }) });
    await checkGradients({ runs: [{ x: [2, 3, 4] }], build: (g, v) => g.op('Transpose', [v.x!]) });
  });

  it('Reshape, Flatten, Squeeze and Unsqueeze', async () => {
    await checkGradients({ runs: [{ x: [2, 3, 4] }], build: (g, v) => g.op('Reshape', [v.x!, ints(g, [4, -1])]) });
    await checkGradients({ runs: [{ x: [2, 3, 2, 2] }], build: (g, v) => g.op('Flatten', [v.x!], { axis: 2 }) });
    await checkGradients({ runs: [{ x: [2, 1, 3] }], build: (g, v) => g.op('Squeeze', [v.x!, ints(g, [1])]) });
    await checkGradients({ runs: [{ x: [2, 3] }], build: (g, v) => g.op('Unsqueeze', [v.x!, ints(g, [0, -1])]) });
  });

  it('Slice: negative and out-of-range bounds, omitted axes, steps', async () => {
    const slice = (starts: (number | bigint)[], ends: (number | bigint)[], axes?: number[], steps?: number[]) => (g: Graph, v: Record<string, string>) =>
      g.op('Slice', [v.x!, ints(g, starts), ints(g, ends), ...(axes ? [ints(g, axes)] : steps ? [''] : []), ...(steps ? [ints(g, steps)] : [])]);
    const runs = [{ x: [3, 5, 4] }, { x: [4, 6, 3] }];
    await checkGradients({ runs, build: slice([1, -4], [BIG, -1], [1, -1]) });
    await checkGradients({ runs, build: slice([0, 1], [-1, 100]) });
    await checkGradients({ runs, build: slice([-100, 1], [2, BIG], [2, 0], [1, 1]) });
    await checkGradients({ runs, build: slice([0, -1], [BIG, -100], [1, 2], [2, -1]) });
  });

  it('Pad in constant mode, positive and negative pads', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 3, 4] }], build: (g, v) => g.op('Pad', [v.x!, ints(g, [0, 0, 1, 2, 0, 1, 0, 1])]) });
    await checkGradients({
      runs: [{ x: [2, 5, 4] }],
      build: (g, v) => g.op('Pad', [v.x!, ints(g, [0, -1, 2, 1, 1, -2]), g.constant('c', float32([], [0.5]))]),
    });
  });
});

describe('autodiff: reductions and products', () => {
  it('ReduceSum: axes input with keepdims 0 and 1, no axes', async () => {
    for (const keepdims of [0, 1]) {
      await checkGradients({ runs: [{ x: [2, 3, 4] }], build: (g, v) => g.op('ReduceSum', [v.x!, ints(g, [0, -1])], { keepdims }) });
      await checkGradients({ runs: [{ x: [2, 3] }], build: (g, v) => g.op('ReduceSum', [v.x!], { keepdims }) });
    }
  });

  it('ReduceMean: axes attribute with keepdims 0 and 1, no axes', async () => {
    for (const keepdims of [0, 1]) {
      await checkGradients({ runs: [{ x: [2, 3, 4] }, { x: [3, 2, 5] }], build: (g, v) => g.op('ReduceMean', [v.x!], { axes: [1, 2], keepdims }) });
      await checkGradients({ runs: [{ x: [2, 3] }], build: (g, v) => g.op('ReduceMean', [v.x!], { keepdims }) });
    }
  });

  it('MatMul: matrices, batched, broadcast batches, shapes known or not', async () => {
    const mm = (g: Graph, v: Record<string, string>) => g.op('MatMul', [v.a!, v.b!]);
    await checkGradients({ runs: [{ a: [3, 4], b: [4, 2] }], build: mm });
    await checkGradients({ runs: [{ a: [3, 4], b: [4, 2] }], declare: { a: [3, 4], b: [4, 2] }, build: mm });
    await checkGradients({ runs: [{ a: [2, 3, 4], b: [4, 2] }], build: mm });
    await checkGradients({ runs: [{ a: [2, 3, 4], b: [4, 2] }], declare: { a: [null, 3, 4], b: [4, 2] }, build: mm });
    await checkGradients({ runs: [{ a: [3, 4], b: [2, 4, 2] }], declare: { a: [3, 4], b: ['n', 4, 2] }, build: mm });
    await checkGradients({ runs: [{ a: [2, 1, 3, 4], b: [3, 4, 2] }], build: mm });
  });

  it('MatMul of a matrix with its own transpose (the Gram form, one fused product), and with a shared transpose', async () => {
    const gramOf = (g: Graph, v: Record<string, string>) => g.op('MatMul', [v.a!, g.op('Transpose', [v.a!], { perm: [1, 0] })]);
    await checkGradients({ runs: [{ a: [3, 5] }], declare: { a: [3, 5] }, build: gramOf });
    await checkGradients({ runs: [{ a: [4, 2] }], declare: { a: [null, null] }, build: gramOf });
    // The transpose read elsewhere too: the general rule, so its other gradient is not lost.
    await checkGradients({ runs: [{ a: [3, 4] }], declare: { a: [3, 4] }, build: (g, v) => {
      const t = g.op('Transpose', [v.a!], { perm: [1, 0] });
      return g.op('Add', [g.op('MatMul', [v.a!, t]), g.op('ReduceSum', [t], { keepdims: 0 })]);
    } });
    const g = new Graph('gram');
    const a = g.input('a', 'float32', [3, 5]);
    const loss = g.op('ReduceSum', [g.op('MatMul', [a, g.op('Transpose', [a], { perm: [1, 0] })])], { keepdims: 0 });
    addGradients(g, loss, ['a']);
    expect(g.nodes.filter((n) => n.opType === 'MatMul')).toHaveLength(2);
    expect(g.nodes.some((n) => n.name.includes('gram_da'))).toBe(true);
  });

  it('MatMul with vector operands', async () => {
    const mm = (g: Graph, v: Record<string, string>) => g.op('MatMul', [v.a!, v.b!]);
    await checkGradients({ runs: [{ a: [4], b: [4, 2] }], declare: { a: [4], b: [4, 2] }, build: mm });
    await checkGradients({ runs: [{ a: [4], b: [2, 4, 3] }], declare: { a: [4], b: [2, 4, 3] }, build: mm });
    await checkGradients({ runs: [{ a: [2, 3, 4], b: [4] }], declare: { a: [2, 3, 4], b: [4] }, build: mm });
    await checkGradients({ runs: [{ a: [4], b: [4] }], declare: { a: [4], b: [4] }, build: mm });
  });

  it('Gather along axis 0 with repeated and negative indices', async () => {
    await checkGradients({ runs: [{ x: [4, 3] }], build: (g, v) => g.op('Gather', [v.x!, g.constant('i', int64([2, 2], [0, 2, -1, 0]))]) });
    await checkGradients({ runs: [{ x: [4, 3] }], build: (g, v) => g.op('Gather', [v.x!, g.constant('i', int64([], [1]))], { axis: 0 }) });
  });

  it('InstanceNormalization: input, scale and bias', async () => {
    await checkGradients({
      runs: [{ x: [2, 3, 3, 4], s: [3], b: [3] }, { x: [1, 3, 5, 2], s: [3], b: [3] }],
      build: (g, v) => g.op('InstanceNormalization', [v.x!, v.s!, v.b!], { epsilon: 1e-3 }),
    });
  });
});
