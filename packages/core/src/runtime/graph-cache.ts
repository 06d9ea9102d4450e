import { utf8Encode } from '../platform';
import { sha256Hex } from '../store/hash';

/** Where built ONNX graphs are kept between runs (see `ModelStore.graphs`). */
export interface GraphCache {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
}

/**
 * Version of the graph builders: part of every cache key, so graphs built by an older Impasto are
 * rebuilt rather than reused. Bump when a builder's output changes.
 */
export const GRAPH_BUILDER_VERSION = 4;

/** A cache key for a graph: `<kind>-<hash of the parts>` (parts: weights hash, layers, terms…). */
export async function graphKey(kind: string, parts: readonly unknown[]): Promise<string> {
  return `${kind}-${(await sha256Hex(utf8Encode(JSON.stringify([GRAPH_BUILDER_VERSION, ...parts])))).slice(0, 32)}`;
}
