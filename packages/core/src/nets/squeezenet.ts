import { ImpastoError } from '../errors';
import type { Graph } from '../onnx/graph';
import { utf8Decode } from '../platform';
import type { WeightSource } from '../store/source';
import { addCaffeLayers, caffeLayersFor, parseCaffeNet, type CaffeConvParams, type CaffeNet } from './caffe';
import { readCaffejsParams } from './caffejs-weights';
import { featureGraph, type FeatureNet } from './feature-net';
import { addPreprocessing } from './preprocess';

/** Model id (and folder of the shared weights) of SqueezeNet 1.1 in the caffejs format. */
export const SQUEEZENET_ID = 'squeezenet1_1-caffe';

/** Caffe's ImageNet mean for SqueezeNet, in BGR order. */
export const SQUEEZENET_MEAN_BGR = [104, 117, 123] as const;

/**
 * torchvision's `squeezenet1_1().features` modules by index, so numeric layers match code (like the
 * CS231n assignment) that picks layers that way.
 */
export const SQUEEZENET_TORCHVISION_FEATURES = [
  'conv1', 'relu_conv1', 'pool1', 'fire2', 'fire3', 'pool3', 'fire4', 'fire5', 'pool5', 'fire6', 'fire7', 'fire8', 'fire9',
] as const;

/** The CS231n style-transfer assignment's choice: content features[3], style features[1, 4, 6, 7]. */
export const SQUEEZENET_DEFAULT_CONTENT_LAYER = 'fire2';
export const SQUEEZENET_DEFAULT_STYLE_LAYERS: readonly string[] = ['relu_conv1', 'fire3', 'fire4', 'fire5'];

/** Canonical name of a Caffe layer: a fire module's concat is the module's output, so `fireN`. */
function canonical(caffeName: string): string {
  return /^(fire\d+)\/concat$/.exec(caffeName)?.[1] ?? caffeName;
}

/** Canonical names of the net's layers in order: Caffe layer names, with `fireN/concat` as `fireN`. */
export function squeezeNetLayers(net: CaffeNet): string[] {
  return net.layers.map((l) => canonical(l.name));
}

/**
 * The canonical name of a SqueezeNet layer given by canonical or Caffe layer name, or by index into
 * torchvision's `features`. A convolution's name gives its output before the ReLU, the ReLU's name
 * (`relu_conv1`, `fire2/relu_squeeze1x1`) the value after. Throws `UNKNOWN_LAYER` otherwise.
 */
export function resolveSqueezeNetLayer(net: CaffeNet, nameOrIndex: string | number): string {
  const key = typeof nameOrIndex === 'string' ? nameOrIndex.trim() : nameOrIndex;
  const layers = squeezeNetLayers(net);
  if (typeof key === 'number' || /^\d+$/.test(key)) {
    const byIndex = SQUEEZENET_TORCHVISION_FEATURES[Number(key)];
    if (byIndex && layers.includes(byIndex)) return byIndex;
    throw new ImpastoError('UNKNOWN_LAYER', `no SqueezeNet layer has torchvision features index ${key}; indices run from 0 (conv1) to ${SQUEEZENET_TORCHVISION_FEATURES.length - 1} (fire9)`);
  }
  const name = canonical(key);
  if (layers.includes(name)) return name;
  throw new ImpastoError('UNKNOWN_LAYER', `unknown SqueezeNet layer '${key}'; valid layers are ${layers.join(', ')} (or torchvision features indices 0-${SQUEEZENET_TORCHVISION_FEATURES.length - 1})`);
}

/** How far each stage has shrunk the image (the strides before it): conv1 and three max pools of stride 2. */
const STRIDE_BEFORE: Readonly<Record<string, number>> = {
  conv1: 2, relu_conv1: 2,
  pool1: 4, fire2: 4, fire3: 4,
  pool3: 8, fire4: 8, fire5: 8,
  pool5: 16, fire6: 16, fire7: 16, fire8: 16, fire9: 16,
};

/**
 * The smallest side an image may have for `layers` (names or torchvision indices): one more than
 * the strides before the deepest of them. Smaller, a ceil-mode pool gets an empty input, which makes
 * ONNX Runtime fail or die of SIGFPE (sizes 4–8 for the default layers).
 */
