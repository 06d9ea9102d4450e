import { randomBytes } from 'node:crypto';
import { constants, realpathSync } from 'node:fs';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { ImpastoError, type OutputFormat } from '@impasto/core';

const EXT_FORMAT: Record<string, OutputFormat> = {
  '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.webp': 'webp', '.avif': 'avif', '.tif': 'tiff', '.tiff': 'tiff',
};

/** The output format a file name asks for, or undefined for an extension Impasto does not write. */
export function formatFromPath(path: string): OutputFormat | undefined {
  return EXT_FORMAT[extname(path).toLowerCase()];
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

function refuseInputs(dest: string, inputs: readonly string[]): void {
  if (inputs.some((i) => sameFile(i, dest))) throw new ImpastoError('INVALID_ARGUMENT', `Cannot use same file for input and output: ${dest}`);
}

/**
 * Fails early, before long work, when `dest` could not be written: it names an input, or its folder
 * cannot be created or written.
 */
export async function checkOutputPath(dest: string, inputs: readonly string[] = []): Promise<void> {
  refuseInputs(dest, inputs);
  try {
    await mkdir(dirname(resolve(dest)), { recursive: true });
    await access(dirname(resolve(dest)), constants.W_OK);
  } catch (e) {
    throw new ImpastoError('IO', `cannot write ${dest}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

/**
 * Writes `bytes` to `dest` through a temporary file and a rename, so a failure never leaves a
 * partial file; refuses to overwrite any of `inputs`.
 */
export async function writeFileAtomic(dest: string, bytes: Uint8Array, inputs: readonly string[] = []): Promise<void> {
  refuseInputs(dest, inputs);
  const tmp = `${dest}.tmp.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(dirname(resolve(dest)), { recursive: true });
    await writeFile(tmp, bytes);
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new ImpastoError('IO', `cannot write ${dest}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}
