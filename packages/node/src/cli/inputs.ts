import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { ImpastoError } from '@impasto/core/platform';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif']);

/** Expands files and directories (their image files, not recursive) into a sorted list of files. */
export function expandInputs(inputs: readonly string[]): { files: string[]; hadDirectory: boolean } {
  const files: string[] = [];
  let hadDirectory = false;
  if (inputs.includes(STDIN) && inputs.length > 1) throw new ImpastoError('INVALID_ARGUMENT', '- (standard input) is the only input of a run: give it alone');
  for (const input of inputs) {
    if (input === STDIN) {
      files.push(input);
      continue;
    }
    if (!existsSync(input)) throw new ImpastoError('MISSING_FILE', `input ${input} does not exist`);
    if (statSync(input).isDirectory()) {
      hadDirectory = true;
      const found = readdirSync(input)
        .filter((f) => IMAGE_EXT.has(extname(f).toLowerCase()))
        .sort()
        .map((f) => join(input, f));
      if (!found.length) throw new ImpastoError('MISSING_FILE', `directory ${input} holds no images (${[...IMAGE_EXT].join(' ')})`);
      files.push(...found);
    } else {
      files.push(input);
    }
  }
  return { files, hadDirectory };
}

/** `-` as an input: standard input (read whole, at most 1 GiB). */
export const STDIN = '-';

/** Standard input's bytes. */
export async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of process.stdin as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > 1 << 30) throw new ImpastoError('BAD_IMAGE', 'standard input holds more than 1 GiB: not one image');
    chunks.push(c);
  }
  if (!n) throw new ImpastoError('BAD_IMAGE', 'standard input was empty');
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Where each input's result goes without `-o`: beside it, as `<name>.<suffix>.<ext>`
 * (`photo.wave.png`), or standard output for standard input. Folders need an `-o`.
 */
export function defaultOutput(inputs: readonly string[], suffix: string, ext: string): string | undefined {
  if (inputs.length === 1 && inputs[0] === STDIN) return STDIN;
  if (inputs.some((i) => existsSync(i) && statSync(i).isDirectory())) {
    throw new ImpastoError('INVALID_ARGUMENT', 'name an output folder with -o when an input is a folder');
  }
  return inputs.length === 1 ? join(dirname(inputs[0]!), `${basename(inputs[0]!, extname(inputs[0]!))}.${suffix}.${ext}`) : undefined;
}

/**
 * Where each input's result goes: `-o` is a file for one input, else a directory that receives
 * `<name>_<suffix>.<ext>` (the suffix keeps results from ever replacing their inputs); without
 * `-o`, each result goes beside its input as `<name>.<suffix>.<ext>`.
 */
export function planOutputs(files: readonly string[], output: string | undefined, toDirectory: boolean, suffix: string, ext: string): string[] {
  if (output === undefined) return files.map((f) => join(dirname(f), `${basename(f, extname(f))}.${suffix}.${ext}`));
  const isDir = toDirectory || files.length > 1 || output.endsWith('/') || (existsSync(output) && statSync(output).isDirectory());
  if (!isDir) return [output];
  if (existsSync(output) && !statSync(output).isDirectory()) {
    throw new ImpastoError('INVALID_ARGUMENT', `output ${output} is a file, but ${files.length} inputs need a directory`);
  }
  const planned = files.map((f) => join(output, `${basename(f, extname(f))}_${suffix}.${ext}`));
  const dup = planned.find((p, i) => planned.indexOf(p) !== i);
  if (dup) throw new ImpastoError('INVALID_ARGUMENT', `two inputs would both be written to ${dup}; rename one`);
  return planned;
}

/** `--style-weights a,b,…` for `count` paintings (default: all 1), checked. */
export function styleWeights(list: string | undefined, count: number): number[] {
  if (list === undefined) return new Array<number>(count).fill(1);
  const w = list.split(',').map((x) => Number(x.trim()));
  if (w.length !== count || w.some((x) => !Number.isFinite(x) || x < 0)) {
    throw new ImpastoError('INVALID_ARGUMENT', `Expected ${count} comma-separated weights at least 0 for --style-weights but received '${list}'`);
  }
  return w;
}
