import { fastStyleParameterShapes } from '../../src/fst/network';
import { float32, type TensorData } from '../../src/onnx/tensor';
import { Rng } from '../../src/optim/rng';

/** Small random fast-style parameters (kernels scaled by fan-in, so the activations stay in tanh's working range). */
export function randomParams(seed: number): Record<string, TensorData<'float32'>> {
  const rng = new Rng(seed);
  return Object.fromEntries(
    Object.entries(fastStyleParameterShapes()).map(([name, shape]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const kind = name.slice(name.lastIndexOf('.') + 1);
      const std = kind === 'kernel' ? 1 / Math.sqrt(n / shape[0]!) : 0.3;
      const mean = kind === 'gamma' ? 1 : 0;
      return [name, float32(shape, rng.fillGaussian(new Float32Array(n), std, mean))];
    }),
  );
}
