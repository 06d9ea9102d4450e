import { ImpastoError } from '../../errors';
import type { Graph, NodeDef } from '../../onnx/graph';
import { decodeModel, encodeModel } from '../../onnx/serialize';
import type { TensorData } from '../../onnx/tensor';
import type { Backend } from '../../runtime/backend';
import { FST_INPUT } from '../network';
import { calibrationImages } from './calibration-images';
import { upsampleByDepthToSpace } from './depth-to-space';
import { type ChannelRanges, channelValues, equalizeInputs, equalizeOutputs, scaledRange } from './equalize';
import { quantizeConv } from './qdq';
import type { SessionOptions } from '../../options/generated';

/**
 * The layers int8 runs: the twelve with 128 channels on one side (conv3, the residual blocks,
 * deconv1 as Conv + DepthToSpace), 82 % of the FLOPs. The rest stay float32: quantizing conv2 or
 * deconv2 as well cost 1.4–1.9 dB of mean PSNR each (wave, ten photos at 512²), and either 9×9
 * conv alone brought dark photos down to 30–32 dB.
 */
export const INT8_LAYERS = ['conv3', ...[1, 2, 3, 4, 5].flatMap((k) => [`res${k}.conv1`, `res${k}.conv2`]), 'deconv1'] as const;

/** How `quantizeFastStyle` calibrates (defaults: 8 synthetic images of 256², seed 1, on the cpu). */
export interface Int8Calibration {
  /** How many synthetic images (`calibrationImages`), or your own (float32 [1, 3, H, W], 0..255) instead. */
  readonly images?: number | readonly TensorData<'float32'>[];
  /** Side of the synthetic images (default 256). */
  readonly size?: number;
  /** Seed of the synthetic images (default 1). */
  readonly seed?: number;
  /** The layers to quantize (default `INT8_LAYERS`). */
  readonly layers?: readonly string[];
  /** The session the float network runs calibration on (default `{ ep: 'cpu' }`). */
  readonly session?: SessionOptions;
}

/** Per-channel ranges calibration saw at a quantized conv's input and output. */
interface LayerStats {
  input: ChannelRanges;
  output: ChannelRanges;
}

/**
 * Quantizes a fast-style network (`buildFastStyleGraph`'s float graph) to int8 for CPUs with
 * 8-bit dot products (AVX-512 VNNI, AVX-VNNI, ARM dotprod), in QDQ form ONNX Runtime fuses into
 * QLinearConv:
 * 1. each ConvTranspose becomes Conv + DepthToSpace (exact);
 * 2. calibration runs the float network on `calibrationImages` (no user data) and records each
 *    quantized conv's per-channel input and output ranges (min and max);
 * 3. channels are equalised, exactly: each conv's output channels to a common range (the
 *    instance norm after it divides the scale out), and each conv's input channels by
 *    `equalizeInputs` (scaling the norms that make them, divided out in the kernels);
 * 4. kernels become int8 per channel, activations uint8 per tensor, around `INT8_LAYERS`, and a
 *    DepthToSpace after a quantized conv moves uint8.
 * @throws ImpastoError `BAD_MODEL` when `graph` is not the fast-style network.
 */
export async function quantizeFastStyle(backend: Backend, graph: Graph, calibration: Int8Calibration = {}): Promise<Graph> {
  const g = decodeModel(encodeModel(graph));
  const layers = calibration.layers ?? INT8_LAYERS;
  upsampleByDepthToSpace(g, new Set(layers.map((l) => `${l}.kernel`)));
  const convs = layers.map((layer) => convOf(g, layer));
  const stats = await calibrate(backend, g, convs, calibration);
  const inputRanges = new Map(convs.map((c, i) => [c.inputs[0]!, stats[i]!.input]));
  const factors = new Map<string, Float32Array>();
  for (const conv of convs) {
    const x = conv.inputs[0]!;
    if (factors.has(x)) continue;
    // The image (conv1's input) has no norm to scale by: its channels are left as they are.
    if (!['Relu', 'Add'].includes(g.producer(x)?.opType ?? '')) {
      factors.set(x, new Float32Array(stats[convs.indexOf(conv)]!.input.min.length).fill(1));
      continue;
    }
    const t = equalizeInputs(g, x, (v) => inputRanges.get(v));
    for (const v of channelValues(g, x)) factors.set(v, t);
  }
  convs.forEach((conv, i) => {
    const input = scaledRange(stats[i]!.input, factors.get(conv.inputs[0]!)!);
    quantizeConv(g, conv, input, equalizeOutputs(g, conv, stats[i]!.output));
  });
  return g;
}

function convOf(g: Graph, layer: string): NodeDef {
  const kernel = `${layer}.kernel`;
  const conv = g.nodes.find((n) => n.opType === 'Conv' && n.inputs[1] === kernel);
  if (!conv) throw new ImpastoError('BAD_MODEL', `not a fast-style network: no convolution with kernel ${kernel}`);
  return conv;
}

/** Runs the float network with each conv's input min/max and per-channel output min/max as extra outputs. */
async function calibrate(backend: Backend, g: Graph, convs: NodeDef[], c: Int8Calibration): Promise<LayerStats[]> {
  const probe = decodeModel(encodeModel(g));
  const names = convs.map((conv, i) => {
    const reduce = (op: string, v: string, axes: number[]) => probe.op(op, [v], { axes, keepdims: 0 }, { name: `probe${i}` });
    const [x, y] = [conv.inputs[0]!, conv.outputs[0]!];
    const out = [reduce('ReduceMin', x, [0, 2, 3]), reduce('ReduceMax', x, [0, 2, 3]), reduce('ReduceMin', y, [0, 2, 3]), reduce('ReduceMax', y, [0, 2, 3])];
    for (const o of out) probe.output(o);
    return out;
  });
  const session = await backend.createSession(encodeModel(probe), c.session ?? { ep: 'cpu' });
  const empty = () => ({ min: new Float32Array(0), max: new Float32Array(0) });
  const stats: LayerStats[] = convs.map(() => ({ input: empty(), output: empty() }));
  try {
    const images = typeof c.images === 'object' ? c.images : calibrationImages(c.images ?? 8, c.size ?? 256, c.seed ?? 1);
    for (const image of images) {
      const out = await session.run({ [FST_INPUT]: image }, names.flat());
      names.forEach(([inMin, inMax, outMin, outMax], i) => {
        const s = stats[i]!;
        s.input.min = elementwise(s.input.min, out[inMin!]!.data as Float32Array, Math.min);
        s.input.max = elementwise(s.input.max, out[inMax!]!.data as Float32Array, Math.max);
        s.output.min = elementwise(s.output.min, out[outMin!]!.data as Float32Array, Math.min);
        s.output.max = elementwise(s.output.max, out[outMax!]!.data as Float32Array, Math.max);
      });
    }
  } finally {
    await session.dispose();
  }
  return stats;
}

function elementwise(acc: Float32Array, v: Float32Array, f: (a: number, b: number) => number): Float32Array {
  if (acc.length === 0) return Float32Array.from(v);
  for (let i = 0; i < acc.length; i++) acc[i] = f(acc[i]!, v[i]!);
  return acc;
}

