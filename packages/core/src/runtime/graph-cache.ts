/** Where built ONNX graphs are kept between runs (files in Node, Cache Storage in the browser). */
export interface GraphCache {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
}

/**
 * Version of the graph builders: part of every cache key, so graphs built by an older Impasto are
 * rebuilt rather than reused. Bump when a builder's output changes.
 */
export const GRAPH_BUILDER_VERSION = 2;
