import { addGradients } from '../autodiff/gradients';
import { addFastStyleNetwork, fastStyleParameterShapes } from '../fst/network';
import type { FeatureNet } from '../nets/feature-net';
import { Graph } from '../onnx/graph';
import { int64 } from '../onnx/tensor';
import { batchedGram } from '../nst/gram';
import type { AdamOptions } from '../optim/adam';
import { addAdamUpdate } from '../optim/adam-graph';

/** Input and output names of the training and style-target graphs. */
export const TRAIN_IO = {
  /** float32 [N, 3, S, S]: a batch of photos, RGB 0..255. */
  images: 'images',
  /** The style-target graph's input: the painting, [1, 3, h, w] RGB 0..255. */
  painting: 'painting',
  /** A style layer's Gram target: the style-target graph's output, the training graph's input, [1, C, C]. */
  styleTarget: (layer: string) => `style.${layer}`,
  /** float32 scalar inputs: each term's weight. */
  weight: (term: TrainingTerm) => `${term}.weight`,
  /** Outputs: the weighted terms and their sum. */
  loss: 'loss',
  term: (term: TrainingTerm) => `${term}.loss`,
  /** Output: d loss / d parameter, shaped like the parameter (the gradient graph). */
  grad: (param: string) => `${param}.grad`,
  /** The step graph's Adam state: each parameter's moments in, the parameter and moments after the step out. */
  m: (param: string) => `${param}.m`,
  v: (param: string) => `${param}.v`,
  next: (param: string) => `${param}.next`,
  mNext: (param: string) => `${param}.m_next`,
  vNext: (param: string) => `${param}.v_next`,
  /** float32 scalar inputs of the step graph: the step's number (1 for the first) and size. */
  adamT: 'adam.t',
  adamLr: 'adam.lr',
  /** The forward graph's output: the batch stylized, [N, 3, S, S], 0..255 unclamped. */
  stylized: 'stylized',
} as const;

export const TRAINING_TERMS = ['content', 'style', 'tv'] as const;
export type TrainingTerm = (typeof TRAINING_TERMS)[number];

/** The perceptual loss's layers on the loss net (canonical names). */
export interface PerceptualLayers {
  readonly content: string;
  readonly style: readonly string[];
}

/**
 * The style targets: input `painting`, one Gram matrix per style layer (`style.<layer>`,
 * [1, C, C], normalised by C·H·W as the training loss's Grams are).
 */
export function buildStyleTargetGraph(net: FeatureNet, layers: PerceptualLayers): Graph {
  const g = new Graph(`${net.id}_style_targets`);
  const painting = g.input(TRAIN_IO.painting, 'float32', [1, 3, 'height', 'width']);
  const feats = net.addTo(g, painting, layers.style);
  for (const layer of layers.style) g.output(g.scoped(layer, () => batchedGram(g, feats[layer]!)), TRAIN_IO.styleTarget(layer));
  return g;
}

/**
 * The training graph (Johnson et al. 2016, with lengstrom/fast-style-transfer's
 * normalisations): the fast-style network with its parameters as graph inputs (named like the
 * parameters) applied to `images`; the perceptual loss of the batch —
 * content: mean over the batch of (F(y) − F(x))² at the content layer;
 * style: Σ over style layers of the mean over the batch of (G(y) − S)², Grams ÷ (C·H·W);
 * tv: the mean squared step between vertical neighbours plus that between horizontal ones —
 * each times its fed weight; and the gradient of the loss with respect to every parameter
 * (`TRAIN_IO.grad`). Batch and size are dynamic: one graph serves every batch.
 */
export function buildTrainingGraph(net: FeatureNet, layers: PerceptualLayers): Graph {
  return build(net, layers, (g, p, grad) => void g.output(grad, TRAIN_IO.grad(p), 'float32', fastStyleParameterShapes()[p]));
}

/**
 * One whole training step in one graph: `buildTrainingGraph` with Adam's update of every parameter
 * appended (`addAdamUpdate`, `Adam.step`'s arithmetic). Inputs add each parameter's moments and
 * `adam.t`, `adam.lr`; outputs are the losses and each parameter and moment after the step, so a
 * run fed its own outputs is the next step, and on a GPU everything stays in device memory.
 */
