import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import {
  AttributeProto_AttributeType as T,
  GraphProtoSchema,
  ModelProtoSchema,
  TensorProtoSchema,
  type AttributeProto,
  type ModelProto,
  type TensorProto,
  type TensorShapeProto_Dimension,
  type ValueInfoProto,
} from './proto/onnx_pb';
import { FloatAttr, FloatsAttr, Graph, type AttrValue, type Dim, type ValueInfo } from './graph';
import type { DType, TensorData } from './tensor';
import { ImpastoError } from '../errors';
import { utf8Decode, utf8Encode } from '../platform';
import { concatBytes } from '../util/bytes';

type ModelInit = MessageInitShape<typeof ModelProtoSchema>;
type GraphInit = NonNullable<ModelInit['graph']>;
type TensorInit = NonNullable<GraphInit['initializer']>[number];
type ValueInfoInit = NonNullable<GraphInit['input']>[number];
type AttributeInit = NonNullable<NonNullable<GraphInit['node']>[number]['attribute']>[number];

const ELEM: Record<DType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9 };
const DTYPE_OF: Record<number, DType> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool' };

function bytesOf(t: TensorData): Uint8Array {
  const d = t.data;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** A tensor's name, type and shape, without its data. */
function tensorHead(name: string, t: TensorData): TensorInit {
  return { name, dataType: ELEM[t.type], dims: t.dims.map(BigInt) };
}

function tensorProto(name: string, t: TensorData): TensorInit {
  return { ...tensorHead(name, t), rawData: bytesOf(t) };
}

function attributeProto(name: string, v: AttrValue): AttributeInit {
  if (v instanceof FloatAttr) return { name, type: T.FLOAT, f: v.value };
  if (v instanceof FloatsAttr) return { name, type: T.FLOATS, floats: [...v.value] };
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: T.INT, i: BigInt(v) } : { name, type: T.FLOAT, f: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: utf8Encode(v) };
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return { name, type: T.STRINGS, strings: v.map((s: string) => utf8Encode(s)) };
    const nums = v as number[];
    return nums.every(Number.isInteger) ? { name, type: T.INTS, ints: nums.map(BigInt) } : { name, type: T.FLOATS, floats: nums };
  }
  return { name, type: T.TENSOR, t: tensorProto(name, v as TensorData) };
}

function valueInfoProto(v: ValueInfo): ValueInfoInit {
  const dim = (d: Dim) =>
    typeof d === 'number' ? { value: { case: 'dimValue' as const, value: BigInt(d) } }
      : typeof d === 'string' ? { value: { case: 'dimParam' as const, value: d } }
        : {};
  const shape = v.shape ? { dim: v.shape.map(dim) } : undefined;
  return { name: v.name, type: { value: { case: 'tensorType', value: { elemType: ELEM[v.type], shape } } } };
}

/**
 * A Conv's attributes with `dilations` and `strides` spelled out when they are the default. The
 * ONNX spec defaults them to 1, but onnxruntime-web's WebGPU Conv kernel reads the attributes as
 * given and rejects an empty list ("dilations should be 2D", "strides should be 2D"), so every Conv
 * carries them. The spatial rank comes from another per-axis attribute or the weight initializer;
 * without one, nothing is added.
 */
function convAttributes(graph: Graph, n: Graph['nodes'][number]): Record<string, AttrValue> {
  const a = n.attributes;
  if (n.opType !== 'Conv' || (n.domain ?? '') !== '' || (a.dilations !== undefined && a.strides !== undefined)) return a;
  const perAxis = [a.kernel_shape, a.strides, a.dilations].find(Array.isArray) as readonly number[] | undefined;
  const pads = Array.isArray(a.pads) ? a.pads.length / 2 : undefined;
  const weight = graph.initializers.get(n.inputs[1] ?? '');
  const rank = perAxis?.length ?? pads ?? (weight ? weight.dims.length - 2 : undefined);
  if (!rank) return a;
  const ones = () => new Array<number>(rank).fill(1);
  return { ...a, dilations: a.dilations ?? ones(), strides: a.strides ?? ones() };
}

