import type { ImpastoEnv } from '@impasto/core/platform';

/**
 * Impasto's settings on this page (or in this worker): set fields before the first call, e.g.
 * `env.weights = '/weights/'` for a mirror beside the app, `env.wasmPaths` for onnxruntime-web's files.
 */
export const env: ImpastoEnv = {
  weights: undefined,
  allowDownloads: true,
  cache: true,
  // wasm32 addresses 4 GiB at most, and a tab shares the device with everything else.
  memoryBudgetMiB: 2048,
  threads: 0,
  verbose: false,
  warmEngines: 2,
  wasmPaths: undefined,
  ffmpeg: undefined,
};
