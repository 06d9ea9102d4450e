import { checkChoice, invalidParam } from '../errors';
import { Graph, attr } from '../onnx/graph';
import { int64, type TensorData } from '../onnx/tensor';
import { Layers, paramTable, type ParamTable } from '../nets/layers';
import { fstParameters } from './checkpoint';

/** Name of the network's input: float32 NCHW [1, 3, H, W], RGB on the 0..255 scale. */
export const FST_INPUT = 'image';
/** Name of the network's output: float32 NCHW [1, 3, H, W] on the 0..255 scale, not yet clamped. */
export const FST_OUTPUT = 'stylized';

/**
 * The transformer's parameters by name, in ONNX layout: `conv1.kernel` ([out, in, kh, kw]; for
 * `deconv*` ConvTranspose's [in, out, kh, kw]), `conv1.gamma` and `conv1.beta` ([channels]);
 * residual blocks nest their two layers: `res3.conv2.gamma`. `fastStyleParameterShapes()` lists them.
 */
export type FastStyleParams = Readonly<Record<string, TensorData<'float32'>>>;

/** Named parameters, or a checkpoint's variables as `readFstCheckpoint` returns them. */
export type FastStyleWeights = FastStyleParams | readonly TensorData<'float32'>[];

export interface FastStyleNetworkOptions {
  /** Graph name (default `fast_style`). */
  name?: string;
  /**
   * `constant` (default): parameters become initializers. `input`: each becomes a graph input of
   * fixed shape named like the parameter, to be fed with `fastStyleFeeds()` (training, blending).
   */
  bind?: 'constant' | 'input';
  /**
   * `instance` (default): each instance norm uses the statistics of the image it is given.
   * `shared`: for tiles of one large image, the statistics are fed in and the tile's own are
   * reported (see `FST_TILE_CORE`, `fastStyleNormLayers()`), so every tile is normalised alike.
   */
  norm?: 'instance' | 'shared';
}

/**
 * `norm: 'shared'` input: int64 [4], the region the tile owns as [top, left, bottom, right] in its
 * pixels, multiples of 4 (at the image's bottom or right edge, the tile's size rounded up to 4).
 * Each norm layer reports its statistics over this region only, so overlapping tiles count each
 * pixel once.
 */
export const FST_TILE_CORE = 'tile.core';
/** A norm layer of the `shared` network: inputs `<name>.mean`, `<name>.var` and outputs `<name>.deviation`, `<name>.square` ([channels] each). */
export interface FastStyleNormLayer {
  readonly name: string;
  readonly channels: number;
}

/**
 * Builds the fast-style transformer (Johnson et al. 2016, as lengstrom/fast-style-transfer trains
 * it). Height and width are dynamic; any size works and is kept. A string `options` is the name.
 * With `bind: 'input'` the weights may be omitted; given, they are checked against the shapes.
 */
export function buildFastStyleGraph(weights: FastStyleWeights, options?: FastStyleNetworkOptions | string): Graph;
export function buildFastStyleGraph(weights: FastStyleWeights | undefined, options: FastStyleNetworkOptions & { bind: 'input' }): Graph;
export function buildFastStyleGraph(weights: FastStyleWeights | undefined, options: FastStyleNetworkOptions | string = {}): Graph {
  const { name = 'fast_style', bind = 'constant', norm = 'instance' } = typeof options === 'string' ? { name: options } : options;
  checkChoice('bind', bind, ['constant', 'input']);
  checkChoice('norm', norm, ['instance', 'shared']);
  if (weights === undefined && bind === 'constant') throw invalidParam('weights', 'fast-style parameters (needed for bind: constant)', weights);
  const params = weights && paramTable(named(weights));

  const g = new Graph(name);
  const image = g.input(FST_INPUT, 'float32', [1, 3, 'height', 'width']);
  const core = norm === 'shared' ? g.input(FST_TILE_CORE, 'int64', [4]) : undefined;
  g.output(addFastStyleNetwork(g, image, { bind, params, core }), FST_OUTPUT, 'float32', [1, 3, 'height', 'width']);
  return g;
}

/**
 * Adds the transformer to `g`: `image` (NCHW, any batch, RGB 0..255) in, the stylized value out
 * (same shape, 0..255, not clamped). Parameters bind as `options` say and are checked when given;
 * a parameter table with others is refused (`BAD_MODEL`).
 */
