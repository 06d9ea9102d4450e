import onnxProto from 'onnx-proto';
import type { onnx as O } from 'onnx-proto';
import { FloatAttr, FloatsAttr, Graph, type AttrValue, type Dim, type ValueInfo } from './graph';
import type { DType, TensorData } from './tensor';
import { ImpastoError } from '../errors';
import { utf8Decode, utf8Encode } from '../platform';

const { onnx } = onnxProto;

const ELEM: Record<DType, number> = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9 };
const DTYPE_OF: Record<number, DType> = { 1: 'float32', 2: 'uint8', 6: 'int32', 7: 'int64', 9: 'bool' };

function bytesOf(t: TensorData): Uint8Array {
  const d = t.data;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

function tensorProto(name: string, t: TensorData): O.ITensorProto {
  return { name, dataType: ELEM[t.type], dims: [...t.dims], rawData: bytesOf(t) };
}

function attributeProto(name: string, v: AttrValue): O.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (v instanceof FloatAttr) return { name, type: T.FLOAT, f: v.value };
  if (v instanceof FloatsAttr) return { name, type: T.FLOATS, floats: [...v.value] };
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: utf8Encode(v) };
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return { name, type: T.STRINGS, strings: v.map((s: string) => utf8Encode(s)) };
    const nums = v as number[];
    return nums.every(Number.isInteger) ? { name, type: T.INTS, ints: nums } : { name, type: T.FLOATS, floats: nums };
  }
  return { name, type: T.TENSOR, t: tensorProto(name, v as TensorData) };
}

function valueInfoProto(v: ValueInfo): O.IValueInfoProto {
  const shape = v.shape ? { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})) } : undefined;
  return { name: v.name, type: { tensorType: { elemType: ELEM[v.type], shape } } };
}

/**
 * A Conv's attributes with `dilations` spelled out when they are the default. The ONNX spec
 * defaults them to 1, but onnxruntime-web's WebGPU Conv kernel reads the attribute as given and
 * rejects an empty list ("dilations should be 2D"), so every Conv carries them. The spatial rank
 * comes from another per-axis attribute or the weight initializer; without one, nothing is added.
 */
function convAttributes(graph: Graph, n: Graph['nodes'][number]): Record<string, AttrValue> {
  const a = n.attributes;
  if (n.opType !== 'Conv' || (n.domain ?? '') !== '' || a.dilations !== undefined) return a;
  const perAxis = [a.kernel_shape, a.strides].find(Array.isArray) as readonly number[] | undefined;
  const pads = Array.isArray(a.pads) ? a.pads.length / 2 : undefined;
  const weight = graph.initializers.get(n.inputs[1] ?? '');
  const rank = perAxis?.length ?? pads ?? (weight ? weight.dims.length - 2 : undefined);
  return rank ? { ...a, dilations: new Array<number>(rank).fill(1) } : a;
}

/** Builds the ONNX `ModelProto` object for `graph`. */
export function toModelProto(graph: Graph): O.IModelProto {
  return {
    irVersion: 8,
    producerName: 'impasto',
    opsetImport: [{ domain: '', version: graph.opset }],
    graph: {
      name: graph.name,
      input: graph.inputs.map(valueInfoProto),
      output: graph.outputs.map(valueInfoProto),
      initializer: [...graph.initializers].map(([n, t]) => tensorProto(n, t)),
      node: graph.nodes.map((n) => ({
        opType: n.opType,
        name: n.name,
        domain: n.domain ?? '',
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(convAttributes(graph, n)).map(([k, v]) => attributeProto(k, v)),
      })),
    },
  };
}

/** Serialises `graph` to ONNX model bytes, ready for `InferenceSession.create`. */
export function encodeModel(graph: Graph): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(toModelProto(graph))).finish();
}

function toNumber(v: number | { toNumber(): number }): number {
  return typeof v === 'number' ? v : v.toNumber();
}

