import { ImpastoError, checkChoice } from '../errors';
import type { Graph } from '../onnx/graph';
import { transpose, type TensorData } from '../onnx/tensor';
import type { WeightSource } from '../store/source';
import { featureGraph, type FeatureNet } from './feature-net';
import { addPreprocessing } from './preprocess';
import { Layers, type ParamTable } from './layers';
import { loadTfjsModelJson, readTfjsWeights, type TfjsLayersModel } from './tfjs-layers';

/**
 * VGG19's feature layers in order. A layer's position + 1 is its node index in the seed chapter's
 * Owl VGG19 (0 is the input): relu1_1 = 2, relu2_1 = 7, relu3_1 = 12, relu4_1 = 21, relu4_2 = 23,
 * relu5_1 = 30.
 */
export const VGG19_LAYERS = [
  'conv1_1', 'relu1_1', 'conv1_2', 'relu1_2', 'pool1',
  'conv2_1', 'relu2_1', 'conv2_2', 'relu2_2', 'pool2',
  'conv3_1', 'relu3_1', 'conv3_2', 'relu3_2', 'conv3_3', 'relu3_3', 'conv3_4', 'relu3_4', 'pool3',
  'conv4_1', 'relu4_1', 'conv4_2', 'relu4_2', 'conv4_3', 'relu4_3', 'conv4_4', 'relu4_4', 'pool4',
  'conv5_1', 'relu5_1', 'conv5_2', 'relu5_2', 'conv5_3', 'relu5_3', 'conv5_4', 'relu5_4', 'pool5',
] as const;

export type Vgg19Layer = (typeof VGG19_LAYERS)[number];
export type Vgg19Conv = Extract<Vgg19Layer, `conv${string}`>;

/** Gatys et al.: content relu4_2, style relu1_1 … relu5_1. */
export const VGG19_DEFAULT_CONTENT_LAYER: Vgg19Layer = 'relu4_2';
export const VGG19_DEFAULT_STYLE_LAYERS: readonly Vgg19Layer[] = ['relu1_1', 'relu2_1', 'relu3_1', 'relu4_1', 'relu5_1'];

/** Output channels of each block's convolutions. */
const BLOCK_CHANNELS = [64, 128, 256, 512, 512] as const;

/** Keras' caffe-mode ImageNet mean, in BGR order. */
export const VGG19_MEAN_BGR = [103.939, 116.779, 123.68] as const;

/** Model ids (and folders of the shared weights) of the two published TF.js conversions. */
export const VGG19_VARIANTS = { uint8: 'vgg19-tfjs-uint8', float32: 'vgg19-tfjs' } as const;
export type Vgg19Variant = keyof typeof VGG19_VARIANTS;

/** Owl node index of a layer (position in `VGG19_LAYERS` + 1). */
export function vgg19Index(layer: Vgg19Layer): number {
  return VGG19_LAYERS.indexOf(layer) + 1;
}

function isLayer(name: string): name is Vgg19Layer {
  return (VGG19_LAYERS as readonly string[]).includes(name);
}

/**
 * The canonical name of a VGG19 layer given by name (`relu4_2`), Keras name (`block4_conv2`,
 * `block4_pool`) or Owl node index (1–37, also as a string). Throws `UNKNOWN_LAYER` listing the
 * valid names otherwise.
 */
export function resolveLayer(nameOrIndex: string | number): Vgg19Layer {
  const key = typeof nameOrIndex === 'string' ? nameOrIndex.trim() : nameOrIndex;
  const index = typeof key === 'number' ? key : /^\d+$/.test(key) ? Number(key) : undefined;
  if (index !== undefined) {
    const layer = Number.isInteger(index) && index >= 1 ? VGG19_LAYERS[index - 1] : undefined;
    if (layer) return layer;
    const why = index === 0 ? ': 0 is the input image' : '';
    throw new ImpastoError('UNKNOWN_LAYER', `no VGG19 layer has index ${index}${why}; indices run from 1 (conv1_1) to ${VGG19_LAYERS.length} (pool5)`);
  }
  const name = String(key);
  if (isLayer(name)) return name;
  const keras = /^block(\d)_(?:conv(\d)|(pool))$/.exec(name);
  if (keras) {
    const mapped = keras[3] ? `pool${keras[1]}` : `conv${keras[1]}_${keras[2]}`;
    if (isLayer(mapped)) return mapped;
  }
  throw new ImpastoError('UNKNOWN_LAYER', `unknown VGG19 layer '${name}'; valid layers are ${VGG19_LAYERS.join(', ')} (or Keras names like block4_conv2, or indices 1-${VGG19_LAYERS.length})`);
}

