import { MemoryBudget, type Platform, ThreadBudget } from '@impasto/core';
import { webBackend } from './backend';
import { ModelStore } from './cache-store';
import { type ImageInput, webCodec } from './image-codec';

let store: ModelStore | undefined;

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
  defaultStore: () => (store ??= new ModelStore()),
  yieldToEventLoop,
  // wasm32 addresses 4 GiB at most, and a tab shares the device with everything else.
  memory: new MemoryBudget(2048 * 2 ** 20),
  // ONNX Runtime's wasm threads, at most the cores (one when the page is not cross-origin isolated).
  threads: new ThreadBudget(typeof navigator === 'undefined' ? 1 : Math.max(1, navigator.hardwareConcurrency || 1)),
};
