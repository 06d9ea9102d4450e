import { ImpastoError } from '../errors';
import type { TensorData } from '../onnx/tensor';
import type { Provider, Session } from './backend';
import { isOutOfMemory, runtimeReason } from './out-of-memory';

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

/** What a failed `run` becomes: out of memory is `IMAGE_TOO_LARGE` (callers add the size), the rest `RUNTIME`. */
export function runError(e: unknown, provider: Provider): ImpastoError {
  if (e instanceof ImpastoError) return e;
  if (isOutOfMemory(e)) return new ImpastoError('IMAGE_TOO_LARGE', `ONNX Runtime ran out of memory on ${provider} (${runtimeReason(e)})`, { cause: e });
  return new ImpastoError('RUNTIME', `ONNX Runtime failed on ${provider}: ${runtimeReason(e)}`, { cause: e });
}

/**
 * Adapts an ONNX Runtime session to core's `Session`: plain `TensorData` in and out, with
 * `makeTensor` building the runtime's own tensor type (no copy of the data), and the runtime's
 * errors mapped to `ImpastoError`s at this one boundary.
 */
export function wrapOrtSession(first: OrtSessionLike, provider: Provider, makeTensor: (t: TensorData) => OrtTensorLike, reopen?: () => Promise<OrtSessionLike>): Session {
  let inner = first;
  let disposed = false;
  let inFlight = 0;
  let trimming: Promise<void> | undefined;
  let drained: (() => void) | undefined;
  const idle = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => (drained = r)));
  return {
    provider,
    get inputNames() {
      return inner.inputNames;
    },
    get outputNames() {
      return inner.outputNames;
    },
    async run(feeds, outputs) {
      if (disposed) throw new ImpastoError('INVALID_ARGUMENT', 'this session was disposed');
      if (trimming) await trimming;
      const ortFeeds: Record<string, OrtTensorLike> = {};
      inFlight++;
      try {
        for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = makeTensor(v);
        const res = outputs ? await inner.run(ortFeeds, [...outputs]) : await inner.run(ortFeeds);
        const out: Record<string, TensorData> = {};
        for (const [k, v] of Object.entries(res)) {
          // GPU providers normally hand outputs back on the CPU already; download any that are not.
          if (v.location && v.location !== 'cpu' && v.location !== 'none') await v.getData?.(true);
          out[k] = { type: v.type as TensorData['type'], dims: [...v.dims], data: v.data as never };
        }
        return out;
      } catch (e) {
        throw runError(e, provider);
      } finally {
        for (const v of Object.values(ortFeeds)) v.dispose?.();
        if (--inFlight === 0) drained?.();
      }
    },
    trim() {
      if (!reopen || disposed) return Promise.resolve();
      trimming ??= (async () => {
        try {
          await idle();
          const old = inner;
          await old.release();
          inner = await reopen();
        } finally {
          trimming = undefined;
        }
      })();
      return trimming;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await trimming?.catch(() => undefined);
      await inner.release();
    },
  };
}