/** The convolutions a graph up to `layers`' deepest must run. */
export function vgg19ConvsFor(layers: readonly (string | number)[]): Vgg19Conv[] {
  const deepest = Math.max(0, ...layers.map((l) => vgg19Index(resolveLayer(l))));
  return VGG19_LAYERS.slice(0, deepest).filter((l): l is Vgg19Conv => l.startsWith('conv'));
}

/** Keras name of a convolution: conv4_2 -> block4_conv2. */
function kerasName(conv: Vgg19Conv): string {
  const [b, c] = conv.slice(4).split('_');
  return `block${b}_conv${c}`;
}

function convShape(conv: Vgg19Conv): { cin: number; cout: number } {
  const [b, c] = conv.slice(4).split('_').map(Number) as [number, number];
  const cout = BLOCK_CHANNELS[b - 1]!;
  const cin = c > 1 ? cout : b > 1 ? BLOCK_CHANNELS[b - 2]! : 3;
  return { cin, cout };
}

/** Convolution weights in ONNX layout: kernel OIHW [out, in, 3, 3], bias [out]. */
export type Vgg19Weights = Partial<Record<Vgg19Conv, { readonly kernel: TensorData<'float32'>; readonly bias: TensorData<'float32'> }>>;

export interface Vgg19FeatureOptions {
  /** Layers to expose; the graph stops at the deepest. */
  layers: readonly (string | number)[];
  /** Max pooling as in VGG (default), or average pooling, which Gatys et al. found gives smoother results. */
  pooling?: 'max' | 'avg';
  /** Add the caffe-mode normalisation in front (default true); false when `input` is already BGR minus the mean. */
  preprocess?: boolean;
}

/**
 * Adds VGG19 from `input` (NCHW RGB 0..255) up to the deepest wanted layer to `g`, and returns the
 * wanted layers' values keyed by canonical name. `weights` must hold every convolution up to there.
 */
