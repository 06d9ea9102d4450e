import { attr, type Graph } from '../../src/onnx/graph';
import { float32, int64 } from '../../src/onnx/tensor';
import { checkGradients, type Rng } from './harness';

const positive = (n: number, rng: Rng) => rng.array(n, 0.5, 2);
const binary = (op: string) => (g: Graph, x: Record<string, string>) => g.op(op, [x.a!, x.b!]);

describe('autodiff: broadcasting binary ops', () => {
  it('Add with the same shapes and with broadcasting, shapes known or not', async () => {
    await checkGradients({ runs: [{ a: [2, 3], b: [2, 3] }], build: binary('Add') });
    await checkGradients({ runs: [{ a: [2, 3, 4], b: [3, 1] }, { a: [1, 2, 5], b: [2, 1] }], build: binary('Add') });
    await checkGradients({ runs: [{ a: [2, 3, 4], b: [3, 1] }], declare: { a: [2, 3, 4], b: [3, 1] }, build: binary('Add') });
    // b broadcasts along a's axes and a along b's.
    await checkGradients({ runs: [{ a: [2, 1, 4], b: [3, 1] }], build: binary('Add') });
  });

  it('Sub against a per-channel tensor', async () => {
    await checkGradients({ runs: [{ a: [1, 3, 2, 2], b: [1, 3, 1, 1] }], build: binary('Sub') });
  });

  it('Mul with mutual broadcasting, and a square as Mul(x, x)', async () => {
    await checkGradients({ runs: [{ a: [2, 1, 4], b: [3, 1] }], build: binary('Mul') });
    await checkGradients({ runs: [{ a: [3, 4], b: [] }], build: binary('Mul') });
    await checkGradients({ runs: [{ x: [2, 5] }], build: (g, x) => g.op('Mul', [x.x!, x.x!]) });
  });

  it('Div in both operands, with broadcasting', async () => {
    const data = { a: (n: number, rng: Rng) => rng.array(n), b: positive };
    await checkGradients({ runs: [{ a: [2, 3], b: [2, 3] }], data, build: binary('Div') });
    await checkGradients({ runs: [{ a: [2, 3, 2], b: [3, 1] }], data, build: binary('Div') });
  });

  it('Pow with a constant exponent, and in the exponent too', async () => {
    for (const p of [2, 3, 0.5, -1.5]) {
      await checkGradients({
        runs: [{ x: [2, 3] }],
        data: { x: positive },
        build: (g, x) => g.op('Pow', [x.x!, g.constant('p', float32([], [p]))]),
      });
    }
    await checkGradients({ runs: [{ x: [2, 3] }], build: (g, x) => g.op('Pow', [x.x!, g.constant('p', int64([], [3]))]) });
    await checkGradients({ runs: [{ a: [2, 3], b: [3] }], data: { a: positive }, build: binary('Pow') });
  });

  it('Sum (variadic), Where and Expand', async () => {
    await checkGradients({ runs: [{ a: [2, 3], b: [3], c: [2, 1] }], build: (g, x) => g.op('Sum', [x.a!, x.b!, x.c!]) });
    await checkGradients({
      runs: [{ a: [2, 3], b: [3] }],
      build: (g, x) => g.op('Where', [g.op('Greater', [x.a!, g.constant('z', float32([], [0.1]))]), x.a!, x.b!]),
    });
    await checkGradients({ runs: [{ x: [3, 1] }], build: (g, x) => g.op('Expand', [x.x!, g.constant('s', int64([3], [2, 3, 4]))]) });
  });
});

describe('autodiff: unary ops', () => {
  const unary = (op: string, data?: (n: number, rng: Rng) => Float32Array, attrs = {}) =>
    checkGradients({ runs: [{ x: [2, 3, 4] }], data: data ? { x: data } : undefined, build: (g, x) => g.op(op, [x.x!], attrs) });
  const awayFromZero = (n: number, rng: Rng) => rng.awayFromZero(n);

  it('Relu, LeakyRelu and Abs away from their kinks', async () => {
    await unary('Relu', awayFromZero);
    await unary('LeakyRelu', awayFromZero, { alpha: attr.float(0.2) });
    await unary('Abs', awayFromZero);
  });

  it('Neg, Identity, Tanh, Sigmoid, Exp', async () => {
    for (const op of ['Neg', 'Identity', 'Tanh', 'Sigmoid', 'Exp']) await unary(op);
  });

  it('Sqrt and Log on positive inputs', async () => {
    await unary('Sqrt', positive);
    await unary('Log', positive);
  });

  it('Cast between floats passes the gradient; a Constant node is just a constant', async () => {
    await checkGradients({ runs: [{ x: [3] }], build: (g, x) => g.op('Tanh', [g.op('Cast', [x.x!], { to: 1 })]) });
    await checkGradients({
      runs: [{ x: [2, 2] }],
      build: (g, x) => g.op('Mul', [x.x!, g.op('Constant', [], { value: float32([2], [3, -2]) })]),
    });
  });
});
