import { Graph } from '../../src/onnx/graph';
import { float32, int64 } from '../../src/onnx/tensor';
import { ImpastoError } from '../../src/errors';
import { addGradients } from '../../src/autodiff';
import { checkGradients } from './harness';

const ints = (g: Graph, values: readonly number[]) => g.constant('i', int64([values.length], values));
const padWith = (mode: string, pads: readonly number[]) => (g: Graph, v: Record<string, string>) => g.op('Pad', [v.x!, ints(g, pads)], { mode });

/** The fast-style network's padding: H and W up to the next multiple of 4, amounts computed from Shape. */
function padToMultipleOf4(mode: string) {
  return (g: Graph, v: Record<string, string>) => {
    const hw = g.op('Slice', [g.op('Shape', [v.x!]), ints(g, [2]), ints(g, [4])]);
    const four = ints(g, [4, 4]);
    const pad = g.op('Mod', [g.op('Sub', [four, g.op('Mod', [hw, four])]), four]);
    const pads = g.op('Concat', [ints(g, [0, 0, 0, 0, 0, 0]), pad], { axis: 0 });
    return g.op('Pad', [v.x!, pads], { mode });
  };
}

/** Pads every entry of which is computed (begins and ends from different parts), run-time zeros included. */
function computedPads(mode: string) {
  return (g: Graph, v: Record<string, string>) => {
    const shape = g.op('Shape', [v.x!]);
    const begin = g.op('Mod', [shape, ints(g, [1, 2, 3, 2])]);
    const end = g.op('Mod', [shape, ints(g, [1, 1, 2, 3])]);
    return g.op('Pad', [v.x!, g.op('Concat', [begin, end], { axis: 0 })], { mode });
  };
}

function rejection(build: (g: Graph, x: string) => string): ImpastoError {
  const g = new Graph();
  const x = g.input('x', 'float32');
  const loss = g.op('ReduceSum', [build(g, x)], { keepdims: 0 });
  try {
    addGradients(g, loss, [x]);
  } catch (e) {
    if (e instanceof ImpastoError) return e;
    throw e;
  }
  throw new Error('addGradients did not throw');
}

describe('autodiff: Pad in edge and reflect modes', () => {
  it('edge: both sides of H and W, and pads wider than the input', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 3, 4] }, { x: [2, 1, 5, 3] }], build: padWith('edge', [0, 0, 1, 2, 0, 0, 2, 1]) });
    await checkGradients({ runs: [{ x: [1, 1, 2, 3] }], build: padWith('edge', [0, 0, 3, 0, 0, 0, 0, 4]) });
    await checkGradients({ runs: [{ x: [1, 1, 1, 3] }], build: padWith('edge', [0, 0, 2, 1, 0, 0, 1, 0]) });
  });

  it('reflect: both sides, up to length - 1 on each', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 4, 5] }, { x: [1, 1, 7, 6] }], build: padWith('reflect', [0, 0, 2, 1, 0, 0, 3, 4]) });
    await checkGradients({ runs: [{ x: [1, 1, 2, 3] }], build: padWith('reflect', [0, 0, 1, 0, 0, 0, 1, 2]) });
  });

  it('every axis of a 3-D tensor, batch included', async () => {
    await checkGradients({ runs: [{ x: [2, 3, 4] }], build: padWith('edge', [1, 0, 2, 0, 2, 1]) });
    await checkGradients({ runs: [{ x: [2, 3, 4] }], build: padWith('reflect', [1, 2, 0, 1, 1, 3]) });
  });

  it('the axes input of opset 18, negative axes on a known rank', async () => {
    for (const mode of ['edge', 'reflect']) {
      await checkGradients({
        runs: [{ x: [1, 2, 4, 5] }, { x: [2, 1, 3, 3] }],
        declare: { x: ['n', 'c', 'h', 'w'] },
        build: (g, v) => {
          g.opset = 18;
          return g.op('Pad', [v.x!, ints(g, [2, 1, 1, 2]), '', ints(g, [-1, 2])], { mode });
        },
      });
    }
  });

  it("the fast-style network's run-time pads (Shape, Mod, Concat), at sizes needing 0 to 3 rows", async () => {
    const runs = [{ x: [1, 3, 5, 6] }, { x: [1, 3, 4, 4] }, { x: [1, 3, 7, 9] }];
    for (const mode of ['edge', 'reflect']) {
      await checkGradients({ runs, declare: { x: [1, 3, 'height', 'width'] }, build: padToMultipleOf4(mode) });
    }
  });

  it('run-time pads after a 2x Resize, as a decoder stage has them (the rank is known through the Resize)', async () => {
    await checkGradients({
      runs: [{ x: [1, 2, 3, 2] }, { x: [1, 2, 2, 3] }],
      declare: { x: [1, 2, 'h', 'w'] },
      build: (g, v) => {
        const up = g.op('Resize', [v.x!, '', g.constant('scales', float32([4], [1, 1, 2, 2]))], { mode: 'linear' });
        return padToMultipleOf4('reflect')(g, { x: up });
      },
    });
  });

  it('pads computed entirely at run time, some of them zero at run time', async () => {
    const runs = [{ x: [1, 2, 4, 5] }, { x: [1, 3, 3, 4] }];
    for (const mode of ['edge', 'reflect']) {
      await checkGradients({ runs, declare: { x: ['n', 'c', 'h', 'w'] }, build: computedPads(mode) });
    }
  });

  it('rejects wrap mode, negative pads, and run-time pads on an input of unknown rank', () => {
    const pads = (g: Graph, v: readonly number[]) => ints(g, v);
    const wrap = rejection((g, x) => g.op('Pad', [x, pads(g, [0, 1, 0, 1])], { mode: 'wrap' }, { name: 'p' }));
    expect([wrap.code, wrap.message]).toEqual(['UNSUPPORTED_OP', "no gradient for ONNX op 'Pad' in mode 'wrap' (node 'p_node')"]);
    const negative = rejection((g, x) => g.op('Pad', [x, pads(g, [0, -1, 0, 1])], { mode: 'edge' }, { name: 'p' }));
    expect([negative.code, negative.message]).toEqual(['UNSUPPORTED_OP', "no gradient for ONNX op 'Pad' in mode 'edge' with negative pads (node 'p_node')"]);
    const unranked = rejection((g, x) => g.op('Pad', [x, g.op('Shape', [x])], { mode: 'reflect' }, { name: 'p' }));
    expect(unranked.code).toBe('UNSUPPORTED_OP');
    expect(unranked.message).toContain('unknown rank');
  });
});
