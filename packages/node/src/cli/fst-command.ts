import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { FAST_STYLE_LOAD_SCHEMA, type FastStyleLoadOptions, ImpastoError, type OutputFormat, STYLIZE_SCHEMA, type StylizeOptions, getStyle } from '@impasto/core';
import { FastStyle } from '../fast-style';
import { STDOUT, checkRunFiles, outputFormat } from '../files';
import { nodeBackend } from '../platform/backend';
import { ModelStore } from '../platform/cache-store';
import { errorLine, fail } from './errors';
import { expandInputs, planOutputs } from './inputs';
import { downloadReporter, progressBar } from './progress';
import { addSchemaFlags } from './schema-flags';

interface FstCliOptions {
  style: string;
  output: string;
  quiet?: boolean;
}

/** `impasto fst`: fast style transfer of files or directories. */
export function registerFst(program: Command): void {
  const cmd = program
    .command('fst')
    .description('stylize images with a pretrained fast-style network (Johnson et al. 2016)')
    .argument('<inputs...>', 'image files or directories of images')
    .requiredOption('-s, --style <id>', 'style id (see `impasto styles`) or a checkpoint folder')
    .requiredOption('-o, --output <path>', 'output file (one input; - for standard output) or directory');
  const session = addSchemaFlags(cmd, FAST_STYLE_LOAD_SCHEMA, { choices: { ep: ['auto', ...nodeBackend.providers] } });
  const stylize = addSchemaFlags(cmd, STYLIZE_SCHEMA);
  cmd.option('-q, --quiet', 'print nothing but errors').action(async (inputs: string[], opts: FstCliOptions & Record<string, unknown>) => {
    try {
      await runFst(inputs, opts, session.pick(opts), stylize.pick(opts));
    } catch (e) {
      fail(e);
    }
  });
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

async function runFst(inputs: string[], opts: FstCliOptions, load: FastStyleLoadOptions, stylizeOpts: StylizeOptions): Promise<void> {
  const isCatalogued = !/[\\/]/.test(opts.style);
  const suffix = isCatalogued ? getStyle(opts.style).id : 'styled';
  const { files, hadDirectory } = expandInputs(inputs);
  const toFile = files.length === 1 && !hadDirectory && (opts.output === STDOUT || !opts.output.endsWith('/'));
  const format: OutputFormat = toFile && opts.output !== STDOUT && !isDir(opts.output) ? outputFormat(opts.output, stylizeOpts.format) : (stylizeOpts.format ?? 'png');
  if (opts.output === STDOUT && !toFile) throw new ImpastoError('INVALID_ARGUMENT', `-o - takes one input image, not ${files.length}`);
  const outputs = opts.output === STDOUT ? [STDOUT] : planOutputs(files, opts.output, hadDirectory, suffix, format === 'jpeg' ? 'jpg' : format);
  // Every output against every input and every other output, before any work.
  checkRunFiles(files, outputs);
  const store = new ModelStore({ onProgress: opts.quiet ? undefined : downloadReporter() });
  const fst = await FastStyle.load(opts.style, load, { store });
  const log = (s: string) => opts.quiet || process.stderr.write(`${s}\n`);
  log(`style ${suffix} on ${fst.provider}`);
  const bar = files.length > 1 && !opts.quiet && process.stderr.isTTY ? progressBar('stylizing [{bar}] {value}/{total} | ETA {eta_formatted} | {file}') : undefined;
  bar?.start(files.length, 0, { file: '' });
  const failures: string[] = [];
  for (let i = 0; i < files.length; i++) {
    const [input, output] = [files[i]!, outputs[i]!];
    try {
      const r = await fst.stylizeFile(input, output, { ...stylizeOpts, format });
      if (!bar) log(`${input} -> ${output} (${r.width}x${r.height}, ${Math.round(r.inferenceMs)} ms)`);
    } catch (e) {
      failures.push(`${input}: ${errorLine(e)}`);
      if (files.length === 1) throw e;
    }
    bar?.update(i + 1, { file: input });
  }
  bar?.stop();
  await fst.dispose();
  if (failures.length) {
    for (const f of failures) process.stderr.write(`impasto: ${f}\n`);
    throw new Error(`${failures.length} of ${files.length} images failed`);
  }
}
