import { ImpastoError } from '../errors';
/** Element types Impasto's graphs use. Names follow onnxruntime's `Tensor.Type`. */
export type DType = 'float32' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool';

export type TypedArrayFor<T extends DType> = T extends 'float32'
  ? Float32Array
  : T extends 'int64'
    ? BigInt64Array
    : T extends 'int32'
      ? Int32Array
      : T extends 'int8'
        ? Int8Array
        : Uint8Array;

/**
 * A dense tensor in plain data: the one tensor shape crossing core, the runtime adapters and
 * Web Worker messages (it is structured-clone friendly).
 */
export interface TensorData<T extends DType = DType> {
  readonly type: T;
  readonly dims: readonly number[];
  readonly data: TypedArrayFor<T>;
}

export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Wraps `data` (not copied) as a float32 tensor of shape `dims`. */
export function float32(dims: readonly number[], data?: Float32Array | readonly number[]): TensorData<'float32'> {
  const n = sizeOf(dims);
  const arr = data === undefined ? new Float32Array(n) : data instanceof Float32Array ? data : Float32Array.from(data);
  if (arr.length !== n) throw new ImpastoError('INVALID_ARGUMENT', `float32 tensor of shape [${dims}] needs ${n} values, got ${arr.length}`);
  return { type: 'float32', dims: [...dims], data: arr };
}

/** An int64 tensor (shapes, axes, pads in ONNX are int64). */
export function int64(dims: readonly number[], data: readonly (number | bigint)[]): TensorData<'int64'> {
  if (data.length !== sizeOf(dims)) throw new ImpastoError('INVALID_ARGUMENT', `int64 tensor of shape [${dims}] needs ${sizeOf(dims)} values`);
  return { type: 'int64', dims: [...dims], data: BigInt64Array.from(data.map((v) => BigInt(v))) };
}

/** Transposes a dense float32 array by `perm` (used to turn TensorFlow layouts into ONNX ones). */
export function transpose(t: TensorData<'float32'>, perm: readonly number[]): TensorData<'float32'> {
  const { dims, data } = t;
  const rank = dims.length;
  if (perm.length !== rank) throw new ImpastoError('INVALID_ARGUMENT', `perm [${perm}] does not match rank ${rank}`);
  const outDims = perm.map((p) => dims[p]!);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= dims[i]!;
  }
  const strideForOut = perm.map((p) => inStrides[p]!);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      src += strideForOut[d]!;
      if (idx[d]! < outDims[d]!) break;
      src -= strideForOut[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return { type: 'float32', dims: outDims, data: out };
}