/** The ONNX `ModelProto` fields for `graph`, its initializers left out (see `encodeModel`). */
function modelInit(graph: Graph): ModelInit {
  return {
    irVersion: 8n,
    producerName: 'impasto',
    opsetImport: [{ domain: '', version: BigInt(graph.opset) }],
    graph: {
      name: graph.name,
      input: graph.inputs.map(valueInfoProto),
      output: graph.outputs.map(valueInfoProto),
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

/**
 * Serialises `graph` to ONNX model bytes, ready for `InferenceSession.create`.
 *
 * The weights are copied once. protobuf-es copies a nested message each time it closes one (tensor,
 * graph, model: three copies of every weight, 3 s for VGG19's), so each initializer is written as a
 * `graph` field of its own holding one `initializer`, its raw bytes placed straight into the output.
 * Protobuf parsers merge repeated occurrences of a message field (repeated fields append), which
 * gives the one graph back.
 */
export function encodeModel(graph: Graph): Uint8Array {
  const parts: Uint8Array[] = [toBinary(ModelProtoSchema, create(ModelProtoSchema, modelInit(graph)))];
  for (const [name, t] of graph.initializers) {
    const raw = bytesOf(t);
    const head = toBinary(TensorProtoSchema, create(TensorProtoSchema, tensorHead(name, t)));
    const tensorLen = lengthDelimitedSize(head.length, TensorProtoSchema.field.rawData.number, raw.length);
    const graphLen = lengthDelimitedSize(0, GraphProtoSchema.field.initializer.number, tensorLen);
    parts.push(new BinaryWriter()
      .tag(ModelProtoSchema.field.graph.number, WireType.LengthDelimited).uint32(graphLen)
      .tag(GraphProtoSchema.field.initializer.number, WireType.LengthDelimited).uint32(tensorLen)
      .raw(head)
      .tag(TensorProtoSchema.field.rawData.number, WireType.LengthDelimited).uint32(raw.length)
      .finish(), raw);
  }
  return concatBytes(parts);
}

/** Bytes of a message that is `before` bytes followed by a length-delimited field `field` of `length` bytes. */
function lengthDelimitedSize(before: number, field: number, length: number): number {
  return before + new BinaryWriter().tag(field, WireType.LengthDelimited).uint32(length).finish().length + length;
}

function tensorFrom(p: TensorProto): TensorData {
  const type = DTYPE_OF[p.dataType];
  if (!type) throw new ImpastoError('BAD_MODEL', `tensor '${p.name}' has unsupported data type ${p.dataType}`);
  const dims = p.dims.map(Number);
  // Copy: the decoder hands back a view into the model bytes, which may be unaligned.
  const raw = p.rawData.length > 0 ? new Uint8Array(p.rawData) : undefined;
  switch (type) {
    case 'float32':
      return { type, dims, data: raw ? new Float32Array(raw.buffer, 0, raw.byteLength / 4) : Float32Array.from(p.floatData) };
    case 'int64':
      return { type, dims, data: raw ? new BigInt64Array(raw.buffer, 0, raw.byteLength / 8) : BigInt64Array.from(p.int64Data) };
    case 'int32':
      return { type, dims, data: raw ? new Int32Array(raw.buffer, 0, raw.byteLength / 4) : Int32Array.from(p.int32Data) };
    case 'int8':
      return { type, dims, data: raw ? new Int8Array(raw.buffer, 0, raw.byteLength) : Int8Array.from(p.int32Data) };
    default:
      return { type, dims, data: raw ?? Uint8Array.from(p.int32Data) };
  }
}

function attributeFrom(a: AttributeProto): AttrValue {
  switch (a.type) {
    case T.FLOAT: return new FloatAttr(a.f);
    case T.INT: return Number(a.i);
    case T.STRING: return utf8Decode(a.s);
    case T.TENSOR:
      if (!a.t) throw new ImpastoError('BAD_MODEL', `attribute '${a.name}' has no tensor`);
      return tensorFrom(a.t);
    case T.FLOATS: return new FloatsAttr(a.floats);
    case T.INTS: return a.ints.map(Number);
    case T.STRINGS: return a.strings.map((s) => utf8Decode(s));
    default: throw new ImpastoError('BAD_MODEL', `attribute '${a.name}' has unsupported type ${a.type}`);
  }
}

function valueInfoFrom(v: ValueInfoProto): ValueInfo {
  const tt = v.type?.value.case === 'tensorType' ? v.type.value.value : undefined;
  const dim = (d: TensorShapeProto_Dimension): Dim =>
    d.value.case === 'dimValue' && d.value.value > 0n ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value || null : null;
  const shape: Dim[] | undefined = tt?.shape?.dim.map(dim);
  return { name: v.name, type: DTYPE_OF[tt?.elemType ?? 1] ?? 'float32', shape };
}

/** Reads ONNX model bytes back into a `Graph` that can be extended and re-encoded. */
export function decodeModel(bytes: Uint8Array): Graph {
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (e) {
    throw new ImpastoError('BAD_MODEL', `not an ONNX model: ${(e as Error).message}`, { cause: e });
  }
  const gp = model.graph;
  if (!gp) throw new ImpastoError('BAD_MODEL', 'ONNX model has no graph');
  const g = new Graph(gp.name || 'model');
  const opset = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (opset?.version) g.opset = Number(opset.version);
  const inits = new Set<string>();
  for (const t of gp.initializer) {
    g.initializers.set(g.reserve(t.name), tensorFrom(t));
    inits.add(t.name);
  }
  for (const i of gp.input) if (!inits.has(i.name)) g.inputs.push(valueInfoFrom(i)), g.reserve(i.name);
  for (const n of gp.node) {
    const outputs = n.output.map((o) => g.reserve(o));
    g.nodes.push({
      opType: n.opType,
      inputs: [...n.input],
      outputs,
      name: g.reserve(n.name || g.fresh(`${n.opType}_node`)),
      domain: n.domain || undefined,
      attributes: Object.fromEntries(n.attribute.map((a) => [a.name, attributeFrom(a)])),
    });
  }
  for (const o of gp.output) g.outputs.push(valueInfoFrom(o));
  return g;
}
