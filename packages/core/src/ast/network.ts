import { invalidParam } from '../errors';
import { Graph } from '../onnx/graph';
import { float32, int64, type TensorData } from '../onnx/tensor';
import { Layers } from '../nets/layers';

// MicroAST (Wang et al., "MicroAST: Towards Super-Fast Ultra-Resolution Arbitrary Style Transfer",
// AAAI 2023), as the authors' net_microAST.py builds it, in two graphs: the style code (style
// encoder and modulator, run once per style) and the stylization (content encoder and decoder).

/** The four checkpoint files of the `microast` catalogue model, by the part each one holds. */
export const MICROAST_FILES = {
  contentEncoder: 'content_encoder_iter_160000.pth.tar',
  styleEncoder: 'style_encoder_iter_160000.pth.tar',
  modulator: 'modulator_iter_160000.pth.tar',
  decoder: 'decoder_iter_160000.pth.tar',
} as const;

/** The style-code graph's input: float32 NCHW [1, 3, sh, sw], RGB on 0..1. */
export const MICROAST_STYLE_INPUT = 'style';
/** The stylize graph's image input: float32 NCHW [1, 3, h, w], RGB on 0..1. */
export const MICROAST_CONTENT_INPUT = 'content';
/** The stylize graph's output: float32 NCHW [1, 3, h, w] on 0..1, not clamped (about −0.3…1.3). */
export const MICROAST_OUTPUT = 'stylized';
/**
 * The style code: the style-code graph's outputs and the stylize graph's other inputs, each float32
 * [1, 64, 1, 1]. `w1`, `b1`, `w2`, `b2` are the modulator's filter weights and biases; `f1_*`, `f2_*`
 * the style features' per-channel mean and std (sqrt of the unbiased variance + 1e-5) for AdaIN.
 */
export const MICROAST_STYLE_CODE = ['w1', 'b1', 'w2', 'b2', 'f1_mean', 'f1_std', 'f2_mean', 'f2_std'] as const;
export type MicroAstStyleCodeName = (typeof MICROAST_STYLE_CODE)[number];
/** The smallest height and width either graph takes: the 9×9 convolutions reflect-pad by 4. */
export const MICROAST_MIN_SIDE = 5;
/** The shape of every style-code tensor. */
export const MICROAST_STYLE_CODE_SHAPE: readonly number[] = [1, 64, 1, 1];

/** One checkpoint's state dict: `enc1.0.conv_layer.weight` → [out, in/groups, kh, kw], `….bias` → [out]. */
export type MicroAstParams = ReadonlyMap<string, TensorData<'float32'>>;

export interface MicroAstStyleCodeWeights {
  readonly styleEncoder: MicroAstParams;
  readonly modulator: MicroAstParams;
}

export interface MicroAstStylizeWeights {
  readonly contentEncoder: MicroAstParams;
  readonly decoder: MicroAstParams;
}

/**
 * The style half: `style` → the style encoder's features f1, f2 → the modulator's signals and the
 * features' AdaIN statistics, output as the style code (`MICROAST_STYLE_CODE`). Height and width
 * are dynamic; sides must be at least 5 (the 9×9 convolution's reflection pad).
 */
export function buildStyleCodeGraph(params: MicroAstStyleCodeWeights, name = 'microast_style_code'): Graph {
  const g = new Graph(name);
  const style = g.input(MICROAST_STYLE_INPUT, 'float32', [1, 3, 'sh', 'sw']);
  const s = part(g, 'styleEncoder', params, (net) => encoder(net, style));
  const signals = part(g, 'modulator', params, (net) => modulator(net, s));
  const f1 = g.scoped('f1_statistics', () => statistics(g, s.f1));
  const f2 = g.scoped('f2_statistics', () => statistics(g, s.f2));
  const code: Record<MicroAstStyleCodeName, string> = {
    ...signals,
    f1_mean: f1.mean,
    f1_std: f1.std,
    f2_mean: f2.mean,
    f2_std: f2.std,
  };
  for (const c of MICROAST_STYLE_CODE) g.output(code[c], c, 'float32', MICROAST_STYLE_CODE_SHAPE);
  return g;
}

/**
 * The content half: `content` and a style code → the content encoder's f2 → the decoder, whose
 * AdaIN steps take the code's statistics and whose filter-modulated residual blocks its signals.
 * Height and width are dynamic (at least 5); the output keeps the content's size: the authors'
 * network returns 4·ceil(ceil(H/2)/2) rows and columns, of which this keeps the first H and W.
 * Only the authors' alpha = 1 (full style): the network was not trained for a blend.
 */
