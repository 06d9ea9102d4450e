import { statSync } from 'node:fs';
import { ImpastoError, type OutputFormat } from '@impasto/core/platform';
import { STDOUT, type StylizeFileResult, checkRunFiles, outputFormat } from '../files';
import { errorLine } from './errors';
import { STDIN, defaultOutput, expandInputs, planOutputs, readStdin } from './inputs';
import { progressBar } from './progress';

/** Every file a batch reads and writes, decided before any work. */
export interface BatchPlan {
  readonly files: readonly string[];
  readonly outputs: readonly string[];
  readonly format: OutputFormat;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Plans `inputs` (files and folders) into `output` (a file, `-`, or a folder receiving
 * `<name>_<suffix>.<ext>`), then checks every output against every input (and `alsoRead`, e.g.
 * style images) and every other output, by device and inode.
 */
export function planBatch(inputs: readonly string[], given: string | undefined, suffix: string, format: OutputFormat | undefined, alsoRead: readonly string[] = []): BatchPlan {
  const { files, hadDirectory } = expandInputs(inputs);
  const output = given ?? defaultOutput(inputs, suffix, format === 'jpeg' ? 'jpg' : (format ?? 'png'));
  if (files.includes(STDIN) && output !== STDOUT && output !== undefined && output.endsWith('/')) throw new ImpastoError('INVALID_ARGUMENT', '- (standard input) has no name to put in a folder: give -o a file name or -');
  if (output === undefined) {
    const outputs = planOutputs(files, undefined, hadDirectory, suffix, format === 'jpeg' ? 'jpg' : (format ?? 'png'));
    checkRunFiles([...files, ...alsoRead], outputs);
    return { files, outputs, format: format ?? 'png' };
  }
  const toFile = files.length === 1 && !hadDirectory && (output === STDOUT || !output.endsWith('/'));
  const chosen: OutputFormat = toFile && output !== STDOUT && !isDir(output) ? outputFormat(output, format) : (format ?? 'png');
  if (output === STDOUT && !toFile) throw new ImpastoError('INVALID_ARGUMENT', `-o - takes one input image, not ${files.length}`);
  const outputs = output === STDOUT ? [STDOUT] : planOutputs(files, output, hadDirectory, suffix, chosen === 'jpeg' ? 'jpg' : chosen);
  checkRunFiles([...files, ...alsoRead], outputs);
  return { files, outputs, format: chosen };
}

/** Runs `stylizeFile` over the plan with a progress bar (on a terminal) and one line per failure. */
export async function runBatch(plan: BatchPlan, quiet: boolean | undefined, stylizeFile: (input: string | Uint8Array, output: string) => Promise<StylizeFileResult>): Promise<void> {
  const log = (s: string) => quiet || process.stderr.write(`${s}\n`);
  const { files, outputs } = plan;
  const bar = files.length > 1 && !quiet && process.stderr.isTTY ? progressBar('stylizing [{bar}] {value}/{total} | ETA {eta_formatted} | {file}') : undefined;
  bar?.start(files.length, 0, { file: '' });
  const failures: string[] = [];
  for (let i = 0; i < files.length; i++) {
    const [input, output] = [files[i]!, outputs[i]!];
    try {
      const r = await stylizeFile(input === STDIN ? await readStdin() : input, output);
      if (!bar) log(`${input} -> ${output} (${r.width}x${r.height}, ${Math.round(r.inferenceMs)} ms)`);
    } catch (e) {
      failures.push(`${input}: ${errorLine(e)}`);
      if (files.length === 1) throw e;
    }
    bar?.update(i + 1, { file: input });
  }
  bar?.stop();
  if (failures.length) {
    for (const f of failures) process.stderr.write(`impasto: ${f}\n`);
    throw new Error(`${failures.length} of ${files.length} images failed`);
  }
}
