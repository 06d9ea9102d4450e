/**
 * The exact rewrites every fast-style session runs (`optimizeFastStyleGraph`), with random weights:
 * the output layer's 9×9 convolution as rows then columns leaves the network's output as it was.
 */
import * as ort from 'onnxruntime-node';
import { FST_INPUT, FST_OUTPUT, buildFastStyleGraph } from '../../src/fst/network';
import { optimizeFastStyleGraph } from '../../src/fst/optimize';
import { rowsThenColumns } from '../../src/fst/rows-then-columns';
import { Graph } from '../../src/onnx/graph';
import { decodeModel, encodeModel } from '../../src/onnx/serialize';
import { float32 } from '../../src/onnx/tensor';
import { Rng } from '../../src/optim/rng';
import { noiseImage, runGraph } from '../nets/helpers';
import { randomParams } from './random-params';

const clone = (g: Graph) => decodeModel(encodeModel(g));
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('rowsThenColumns', () => {
  const conv = (attrs: Record<string, unknown>, out = 3, k = 5) => {
    const g = new Graph('one');
    const x = g.input('x', 'float32', [1, 4, 9, 11]);
    g.initializers.set(g.reserve('w'), float32([out, 4, k, k], new Rng(1).fillGaussian(new Float32Array(out * 4 * k * k), 1, 0)));
    g.output(g.op('Conv', [x, 'w'], attrs as never), 'y');
    return g;
  };
  const feed = { x: new ort.Tensor('float32', new Rng(2).fillGaussian(new Float32Array(396), 1, 0), [1, 4, 9, 11]) };

  it.each([
    ['auto_pad SAME_UPPER', { auto_pad: 'SAME_UPPER' }],
    ['explicit pads', { pads: [2, 2, 2, 2] }],
  ])('a k×k SAME conv with few outputs (%s) becomes a 1×k conv, a depthwise k×1 and a 1×1 one, same sums', async (_what, attrs) => {
    const g = conv(attrs);
    const rewritten = clone(g);
    rowsThenColumns(rewritten);
    const convs = rewritten.nodes.filter((n) => n.opType === 'Conv');
    expect(convs.map((n) => n.attributes.group ?? 1)).toEqual([1, 16, 1]);
    expect(rewritten.initializers.get('w')?.dims).toEqual([3, 4, 5, 5]); // the parameter keeps its name and layout
    const [a, b] = [(await runGraph(g, feed)).y!, (await runGraph(rewritten, feed)).y!];
    expect(b.dims).toEqual(a.dims);
    expect(maxAbs(a.data as Float32Array, b.data as Float32Array)).toBeLessThan(1e-4);
  });

  it.each([
    ['many outputs', conv({ auto_pad: 'SAME_UPPER' }, 16)],
    ['a 3×3 kernel', conv({ auto_pad: 'SAME_UPPER' }, 3, 3)],
    ['a stride', conv({ auto_pad: 'SAME_UPPER', strides: [2, 2] })],
    ['VALID padding', conv({})],
  ])('leaves alone a conv with %s', (_what, g) => {
    const before = encodeModel(g);
    rowsThenColumns(g);
    expect(Buffer.from(encodeModel(g)).equals(Buffer.from(before))).toBe(true);
  });
});

describe('optimizeFastStyleGraph', () => {
  it('rewrites only the output layer and leaves the network output as it was', async () => {
    const g = buildFastStyleGraph(randomParams(4));
    const fast = optimizeFastStyleGraph(clone(g));
    const changed = new Set(fast.nodes.filter((n) => !g.nodes.some((m) => m.name === n.name)).map((n) => n.name.split('/')[0]));
    expect([...changed]).toEqual(['conv4']);
    const x = noiseImage(36, 28, 5);
    const run = async (graph: Graph) => (await runGraph(graph, { [FST_INPUT]: x }))[FST_OUTPUT]!.data as Float32Array;
    expect(maxAbs(await run(g), await run(fast))).toBeLessThan(2e-3);
  });
});
