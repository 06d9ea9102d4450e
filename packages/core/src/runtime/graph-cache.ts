import { isImpastoError } from '../errors';
import type { SessionOptions } from '../options/generated';
import { utf8Encode } from '../platform';
import { sha256Hex } from '../store/hash';
import type { Backend, Session } from './backend';

/** Where built ONNX graphs are kept between runs (see `ModelStore.graphs`). */
export interface GraphCache {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
}

/**
 * Version of the graph builders: part of every cache key, so graphs built by an older Impasto are
 * rebuilt rather than reused. Bump when a builder's output changes.
 */
export const GRAPH_BUILDER_VERSION = 8;

/** A cache key for a graph: `<kind>-<hash of the parts>` (parts: weights hash, layers, terms…). */
export async function graphKey(kind: string, parts: readonly unknown[]): Promise<string> {
  return `${kind}-${(await sha256Hex(utf8Encode(JSON.stringify([GRAPH_BUILDER_VERSION, ...parts])))).slice(0, 32)}`;
}

/**
 * A session on cached graph bytes, or undefined when there are none or ONNX Runtime rejects them
 * (`BAD_MODEL`: the caller rebuilds). A provider problem is the caller's to see, so it is thrown.
 */
export async function openCachedGraph(backend: Backend, bytes: Uint8Array | undefined, options: SessionOptions): Promise<Session | undefined> {
  if (!bytes) return undefined;
  try {
    return await backend.createSession(bytes, options);
  } catch (e) {
    if (isImpastoError(e) && e.code === 'BAD_MODEL') return undefined;
    throw e;
  }
}
