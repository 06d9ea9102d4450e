import { ImpastoError } from '../errors';
import { float32, type TensorData } from '../onnx/tensor';
import { utf8Decode } from '../platform';
import type { WeightSource } from '../store/source';
import { float32FromBytes, readAllFiles } from './read-files';

/** How a TF.js converter stored a tensor in fewer bytes. Affine kinds decode as `q * scale + min`. */
export interface TfjsQuantization {
  readonly dtype: 'uint8' | 'uint16' | 'float16';
  readonly scale?: number;
  readonly min?: number;
}

/** One tensor of a weights manifest, with where its bytes lie in its group. */
export interface TfjsWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly quantization?: TfjsQuantization;
  /** Index into `TfjsLayersModel.groups`. */
  readonly group: number;
  /** Offset of the tensor in the concatenation of the group's shards. */
  readonly byteOffset: number;
  readonly byteLength: number;
}

/** A weights group: tensors concatenated in manifest order, then cut into equal shards. */
export interface TfjsWeightGroup {
  /** Shard paths relative to the source root. */
  readonly paths: readonly string[];
  readonly byteLength: number;
  /** Size of every shard but the last; undefined when it cannot be inferred (then all shards are read). */
  readonly shardBytes: number | undefined;
}

export interface TfjsLayer {
  readonly className: string;
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** A parsed TF.js layers-model `model.json`. */
export interface TfjsLayersModel {
  readonly format: string | undefined;
  /** Top-level layers of the Keras topology, in order. */
  readonly layers: readonly TfjsLayer[];
  readonly groups: readonly TfjsWeightGroup[];
  readonly weights: ReadonlyMap<string, TfjsWeightSpec>;
}

type Json = Record<string, unknown>;

function bad(message: string): ImpastoError {
  return new ImpastoError('BAD_MODEL', message);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bytesPerElement(dtype: string, q: TfjsQuantization | undefined, name: string): number {
  if (q) {
    if (q.dtype === 'uint8') return 1;
    if (q.dtype === 'uint16' || q.dtype === 'float16') return 2;
    throw bad(`weight '${name}' has unsupported quantization ${String(q.dtype)}`);
  }
  if (dtype === 'float32' || dtype === 'int32') return 4;
  throw bad(`weight '${name}' has unsupported dtype ${dtype}`);
}

/**
 * The shard size the converter used. It is not written down, but every shard but the last is full,
 * so `(n-1)·S < total ≤ n·S`; for n ≥ 2 that interval holds at most one power of two, which is
 * what the converter uses (4 MiB by default, 1 MiB for "little shards").
 */
function inferShardBytes(total: number, n: number): number | undefined {
  if (n === 1) return Math.max(total, 1);
  for (let s = 1; s <= total; s *= 2) if ((n - 1) * s < total && total <= n * s) return s;
  return undefined;
}

function topologyLayers(topology: unknown): TfjsLayer[] {
  if (!isObject(topology)) return [];
  const model = isObject(topology.model_config) ? topology.model_config : topology;
  const config = model.config;
  const list = Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : [];
  return list.filter(isObject).map((l) => {
    const cfg = isObject(l.config) ? l.config : {};
    return { className: String(l.class_name ?? ''), name: String(l.name ?? cfg.name ?? ''), config: cfg };
  });
}

/**
 * Parses a TF.js layers-model `model.json` (topology and weights manifest).
 *
 * @param json the file's bytes, text or parsed value
 * @param path where `model.json` lies under the source root; shard paths are relative to its folder
 */
export function parseTfjsModelJson(json: Uint8Array | string | unknown, path = 'model.json'): TfjsLayersModel {
  let value = json;
  try {
    if (json instanceof Uint8Array) value = JSON.parse(utf8Decode(json));
    else if (typeof json === 'string') value = JSON.parse(json);
  } catch (e) {
    throw new ImpastoError('BAD_MODEL', `${path} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!isObject(value) || !Array.isArray(value.weightsManifest)) throw bad(`${path} has no weightsManifest`);
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
  const groups: TfjsWeightGroup[] = [];
  const weights = new Map<string, TfjsWeightSpec>();
  for (const [gi, g] of value.weightsManifest.entries()) {
    if (!isObject(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) throw bad(`${path}: weights group ${gi + 1} is malformed`);
    let offset = 0;
    for (const w of g.weights) {
      if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape)) throw bad(`${path}: a weight of group ${gi + 1} is malformed`);
      const shape = w.shape.map(Number);
      const q = isObject(w.quantization) ? (w.quantization as unknown as TfjsQuantization) : undefined;
      const dtype = String(w.dtype ?? 'float32');
      const byteLength = shape.reduce((a, b) => a * b, 1) * bytesPerElement(dtype, q, w.name);
      weights.set(w.name, { name: w.name, shape, dtype: dtype as 'float32' | 'int32', quantization: q, group: gi, byteOffset: offset, byteLength });
      offset += byteLength;
    }
    const paths = g.paths.map((p) => dir + String(p));
    groups.push({ paths, byteLength: offset, shardBytes: inferShardBytes(offset, paths.length) });
  }
  return {
    format: typeof value.format === 'string' ? value.format : undefined,
    layers: topologyLayers(value.modelTopology),
    groups,
    weights,
  };
}

/** Reads and parses `path` (default `model.json`) from `source`. */
export async function loadTfjsModelJson(source: WeightSource, path = 'model.json'): Promise<TfjsLayersModel> {
  return parseTfjsModelJson(await source.read(path), path);
}

function specOf(model: TfjsLayersModel, name: string): TfjsWeightSpec {
  const spec = model.weights.get(name);
  if (!spec) throw bad(`the weights manifest has no tensor '${name}'`);
  return spec;
}

/** Indices of the shards of `group` that hold bytes [start, end). */
function shardRange(group: TfjsWeightGroup, start: number, end: number): number[] {
  const S = group.shardBytes;
  if (S === undefined) return group.paths.map((_, i) => i);
  if (end <= start) return [];
  const first = Math.floor(start / S);
  const last = Math.min(Math.floor((end - 1) / S), group.paths.length - 1);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/**
 * Which shard files hold the bytes of the tensors `names`: each path (in manifest order) with the
 * tensors that need it.
 */
export function tfjsShardsFor(model: TfjsLayersModel, names: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const specs = [...new Set(names)].map((n) => specOf(model, n));
  specs.sort((a, b) => a.group - b.group || a.byteOffset - b.byteOffset);
  for (const spec of specs) {
    const group = model.groups[spec.group]!;
    for (const i of shardRange(group, spec.byteOffset, spec.byteOffset + spec.byteLength)) {
      const path = group.paths[i]!;
      const list = out.get(path) ?? [];
      list.push(spec.name);
      out.set(path, list);
    }
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function decode(spec: TfjsWeightSpec, bytes: Uint8Array): Float32Array {
  const q = spec.quantization;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!q) {
    if (spec.dtype === 'float32') return float32FromBytes(bytes);
    return Float32Array.from({ length: bytes.byteLength / 4 }, (_, i) => dv.getInt32(i * 4, true));
  }
  const scale = q.scale ?? 1;
  const min = q.min ?? 0;
  if (q.dtype === 'uint8') {
    const out = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! * scale + min;
    return out;
  }
  const n = bytes.byteLength / 2;
  if (q.dtype === 'uint16') return Float32Array.from({ length: n }, (_, i) => dv.getUint16(i * 2, true) * scale + min);
  return Float32Array.from({ length: n }, (_, i) => halfToFloat(dv.getUint16(i * 2, true)));
}

export interface ReadTfjsWeightsOptions {
  /** The layer a tensor belongs to, for messages (default: the name up to its last '/'). */
  layerOf?: (tensorName: string) => string;
  /** What is being loaded, for messages (default `TF.js model`). */
  what?: string;
}

/**
 * Reads the tensors `names` from `source`, fetching only the shards that hold their bytes, and
 * returns them dequantized to float32 in their TF.js shapes. Missing shards make one
 * `MISSING_FILE` error that lists all of them and the layers that need them.
 */
export async function readTfjsWeights(
  source: WeightSource,
  model: TfjsLayersModel,
  names: Iterable<string>,
  options: ReadTfjsWeightsOptions = {},
): Promise<Map<string, TensorData<'float32'>>> {
  const layerOf = options.layerOf ?? ((n: string) => (n.includes('/') ? n.slice(0, n.lastIndexOf('/')) : n));
  const wanted = [...new Set(names)];
  const shards = tfjsShardsFor(model, wanted);
  const needs = new Map([...shards].map(([p, ts]) => [p, [...new Set(ts.map(layerOf))]]));
  const files = await readAllFiles(source, [...shards.keys()], needs, options.what ?? 'TF.js model');

  const out = new Map<string, TensorData<'float32'>>();
  for (const name of wanted) {
    const spec = specOf(model, name);
    const group = model.groups[spec.group]!;
    const bytes = new Uint8Array(spec.byteLength);
    let start = 0; // start of shard i within the group
    const S = group.shardBytes;
    let copied = 0;
    for (const [i, path] of group.paths.entries()) {
      if (S !== undefined) start = i * S;
      const end = spec.byteOffset + spec.byteLength;
      if (start >= end) break;
      const file = files.get(path);
      if (file === undefined) continue; // a shard this tensor does not touch
      if (S !== undefined) {
        const expected = Math.min(S, group.byteLength - start);
        if (file.byteLength !== expected) throw bad(`${path} has ${file.byteLength} bytes; the manifest implies ${expected}`);
      }
      const from = Math.max(spec.byteOffset, start);
      const to = Math.min(end, start + file.byteLength);
      if (to > from) {
        bytes.set(file.subarray(from - start, to - start), from - spec.byteOffset);
        copied += to - from;
      }
      if (S === undefined) start += file.byteLength;
    }
    if (copied !== spec.byteLength) throw bad(`the shards of '${name}' hold ${copied} of its ${spec.byteLength} bytes`);
    out.set(name, float32(spec.shape, decode(spec, bytes)));
  }
  return out;
}
