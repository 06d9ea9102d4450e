import type { Command } from 'commander';
import { ImpastoError, RECOLOR_SCHEMA, type RecolorOptions } from '@impasto/core/platform';
import { checkOutputPath, checkRunFiles, outputFormat, writeFileAtomic } from '../files';
import { recolor } from '../neural-style';
import { nodeCodec } from '../platform/image-codec';
import { fail } from './errors';
import { addSchemaFlags } from './schema-flags';

interface RecolorCliOptions {
  content: string;
  style: string;
  contentMask?: string;
  styleMask?: string;
  output: string;
  quiet?: boolean;
}

/** `impasto recolor`: the colour-only photo transfer, a preview of `impasto nst --preset photo`. */
export function registerRecolor(program: Command): void {
  const cmd = program
    .command('recolor')
    .description("recolour a photo to a style photo's colour mean and covariance, region by region with masks: a colour-only photo transfer in under a second (the preview and start of nst --preset photo)")
    .requiredOption('-c, --content <image>', 'the photo')
    .requiredOption('-s, --style <image>', 'the style photo')
    .option('--content-mask <image>', 'region labels of the photo in flat colours')
    .option('--style-mask <image>', 'region labels of the style photo, in the colours of --content-mask')
    .requiredOption('-o, --output <file>', 'output image (- for standard output)');
  const flags = addSchemaFlags(cmd, RECOLOR_SCHEMA);
  cmd.option('-q, --quiet', 'print nothing but errors').action(async (opts: RecolorCliOptions & Record<string, unknown>) => {
    try {
      await run(opts, flags.pick(opts));
    } catch (e) {
      fail(e);
    }
  });
}

async function run(opts: RecolorCliOptions, options: RecolorOptions): Promise<void> {
  if (!opts.contentMask !== !opts.styleMask) throw new ImpastoError('INVALID_ARGUMENT', `region masks come in pairs: give ${opts.contentMask ? '--style-mask' : '--content-mask'} too`);
  const inputs = [opts.content, opts.style, opts.contentMask, opts.styleMask].filter((x): x is string => !!x);
  const format = outputFormat(opts.output);
  checkRunFiles(inputs, [opts.output]);
  await checkOutputPath(opts.output, inputs);
  const r = await recolor({ content: opts.content, style: opts.style, contentMask: opts.contentMask, styleMask: opts.styleMask }, options);
  await writeFileAtomic(opts.output, await nodeCodec.encode(r.image, { format }), inputs);
  if (!opts.quiet) process.stderr.write(`${opts.output} (${r.image.width}x${r.image.height}${r.regions ? `, ${r.regions.length} regions: ${r.regions.join(' ')}` : ''})\n`);
}
