/**
 * Gradient registrations for the kernels the VGG loss uses.
 *
 * Why this file exists: `@tensorflow/tfjs-core`'s Node bundle registers no gradients (the umbrella
 * `@tensorflow/tfjs` package does that through `tfjs-core/dist/register_all_gradients`, which ships
 * only as ES modules, so neither Node's require nor jest can load it from here). These configs
 * restate TF.js's own ones (tfjs-core/src/gradients/*_grad.ts, Apache-2.0) with public ops only.
 * A kernel that already has a gradient (someone loaded the full set) is left alone.
 */
import * as tf from '@tensorflow/tfjs-core';

type Attrs = tf.NamedAttrMap;
type GradFn = (dy: tf.Tensor, saved: tf.Tensor[], attrs: Attrs) => Record<string, () => tf.Tensor>;

/** A GradConfig whose kernel has a single output, so dy is one tensor. */
function grad(kernelName: string, inputsToSave: string[], gradFunc: GradFn, outputsToSave?: boolean[]): tf.GradConfig {
  return { kernelName, inputsToSave, outputsToSave, gradFunc: (dy, saved, attrs) => gradFunc(dy as tf.Tensor, saved, attrs) };
}

/** Sum dy over the axes along which an input of `shape` was broadcast. */
function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, dy.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(dy, axes) : dy, shape);
}

function saved2(saved: tf.Tensor[]): [tf.Tensor, tf.Tensor] {
  const [a, b] = saved;
  if (!a || !b) throw new Error('gradient: missing saved tensors');
  return [a, b];
}

const configs: tf.GradConfig[] = [
  grad('Add', ['a', 'b'], (dy, saved) => {
    const [a, b] = saved2(saved);
    return { a: () => unbroadcast(dy, a.shape), b: () => unbroadcast(dy, b.shape) };
  }),
  grad('Sub', ['a', 'b'], (dy, saved) => {
    const [a, b] = saved2(saved);
    return { a: () => unbroadcast(dy, a.shape), b: () => unbroadcast(tf.neg(dy), b.shape) };
  }),
  grad('Multiply', ['a', 'b'], (dy, saved) => {
    const [a, b] = saved2(saved);
    return {
      a: () => unbroadcast(tf.mul(dy, b), a.shape),
      b: () => unbroadcast(tf.mul(dy, a), b.shape),
    };
  }),
  grad('SquaredDifference', ['a', 'b'], (dy, saved) => {
    const [a, b] = saved2(saved);
    const twoDiff = tf.mul(tf.scalar(2), tf.sub(a, b));
    return {
      a: () => unbroadcast(tf.mul(dy, twoDiff), a.shape),
      b: () => unbroadcast(tf.mul(dy, tf.neg(twoDiff)), b.shape),
    };
  }),
  grad('Sum', ['x'], (dy, saved, attrs) => {
    const x = saved[0]!;
    const keep = x.shape.slice();
    for (const ax of tf.util.parseAxisParam(attrs.axis as number | number[], x.shape)) keep[ax] = 1;
    return { x: () => tf.mul(tf.reshape(dy, keep), tf.ones(x.shape)) };
  }),
  grad('Reshape', ['x'], (dy, saved) => {
    const x = saved[0]!;
    return { x: () => tf.reshape(dy, x.shape) };
  }),
  grad('Reverse', [], (dy, _saved, attrs) => ({ x: () => tf.reverse(dy, attrs.dims as number[]) })),
  grad('Relu', ['x'], (dy, saved) => {
    const x = saved[0]!;
    return { x: () => tf.mul(dy, tf.step(x)) };
  }),
  grad('Conv2D', ['x', 'filter'], (dy, saved, attrs) => {
    const [x, filter] = saved2(saved);
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
    const d = typeof dilations === 'number' ? [dilations, dilations] : dilations;
    if (dataFormat !== 'NHWC' || d.some((v) => v !== 1)) throw new Error('Conv2D grad: NHWC, dilation 1 only');
    // The input gradient of a convolution is the transposed convolution (conv2DBackpropInput).
    // Only dx is given: the loss differentiates w.r.t. the image, never the filters.
    return {
      x: () =>
        tf.conv2dTranspose(dy as tf.Tensor4D, filter as tf.Tensor4D, x.shape as [number, number, number, number],
          strides, pad as 'same' | 'valid', dimRoundingMode),
    };
  }),
  grad('MaxPool', ['x'], (dy, saved, attrs) => {
    const [x, y] = saved2(saved);
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolAttrs;
    return {
      x: () =>
        tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y },
          { filterSize, strides, pad, dimRoundingMode } as unknown as Attrs) as tf.Tensor,
    };
    }, [true]),
  grad('BatchMatMul', ['a', 'b'], (dy, saved, attrs) => {
    const [a, b] = saved2(saved);
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const mm = tf.matMul;
    if (!transposeA && !transposeB) return { a: () => mm(dy, b, false, true), b: () => mm(a, dy, true, false) };
    if (!transposeA && transposeB) return { a: () => mm(dy, b, false, false), b: () => mm(dy, a, true, false) };
    if (transposeA && !transposeB) return { a: () => mm(b, dy, false, true), b: () => mm(a, dy, false, false) };
    return { a: () => mm(b, dy, true, true), b: () => mm(dy, a, true, true) };
  }),
];

let registered = false;

/** Registers the gradients above once per process (idempotent). */
export function registerLossGradients(): void {
  if (registered) return;
  registered = true;
  for (const c of configs) if (tf.getGradient(c.kernelName) == null) tf.registerGradient(c);
}
