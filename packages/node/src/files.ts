import { randomBytes } from 'node:crypto';
import { constants, type Stats, fstatSync, realpathSync, statSync } from 'node:fs';
import { access, lstat, mkdir, readlink, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ImpastoError, type OutputFormat, type RawImage, invalidParam } from '@impasto/core/platform';
import { nodeCodec } from './platform/image-codec';

const EXT_FORMAT: Record<string, OutputFormat> = {
  '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.webp': 'webp', '.avif': 'avif', '.tif': 'tiff', '.tiff': 'tiff',
};

/** The output format a file name asks for, or undefined for an extension Impasto does not write. */
export function formatFromPath(path: string): OutputFormat | undefined {
  return EXT_FORMAT[extname(path).toLowerCase()];
}

/** Checks that a path argument is a non-empty string (`name` in the message). */
export function checkFilePath(name: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || path === '' || path.includes('\0')) throw invalidParam(name, 'a file path', path);
}

/** `-` names standard output. */
export const STDOUT = '-';

/**
 * The format to write `output` in: the one its extension names, which `format` (if given) must
 * agree with. Standard output and special files (`/dev/stdout`, a FIFO) take `format`, else PNG.
 * An extension Impasto does not write is refused rather than filled with PNG bytes.
 */
export function outputFormat(output: string, format?: OutputFormat): OutputFormat {
  const fromName = formatFromPath(output);
  if (output === STDOUT || isSpecial(output)) return format ?? fromName ?? 'png';
  if (!fromName) {
    throw new ImpastoError('INVALID_ARGUMENT', `cannot tell the format of ${output}: name it .png, .jpg, .jpeg, .webp, .avif, .tif or .tiff`);
  }
  if (format && format !== fromName) {
    throw new ImpastoError('INVALID_ARGUMENT', `format ${format} does not match ${output}, which names ${fromName}; change one of them`);
  }
  return fromName;
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isSpecial(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isFIFO() || st.isCharacterDevice() || st.isSocket();
  } catch {
    return false;
  }
}

/** What makes two paths the same file: device and inode (so bind mounts and hard links match). */
function identity(st: Stats): string {
  return `${st.dev}:${st.ino}`;
}

/** The identity `path` has or will have: its inode if it exists, else its real folder plus its name. */
function futureIdentity(path: string): string {
  try {
    return identity(statSync(path));
  } catch {
    try {
      return `new:${join(realpathSync(dirname(resolve(path))), basename(path))}`;
    } catch {
      return `new:${resolve(path)}`;
    }
  }
}

/**
 * Checks a whole run before any work: no output may be any input (same device and inode, also
 * through links and bind mounts) or another output. Throws one `INVALID_ARGUMENT` naming the pair.
 */
export function checkRunFiles(inputs: readonly string[], outputs: readonly string[]): void {
  const ins = new Map<string, string>();
  for (const i of inputs) {
    try {
      ins.set(identity(statSync(i)), i);
    } catch {
      // A missing input fails where it is read, with its own message.
    }
  }
  const outs = new Map<string, string>();
  for (const o of outputs) {
    if (o === STDOUT) continue;
    const id = futureIdentity(o);
    const input = ins.get(id);
    if (input !== undefined) {
      throw new ImpastoError('INVALID_ARGUMENT', `Cannot use same file for input and output: ${o}${input !== o ? ` is the input ${input}` : ''}`);
    }
    const other = outs.get(id);
    if (other !== undefined) throw new ImpastoError('INVALID_ARGUMENT', `two outputs would both be written to ${o}${other !== o ? ` (also ${other})` : ''}; rename one`);
    outs.set(id, o);
  }
}

