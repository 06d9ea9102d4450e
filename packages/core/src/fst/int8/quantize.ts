import { ImpastoError } from '../../errors';
import type { Graph, NodeDef } from '../../onnx/graph';
import { psnr } from '../../image/psnr';
import { decodeModel, encodeModel } from '../../onnx/serialize';
import type { TensorData } from '../../onnx/tensor';
import type { Backend } from '../../runtime/backend';
import { FST_INPUT, FST_OUTPUT } from '../network';
import { calibrationImages } from './calibration-images';
import { depthToSpaceAsTransposes, upsampleByDepthToSpace } from './depth-to-space';
import { type ChannelRanges, channelValues, equalizeInputs, equalizeOutputs, scaledRange } from './equalize';
import { quantizeConv } from './qdq';
import type { SessionOptions } from '../../options/generated';

/**
 * The layers int8 may run: the twelve with 128 channels on one side (conv3, the residual blocks,
 * deconv1 as Conv + DepthToSpace), 82 % of the FLOPs, and deconv2 (as Conv + DepthToSpace: its
 * float ConvTranspose was a quarter of the int8 network's time); `minPsnr` picks which of them a
 * style keeps. The rest stay float32: conv2 cost about 1 dB of mean PSNR for 7 % of the time, and
 * either 9×9 conv alone brought dark photos down to 30–32 dB.
 */
export const INT8_LAYERS = ['conv3', ...[1, 2, 3, 4, 5].flatMap((k) => [`res${k}.conv1`, `res${k}.conv2`]), 'deconv1', 'deconv2'] as const;

/** How `quantizeFastStyle` calibrates (defaults: 8 synthetic images of 256², seed 1, on the cpu). */
export interface Int8Calibration {
  /** How many synthetic images (`calibrationImages`), or your own (float32 [1, 3, H, W], 0..255) instead. */
  readonly images?: number | readonly TensorData<'float32'>[];
  /** Side of the synthetic images (default 256). */
  readonly size?: number;
  /** Seed of the synthetic images (default 1). */
  readonly seed?: number;
  /** The layers to quantize, as they are (default: chosen from `INT8_LAYERS` by `minPsnr`). */
  readonly layers?: readonly string[];
  /**
   * Keep the int8 network within this mean PSNR (dB) of the float one on synthetic validation
   * images, leaving in float32 the layers that would cost more (default 38; 0: every `INT8_LAYERS`
   * layer).
   */
  readonly minPsnr?: number;
  /** The session the float network runs calibration on (default `{ ep: 'cpu' }`). */
  readonly session?: SessionOptions;
}

const DEFAULT_MIN_PSNR = 38;
/** How far below `minPsnr` the enlarged validation image may fall (see `chooseLayers`). */
const LARGE_IMAGE_MARGIN = 8;

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
 * 3. channels are equalised, exactly: each conv's output channels centred and scaled to a common
 *    range (the instance norm after it subtracts the shift and divides the scale out), and each
 *    conv's input channels by `equalizeInputs` (scaling the norms that make them, divided out in
 *    the kernels);
 * 4. kernels become int8 per channel, activations uint8 per tensor, and a DepthToSpace after a
 *    quantized conv moves uint8 — on the layers of `INT8_LAYERS` this network can afford
 *    (`minPsnr`, measured on synthetic validation images);
 * 5. each DepthToSpace becomes two transposes (exact; faster in ONNX Runtime).
 * @throws ImpastoError `BAD_MODEL` when `graph` is not the fast-style network.
 */
export async function quantizeFastStyle(backend: Backend, graph: Graph, calibration: Int8Calibration = {}): Promise<Graph> {
  const base = decodeModel(encodeModel(graph));
  const candidates = calibration.layers ?? INT8_LAYERS;
  upsampleByDepthToSpace(base, new Set(candidates.map((l) => `${l}.kernel`)));
  const stats = await calibrate(backend, base, candidates.map((l) => convOf(base, l)), calibration);
  const statsOf = new Map(candidates.map((l, i) => [l, stats[i]!]));
  const build = (layers: readonly string[]) => quantizeLayers(base, layers, statsOf);
  if (calibration.layers || calibration.minPsnr === 0) return build(candidates);
  return build(await chooseLayers(backend, base, candidates, build, calibration));
}

