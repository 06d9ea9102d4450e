import type { Command } from 'commander';
import { FAST_STYLE_LOAD_SCHEMA, type FastStyleLoadOptions, STYLIZE_SCHEMA, type StylizeOptions, getStyle, isStyleId, type StyleName } from '@impasto/core/platform';
import { FastStyle } from '../fast-style';
import { isDirectory } from '../files';
import { nodeBackend } from '../platform/backend';
import { ModelStore } from '../platform/cache-store';
import { planBatch, runBatch } from './batch';
import { fail } from './errors';
import { downloadReporter, tileReporter } from './progress';
import { addSchemaFlags } from './schema-flags';

interface FstCliOptions {
  style: string;
  output?: string;
  quiet?: boolean;
}

/** `impasto fst`: fast style transfer of files or directories. */
export function registerFst(program: Command): void {
  const cmd = program
    .command('fst')
    .description('stylize images with a pretrained fast-style network (Johnson et al. 2016)')
    .argument('<inputs...>', 'image files or directories of images; - for standard input')
    .requiredOption('-s, --style <id>', 'style id (see `impasto styles`) or a checkpoint folder')
    .option('-o, --output <path>', 'output file (one input; - for standard output) or directory (default: beside each input as <name>.<style>.png; standard output for -)');
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

async function runFst(inputs: string[], opts: FstCliOptions, load: FastStyleLoadOptions, stylizeOpts: StylizeOptions): Promise<void> {
  // A folder in the working directory (`-s my-style`, what `impasto train -o my-style` wrote) is a style folder.
  const style = !isStyleId(opts.style) && !/[\\/]/.test(opts.style) && isDirectory(opts.style) ? `./${opts.style}` : opts.style;
  const suffix = /[\\/]/.test(style) ? 'styled' : getStyle(style).id;
  const plan = planBatch(inputs, opts.output, suffix, stylizeOpts.format);
  const store = new ModelStore({ onProgress: opts.quiet ? undefined : downloadReporter() });
  const fst = await FastStyle.load(style as StyleName, load, { store });
  if (!opts.quiet) process.stderr.write(`style ${suffix} on ${fst.provider}${load.precision === 'int8' ? ', int8' : ''}\n`);
  try {
    await runBatch(plan, opts.quiet, (input, output) => fst.stylizeFile(input, output, { ...stylizeOpts, format: plan.format }, { onProgress: tileReporter(opts.quiet) }));
  } finally {
    await fst.dispose();
  }
}