export function buildStylizeGraph(params: MicroAstStylizeWeights, name = 'microast_stylize'): Graph {
  const g = new Graph(name);
  const content = g.input(MICROAST_CONTENT_INPUT, 'float32', [1, 3, 'h', 'w']);
  return stylizeNetwork(g, params, content, undefined);
}

/**
 * `buildStylizeGraph` for tiles of one large image (see `runTiled`): input and output on 0..255
 * (`MICROAST_CONTENT_INPUT`, `MICROAST_OUTPUT`), and each AdaIN normalising the content features
 * with fed whole-image statistics (`adain1.mean`, `.var`, biased: the unbiased factor N/(N−1) is
 * below 1.0003 for any image worth tiling) while reporting its own over `MICROAST_TILE_CORE`.
 */
export function buildSharedStylizeGraph(params: MicroAstStylizeWeights, name = 'microast_stylize_tiles'): Graph {
  const g = new Graph(name);
  const pixels = g.input(MICROAST_CONTENT_INPUT, 'float32', [1, 3, 'h', 'w']);
  const core = g.input(MICROAST_TILE_CORE, 'int64', [4]);
  const content = g.op('Mul', [pixels, scalar(g, 'to_unit', 1 / 255)]);
  const out = stylizeNetwork(g, params, content, core, pixels);
  return out;
}

/** `buildSharedStylizeGraph`'s input: the tile's core as [top, left, bottom, right] in its pixels (multiples of 4). */
export const MICROAST_TILE_CORE = 'tile.core';

/** The AdaIN layers `buildSharedStylizeGraph` shares statistics for, with their channels. */
export const MICROAST_NORM_LAYERS: readonly { name: string; channels: number }[] = [
  { name: 'adain1', channels: 64 },
  { name: 'adain2', channels: 64 },
];

function stylizeNetwork(g: Graph, params: MicroAstStylizeWeights, content: string, core: string | undefined, like = content): Graph {
  const input = (c: MicroAstStyleCodeName) => g.input(c, 'float32', MICROAST_STYLE_CODE_SHAPE);
  const code: StyleCodeValues = {
    w1: input('w1'),
    b1: input('b1'),
    w2: input('w2'),
    b2: input('b2'),
    f1: { mean: input('f1_mean'), std: input('f1_std') },
    f2: { mean: input('f2_mean'), std: input('f2_std') },
  };
  const c = part(g, 'contentEncoder', params, (net) => encoder(net, content));
  const y = part(g, 'decoder', params, (net) => decoder(net, c.f2, code), core);
  const cropped = g.scoped('crop', () => cropLike(g, y, like));
  g.output(core ? g.op('Mul', [cropped, scalar(g, 'to_pixels', 255)]) : cropped, MICROAST_OUTPUT, 'float32', [1, 3, 'h', 'w']);
  return g;
}

// ---------------------------------------------------------------------------------------------
// The network, block by block.

interface Features {
  readonly f1: string;
  readonly f2: string;
}

interface Statistics {
  readonly mean: string;
  readonly std: string;
}

interface Signals {
  readonly w1: string;
  readonly b1: string;
  readonly w2: string;
  readonly b2: string;
}

interface StyleCodeValues extends Signals {
  readonly f1: Statistics;
  readonly f2: Statistics;
}

/** Content and style encoder (same layers, own weights): a light stem to 1/4 size, two residuals. */
function encoder(net: Layers, image: string): Features {
  let x = relu(net, conv(net, 'enc1.0', image, { in: 3, out: 16, kernel: 9 }));
  x = relu(net, conv(net, 'enc1.2', x, { in: 16, out: 32, kernel: 3, stride: 2, groups: 16 }));
  x = relu(net, conv(net, 'enc1.4', x, { in: 32, out: 32, kernel: 1 }));
  x = relu(net, conv(net, 'enc1.6', x, { in: 32, out: 64, kernel: 3, stride: 2, groups: 32 }));
  x = relu(net, conv(net, 'enc1.8', x, { in: 64, out: 64, kernel: 1 }));
  const f1 = residual(net, 'enc1.10', x);
  const f2 = residual(net, 'enc2.0', f1);
  return { f1, f2 };
}

