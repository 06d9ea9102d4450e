import { ImpastoError } from '../../errors';
import type { Graph, NodeDef } from '../../onnx/graph';
import type { TensorData } from '../../onnx/tensor';

/** A value's range seen in calibration. */
export interface Range {
  min: number;
  max: number;
}

/** uint8 affine quantization of `r` (widened to hold 0, so zero padding is exact). */
export function uint8Params(r: Range): { scale: number; zeroPoint: number } {
  const [lo, hi] = [Math.min(r.min, 0), Math.max(r.max, 0)];
  const scale = (hi - lo) / 255 || 1;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-lo / scale))) };
}

/** Symmetric int8 per output channel (axis 0), zero point 0: what VNNI's u8×s8 products want. */
export function int8PerChannel(w: TensorData<'float32'>): { q: Int8Array; scales: Float32Array } {
  const channels = w.dims[0]!;
  const per = w.data.length / channels;
  const q = new Int8Array(w.data.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let m = 0;
    for (let i = c * per; i < (c + 1) * per; i++) m = Math.max(m, Math.abs(w.data[i]!));
    const s = m / 127 || 1;
    scales[c] = s;
    for (let i = c * per; i < (c + 1) * per; i++) q[i] = Math.round(w.data[i]! / s);
  }
  return { q, scales };
}

/**
 * Wraps Conv `conv` in QDQ form: its input and output through QuantizeLinear → DequantizeLinear
 * (uint8, per tensor, over the calibrated ranges), its kernel stored as int8 per channel and
 * `bias` (optional, [out]) as int32 on the input scale × kernel scale grid, each behind a
 * DequantizeLinear.
 * ONNX Runtime fuses DQ → Conv → Q into one QLinearConv.
 */
export function quantizeConv(g: Graph, conv: NodeDef, input: Range, output: Range, bias?: Float32Array): void {
  if (conv.inputs.length > 2) throw new ImpastoError('BAD_MODEL', `${conv.name}: only a conv without a bias input is quantized`);
  const [x, kernel] = conv.inputs as [string, string];
  const w = g.initializers.get(kernel) as TensorData<'float32'>;
  const { q, scales } = int8PerChannel(w);
  g.initializers.delete(kernel);
  const qKernel = g.constant(`${kernel}.int8`, { type: 'int8', dims: w.dims, data: q });
  const kScale = g.constant(`${kernel}.scale`, { type: 'float32', dims: [scales.length], data: scales });
  const kZero = g.constant(`${kernel}.zero`, { type: 'int8', dims: [scales.length], data: new Int8Array(scales.length) });
  const deqKernel = g.fresh(`${kernel}.dequantized`);

  const qdq = (v: string, r: Range, hint: string): { nodes: NodeDef[]; out: string } => {
    const { scale, zeroPoint } = uint8Params(r);
    const s = g.constant(`${hint}.scale`, { type: 'float32', dims: [], data: Float32Array.of(scale) });
    const z = g.constant(`${hint}.zero`, { type: 'uint8', dims: [], data: Uint8Array.of(zeroPoint) });
    const [quantized, out] = [g.fresh(`${hint}.uint8`), g.fresh(`${hint}.dequantized`)];
    return {
      out,
      nodes: [
        { opType: 'QuantizeLinear', inputs: [v, s, z], outputs: [quantized], attributes: {}, name: g.fresh(`${hint}_quantize`) },
        { opType: 'DequantizeLinear', inputs: [quantized, s, z], outputs: [out], attributes: {}, name: g.fresh(`${hint}_dequantize`) },
      ],
    };
  };
  const inQ = qdq(x, input, `${conv.name}.input`);
  const qBias = bias && quantizeBias(g, `${kernel}.bias`, bias, uint8Params(input).scale, scales);
  const rawOut = g.fresh(`${conv.outputs[0]}.float`);
  const outQ = qdq(rawOut, output, `${conv.name}.output`);
  const i = g.nodes.indexOf(conv);
  const consumers = g.nodes.filter((n) => n !== conv && n.inputs.includes(conv.outputs[0]!));
  g.nodes.splice(
    i,
    1,
    { opType: 'DequantizeLinear', inputs: [qKernel, kScale, kZero], outputs: [deqKernel], attributes: { axis: 0 }, name: g.fresh(`${kernel}_dequantize`) },
    ...inQ.nodes,
    ...(qBias?.nodes ?? []),
    { ...conv, inputs: [inQ.out, deqKernel, ...(qBias ? [qBias.out] : [])], outputs: [rawOut] },
    ...outQ.nodes,
  );
  // A DepthToSpace after the conv moves bytes, not floats: it goes between Q and DQ.
  const [next] = consumers;
  if (consumers.length === 1 && next!.opType === 'DepthToSpace') {
    const [quantize, dequantize] = outQ.nodes as [NodeDef, NodeDef];
    const moved = g.fresh(`${next!.outputs[0]}.uint8`);
    g.nodes.splice(g.nodes.indexOf(dequantize), 1);
    g.nodes[g.nodes.indexOf(next!)] = { ...next!, inputs: [quantize.outputs[0]!], outputs: [moved] };
    g.nodes.splice(g.nodes.findIndex((n) => n.name === next!.name) + 1, 0, { ...dequantize, inputs: [moved, ...dequantize.inputs.slice(1)], outputs: [next!.outputs[0]!] });
    return;
  }
  // The conv's consumers now read the dequantized output.
  for (const n of consumers) {
    const at = g.nodes.indexOf(n);
    g.nodes[at] = { ...n, inputs: n.inputs.map((v) => (v === conv.outputs[0] ? outQ.out : v)) };
  }
}

/** A bias as int32 on QLinearConv's accumulator grid (input scale × each kernel scale), behind a DequantizeLinear. */
function quantizeBias(g: Graph, name: string, bias: Float32Array, inputScale: number, kernelScales: Float32Array): { nodes: NodeDef[]; out: string } {
  const scales = Float32Array.from(kernelScales, (s) => s * inputScale);
  const q = g.constant(`${name}.int32`, { type: 'int32', dims: [bias.length], data: Int32Array.from(bias, (v, c) => Math.round(v / scales[c]!)) });
  const s = g.constant(`${name}.scale`, { type: 'float32', dims: [scales.length], data: scales });
  const z = g.constant(`${name}.zero`, { type: 'int32', dims: [scales.length], data: new Int32Array(scales.length) });
  const out = g.fresh(`${name}.dequantized`);
  return { out, nodes: [{ opType: 'DequantizeLinear', inputs: [q, s, z], outputs: [out], attributes: { axis: 0 }, name: g.fresh(`${name}_dequantize`) }] };
}
