import type { TensorData } from '../onnx/tensor';
import type { ExecutionProvider, Session } from './backend';

// The slice of onnxruntime-common's API that both runtime adapters use. onnxruntime-node and
// onnxruntime-web share it; declaring it here keeps core free of any runtime package.

/** An ONNX Runtime tensor, as far as the adapters touch it. */
export interface OrtTensorLike {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
  /** Where the data lives (`cpu`, `gpu-buffer`, …); absent means cpu. */
  readonly location?: string;
  getData?(releaseData?: boolean): Promise<unknown>;
  dispose?(): void;
}

/** An ONNX Runtime `InferenceSession`, as far as the adapters touch it. */
export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  run(feeds: Record<string, OrtTensorLike>, fetches: string[]): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

/**
 * Adapts an ONNX Runtime session to core's `Session`: plain `TensorData` in and out, with
 * `makeTensor` building the runtime's own tensor type (no copy of the data).
 */
export function wrapOrtSession(
  inner: OrtSessionLike,
  provider: Exclude<ExecutionProvider, 'auto'>,
  makeTensor: (t: TensorData) => OrtTensorLike,
): Session {
  return {
    provider,
    get inputNames() {
      return inner.inputNames;
    },
    get outputNames() {
      return inner.outputNames;
    },
    async run(feeds, outputs) {
      const ortFeeds: Record<string, OrtTensorLike> = {};
      for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = makeTensor(v);
      const res = outputs ? await inner.run(ortFeeds, [...outputs]) : await inner.run(ortFeeds);
      const out: Record<string, TensorData> = {};
      for (const [k, v] of Object.entries(res)) {
        // GPU providers normally hand outputs back on the CPU already; download any that are not.
        if (v.location && v.location !== 'cpu' && v.location !== 'none') await v.getData?.(true);
        out[k] = { type: v.type as TensorData['type'], dims: [...v.dims], data: v.data as never };
      }
      for (const v of Object.values(ortFeeds)) v.dispose?.();
      return out;
    },
    dispose: () => inner.release(),
  };
}