export function buildTrainingStepGraph(net: FeatureNet, layers: PerceptualLayers, adam: Omit<AdamOptions, 'lr'> = {}): Graph {
  const shapes = fastStyleParameterShapes();
  let t: string | undefined;
  let lr: string | undefined;
  return build(net, layers, (g, p, grad) => {
    t ??= g.input(TRAIN_IO.adamT, 'float32', []);
    lr ??= g.input(TRAIN_IO.adamLr, 'float32', []);
    const shape = shapes[p]!;
    const moments = { m: g.input(TRAIN_IO.m(p), 'float32', shape), v: g.input(TRAIN_IO.v(p), 'float32', shape) };
    const step = g.scoped(`adam/${p}`, () => addAdamUpdate(g, { param: p, grad, ...moments, t: t!, lr: lr! }, adam));
    g.output(step.next, TRAIN_IO.next(p), 'float32', shape);
    g.output(step.mNext, TRAIN_IO.mNext(p), 'float32', shape);
    g.output(step.vNext, TRAIN_IO.vNext(p), 'float32', shape);
  });
}

function build(net: FeatureNet, layers: PerceptualLayers, perParam: (g: Graph, param: string, grad: string) => void): Graph {
  const g = new Graph(`fast_style_training_${net.id}`);
  const images = g.input(TRAIN_IO.images, 'float32', ['batch', 3, 'height', 'width']);
  const y = addFastStyleNetwork(g, images, { bind: 'input' });
  const values = addPerceptualLoss(g, net, layers, images, y);
  const params = Object.keys(fastStyleParameterShapes());
  const grads = addGradients(g, values.loss, params);
  g.output(values.loss, TRAIN_IO.loss, 'float32', []);
  for (const t of TRAINING_TERMS) g.output(values[t], TRAIN_IO.term(t), 'float32', []);
  for (const p of params) perParam(g, p, grads[p]!);
  return g;
}

/** The network alone with its parameters as inputs: `images` in, `stylized` out (previews, checks). */
export function buildTrainingForwardGraph(): Graph {
  const g = new Graph('fast_style_forward');
  const images = g.input(TRAIN_IO.images, 'float32', ['batch', 3, 'height', 'width']);
  g.output(addFastStyleNetwork(g, images, { bind: 'input' }), TRAIN_IO.stylized, 'float32', ['batch', 3, 'height', 'width']);
  return g;
}

function addPerceptualLoss(g: Graph, net: FeatureNet, layers: PerceptualLayers, images: string, y: string): Record<TrainingTerm | 'loss', string> {
  const wanted = [...new Set([layers.content, ...layers.style])];
  const ofY = g.scoped('stylized', () => net.addTo(g, y, wanted));
  const ofPhoto = g.scoped('photo', () => net.addTo(g, images, [layers.content]));
  const weighted = (term: TrainingTerm, value: string) => g.op('Mul', [value, g.input(TRAIN_IO.weight(term), 'float32', [])], {}, { name: `${term}_weighted` });
  const content = g.scoped('content', () => meanSquare(g, g.op('Sub', [ofY[layers.content]!, ofPhoto[layers.content]!])));
  const style = g.scoped('style', () =>
    layers.style
      .map((layer) => g.scoped(layer, () => meanSquare(g, g.op('Sub', [batchedGram(g, ofY[layer]!), g.input(TRAIN_IO.styleTarget(layer), 'float32', [1, 'c', 'c'])]))))
      .reduce((a, b) => g.op('Add', [a, b])),
  );
  const tv = g.scoped('tv', () => g.op('Add', [meanSquare(g, step(g, y, 2)), meanSquare(g, step(g, y, 3))]));
  const terms = { content: weighted('content', content), style: weighted('style', style), tv: weighted('tv', tv) };
  return { ...terms, loss: g.op('Add', [g.op('Add', [terms.content, terms.style]), terms.tv], {}, { name: 'loss' }) };
}

// Squares as Mul(d, d), not Pow, so the autodiff forms no exponent gradient.
function meanSquare(g: Graph, d: string): string {
  return g.op('ReduceMean', [g.op('Mul', [d, d])], { keepdims: 0 });
}

/** x[…, 1:] − x[…, :−1] along `axis`. */
function step(g: Graph, x: string, axis: number): string {
  const ax = g.constant('axis', int64([1], [axis]));
  const cut = (start: number | bigint, end: number | bigint) => g.op('Slice', [x, g.constant('start', int64([1], [start])), g.constant('end', int64([1], [end])), ax]);
  return g.op('Sub', [cut(1, 0x7fffffffffffffffn), cut(0, -1)]);
}