function tensorFrom(p: O.ITensorProto): TensorData {
  const type = DTYPE_OF[p.dataType ?? 0];
  if (!type) throw new ImpastoError('BAD_MODEL', `tensor '${p.name}' has unsupported data type ${p.dataType}`);
  const dims = (p.dims ?? []).map(toNumber);
  // Copy: protobufjs may hand back an unaligned view (a Buffer slice in Node) into the model bytes.
  const raw = p.rawData && p.rawData.length > 0 ? new Uint8Array(p.rawData) : undefined;
  switch (type) {
    case 'float32':
      return { type, dims, data: raw ? new Float32Array(raw.buffer, 0, raw.byteLength / 4) : Float32Array.from(p.floatData ?? []) };
    case 'int64':
      return { type, dims, data: raw ? new BigInt64Array(raw.buffer, 0, raw.byteLength / 8) : BigInt64Array.from((p.int64Data ?? []).map((x) => BigInt(toNumber(x)))) };
    case 'int32':
      return { type, dims, data: raw ? new Int32Array(raw.buffer, 0, raw.byteLength / 4) : Int32Array.from(p.int32Data ?? []) };
    default:
      return { type, dims, data: raw ?? Uint8Array.from(p.int32Data ?? []) };
  }
}

function attributeFrom(a: O.IAttributeProto): AttrValue {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.FLOAT: return new FloatAttr(a.f ?? 0);
    case T.INT: return toNumber(a.i ?? 0);
    case T.STRING: return utf8Decode(a.s ?? new Uint8Array());
    case T.TENSOR: return tensorFrom(a.t ?? {});
    case T.FLOATS: return new FloatsAttr(a.floats ?? []);
    case T.INTS: return (a.ints ?? []).map(toNumber);
    case T.STRINGS: return (a.strings ?? []).map((s) => utf8Decode(s));
    default: throw new ImpastoError('BAD_MODEL', `attribute '${a.name}' has unsupported type ${a.type}`);
  }
}

function valueInfoFrom(v: O.IValueInfoProto): ValueInfo {
  const tt = v.type?.tensorType;
  const shape: Dim[] | undefined = tt?.shape?.dim?.map((d) => (d.dimValue != null && toNumber(d.dimValue) > 0 ? toNumber(d.dimValue) : d.dimParam || null));
  return { name: v.name ?? '', type: DTYPE_OF[tt?.elemType ?? 1] ?? 'float32', shape };
}

/** Reads ONNX model bytes back into a `Graph` that can be extended and re-encoded. */
export function decodeModel(bytes: Uint8Array): Graph {
  let model: O.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new ImpastoError('BAD_MODEL', `not an ONNX model: ${(e as Error).message}`, { cause: e });
  }
  const gp = model.graph;
  if (!gp) throw new ImpastoError('BAD_MODEL', 'ONNX model has no graph');
  const g = new Graph(gp.name || 'model');
  const opset = model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (opset?.version) g.opset = toNumber(opset.version);
  const inits = new Set<string>();
  for (const t of gp.initializer ?? []) {
    g.initializers.set(g.reserve(t.name ?? ''), tensorFrom(t));
    inits.add(t.name ?? '');
  }
  for (const i of gp.input ?? []) if (!inits.has(i.name ?? '')) g.inputs.push(valueInfoFrom(i)), g.reserve(i.name ?? '');
  for (const n of gp.node ?? []) {
    const outputs = (n.output ?? []).map((o) => g.reserve(o));
    g.nodes.push({
      opType: n.opType ?? '',
      inputs: [...(n.input ?? [])],
      outputs,
      name: g.reserve(n.name || g.fresh(`${n.opType}_node`)),
      domain: n.domain || undefined,
      attributes: Object.fromEntries((n.attribute ?? []).map((a) => [a.name ?? '', attributeFrom(a)])),
    });
  }
  for (const o of gp.output ?? []) g.outputs.push(valueInfoFrom(o));
  return g;
}
