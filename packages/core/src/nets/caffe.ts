import { ImpastoError } from '../errors';
import { attr, type Graph } from '../onnx/graph';
import { float32, int64, type TensorData } from '../onnx/tensor';
import {
  getBool, getMessage, getMessages, getNumber, getNumbers, getString, getStrings, parsePrototxt, type PrototxtMessage,
} from './prototxt';
import { sharedConstant } from './shared-constant';

/** One layer of a Caffe network definition. */
export interface CaffeLayer {
  readonly name: string;
  readonly type: string;
  readonly bottoms: readonly string[];
  readonly tops: readonly string[];
  readonly params: PrototxtMessage;
}

/** A Caffe network definition (deploy.prototxt), its input layer taken out. */
export interface CaffeNet {
  readonly name: string;
  /** The input blob. */
  readonly input: string;
  readonly inputShape: readonly number[] | undefined;
  readonly layers: readonly CaffeLayer[];
}

/** Convolution weights in ONNX layout: filter OIHW, bias [out]. */
export interface CaffeConvParams {
  readonly filter: TensorData<'float32'>;
  readonly bias?: TensorData<'float32'>;
}

/** What the graph builder needs to know of a layer beyond its definition. */
export interface CaffeLayerInfo {
  /** Layers whose outputs it reads (in-place layers make this differ from the bottoms' names). */
  readonly deps: readonly string[];
  /** Channels of its output. */
  readonly channels: number;
  /** For convolutions, the filter shape OIHW (I per group). */
  readonly filterShape?: readonly [number, number, number, number];
  readonly bias?: boolean;
}

function bad(message: string): ImpastoError {
  return new ImpastoError('BAD_MODEL', message);
}

/** Parses a deploy.prototxt (the current `layer` format; the V1 `layers` format is refused). */
export function parseCaffeNet(text: string): CaffeNet {
  const msg = parsePrototxt(text);
  const defs = getMessages(msg, 'layer');
  if (defs.length === 0 && getMessages(msg, 'layers').length > 0) {
    throw bad("prototxt uses Caffe's V1 'layers' format; upgrade it with Caffe's upgrade_net_proto_text");
  }
  let input = getString(msg, 'input');
  let inputShape: number[] | undefined = getNumbers(getMessage(msg, 'input_shape'), 'dim');
  if (inputShape.length === 0) inputShape = getNumbers(msg, 'input_dim');
  const layers: CaffeLayer[] = [];
  for (const d of defs) {
    const name = getString(d, 'name');
    const type = getString(d, 'type');
    if (!name || !type) throw bad('a prototxt layer has no name or type');
    const train = getMessages(d, 'include').some((inc) => getString(inc, 'phase') === 'TRAIN');
    if (train) continue;
    const tops = getStrings(d, 'top');
    if (type === 'Input') {
      input = tops[0];
      inputShape = getNumbers(getMessage(getMessage(d, 'input_param'), 'shape'), 'dim');
      continue;
    }
    layers.push({ name, type, bottoms: getStrings(d, 'bottom'), tops, params: d });
  }
  if (!input) throw bad('prototxt declares no input');
  return { name: getString(msg, 'name') ?? 'caffe', input, inputShape: inputShape.length ? inputShape : undefined, layers };
}

/** Convolution or pooling geometry; Caffe repeats `kernel_size` etc. per axis or gives `_h`/`_w` forms. */
function convGeometry(p: PrototxtMessage | undefined) {
  const pair = (base: string, repeated: string, fallback: number): [number, number] => {
    const all = getNumbers(p, repeated);
    return [getNumber(p, `${base}_h`) ?? all[0] ?? fallback, getNumber(p, `${base}_w`) ?? all[1] ?? all[0] ?? fallback];
  };
  return { kernel: pair('kernel', 'kernel_size', 0), stride: pair('stride', 'stride', 1), pad: pair('pad', 'pad', 0) };
}

/**
 * Works out each layer's dependencies and output channels, and each convolution's filter shape,
 * by walking the net in order (a blob's producer is the last layer that wrote it).
 */