export function squeezeNetMinSide(layers: readonly (string | number)[]): number {
  let stride = 1;
  for (const l of layers) {
    const name = typeof l === 'number' || /^\d+$/.test(String(l).trim()) ? SQUEEZENET_TORCHVISION_FEATURES[Number(l)] : canonical(String(l).trim());
    const stage = name ? (STRIDE_BEFORE[name] ?? STRIDE_BEFORE[/^(fire\d+)\//.exec(name)?.[1] ?? '']) : undefined;
    stride = Math.max(stride, stage ?? 16);
  }
  return stride + 1;
}

/** A parsed SqueezeNet definition with the convolution weights loaded so far (ONNX layout). */
export interface SqueezeNetWeights {
  readonly net: CaffeNet;
  readonly params: ReadonlyMap<string, CaffeConvParams>;
}

export interface SqueezeNetFeatureOptions {
  /** Layers to expose; only what they depend on is added. */
  layers: readonly (string | number)[];
  /** Add Caffe's normalisation in front (default true); false when `input` is already BGR minus the mean. */
  preprocess?: boolean;
}

function caffeNameOf(net: CaffeNet, layer: string): string {
  return net.layers.find((l) => canonical(l.name) === layer)!.name;
}

/**
 * Adds SqueezeNet from `input` (NCHW RGB 0..255) to `g`, only as far as the wanted layers need, and
 * returns their values keyed by canonical name.
 */
export function squeezeNetFeatures(g: Graph, input: string, weights: SqueezeNetWeights, opts: SqueezeNetFeatureOptions): Record<string, string> {
  const { net } = weights;
  const wanted = [...new Set(opts.layers.map((l) => resolveSqueezeNetLayer(net, l)))];
  const x = opts.preprocess === false ? input : addPreprocessing(g, input, { bgr: true, mean: [...SQUEEZENET_MEAN_BGR] });
  const values = addCaffeLayers(g, x, net, weights.params, wanted.map((l) => caffeNameOf(net, l)));
  return Object.fromEntries(wanted.map((l) => [l, values[caffeNameOf(net, l)]!]));
}

export interface LoadSqueezeNetOptions {
  /** Layers the net will be asked for; only their weights are read (default: the CS231n layers). */
  layers?: readonly (string | number)[];
  /** Path of the network definition under the source root (default `deploy.prototxt`). */
  prototxt?: string;
}

/**
 * Reads SqueezeNet 1.1 in the caffejs format (`source` rooted at its folder): the prototxt and the
 * weights of the convolutions that `opts.layers` depend on.
 */
export async function loadSqueezeNetWeights(source: WeightSource, opts: LoadSqueezeNetOptions = {}): Promise<SqueezeNetWeights> {
  const net = parseCaffeNet(utf8Decode(await source.read(opts.prototxt ?? 'deploy.prototxt')));
  const wanted = (opts.layers ?? [SQUEEZENET_DEFAULT_CONTENT_LAYER, ...SQUEEZENET_DEFAULT_STYLE_LAYERS]).map((l) => caffeNameOf(net, resolveSqueezeNetLayer(net, l)));
  const params = await readCaffejsParams(source, net, caffeLayersFor(net, wanted), SQUEEZENET_ID);
  return { net, params };
}

/** SqueezeNet 1.1 as a `FeatureNet`, its weights (for `opts.layers`) read once. */
export async function loadSqueezeNet(source: WeightSource, opts: LoadSqueezeNetOptions = {}): Promise<FeatureNet> {
  const weights = await loadSqueezeNetWeights(source, opts);
  return {
    id: SQUEEZENET_ID,
    layers: squeezeNetLayers(weights.net),
    defaultContentLayer: SQUEEZENET_DEFAULT_CONTENT_LAYER,
    defaultStyleLayers: SQUEEZENET_DEFAULT_STYLE_LAYERS,
    resolve: (layer) => resolveSqueezeNetLayer(weights.net, layer),
    addTo: (g, input, wantedLayers) => squeezeNetFeatures(g, input, weights, { layers: wantedLayers }),
  };
}

export interface BuildSqueezeNetOptions extends LoadSqueezeNetOptions {
  layers: readonly (string | number)[];
  /** Name of the graph input (default `image`). */
  input?: string;
}

/**
 * A standalone SqueezeNet feature graph: input `image` [batch, 3, height, width] RGB 0..255, one
 * output per wanted layer named by its canonical name.
 */
export async function buildSqueezeNet(source: WeightSource, opts: BuildSqueezeNetOptions): Promise<Graph> {
  return featureGraph(await loadSqueezeNet(source, opts), opts.layers, opts.input);
}