export function addFastStyleNetwork(g: Graph, image: string, options: { bind: 'constant' | 'input'; params?: ParamTable; core?: string }): string {
  const net = new Layers(g, { ...options, what: 'fast-style parameters' });
  const { padded, crop } = padToMultipleOf4(g, image);
  const out = crop(transformer(net, padded));
  net.checkAllUsed();
  return out;
}

/**
 * The network of Johnson et al.'s supplementary Table 1 as lengstrom implements it: SAME padding
 * instead of the paper's 40-pixel reflection pad and unpadded residual convolutions, and instance
 * norm instead of batch norm.
 */
function transformer(net: Layers, x: string): string {
  let y = convLayer(net, 'conv1', x, 3, 32, { kernel: 9, stride: 1 });
  y = convLayer(net, 'conv2', y, 32, 64, { kernel: 3, stride: 2 });
  y = convLayer(net, 'conv3', y, 64, 128, { kernel: 3, stride: 2 });
  y = residualBlock(net, 'res1', y, 128);
  y = residualBlock(net, 'res2', y, 128);
  y = residualBlock(net, 'res3', y, 128);
  y = residualBlock(net, 'res4', y, 128);
  y = residualBlock(net, 'res5', y, 128);
  y = deconvLayer(net, 'deconv1', y, 128, 64, { kernel: 3, stride: 2 });
  y = deconvLayer(net, 'deconv2', y, 64, 32, { kernel: 3, stride: 2 });
  y = convLayer(net, 'conv4', y, 32, 3, { kernel: 9, stride: 1, relu: false });
  return net.layer('output', () => tanhToPixels(net.g, y));
}

interface ConvOptions {
  kernel: number;
  stride: number;
  /** Default true. */
  relu?: boolean;
}

// TensorFlow 'SAME' puts the odd padding row/column at the end; ONNX SAME_UPPER does the same.
function convLayer(net: Layers, name: string, x: string, channelsIn: number, channelsOut: number, { kernel, stride, relu = true }: ConvOptions): string {
  return net.layer(name, () => {
    const w = net.param('kernel', [channelsOut, channelsIn, kernel, kernel]);
    const y = net.g.op('Conv', [x, w], { auto_pad: 'SAME_UPPER', strides: [stride, stride] });
    net.scale *= stride;
    return instanceNorm(net, y, channelsOut, relu);
  });
}

// tf.nn.conv2d_transpose(SAME) to sH x sW is the adjoint of a SAME conv on sH, which pads k - s rows,
// the odd one at the end: for 3x3 stride 2 the transpose makes 2H + 1 rows and drops the last one.
function deconvLayer(net: Layers, name: string, x: string, channelsIn: number, channelsOut: number, { kernel, stride }: Omit<ConvOptions, 'relu'>): string {
  return net.layer(name, () => {
    const w = net.param('kernel', [channelsIn, channelsOut, kernel, kernel]);
    const begin = Math.floor((kernel - stride) / 2);
    const end = kernel - stride - begin;
    const y = net.g.op('ConvTranspose', [x, w], { strides: [stride, stride], pads: [begin, begin, end, end] });
    net.scale /= stride;
    return instanceNorm(net, y, channelsOut, true);
  });
}

// Instance norm (Ulyanov et al. 2016) with lengstrom's epsilon 1e-3 and biased variance; its scale and
// shift are the layer's only affine terms (the convolutions have no bias).
function instanceNorm(net: Layers, x: string, channels: number, relu: boolean): string {
  const gamma = net.param('gamma', [channels]);
  const beta = net.param('beta', [channels]);
  const y = net.shared ? sharedNorm(net, x, channels, gamma, beta) : net.g.op('InstanceNormalization', [x, gamma, beta], { epsilon: attr.float(IN_EPSILON) });
  return relu ? net.g.op('Relu', [y]) : y;
}

const IN_EPSILON = 1e-3;

/**
 * Instance norm with the whole image's statistics fed in, reporting the tile's own over its core.
 * Layer k's report is exact once layers 1..k-1 are fed exact statistics.
 */
