import { MemoryBudget, type Platform, ThreadBudget } from '@impasto/core/platform';
import { webBackend } from './backend';
import { ModelStore } from './cache-store';
import { env } from './env';
import { type ImageInput, webCodec } from './image-codec';

let store: ModelStore | undefined;
let storeKey = '';
let memory: MemoryBudget | undefined;

/**
 * Lets the event loop run tasks (messages, clicks, an abort) before the next iteration. ONNX
 * Runtime's wasm `run` can settle through microtasks only, so without this a worker would never
 * see an `abort` message and a page would not repaint until the whole run ended.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/** The browser's implementation of core's contracts: onnxruntime-web, canvas, Cache Storage. */
export const webPlatform: Platform<ImageInput, Blob> = {
  kind: 'web',
  backend: webBackend,
  codec: webCodec,
  defaultStore: () => {
    // One per settings: a change to `env` takes effect at the next call.
    const key = JSON.stringify([env.weights, env.cache, env.allowDownloads]);
    if (key !== storeKey) [store, storeKey] = [new ModelStore(), key];
    return store!;
  },
  yieldToEventLoop,
  get memory() {
    return (memory ??= new MemoryBudget((env.memoryBudgetMiB ?? 2048) * 2 ** 20));
  },
  // ONNX Runtime's wasm threads, at most the cores (one when the page is not cross-origin isolated).
  threads: new ThreadBudget(typeof navigator === 'undefined' ? 1 : Math.max(1, navigator.hardwareConcurrency || 1)),
};