/**
 * The most layers (least sensitive first) whose int8 network stays within `minPsnr` of the float
 * one, in mean PSNR, on synthetic validation images (other seeds than calibration's; half of them
 * smooth): networks differ in how much 8 bits cost them (on the photos, PSNR of all the candidate
 * layers ran from 26 to 41 dB across the nine styles), so each style keeps in float32 what it
 * cannot afford. Smooth images are where photos lose most (skies, night), and detailed ones alone
 * overrated the photos by up to 3 dB in the mean.
 * A second check guards larger images: in some networks activations grow with the image (after an
 * instance norm, peaks grow with the pixel count) and clip on ranges calibrated at `size`. One
 * synthetic picture enlarged to four times the side must stay within `minPsnr` − 8 dB: it is
 * harsher than photos of that size (by 4–8 dB where nothing clipped), but the styles whose photos
 * fell to 18–31 dB at 1024² fell to 18–27 dB on it. (A synthetic image drawn at that size kept
 * wave to 2 layers: its finer octaves of noise made it far harsher than the photos.)
 */
async function chooseLayers(backend: Backend, base: Graph, candidates: readonly string[], build: (layers: readonly string[]) => Graph, c: Int8Calibration): Promise<readonly string[]> {
  const [size, seed] = [c.size ?? 256, c.seed ?? 1];
  const small = [...calibrationImages(2, size, seed + 1000), ...calibrationImages(2, size, seed + 2000, 10)];
  const large = calibrationImages(1, 4 * size, seed + 3000, 60, 4);
  const run = async (g: Graph, images: readonly TensorData<'float32'>[]) => {
    const s = await backend.createSession(encodeModel(g), c.session ?? { ep: 'cpu' });
    try {
      const out: Float32Array[] = [];
      for (const image of images) out.push((await s.run({ [FST_INPUT]: image }))[FST_OUTPUT]!.data as Float32Array);
      return out;
    } finally {
      await s.dispose();
    }
  };
  const reference = { small: await run(base, small), large: await run(base, large) };
  const meanPsnr = (ref: Float32Array[], out: Float32Array[]) => out.reduce((sum, o, i) => sum + psnr(ref[i]!, o), 0) / out.length;
  const target = c.minPsnr ?? DEFAULT_MIN_PSNR;
  // The order (sensitivity) from the small images alone; the large one joins the final checks.
  const alone = new Map<string, number>();
  for (const l of candidates) alone.set(l, meanPsnr(reference.small, await run(build([l]), small)));
  const order = [...candidates].sort((a, b) => alone.get(b)! - alone.get(a)!);
  const passes = async (layers: readonly string[]) => {
    const g = build(layers);
    return meanPsnr(reference.small, await run(g, small)) >= target && meanPsnr(reference.large, await run(g, large)) >= target - LARGE_IMAGE_MARGIN;
  };
  // PSNR falls as layers are added: the longest prefix that meets the target, by bisection.
  let [lo, hi] = [0, order.length];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (await passes(order.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return order.slice(0, lo);
}

/** `base` with `layers` quantized, channels equalised with the calibrated `stats`. */
function quantizeLayers(base: Graph, layers: readonly string[], stats: ReadonlyMap<string, LayerStats>): Graph {
  const g = decodeModel(encodeModel(base));
  const convs = layers.map((l) => convOf(g, l));
  const inputRanges = new Map(convs.map((c, i) => [c.inputs[0]!, stats.get(layers[i]!)!.input]));
  const factors = new Map<string, Float32Array>();
  for (const [i, conv] of convs.entries()) {
    const x = conv.inputs[0]!;
    if (factors.has(x)) continue;
    // The image (conv1's input) has no norm to scale by: its channels are left as they are.
    if (!['Relu', 'Add'].includes(g.producer(x)?.opType ?? '')) {
      factors.set(x, new Float32Array(stats.get(layers[i]!)!.input.min.length).fill(1));
      continue;
    }
    const t = equalizeInputs(g, x, (v) => inputRanges.get(v));
    for (const v of channelValues(g, x)) factors.set(v, t);
  }
  convs.forEach((conv, i) => {
    const s = stats.get(layers[i]!)!;
    const out = equalizeOutputs(g, conv, s.output);
    quantizeConv(g, conv, scaledRange(s.input, factors.get(conv.inputs[0]!)!), out.range, out.bias);
  });
  depthToSpaceAsTransposes(g);
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

