import { ImpastoError } from '../errors';
import { Graph, attr } from '../onnx/graph';
import { int64, transpose, type TensorData } from '../onnx/tensor';
import { FST_VARIABLE_COUNT } from './checkpoint';

/** Name of the network's input: float32 NCHW [1, 3, H, W], RGB on the 0..255 scale. */
export const FST_INPUT = 'image';
/** Name of the network's output: float32 NCHW [1, 3, H, W] on the 0..255 scale, not yet clamped. */
export const FST_OUTPUT = 'stylized';

type Layer = { kind: 'conv' | 'deconv'; stride: 1 | 2; relu: boolean };

// Johnson et al. 2016 as trained by lengstrom/fast-style-transfer; variables come in this order.
const LAYERS: Layer[] = [
  { kind: 'conv', stride: 1, relu: true },
  { kind: 'conv', stride: 2, relu: true },
  { kind: 'conv', stride: 2, relu: true },
  ...Array.from({ length: 5 }, (): Layer[] => [
    { kind: 'conv', stride: 1, relu: true },
    { kind: 'conv', stride: 1, relu: false },
  ]).flat(),
  { kind: 'deconv', stride: 2, relu: true },
  { kind: 'deconv', stride: 2, relu: true },
  { kind: 'conv', stride: 1, relu: false },
];

/**
 * Builds the fast-style transformer network from checkpoint variables (TensorFlow layouts, see
 * `readFstCheckpoint`). Height and width are dynamic.
 */
export function buildFastStyleGraph(variables: readonly TensorData<'float32'>[], name = 'fast_style'): Graph {
  if (variables.length !== FST_VARIABLE_COUNT) {
    throw new ImpastoError('BAD_MODEL', `a fast-style checkpoint has ${FST_VARIABLE_COUNT} variables, got ${variables.length}`);
  }
  const g = new Graph(name);
  const input = g.input(FST_INPUT, 'float32', [1, 3, 'height', 'width']);
  const { padded, crop } = padToMultipleOf4(g, input);
  let x = padded;
  let residual = '';
  LAYERS.forEach((layer, i) => {
    const [kernel, beta, gamma] = [variables[3 * i]!, variables[3 * i + 1]!, variables[3 * i + 2]!];
    const id = i < 3 ? `conv${i + 1}` : i < 13 ? `res${((i - 3) >> 1) + 1}_conv${((i - 3) & 1) + 1}` : i < 15 ? `deconv${i - 12}` : 'conv4';
    g.scoped(id, () => {
      if (i >= 3 && i < 13 && (i - 3) % 2 === 0) residual = x;
      x = layer.kind === 'conv' ? conv(g, x, kernel, layer.stride) : deconv(g, x, kernel);
      x = g.op('InstanceNormalization', [x, g.constant('gamma', gamma), g.constant('beta', beta)], { epsilon: attr.float(1e-3) });
      if (layer.relu) x = g.op('Relu', [x]);
      if (i >= 3 && i < 13 && (i - 3) % 2 === 1) x = g.op('Add', [residual, x]);
    });
  });
  const scale = g.constant('out_scale', { type: 'float32', dims: [], data: Float32Array.of(150) });
  const shift = g.constant('out_shift', { type: 'float32', dims: [], data: Float32Array.of(127.5) });
  const out = g.op('Add', [g.op('Mul', [g.op('Tanh', [x]), scale]), shift]);
  g.output(crop(out), FST_OUTPUT, 'float32', [1, 3, 'height', 'width']);
  return g;
}

/**
 * Two stride-2 convolutions and two stride-2 transposes return ceil(H/4)*4 rows, so other sizes
 * would grow. Padding the edges up to a multiple of 4 and cropping the result keeps the input's size
 * (and leaves multiples of 4, the sizes the network was trained on, untouched).
 */
function padToMultipleOf4(g: Graph, x: string): { padded: string; crop: (y: string) => string } {
  const i64 = (hint: string, v: number[]) => g.constant(hint, int64([v.length], v));
  const hw = g.op('Slice', [g.op('Shape', [x]), i64('hw_start', [2]), i64('hw_end', [4])]);
  const four = i64('four', [4, 4]);
  const pad = g.op('Mod', [g.op('Sub', [four, g.op('Mod', [hw, four])]), four]);
  const pads = g.op('Concat', [i64('pads_begin', [0, 0, 0, 0, 0, 0]), pad], { axis: 0 });
  const padded = g.op('Pad', [x, pads], { mode: 'edge' });
  const crop = (y: string) => g.op('Slice', [y, i64('crop_start', [0, 0]), hw, i64('crop_axes', [2, 3])]);
  return { padded, crop };
}

// TensorFlow 'SAME' puts the odd padding row/column at the end; ONNX SAME_UPPER does the same.
function conv(g: Graph, x: string, kernelHWIO: TensorData<'float32'>, stride: number): string {
  const w = g.constant('kernel', transpose(kernelHWIO, [3, 2, 0, 1]));
  return g.op('Conv', [x, w], { auto_pad: 'SAME_UPPER', strides: [stride, stride] });
}

// tf.nn.conv2d_transpose(stride 2, SAME) to 2H x 2W is the adjoint of a SAME conv on 2H whose one
// padding row sits at the end: the transpose makes 2H + 1 rows and drops the last one.
function deconv(g: Graph, x: string, kernelHWOI: TensorData<'float32'>): string {
  const w = g.constant('kernel', transpose(kernelHWOI, [3, 2, 0, 1]));
  return g.op('ConvTranspose', [x, w], { strides: [2, 2], pads: [0, 0, 1, 1] });
}
