import { ImpastoError } from '../errors';

/**
 * Where a model's files come from: a folder on disk, a mirror, a download cache, or Cache Storage in
 * the browser. Paths are relative to the model's root, with '/' separators (e.g. `weights/conv1_filter.bin`).
 * Implementations verify checksums where the catalogue knows them and throw `ImpastoError` with
 * code `MISSING_FILE` naming the file when it cannot be had.
 */
export interface WeightSource {
  /** A short description for messages, e.g. the folder or URL prefix. */
  readonly location: string;
  /** `maxBytes`: the size the caller expects at most (from a manifest); a larger file is refused unread. */
  read(path: string, options?: { readonly maxBytes?: number }): Promise<Uint8Array>;
  /** What changes when the files change (names, sizes, times), where it is cheap to tell: a warm engine over an edited folder is not reused. */
  fingerprint?(): Promise<string>;
}

/** A `WeightSource` over an in-memory map (tests, Web Worker transfers). */
export function memorySource(files: Readonly<Record<string, Uint8Array>>, location = 'memory'): WeightSource {
  return {
    location,
    async read(path) {
      const f = files[path];
      if (!f) throw new ImpastoError('MISSING_FILE', `missing file ${path} in ${location}`);
      return f;
    },
  };
}