/** The style signals: per branch a depthwise 3×3 on a style feature, averaged over the image. */
function modulator(net: Layers, s: Features): Signals {
  const signal = (branch: string, f: string) =>
    net.layer(branch, () => net.g.op('GlobalAveragePool', [conv(net, '0', f, { in: 64, out: 64, kernel: 3, groups: 64 })]));
  return { w1: signal('weight1', s.f1), b1: signal('bias1', s.f1), w2: signal('weight2', s.f2), b2: signal('bias2', s.f2) };
}

/**
 * Two AdaIN + filter-modulated residual stages (deep style first: f2's statistics and w2/b2, then
 * f1's and w1/b1), then two bilinear ×2 upsamplings back to full size and a 9×9 conv to RGB.
 */
function decoder(net: Layers, content: string, code: StyleCodeValues): string {
  let x = adain(net, 'adain1', content, code.f2);
  x = modulatedResidual(net, 'dec1', x, code.w2, code.b2);
  x = adain(net, 'adain2', x, code.f1);
  x = modulatedResidual(net, 'dec2', x, code.w1, code.b1);
  x = upsample(net, 'dec3.0', x);
  x = relu(net, conv(net, 'dec3.1', x, { in: 64, out: 32, kernel: 3, groups: 32 }));
  x = relu(net, conv(net, 'dec3.3', x, { in: 32, out: 32, kernel: 1 }));
  x = upsample(net, 'dec3.5', x);
  x = relu(net, conv(net, 'dec3.6', x, { in: 32, out: 16, kernel: 3, groups: 16 }));
  x = relu(net, conv(net, 'dec3.8', x, { in: 16, out: 16, kernel: 1 }));
  return conv(net, 'dec3.10', x, { in: 16, out: 3, kernel: 9 });
}

/** ResidualLayer: `x + conv2(relu(conv1(x)))`, no activation after the sum. */
function residual(net: Layers, name: string, x: string): string {
  return net.layer(name, () => {
    const t = relu(net, conv(net, 'conv1', x, RESIDUAL_CONV));
    return net.g.op('Add', [x, conv(net, 'conv2', t, RESIDUAL_CONV)]);
  });
}

/**
 * ResidualLayer with filter modulation: the signals scale each conv's output (w) and its input (b),
 * channel by channel: `t = relu(w·conv1(x) + b·x)`, `x + (w·conv2(t) + b·t)`.
 */
function modulatedResidual(net: Layers, name: string, x: string, w: string, b: string): string {
  const { g } = net;
  const modulate = (conv: string, input: string) => g.op('Add', [g.op('Mul', [w, conv]), g.op('Mul', [b, input])]);
  return net.layer(name, () => {
    const t = relu(net, modulate(conv(net, 'conv1', x, RESIDUAL_CONV), x));
    return g.op('Add', [x, modulate(conv(net, 'conv2', t, RESIDUAL_CONV), t)]);
  });
}

const RESIDUAL_CONV: ConvSpec = { in: 64, out: 64, kernel: 3 };

/** AdaIN (Huang & Belongie 2017): x normalized per channel, given the style's std and mean. */
function adain(net: Layers, name: string, x: string, style: Statistics): string {
  const { g } = net;
  return net.layer(name, () => {
    const own = net.shared ? sharedStatistics(net, x) : statistics(g, x);
    const normalized = g.op('Div', [g.op('Sub', [x, own.mean]), own.std]);
    return g.op('Add', [g.op('Mul', [normalized, style.std]), style.mean]);
  });
}

/**
 * calc_mean_std of the authors' function.py: per-channel mean over H×W and std = sqrt(var + 1e-5)
 * with the unbiased variance (÷ (H·W − 1)), which ONNX InstanceNormalization (biased) is not.
 */
function statistics(g: Graph, x: string): Statistics {
  const mean = g.op('ReduceMean', [x], { axes: [2, 3], keepdims: 1 });
  const squares = g.op('ReduceSumSquare', [g.op('Sub', [x, mean])], { axes: [2, 3], keepdims: 1 });
  const pixels = g.op('Cast', [g.op('ReduceProd', [sliceDims(g, x, 2, 4)], { keepdims: 1 })], { to: FLOAT });
  const variance = g.op('Div', [squares, g.op('Sub', [pixels, scalar(g, 'one', 1)])]);
  const std = g.op('Sqrt', [g.op('Add', [variance, scalar(g, 'epsilon', 1e-5)])]);
  return { mean, std };
}