export function vgg19Features(g: Graph, input: string, weights: Vgg19Weights, opts: Vgg19FeatureOptions): Partial<Record<Vgg19Layer, string>> {
  const wanted = new Set(opts.layers.map(resolveLayer));
  const pooling = checkChoice('pooling', opts.pooling ?? 'max', ['max', 'avg'] as const);
  const deepest = Math.max(0, ...[...wanted].map(vgg19Index));
  // Keras caffe mode: RGB -> BGR, then subtract the ImageNet mean.
  if (deepest === 0) return {};
  let x = opts.preprocess === false ? input : addPreprocessing(g, input, { bgr: true, mean: [...VGG19_MEAN_BGR] });
  const out: Partial<Record<Vgg19Layer, string>> = {};
  const net = new Layers(g, {
    params: vggParamTable(weights),
    what: 'VGG19 weights',
    valueName: (param) => `vgg19.${param}`,
    missing: (param) => new ImpastoError('INVALID_ARGUMENT', `VGG19 layer ${param.split('.')[0]} is needed but its weights were not loaded; load them with layers that include it`),
  });
  for (const layer of VGG19_LAYERS.slice(0, deepest)) {
    if (layer.startsWith('conv')) {
      const { cin, cout } = convShape(layer as Vgg19Conv);
      x = net.layer(layer, () => g.op('Conv', [x, net.param('kernel', [cout, cin, 3, 3]), net.param('bias', [cout])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }));
    } else if (layer.startsWith('relu')) {
      x = g.op('Relu', [x], {}, { name: layer });
    } else {
      x = g.op(pooling === 'max' ? 'MaxPool' : 'AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2] }, { name: layer });
    }
    if (wanted.has(layer)) out[layer] = x;
  }
  return out;
}

/** `Vgg19Weights` as the parameters `conv1_1.kernel`, `conv1_1.bias`, …. */
function vggParamTable(weights: Vgg19Weights): ParamTable {
  return {
    get: (param) => {
      const [conv, kind] = param.split('.') as [Vgg19Conv, 'kernel' | 'bias'];
      return weights[conv]?.[kind];
    },
    keys: () => Object.keys(weights).flatMap((conv) => [`${conv}.kernel`, `${conv}.bias`]),
  };
}

export interface LoadVgg19Options {
  /** Which conversion `source` holds (default `uint8`); it must match the model.json found. */
  variant?: Vgg19Variant;
  /** Layers the net will be asked for; only the weights up to the deepest are read (default: Gatys' layers). */
  layers?: readonly (string | number)[];
  /** Pooling of the returned FeatureNet (default `max`). */
  pooling?: 'max' | 'avg';
  /** Path of model.json under the source root (default `model.json`). */
  modelJson?: string;
}

function checkManifest(model: TfjsLayersModel, convs: readonly Vgg19Conv[], variant: Vgg19Variant, location: string): void {
  for (const conv of convs) {
    const { cin, cout } = convShape(conv);
    const k = model.weights.get(`${kerasName(conv)}/kernel`);
    const b = model.weights.get(`${kerasName(conv)}/bias`);
    if (!k || !b || k.shape.join() !== `3,3,${cin},${cout}` || b.shape.join() !== `${cout}`) {
      throw new ImpastoError('BAD_MODEL', `${location} is not a Keras VGG19: ${kerasName(conv)} is missing or has the wrong shape`);
    }
    const quantized = k.quantization?.dtype === 'uint8';
    if (quantized !== (variant === 'uint8')) {
      throw new ImpastoError('BAD_MODEL', `${location} holds ${quantized ? 'uint8-quantized' : 'unquantized'} weights, not the ${variant} variant`);
    }
  }
}

/**
 * Reads the VGG19 convolution weights needed for `layers` from a TF.js layers model (`source`
 * rooted at its folder) and converts them to ONNX layout. Only the shards holding them are read.
 */
export async function loadVgg19Weights(source: WeightSource, opts: LoadVgg19Options = {}): Promise<Vgg19Weights> {
  const variant = checkChoice('variant', opts.variant ?? 'uint8', ['uint8', 'float32'] as const);
  const convs = vgg19ConvsFor(opts.layers ?? [VGG19_DEFAULT_CONTENT_LAYER, ...VGG19_DEFAULT_STYLE_LAYERS]);
  const model = await loadTfjsModelJson(source, opts.modelJson);
  checkManifest(model, convs, variant, source.location);
  const layerOf = new Map(convs.map((c) => [kerasName(c), c]));
  const tensors = await readTfjsWeights(
    source,
    model,
    convs.flatMap((c) => [`${kerasName(c)}/kernel`, `${kerasName(c)}/bias`]),
    { what: VGG19_VARIANTS[variant], layerOf: (t) => layerOf.get(t.split('/')[0]!) ?? t },
  );
  const weights: Vgg19Weights = {};
  for (const conv of convs) {
    // Keras kernels are HWIO; ONNX Conv wants OIHW.
    const kernel = transpose(tensors.get(`${kerasName(conv)}/kernel`)!, [3, 2, 0, 1]);
    weights[conv] = { kernel, bias: tensors.get(`${kerasName(conv)}/bias`)! };
  }
  return weights;
}

/** VGG19 as a `FeatureNet`, its weights (up to `opts.layers`' deepest) read once. */
export async function loadVgg19(source: WeightSource, opts: LoadVgg19Options = {}): Promise<FeatureNet> {
  const variant = opts.variant ?? 'uint8';
  const pooling = checkChoice('pooling', opts.pooling ?? 'max', ['max', 'avg'] as const);
  const weights = await loadVgg19Weights(source, opts);
  return {
    id: VGG19_VARIANTS[variant],
    layers: VGG19_LAYERS,
    defaultContentLayer: VGG19_DEFAULT_CONTENT_LAYER,
    defaultStyleLayers: VGG19_DEFAULT_STYLE_LAYERS,
    resolve: resolveLayer,
    addTo: (g, input, wantedLayers) => vgg19Features(g, input, weights, { layers: wantedLayers, pooling }),
  };
}

export interface BuildVgg19Options extends LoadVgg19Options {
  layers: readonly (string | number)[];
  /** Name of the graph input (default `image`). */
  input?: string;
}

/**
 * A standalone VGG19 feature graph: input `image` [batch, 3, height, width] RGB 0..255, one
 * output per wanted layer named by its canonical name, cut after the deepest.
 */
export async function buildVgg19(source: WeightSource, opts: BuildVgg19Options): Promise<Graph> {
  return featureGraph(await loadVgg19(source, opts), opts.layers, opts.input);
}
