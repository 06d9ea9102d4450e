import { readFile, stat } from 'node:fs/promises';
import { ImpastoError, type ImpastoErrorCode } from '@impasto/core/platform';

/**
 * The bytes of `path`, which must be a regular file (symlinks followed) of at most `maxBytes`: a
 * FIFO (which would block), a device such as /dev/zero (endless) or a file larger than expected
 * is refused before it is opened. `missing: 'undefined'` resolves undefined for a path that does
 * not exist instead of throwing `MISSING_FILE`.
 */
export async function readRegularFile(path: string, o: { maxBytes: number; what: string; code: ImpastoErrorCode; missing?: 'undefined' }): Promise<Uint8Array>;
export async function readRegularFile(path: string, o: { maxBytes: number; what: string; code: ImpastoErrorCode; missing: 'undefined' }): Promise<Uint8Array | undefined>;
export async function readRegularFile(path: string, o: { maxBytes: number; what: string; code: ImpastoErrorCode; missing?: 'undefined' }): Promise<Uint8Array | undefined> {
  const fail = (e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (o.missing) return undefined;
      throw new ImpastoError('MISSING_FILE', `${o.what} ${path} does not exist`, { cause: e });
    }
    throw new ImpastoError('IO', `could not read ${path}: ${code ?? (e as Error).message}`, { cause: e });
  };
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    return fail(e);
  }
  if (st.isDirectory()) throw new ImpastoError(o.code, `${o.what} ${path} is a directory, not a file`);
  if (!st.isFile()) throw new ImpastoError(o.code, `${o.what} ${path} is not a regular file`);
  if (st.size > o.maxBytes) throw new ImpastoError(o.code, `${o.what} ${path} has ${st.size} bytes, more than the ${o.maxBytes} expected`);
  try {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    return fail(e);
  }
}
