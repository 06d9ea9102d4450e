import { ImpastoError } from '../errors';
import type { TensorData } from '../onnx/tensor';
import { type DeviceTensor, type Feed, type Provider, type Session, isDeviceTensor } from './backend';
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

/** A kept output: the runtime's own tensor, read back on demand. */
class OrtDeviceTensor implements DeviceTensor {
  readonly kind = 'device';
  private disposed = false;
  constructor(
    readonly ort: OrtTensorLike,
    private readonly download: (t: OrtTensorLike) => Promise<TensorData>,
  ) {}
  get type() {
    return this.ort.type as TensorData['type'];
  }
  get dims() {
    return this.ort.dims;
  }
  get location() {
    return this.ort.location ?? 'cpu';
  }
  read(): Promise<TensorData> {
    if (this.disposed) throw new ImpastoError('INVALID_ARGUMENT', 'this device tensor was disposed');
    if (this.location === 'cpu') return Promise.resolve({ type: this.type, dims: [...this.dims], data: this.ort.data as never });
    return this.download(this.ort);
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ort.dispose?.();
  }
  /** The runtime tensor to feed; refused once disposed. */
  get live(): OrtTensorLike {
    if (this.disposed) throw new ImpastoError('INVALID_ARGUMENT', 'a disposed device tensor was fed to a run');
    return this.ort;
  }
}

/** How an adapter brings a device tensor to the host (default: `getData`). */
export type Download = (t: OrtTensorLike) => Promise<TensorData>;

const getData: Download = async (t) => ({ type: t.type as TensorData['type'], dims: [...t.dims], data: (await t.getData!()) as never });

/**
 * Adapts an ONNX Runtime session to core's `Session`: plain `TensorData` in and out, with
 * `makeTensor` building the runtime's own tensor type (no copy of the data), and the runtime's
 * errors mapped to `ImpastoError`s at this one boundary. Outputs named in `keep` come back from
 * `runKept` as device tensors.
 */
export function wrapOrtSession(first: OrtSessionLike, provider: Provider, makeTensor: (t: TensorData) => OrtTensorLike, reopen?: () => Promise<OrtSessionLike>, keep: readonly string[] = [], download: Download = getData): Session {
  let inner = first;
  let disposed = false;
  let inFlight = 0;
  let trimming: Promise<void> | undefined;
  let drained: (() => void) | undefined;
  const idle = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => (drained = r)));
  const kept = new Set(keep);
  const runRaw = async (feeds: Readonly<Record<string, Feed>>, outputs: readonly string[] | undefined, onResult: (res: Record<string, OrtTensorLike>) => Promise<Record<string, TensorData | DeviceTensor>>) => {
    if (disposed) throw new ImpastoError('INVALID_ARGUMENT', 'this session was disposed');
    if (trimming) await trimming;
    const made: OrtTensorLike[] = [];
    const ortFeeds: Record<string, OrtTensorLike> = {};
    inFlight++;
    try {
      for (const [k, v] of Object.entries(feeds)) {
        if (isDeviceTensor(v)) ortFeeds[k] = (v as OrtDeviceTensor).live;
        else made.push((ortFeeds[k] = makeTensor(v)));
      }
      const res = outputs ? await inner.run(ortFeeds, [...outputs]) : await inner.run(ortFeeds);
      return await onResult(res);
    } catch (e) {
      throw runError(e, provider);
    } finally {
      // The feeds this call wrapped; device tensors belong to the caller.
      for (const v of made) v.dispose?.();
      if (--inFlight === 0) drained?.();
    }
  };
  return {
    provider,
    get inputNames() {
      return inner.inputNames;
    },
    get outputNames() {
      return inner.outputNames;
    },
    run(feeds, outputs) {
      return runRaw(feeds, outputs, async (res) => {
        const out: Record<string, TensorData> = {};
        for (const [k, v] of Object.entries(res)) {
          if (v.location && v.location !== 'cpu' && v.location !== 'none') {
            out[k] = await download(v);
            v.dispose?.();
          } else out[k] = { type: v.type as TensorData['type'], dims: [...v.dims], data: v.data as never };
        }
        return out;
      }) as Promise<Record<string, TensorData>>;
    },
    runKept(feeds, outputs) {
      return runRaw(feeds, outputs, async (res) => {
        const out: Record<string, TensorData | DeviceTensor> = {};
        for (const [k, v] of Object.entries(res)) {
          const onDevice = v.location && v.location !== 'cpu' && v.location !== 'none';
          if (kept.has(k)) out[k] = new OrtDeviceTensor(v, download);
          else if (onDevice) {
            out[k] = await download(v);
            v.dispose?.();
          } else out[k] = { type: v.type as TensorData['type'], dims: [...v.dims], data: v.data as never };
        }
        return out;
      });
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
