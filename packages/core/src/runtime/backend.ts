import type { TensorData } from '../onnx/tensor';
import type { ResolvedSessionOptions, SessionOptions } from '../options/generated';
import type { ExecutionProvider, Provider } from './session-options';

export type { ExecutionProvider, Provider };
export type { SessionOptions, ResolvedSessionOptions };

/**
 * A tensor a run left where it computed it: in GPU memory on a GPU provider (the outputs a
 * session was opened to keep, `SessionPlacement.keepOnDevice`), in host memory elsewhere. Feed it
 * to the next run as is: nothing is copied. Only `read` brings it to the host.
 */
export interface DeviceTensor {
  readonly kind: 'device';
  readonly type: TensorData['type'];
  readonly dims: readonly number[];
  /** `gpu-buffer`, or `cpu` where the provider keeps outputs on the host. */
  readonly location: string;
  /** A host copy. */
  read(): Promise<TensorData>;
  /** Frees it; feeding or reading it afterwards is an error. Idempotent. */
  dispose(): void;
}

/** What a run is fed: host tensors, or device tensors an earlier run kept. */
export type Feed = TensorData | DeviceTensor;

export function isDeviceTensor(t: Feed | undefined): t is DeviceTensor {
  return (t as DeviceTensor | undefined)?.kind === 'device';
}

/** A scalar output that came back to the host (a loss); NaN for one left on the device or missing. */
export function hostScalar(t: Feed | undefined): number {
  return t && !isDeviceTensor(t) ? (t.data as Float32Array)[0]! : NaN;
}

/** Where a session's outputs live (not a user option: engines ask for it). */
export interface SessionPlacement {
  /** Outputs `runKept` leaves on the device (`preferredOutputLocation: 'gpu-buffer'` on webgpu). */
  readonly keepOnDevice?: readonly string[];
}

/**
 * One loaded model on one execution provider. Errors from `run` are `ImpastoError`s: running out
 * of memory is `IMAGE_TOO_LARGE`, anything else ONNX Runtime reports is `RUNTIME`.
 */
export interface Session {
  /** The provider that actually runs it (never `auto`). */
  readonly provider: Provider;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model; every output comes back to the host (kept ones are read back). */
  run(feeds: Readonly<Record<string, Feed>>, outputs?: readonly string[]): Promise<Record<string, TensorData>>;
  /**
   * Runs the model leaving the outputs named in `keepOnDevice` where they were computed, as
   * `DeviceTensor`s (the caller disposes them); the others come back to the host.
   */
  runKept(feeds: Readonly<Record<string, Feed>>, outputs?: readonly string[]): Promise<Record<string, TensorData | DeviceTensor>>;
  /**
   * Gives back the memory earlier runs left behind: ONNX Runtime's CPU arena keeps its peak for the
   * session's life (one 4096² pass holds 13 GB after it ends, or after it ran out of memory), so the
   * runtime's session is reopened from the same model once no run is in flight. Running without the
   * arena instead was 1.6-9x slower (fast style, 256²-1024²).
   */
  trim(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Platform contract 1 of 3: sessions on a runtime (onnxruntime-node, onnxruntime-web). Each
 * platform package makes one with `createBackend` from a small `RuntimeAdapter`.
 */
export interface Backend {
  readonly name: string;
  /** Providers this runtime may offer, in the order `auto` tries them. */
  readonly providers: readonly Provider[];
  /** Opens `model` (ONNX bytes). Bad options are `INVALID_ARGUMENT`, a missing provider `PROVIDER_UNAVAILABLE`, a model ONNX Runtime rejects `BAD_MODEL`. */
  createSession(model: Uint8Array, options?: SessionOptions, placement?: SessionPlacement): Promise<Session>;
}
