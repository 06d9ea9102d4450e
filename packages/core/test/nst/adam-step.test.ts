import * as ort from 'onnxruntime-node';
import { ADAM_STEP_IO, withAdamStep } from '../../src/nst/adam-step';
import { OBJECTIVE_IO } from '../../src/nst/objective';
import { Adam } from '../../src/optim/adam';
import { Graph } from '../../src/onnx/graph';
import { encodeModel } from '../../src/onnx/serialize';

const DIMS = [1, 3, 4, 5];
const N = 60;

/** A stand-in objective: loss = mean((x − 300)²), whose gradient pushes x past 255 (so the clamp matters). */
function objective(): Graph {
  const g = new Graph('toy');
  const x = g.input(OBJECTIVE_IO.x, 'float32', [1, 3, 'height', 'width']);
  const scalar = (v: number) => g.constant('c', { type: 'float32', dims: [], data: Float32Array.of(v) });
  const d = g.op('Sub', [x, scalar(300)]);
  g.output(g.op('ReduceMean', [g.op('Mul', [d, d])], { keepdims: 0 }), OBJECTIVE_IO.loss, 'float32', []);
  g.output(g.op('Mul', [d, scalar(2 / N)]), OBJECTIVE_IO.grad, 'float32', [1, 3, 'height', 'width']);
  return g;
}

describe('withAdamStep: one NST iteration in the graph', () => {
  it('k runs fed their own outputs take the same steps as Adam.step plus the 0..255 clamp', async () => {
    const lr = 7;
    const session = await ort.InferenceSession.create(encodeModel(withAdamStep(objective())));
    const start = Float32Array.from({ length: N }, (_, i) => (i * 37) % 256);
    let [x, m, v]: [ort.Tensor, ort.Tensor, ort.Tensor] = [new ort.Tensor('float32', Float32Array.from(start), DIMS), new ort.Tensor('float32', new Float32Array(N), DIMS), new ort.Tensor('float32', new Float32Array(N), DIMS)];
    const reference = Float32Array.from(start);
    const adam = new Adam({ lr });
    for (let t = 1; t <= 12; t++) {
      const out = await session.run({ [OBJECTIVE_IO.x]: x, [ADAM_STEP_IO.m]: m, [ADAM_STEP_IO.v]: v, [ADAM_STEP_IO.t]: new ort.Tensor('float32', Float32Array.of(t), []), [ADAM_STEP_IO.lr]: new ort.Tensor('float32', Float32Array.of(lr), []) });
      [x, m, v] = [out[ADAM_STEP_IO.xNext]!, out[ADAM_STEP_IO.mNext]!, out[ADAM_STEP_IO.vNext]!];
      const grad = reference.map((p) => ((p - 300) * 2) / N);
      adam.step(reference, grad);
      reference.forEach((p, i) => (reference[i] = Math.min(255, Math.max(0, p))));
    }
    const got = x.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < N; i++) worst = Math.max(worst, Math.abs(got[i]! - reference[i]!));
    expect(worst).toBeLessThan(1e-3);
    expect(Math.max(...got)).toBe(255); // the clamp held pixels the gradient pushed past 255
    expect(Array.from(got).some((p, i) => p !== start[i])).toBe(true);
    await session.release();
  });
});
