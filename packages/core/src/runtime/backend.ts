import type { TensorData } from '../onnx/tensor';
import type { ResolvedSessionOptions, SessionOptions } from '../options/generated';
import type { ExecutionProvider, Provider } from './session-options';

export type { ExecutionProvider, Provider };
export type { SessionOptions, ResolvedSessionOptions };

/**
 * One loaded model on one execution provider. Errors from `run` are `ImpastoError`s: running out
 * of memory is `IMAGE_TOO_LARGE`, anything else ONNX Runtime reports is `RUNTIME`.
 */
export interface Session {
  /** The provider that actually runs it (never `auto`). */
  readonly provider: Provider;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Readonly<Record<string, TensorData>>, outputs?: readonly string[]): Promise<Record<string, TensorData>>;
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
  createSession(model: Uint8Array, options?: SessionOptions): Promise<Session>;
}
