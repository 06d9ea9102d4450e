import { Command, Option } from 'commander';
import { getStyle } from '@impasto/core';
import { FastStyle } from '../fast-style';
import { OUTPUT_FORMATS, type OutputFormat, formatFromPath } from '../image-io';
import { ModelStore } from '../store/model-store';
import { errorLine, fail } from './errors';
import { expandInputs, planOutputs } from './inputs';
import { epOption, positiveInt, threadsOption } from './options';
import { downloadReporter, progressBar } from './progress';

interface FstOptions {
  style: string;
  output: string;
  ep: 'auto' | 'cpu' | 'cuda' | 'dml' | 'webgpu';
  threads: number;
  maxSize?: number;
  maxPixels?: number;
  format?: OutputFormat;
  quality?: number;
  quiet?: boolean;
}

/** `impasto fst`: fast style transfer of files or directories. */
export function registerFst(program: Command): void {
  program
    .command('fst')
    .description('stylize images with a pretrained fast-style network (Johnson et al. 2016)')
    .argument('<inputs...>', 'image files or directories of images')
    .requiredOption('-s, --style <id>', 'style id (see `impasto styles`) or a checkpoint folder')
    .requiredOption('-o, --output <path>', 'output file (one input) or directory')
    .addOption(epOption())
    .addOption(threadsOption())
    .option('--max-size <n>', 'shrink so the longest side is at most n pixels', positiveInt)
    .option('--max-pixels <n>', 'refuse inputs with more pixels than this (decompression-bomb guard)', positiveInt, 8192 * 8192)
    .addOption(new Option('--format <format>', 'output format (default: from the extension, else png)').choices(OUTPUT_FORMATS))
    .option('--quality <q>', 'JPEG/WebP/AVIF quality 1-100', positiveInt)
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (inputs: string[], opts: FstOptions) => {
      try {
        await runFst(inputs, opts);
      } catch (e) {
        fail(e);
      }
    });
}

async function runFst(inputs: string[], opts: FstOptions): Promise<void> {
  const isCatalogued = !/[\\/]/.test(opts.style);
  const suffix = isCatalogued ? getStyle(opts.style).id : 'styled';
  const { files, hadDirectory } = expandInputs(inputs);
  const format = opts.format ?? (files.length === 1 && !hadDirectory ? formatFromPath(opts.output) : undefined) ?? 'png';
  const outputs = planOutputs(files, opts.output, hadDirectory, suffix, format === 'jpeg' ? 'jpg' : format);
  const store = new ModelStore({ onProgress: opts.quiet ? undefined : downloadReporter() });
  const fst = await FastStyle.load(opts.style, { ep: opts.ep, intraOpNumThreads: opts.threads, store });
  const log = (s: string) => opts.quiet || process.stderr.write(`${s}\n`);
  log(`style ${suffix} on ${fst.provider}`);
  const bar = files.length > 1 && !opts.quiet && process.stderr.isTTY ? progressBar('stylizing [{bar}] {value}/{total} | ETA {eta_formatted} | {file}') : undefined;
  bar?.start(files.length, 0, { file: '' });
  const failures: string[] = [];
  for (let i = 0; i < files.length; i++) {
    const [input, output] = [files[i]!, outputs[i]!];
    try {
      const r = await fst.stylizeFile(input, output, { maxSize: opts.maxSize, maxPixels: opts.maxPixels, format, quality: opts.quality });
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
