import { defineSchema } from '../options/schema';

/** Every execution provider Impasto knows by name; each platform offers some of them. */
export const PROVIDERS = ['cpu', 'cuda', 'dml', 'webgpu', 'wasm'] as const;
export type Provider = (typeof PROVIDERS)[number];
/** A provider, or `auto`: the best one present, reported by the session. */
export type ExecutionProvider = Provider | 'auto';

/** Options of one ONNX Runtime session, shaped after onnxruntime's `SessionOptions`. */
export const SESSION_SCHEMA = defineSchema('SessionOptions', 'an ONNX Runtime session', {
  ep: {
    kind: 'choice',
    choices: ['auto', ...PROVIDERS],
    default: 'auto',
    arg: 'provider',
    doc: 'Execution provider; `auto` tries the best present (Node: cuda, dml, webgpu, cpu; browser: webgpu, wasm) and says which ran',
  },
  intraOpNumThreads: {
    kind: 'int',
    min: 0,
    max: 256,
    default: 0,
    flag: 'threads',
    arg: 'n',
    doc: 'Threads inside one operator; 0: one per core (Node: os.availableParallelism(); in the browser: wasm threads, every core up to 4 on a cross-origin isolated page, set before the first session)',
  },
  interOpNumThreads: {
    kind: 'int',
    min: 0,
    max: 256,
    default: 0,
    flag: false,
    doc: 'Threads across operators; 0 lets ONNX Runtime decide (Node only: onnxruntime-web has no such setting and refuses other values)',
  },
});
