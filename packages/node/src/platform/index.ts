import type { Platform } from '@impasto/core';
import { nodeBackend } from './backend';
import { type NodeImageInput, nodeCodec } from './image-codec';
import { ModelStore } from './cache-store';

let store: ModelStore | undefined;

/** Node's implementation of core's contracts: onnxruntime-node, sharp, files. */
export const nodePlatform: Platform<NodeImageInput, Buffer> = {
  kind: 'node',
  backend: nodeBackend,
  codec: nodeCodec,
  // One default store per process, made on first use so it reads the environment then.
  defaultStore: () => (store ??= new ModelStore()),
  yieldToEventLoop: () => new Promise((r) => setImmediate(r)),
};