/**
 * Whole-image statistics fed in (`<name>.mean`, `<name>.var`, [64]) for a tile, and the tile's
 * own over its core (the decoder works at 1/4 scale) reported as moments about the fed mean.
 */
function sharedStatistics(net: Layers, x: string): Statistics {
  const { mean, variance } = net.sharedStatistics(x, 64, 4);
  const std = net.g.op('Sqrt', [net.g.op('Add', [variance, scalar(net.g, 'epsilon', 1e-5)])]);
  return { mean, std };
}

// ---------------------------------------------------------------------------------------------
// Layers.

interface ConvSpec {
  readonly in: number;
  readonly out: number;
  readonly kernel: number;
  /** Default 1. */
  readonly stride?: number;
  /** Default 1. */
  readonly groups?: number;
}

/** ConvLayer: reflection pad by kernel // 2 (mirroring without the edge), then an unpadded conv with bias. */
function conv(net: Layers, name: string, x: string, { in: channelsIn, out, kernel, stride = 1, groups = 1 }: ConvSpec): string {
  return net.layer(name, () => {
    const weight = net.param('conv_layer.weight', [out, channelsIn / groups, kernel, kernel]);
    const bias = net.param('conv_layer.bias', [out]);
    const pad = Math.floor(kernel / 2);
    const { g } = net;
    const padded = pad === 0 ? x : g.op('Pad', [x, g.constant('pads', int64([8], [0, 0, pad, pad, 0, 0, pad, pad]))], { mode: 'reflect' });
    return g.op('Conv', [padded, weight, bias], { kernel_shape: [kernel, kernel], strides: [stride, stride], group: groups });
  });
}

function relu(net: Layers, x: string): string {
  return net.g.op('Relu', [x]);
}

/** nn.Upsample(scale_factor=2, mode='bilinear'), align_corners False: half-pixel centres, edges clamped. */
function upsample(net: Layers, name: string, x: string): string {
  const { g } = net;
  return g.scoped(name, () => {
    const scales = g.constant('scales', float32([4], [1, 1, 2, 2]));
    return g.op('Resize', [x, '', scales], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' });
  });
}

/** `y`'s first rows and columns, as many as `like` has. */
function cropLike(g: Graph, y: string, like: string): string {
  return g.op('Slice', [y, g.constant('starts', int64([2], [0, 0])), sliceDims(g, like, 2, 4), g.constant('axes', int64([2], [2, 3]))]);
}

/** Dimensions [from, to) of `x`'s shape, as int64. */
function sliceDims(g: Graph, x: string, from: number, to: number): string {
  return g.op('Slice', [g.op('Shape', [x]), g.constant('from', int64([1], [from])), g.constant('to', int64([1], [to]))]);
}

function scalar(g: Graph, hint: string, value: number): string {
  return g.constant(hint, float32([], [value]));
}

const FLOAT = 1; // ONNX TensorProto.FLOAT, for Cast

type Part = keyof typeof MICROAST_FILES;

const PART_SCOPE: Record<Part, string> = {
  contentEncoder: 'content_encoder',
  styleEncoder: 'style_encoder',
  modulator: 'modulator',
  decoder: 'decoder',
};

/**
 * Builds one checkpoint's part of the network: its nodes under `content_encoder/…` (and so on),
 * its parameters as initializers named `content_encoder.enc1.0.conv_layer.weight`; every tensor of
 * the checkpoint must be used, and every one used must be there with the right shape. `core`: the
 * tile core input, when AdaIN shares whole-image statistics.
 */
function part<T>(g: Graph, which: Part, weights: MicroAstStylizeWeights | MicroAstStyleCodeWeights, build: (net: Layers) => T, core?: string): T {
  const params = (weights as unknown as Record<string, unknown> | undefined)?.[which];
  if (!(params instanceof Map)) throw invalidParam(`params.${which}`, `a Map of the tensors of ${MICROAST_FILES[which]}`, params);
  const scope = PART_SCOPE[which];
  const net = new Layers(g, {
    params: params as MicroAstParams,
    what: `MicroAST ${scope.replace('_', ' ')} parameters (${MICROAST_FILES[which]})`,
    valueName: (param) => `${scope}.${param}`,
    core,
  });
  const out = g.scoped(scope, () => build(net));
  net.checkAllUsed();
  return out;
}