export function caffeLayerInfo(net: CaffeNet): Map<string, CaffeLayerInfo> {
  const producer = new Map<string, string | undefined>([[net.input, undefined]]);
  const channelsOf = new Map<string, number>([[net.input, net.inputShape?.[1] ?? 3]]);
  const info = new Map<string, CaffeLayerInfo>();
  for (const layer of net.layers) {
    const deps: string[] = [];
    const inChannels = layer.bottoms.map((b) => {
      if (!producer.has(b)) throw bad(`layer ${layer.name} reads blob '${b}', which no earlier layer writes`);
      const p = producer.get(b);
      if (p !== undefined && !deps.includes(p)) deps.push(p);
      return channelsOf.get(b)!;
    });
    const cin = inChannels[0] ?? 0;
    let channels = cin;
    let extra: Partial<CaffeLayerInfo> = {};
    if (layer.type === 'Convolution') {
      const p = getMessage(layer.params, 'convolution_param');
      const out = getNumber(p, 'num_output');
      const group = getNumber(p, 'group', 1);
      const { kernel } = convGeometry(p);
      if (!out || kernel[0] <= 0 || kernel[1] <= 0) throw bad(`convolution ${layer.name} lacks num_output or kernel_size`);
      if (cin % group !== 0) throw bad(`convolution ${layer.name}: ${cin} input channels do not split into ${group} groups`);
      channels = out;
      extra = { filterShape: [out, cin / group, kernel[0], kernel[1]], bias: getBool(p, 'bias_term', true) };
    } else if (layer.type === 'Concat') {
      channels = inChannels.reduce((a, b) => a + b, 0);
    }
    info.set(layer.name, { deps, channels, ...extra });
    for (const t of layer.tops) {
      producer.set(t, layer.name);
      channelsOf.set(t, channels);
    }
  }
  return info;
}

/** The layers (in net order) needed to compute `wanted`: they and their ancestors. */
export function caffeLayersFor(net: CaffeNet, wanted: readonly string[]): CaffeLayer[] {
  const info = caffeLayerInfo(net);
  const needed = new Set<string>();
  const stack = [...wanted];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (needed.has(name)) continue;
    const i = info.get(name);
    if (!i) throw new ImpastoError('UNKNOWN_LAYER', `the net has no layer '${name}'`);
    needed.add(name);
    stack.push(...i.deps);
  }
  return net.layers.filter((l) => needed.has(l.name));
}

function addLayer(g: Graph, layer: CaffeLayer, inputs: string[], params: ReadonlyMap<string, CaffeConvParams>): string {
  const name = layer.name;
  const x = inputs[0]!;
  switch (layer.type) {
    case 'Convolution': {
      const p = getMessage(layer.params, 'convolution_param');
      const w = params.get(name);
      if (!w) throw new ImpastoError('INVALID_ARGUMENT', `Caffe layer ${name} is needed but its weights were not loaded`);
      const { kernel, stride, pad } = convGeometry(p);
      const dil = getNumbers(p, 'dilation');
      const ins = [x, sharedConstant(g, `${name}_W`, w.filter)];
      if (w.bias) ins.push(sharedConstant(g, `${name}_B`, w.bias));
      return g.op('Conv', ins, {
        kernel_shape: [...kernel],
        strides: stride,
        pads: [pad[0], pad[1], pad[0], pad[1]],
        dilations: [dil[0] ?? 1, dil[1] ?? dil[0] ?? 1],
        group: getNumber(p, 'group', 1),
      }, { name });
    }
    case 'ReLU': {
      const slope = getNumber(getMessage(layer.params, 'relu_param'), 'negative_slope', 0);
      return slope === 0 ? g.op('Relu', [x], {}, { name }) : g.op('LeakyRelu', [x], { alpha: attr.float(slope) }, { name });
    }
    case 'Pooling': {
      const p = getMessage(layer.params, 'pooling_param');
      const kind = getString(p, 'pool') ?? 'MAX';
      if (kind !== 'MAX' && kind !== 'AVE') throw new ImpastoError('UNSUPPORTED_OP', `Caffe layer ${name}: ${kind} pooling is not supported`);
      if (getBool(p, 'global_pooling', false)) return g.op(kind === 'MAX' ? 'GlobalMaxPool' : 'GlobalAveragePool', [x], {}, { name });
      const { kernel, stride, pad } = convGeometry(p);
      const padded = pad[0] > 0 || pad[1] > 0;
      const ceil = getString(p, 'round_mode') !== 'FLOOR';
      if (kind === 'MAX' && ceil && !padded && kernel.every((k, i) => k >= stride[i]!)) return ceilMaxPool(g, x, kernel, stride, name);
      return g.op(kind === 'MAX' ? 'MaxPool' : 'AveragePool', [x], {
        kernel_shape: [...kernel],
        strides: stride,
        pads: [pad[0], pad[1], pad[0], pad[1]],
        // Caffe rounds pooled sizes up unless told otherwise.
        ceil_mode: getString(p, 'round_mode') === 'FLOOR' ? 0 : 1,
        // Caffe's average divides by the window clipped to the padded image, padding included.
        ...(kind === 'AVE' && padded ? { count_include_pad: 1 } : {}),
      }, { name });
    }
    case 'Concat': {
      const p = getMessage(layer.params, 'concat_param');
      return g.op('Concat', inputs, { axis: getNumber(p, 'axis') ?? getNumber(p, 'concat_dim', 1) }, { name });
    }
    case 'Dropout':
      return x; // identity at inference
    case 'Softmax':
      return g.op('Softmax', [x], { axis: getNumber(getMessage(layer.params, 'softmax_param'), 'axis', 1) }, { name });
    default:
      throw new ImpastoError('UNSUPPORTED_OP', `Caffe layer ${name} has unsupported type ${layer.type}`);
  }
}