function sharedNorm(net: Layers, x: string, channels: number, gamma: string, beta: string): string {
  const g = net.g;
  const perChannel = (v: string) => g.op('Reshape', [v, g.constant('per_channel', int64([4], [1, channels, 1, 1]))]);
  const { mean, variance } = net.sharedStatistics(x, channels);
  const epsilon = g.constant('epsilon', { type: 'float32', dims: [], data: Float32Array.of(IN_EPSILON) });
  const scale = g.op('Div', [perChannel(gamma), g.op('Sqrt', [g.op('Add', [variance, epsilon])])]);
  return g.op('Add', [g.op('Mul', [g.op('Sub', [x, mean]), scale]), perChannel(beta)]);
}

// As in lengstrom's residual_block: no relu after the second layer nor after the sum.
function residualBlock(net: Layers, name: string, x: string, channels: number): string {
  return net.layer(name, () => {
    const y = convLayer(net, 'conv1', x, channels, channels, { kernel: 3, stride: 1 });
    const z = convLayer(net, 'conv2', y, channels, channels, { kernel: 3, stride: 1, relu: false });
    return net.g.op('Add', [x, z]);
  });
}

// lengstrom's net ends in tanh(x) * 150 + 255/2, overshooting 0..255 a little; pixels clamp later.
function tanhToPixels(g: Graph, x: string): string {
  const scale = g.constant('scale', { type: 'float32', dims: [], data: Float32Array.of(150) });
  const shift = g.constant('shift', { type: 'float32', dims: [], data: Float32Array.of(127.5) });
  return g.op('Add', [g.op('Mul', [g.op('Tanh', [x]), scale]), shift]);
}

/**
 * Two stride-2 convolutions and two stride-2 transposes return ceil(H/4)*4 rows, so other sizes
 * would grow. Padding the edges up to a multiple of 4 and cropping the result keeps the input's size
 * (and leaves multiples of 4, the sizes the network was trained on, untouched).
 */
function padToMultipleOf4(g: Graph, x: string): { padded: string; crop: (y: string) => string } {
  const i64 = (hint: string, v: number[]) => g.constant(hint, int64([v.length], v));
  return g.scoped('pad', () => {
    const hw = g.op('Slice', [g.op('Shape', [x]), i64('hw_start', [2]), i64('hw_end', [4])]);
    const four = i64('four', [4, 4]);
    const pad = g.op('Mod', [g.op('Sub', [four, g.op('Mod', [hw, four])]), four]);
    const pads = g.op('Concat', [i64('pads_begin', [0, 0, 0, 0, 0, 0]), pad], { axis: 0 });
    const padded = g.op('Pad', [x, pads], { mode: 'edge' });
    const crop = (y: string) => g.scoped('crop', () => g.op('Slice', [y, i64('start', [0, 0]), hw, i64('axes', [2, 3])]));
    return { padded, crop };
  });
}

let shapes: Graph | undefined;

/** Every parameter's name and shape (ONNX layout), in the order the network uses them. */
export function fastStyleParameterShapes(): Record<string, number[]> {
  // The network declares its parameters as it goes; an input-bound graph lists them without weights.
  shapes ??= buildFastStyleGraph(undefined, { bind: 'input' });
  return Object.fromEntries(shapes.inputs.filter((i) => i.name !== FST_INPUT).map((i) => [i.name, i.shape!.map(Number)]));
}

let normLayers: FastStyleNormLayer[] | undefined;

/** The norm layers of the `shared` network in order, with their channels. */
export function fastStyleNormLayers(): readonly FastStyleNormLayer[] {
  normLayers ??= buildFastStyleGraph(undefined, { bind: 'input', norm: 'shared' })
    .inputs.filter((i) => i.name.endsWith('.mean'))
    .map((i) => ({ name: i.name.slice(0, -'.mean'.length), channels: Number(i.shape![0]) }));
  return normLayers;
}

/** The parameter feeds of a graph built with `bind: 'input'`, checked against the network's shapes. */
export function fastStyleFeeds(weights: FastStyleWeights): Record<string, TensorData<'float32'>> {
  const params = named(weights);
  // Building the input-bound network checks every parameter's shape and refuses unknown ones.
  buildFastStyleGraph(params, { bind: 'input' });
  return Object.fromEntries(Object.keys(fastStyleParameterShapes()).map((param) => [param, params[param]!]));
}

function named(weights: FastStyleWeights): FastStyleParams {
  return isVariableList(weights) ? fstParameters(weights) : weights;
}

function isVariableList(w: FastStyleWeights): w is readonly TensorData<'float32'>[] {
  return Array.isArray(w);
}
