import type { TensorData } from '../onnx/tensor';

/** Execution providers Impasto knows by name. `auto` picks the first that initialises. */
export type ExecutionProvider = 'cpu' | 'cuda' | 'dml' | 'webgpu' | 'wasm' | 'auto';

/** Options for a session, shaped after onnxruntime's `InferenceSession.SessionOptions`. */
export interface SessionOptions {
  /** Execution provider, or `auto` (default). */
  ep?: ExecutionProvider;
  /** Threads inside one operator (0 lets ONNX Runtime decide). */
  intraOpNumThreads?: number;
  /** Threads across operators (0 lets ONNX Runtime decide). */
  interOpNumThreads?: number;
}

/** One loaded model on one execution provider. */
export interface Session {
  /** The provider that actually runs it (never `auto`). */
  readonly provider: Exclude<ExecutionProvider, 'auto'>;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Readonly<Record<string, TensorData>>, outputs?: readonly string[]): Promise<Record<string, TensorData>>;
  dispose(): Promise<void>;
}

/**
 * What a runtime adapter (onnxruntime-node, onnxruntime-web) provides to core. Each platform
 * package implements it in one file.
 */
export interface Backend {
  readonly name: string;
  /** Providers this runtime may offer, in the order `auto` tries them. */
  readonly providers: readonly Exclude<ExecutionProvider, 'auto'>[];
  createSession(model: Uint8Array, options?: SessionOptions): Promise<Session>;
}