const LOWEST = float32([], [-3.4028234663852886e38]);
const CEIL_PADS = new Map<string, TensorData<'int64'>>();

/**
 * Caffe's rounded-up max pooling (no padding, kernel ≥ stride) as floor-mode MaxPool over the input
 * extended by stride − 1 rows and columns of −FLT_MAX at the end: the same windows and maxima
 * (every window still starts inside the image), in a form every provider runs. onnxruntime-web's
 * WebGPU MaxPool computes ceil_mode's output shape but does not implement its kernel.
 */
function ceilMaxPool(g: Graph, x: string, kernel: readonly number[], stride: readonly number[], name: string): string {
  const key = stride.join('x');
  let amounts = CEIL_PADS.get(key);
  if (!amounts) CEIL_PADS.set(key, (amounts = int64([8], [0, 0, 0, 0, 0, 0, stride[0]! - 1, stride[1]! - 1])));
  // Shared tensors, so a net added twice to one graph adds these once.
  const pads = sharedConstant(g, 'ceil_pool_pads', amounts);
  const lowest = sharedConstant(g, 'ceil_pool_value', LOWEST);
  const extended = g.op('Pad', [x, pads, lowest], { mode: 'constant' }, { name: `${name}_ceil_pad` });
  return g.op('MaxPool', [extended], { kernel_shape: [...kernel], strides: [...stride], pads: [0, 0, 0, 0], ceil_mode: 0 }, { name });
}

/**
 * Adds the layers of `net` needed for `wanted` (Caffe layer names) to `g`, reading `input` as the
 * net's input blob. Returns each wanted layer's output value, keyed by layer name. A layer's output
 * is its value right after it ran, so for an in-place ReLU the convolution's name gives the value
 * before the ReLU and the ReLU's name the value after.
 */
export function addCaffeLayers(
  g: Graph,
  input: string,
  net: CaffeNet,
  params: ReadonlyMap<string, CaffeConvParams>,
  wanted: readonly string[],
): Record<string, string> {
  const blobs = new Map<string, string>([[net.input, input]]);
  const out: Record<string, string> = {};
  const want = new Set(wanted);
  for (const layer of caffeLayersFor(net, wanted)) {
    const inputs = layer.bottoms.map((b) => blobs.get(b)!);
    const value = addLayer(g, layer, inputs, params);
    for (const t of layer.tops) blobs.set(t, value);
    if (want.has(layer.name)) out[layer.name] = value;
  }
  return out;
}
