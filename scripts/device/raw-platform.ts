/**
 * Node's platform without sharp, for the device scripts: the GPU machine has node and
 * onnxruntime-node only, so images come and go as `RawImage`s of the run's size (nothing to decode,
 * resize or encode). The engine is core's `NeuralStyle`, on onnxruntime-node's backend.
 */
import { availableParallelism } from 'node:os';
import { ImpastoError, MemoryBudget, type NeuralStyleLoadOptions, type Platform, type RawImage, ThreadBudget } from '@impasto/core/platform';
import { NeuralStyle, type NeuralStyleContext, openNeuralStyle } from '@impasto/core/nst';
import { nodeBackend } from '../../packages/node/src/platform/backend';
import { ModelStore } from '../../packages/node/src/platform/cache-store';

export { ModelStore, nodeBackend };

const noCodec = (what: string) => async (): Promise<never> => {
  throw new ImpastoError('INVALID_ARGUMENT', `the device scripts have no image codec (sharp): cannot ${what}; pass RawImages of the run's size`);
};

/** Raw pixels only; `store` is the default store. */
export function rawPlatform(store: ModelStore): Platform<RawImage, Uint8Array> {
  return {
    kind: 'node',
    backend: nodeBackend,
    codec: { formats: [], decode: noCodec('decode'), encode: noCodec('encode'), resize: noCodec('resize') },
    defaultStore: () => store,
    // The GPU machine has plenty of memory; the CPU-side estimate does not apply to the device.
    memory: new MemoryBudget(Number.MAX_SAFE_INTEGER),
    threads: new ThreadBudget(availableParallelism()),
  yieldToEventLoop: () => new Promise((r) => setImmediate(r)),
  };
}

/** `NeuralStyle.load` on the raw platform: an engine whose sessions every `run` reuses. */
export async function loadNeuralStyle(store: ModelStore, options: NeuralStyleLoadOptions, context: NeuralStyleContext = {}): Promise<NeuralStyle<RawImage, Uint8Array>> {
  const platform = rawPlatform(store);
  return new NeuralStyle(platform, await openNeuralStyle(platform, options, { store, ...context }));
}
