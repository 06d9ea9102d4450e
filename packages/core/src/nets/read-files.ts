import { ImpastoError } from '../errors';
import type { WeightSource } from '../store/source';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Reads `paths` from `source` in parallel. When files are missing, throws one `MISSING_FILE` error
 * naming every missing file and what needs it, so a partial copy is diagnosed in one go rather
 * than one file per attempt. Other errors pass through unchanged.
 *
 * @param needs for each path, the layers (or tensors) that need it, for the message
 * @param what what is being loaded, e.g. `vgg19-tfjs`, for the message
 */
export async function readAllFiles(
  source: WeightSource,
  paths: readonly string[],
  needs: ReadonlyMap<string, readonly string[]>,
  what: string,
): Promise<Map<string, Uint8Array>> {
  const settled = await Promise.allSettled(paths.map((p) => source.read(p)));
  const files = new Map<string, Uint8Array>();
  const missing: string[] = [];
  for (const [i, r] of settled.entries()) {
    const path = paths[i]!;
    if (r.status === 'fulfilled') files.set(path, r.value);
    else if (r.reason instanceof ImpastoError && r.reason.code === 'MISSING_FILE') missing.push(path);
    else throw r.reason;
  }
  if (missing.length > 0) {
    const layers = [...new Set(missing.flatMap((p) => needs.get(p) ?? []))];
    const list = missing.map((p) => `${p} (${(needs.get(p) ?? []).join(', ')})`).join(', ');
    throw new ImpastoError(
      'MISSING_FILE',
      `${what}: ${missing.length} file${missing.length === 1 ? '' : 's'} needed for ${layers.join(', ')} ` +
        `missing from ${source.location}: ${list}`,
    );
  }
  return files;
}

/** Copies bytes into a fresh, aligned buffer and views them as little-endian float32. */
export function float32FromBytes(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new ImpastoError('BAD_MODEL', `${bytes.byteLength} bytes is not a whole number of float32 values`);
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  if (!LITTLE_ENDIAN) {
    const dv = new DataView(out.buffer);
    for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(i * 4, true);
  }
  return out;
}
