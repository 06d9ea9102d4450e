import type { Command } from 'commander';
import { AST_LOAD_SCHEMA, AST_STYLIZE_SCHEMA, type ArbitraryStyleLoadOptions, type ArbitraryStylizeOptions } from '@impasto/core/platform';
import { basename, extname } from 'node:path';
import { ArbitraryStyle } from '../arbitrary-style';
import { nodeBackend } from '../platform/backend';
import { ModelStore } from '../platform/cache-store';
import { planBatch, runBatch } from './batch';
import { fail } from './errors';
import { styleWeights } from './inputs';
import { downloadReporter, tileReporter } from './progress';
import { addSchemaFlags } from './schema-flags';

interface AstCliOptions {
  style: string[];
  styleWeights?: string;
  output?: string;
  quiet?: boolean;
}

/** `impasto ast`: any painting as a style, in one pass (MicroAST). */
export function registerAst(program: Command): void {
  const cmd = program
    .command('ast')
    .description('arbitrary style transfer in one pass (MicroAST, Wang et al. 2023): any painting as the style')
    .argument('<inputs...>', 'image files or directories of images; - for standard input')
    .requiredOption('-s, --style <images...>', 'style painting(s); several are blended (see --style-weights)')
    .option('--style-weights <list>', 'comma-separated weights of the style paintings (default: equal)')
    .option('-o, --output <path>', 'output file (one input; - for standard output) or directory (default: beside each input as <name>.<painting>.png; standard output for -)');
  const session = addSchemaFlags(cmd, AST_LOAD_SCHEMA, { choices: { ep: ['auto', ...nodeBackend.providers] } });
  const stylize = addSchemaFlags(cmd, AST_STYLIZE_SCHEMA);
  cmd.option('-q, --quiet', 'print nothing but errors').action(async (inputs: string[], opts: AstCliOptions & Record<string, unknown>) => {
    try {
      await runAst(inputs, opts, session.pick(opts), stylize.pick(opts));
    } catch (e) {
      fail(e);
    }
  });
}

async function runAst(inputs: string[], opts: AstCliOptions, load: ArbitraryStyleLoadOptions, stylizeOpts: ArbitraryStylizeOptions): Promise<void> {
  const weights = styleWeights(opts.styleWeights, opts.style.length);
  const suffix = opts.style.length === 1 ? basename(opts.style[0]!, extname(opts.style[0]!)).replace(/[^\w.-]+/g, '_') : 'blend';
  const plan = planBatch(inputs, opts.output, suffix, stylizeOpts.format, opts.style);
  const store = new ModelStore({ onProgress: opts.quiet ? undefined : downloadReporter() });
  const ast = await ArbitraryStyle.load(load, { store });
  try {
    // Each painting is encoded once for the whole batch, unless its size follows each photo's.
    const codes = stylizeOpts.styleScale !== undefined ? opts.style : await Promise.all(opts.style.map((s) => ast.encodeStyle(s, { styleSize: stylizeOpts.styleSize, maxPixels: stylizeOpts.maxPixels })));
    const style = codes.length === 1 ? codes[0]! : codes.map((code, i) => ({ style: code, weight: weights[i]! }));
    if (!opts.quiet) process.stderr.write(`arbitrary style (${opts.style.length === 1 ? opts.style[0] : `${opts.style.length} paintings blended`}) on ${ast.provider}\n`);
    await runBatch(plan, opts.quiet, (input, output) => ast.stylizeFile(input, style, output, { ...stylizeOpts, format: plan.format }, { onProgress: tileReporter(opts.quiet) }));
  } finally {
    await ast.dispose();
  }
}