function ioError(dest: string, e: unknown): ImpastoError {
  return new ImpastoError('IO', `cannot write ${dest}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
}

/**
 * Fails early, before long work, when `dest` could not be written: it is an input or a directory,
 * or its folder cannot be created or written.
 */
export async function checkOutputPath(dest: string, inputs: readonly string[] = []): Promise<void> {
  checkRunFiles(inputs, [dest]);
  if (dest === STDOUT || isSpecial(dest)) return;
  if (isDirectory(dest)) throw new ImpastoError('IO', `cannot write ${dest}: it is a directory`);
  try {
    await mkdir(dirname(resolve(dest)), { recursive: true });
    await access(dirname(resolve(dest)), constants.W_OK);
  } catch (e) {
    throw ioError(dest, e);
  }
}

/** Where a symlink leads, also when its target does not exist yet (then it is created there). */
async function linkTarget(link: string): Promise<string> {
  try {
    return await realpath(link);
  } catch {
    return resolve(dirname(link), await readlink(link));
  }
}

function sameAs(st: Stats, fd: number): boolean {
  try {
    return identity(fstatSync(fd)) === identity(st);
  } catch {
    return false;
  }
}

async function writeAll(stream: NodeJS.WritableStream, bytes: Uint8Array): Promise<void> {
  await new Promise<void>((ok, fail) => stream.write(bytes, (e) => (e ? fail(e) : ok())));
}

/**
 * Writes `bytes` to `dest` whole or not at all, never over one of `inputs`:
 * - `-` is standard output;
 * - a FIFO, a character device (`/dev/stdout`, `/dev/null`) or a socket is written through, not replaced;
 * - a symlink is followed: the file it points to is replaced (atomically) or created, the link stays;
 * - anything else goes to a temporary file in the same folder, renamed into place.
 */
export async function writeFileAtomic(dest: string, bytes: Uint8Array, inputs: readonly string[] = []): Promise<void> {
  checkRunFiles(inputs, [dest]);
  if (dest === STDOUT) {
    try {
      return await writeAll(process.stdout, bytes);
    } catch (e) {
      throw ioError('standard output', e);
    }
  }
  const target = (await lstat(dest).catch(() => undefined))?.isSymbolicLink() ? await linkTarget(dest) : dest;
  const st = await stat(target).catch(() => undefined);
  // Our own stdout under another name (/dev/stdout, /proc/self/fd/1): a socket cannot be reopened by path.
  if (st && sameAs(st, 1)) {
    try {
      return await writeAll(process.stdout, bytes);
    } catch (e) {
      throw ioError(dest, e);
    }
  }
  if (st?.isDirectory()) throw new ImpastoError('IO', `cannot write ${dest}: it is a directory`);
  if (st && (st.isFIFO() || st.isCharacterDevice() || st.isSocket())) {
    try {
      return await writeFile(target, bytes);
    } catch (e) {
      throw ioError(dest, e);
    }
  }
  const tmp = `${target}.tmp.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(dirname(resolve(target)), { recursive: true });
    await writeFile(tmp, bytes);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw ioError(dest, e);
  }
}

/** Result of a `stylizeFile`. */
export interface StylizeFileResult {
  readonly output: string;
  readonly width: number;
  readonly height: number;
  readonly format: OutputFormat;
  /** Milliseconds inside the network. */
  readonly inferenceMs: number;
  /** Tiles the image ran in (1: one pass). */
  readonly tiles: number;
}

/**
 * The file half of every engine's `stylizeFile`: picks the format from `output` (which `format`
 * must agree with), checks the output before any work, runs `produce`, and writes the result
 * whole or not at all, never over one of `inputs`.
 */
export async function writeStylized(
  output: string,
  inputs: readonly string[],
  options: { format?: OutputFormat; quality?: number },
  produce: () => Promise<{ image: RawImage; inferenceMs: number; tiles?: number }>,
): Promise<StylizeFileResult> {
  checkFilePath('output', output);
  inputs.forEach((p, i) => checkFilePath(inputs.length > 1 && i > 0 ? `style file ${i}` : 'input', p));
  const format = outputFormat(output, options.format);
  await checkOutputPath(output, inputs);
  const { image, inferenceMs, tiles = 1 } = await produce();
  await writeFileAtomic(output, await nodeCodec.encode(image, { format, quality: options.quality }), inputs);
  return { output, width: image.width, height: image.height, format, inferenceMs, tiles };
}
