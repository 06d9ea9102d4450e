import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MemoryBudget, type Platform, ThreadBudget, treeSource } from '@impasto/core/platform';
import { nodeBackend } from './backend';
import { type NodeImageInput, nodeCodec } from './image-codec';
import { ModelStore, folderTree } from './cache-store';
import { defaultMemoryBudget } from './memory-budget';
import { env } from './env';

function isFolder(path: string): boolean {
  try {
    return /[\\/]/.test(path) && statSync(path).isDirectory();
  } catch {
    return false;
  }
}

let store: ModelStore | undefined;
let storeKey = '';
let memory: MemoryBudget | undefined;

/** Node's implementation of core's contracts: onnxruntime-node, sharp, files. */
export const nodePlatform: Platform<NodeImageInput, Buffer> = {
  kind: 'node',
  backend: nodeBackend,
  codec: nodeCodec,
  // One default store per process, made on first use so it reads the environment then.
  defaultStore: () => {
    // One per settings: a change to `env` takes effect at the next call.
    const key = JSON.stringify([env.weights, env.cache, env.allowDownloads]);
    if (key !== storeKey) [store, storeKey] = [new ModelStore(), key];
    return store!;
  },
  yieldToEventLoop: () => new Promise((r) => setImmediate(r)),
  // Made on first use, so a process measures the memory left once its engines are loaded.
  get memory() {
    return (memory ??= new MemoryBudget(defaultMemoryBudget()));
  },
  threads: new ThreadBudget(availableParallelism()),
  // A style that names a folder (it has a slash and exists) is a checkpoint of the user's own.
  checkpointFolder: (style) => (isFolder(style) ? treeSource(folderTree(style)) : undefined),
};
