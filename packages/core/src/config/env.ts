/**
 * Impasto's settings for a process or a page, in one object (as transformers.js's `env`): each
 * platform package exports its `env`, filled from the environment in Node, from defaults in the
 * browser. Set fields before the first call; later calls read them as they are then. A call's own
 * options (a `ModelStore`, `memoryBudget`, `intraOpNumThreads`) still win.
 */
export interface ImpastoEnv {
  /** A weights mirror laid out `<model id>/<file>`: a folder in Node [`IMPASTO_WEIGHTS`], a URL prefix in the browser [none]. */
  weights: string | undefined;
  /** Download weights from their public URLs (SHA-256 checked) when nothing else has them [true]. */
  allowDownloads: boolean;
  /** Keep downloads and built graphs: a folder in Node [`IMPASTO_CACHE`, else `~/.cache/impasto`], Cache Storage in the browser; `false`: keep nothing. */
  cache: string | boolean;
  /** MiB all runs of the process may reserve together [Node: `IMPASTO_MEMORY_BUDGET`, else 80 % of the memory left; browser: 2048]. */
  memoryBudgetMiB: number | undefined;
  /** Intra-op threads of sessions opened without `intraOpNumThreads` [0: one per core]. */
  threads: number;
  /** Also print ONNX Runtime's warnings and what the model store did [Node: `IMPASTO_VERBOSE`]. */
  verbose: boolean;
  /** Engines kept loaded by the one-call API when idle, least recently used dropped first [4]. */
  warmEngines: number;
  /** onnxruntime-web's .wasm files (browser) [the bundler's copy, else onnxruntime-web's default]. */
  wasmPaths: string | undefined;
  /** The ffmpeg `stylizeVideo` runs (Node) [`IMPASTO_FFMPEG`, else `ffmpeg` on the PATH]. */
  ffmpeg: string | undefined;
}
