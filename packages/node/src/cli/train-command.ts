import type { Command } from 'commander';
import { TRAIN_SCHEMA, type TrainOptions, firstLineOf } from '@impasto/core/platform';
import { nodeBackend } from '../platform/backend';
import { trainFastStyle } from '../train/train';
import { fail } from './errors';
import { progressBar } from './progress';
import { addSchemaFlags } from './schema-flags';

interface TrainCliOptions {
  style?: string;
  data?: string;
  output: string;
  from?: string;
  resume?: boolean;
  licence?: string;
  quiet?: boolean;
}

/** `impasto train`: a fast style of your own from a painting and a folder of photos. */
export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description("train a fast style from a painting on a folder of photos (Johnson et al. 2016, lengstrom/fast-style-transfer's losses); the output folder works with fst -s")
    .option('-s, --style <image>', 'the painting (with --resume: the checkpoint\'s)')
    .option('--data <folder>', 'photos to train on (searched recursively; unreadable files are skipped and counted; with --resume: the checkpoint\'s)')
    .requiredOption('-o, --output <folder>', 'the style folder to write (new, or the one to --resume)')
    .option('--from <style>', 'fine-tune a style (a pretrained id or a style folder): far fewer iterations than from scratch')
    .option('--resume', "go on from the checkpoint in --output (its painting, photos and licence; the same settings, more --iterations)")
    .option('--licence <text>', "the painting's licence, recorded in style.json (default: unspecified)");
  const flags = addSchemaFlags(cmd, TRAIN_SCHEMA, { choices: { ep: ['auto', ...nodeBackend.providers] } });
  cmd.option('-q, --quiet', 'print nothing but errors').action(async (opts: TrainCliOptions & Record<string, unknown>) => {
    try {
      await run(opts, flags.pick(opts) as TrainOptions);
    } catch (e) {
      fail(e);
    }
  });
}

async function run(opts: TrainCliOptions, options: TrainOptions): Promise<void> {
  const controller = new AbortController();
  // Ctrl-C: the trainer writes a last checkpoint at the next step; a second one quits at once.
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    if (!opts.quiet) process.stderr.write('\nstopping after this step (writing a checkpoint); Ctrl-C again to quit now\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const r = trainFastStyle({ style: opts.style, data: opts.data, output: opts.output, from: opts.from, resume: opts.resume, licence: opts.licence }, options, { signal: controller.signal });
    const tty = !opts.quiet && process.stderr.isTTY;
    const bar = tty ? progressBar('training [{bar}] {value}/{total} | loss {loss} (content {content} style {style} tv {tv}) | {rate} it/s | ETA {eta_formatted}') : undefined;
    let last = 0;
    let printed = 0;
    for await (const e of r.events) {
      if (e.type === 'progress') {
        const f = (v: number) => v.toPrecision(4);
        const payload = { loss: f(e.loss), content: f(e.terms.content), style: f(e.terms.style), tv: f(e.terms.tv), rate: e.iterationsPerSecond.toFixed(2) };
        if (bar) {
          if (!last) bar.start(e.iterations, e.iteration - 1, payload);
          bar.update(e.iteration, payload);
        } else if (!opts.quiet && (e.iteration - printed >= 50 || e.iteration === e.iterations || !last)) {
          printed = e.iteration;
          process.stderr.write(`step ${e.iteration}/${e.iterations} loss ${payload.loss} (content ${payload.content} style ${payload.style} tv ${payload.tv}) ${payload.rate} it/s\n`);
        }
        last = e.iteration;
      } else if (e.type === 'checkpoint' && !opts.quiet && !bar) {
        process.stderr.write(`checkpoint at step ${e.iteration} in ${opts.output}\n`);
      }
    }
    const result = await r.result;
    bar?.stop();
    if (!opts.quiet) {
      const p = result.photos;
      process.stderr.write(
        `${opts.output}: ${result.iterations} steps, loss ${result.loss.toPrecision(4)}, ${(result.msPerIteration / 1000).toFixed(2)} s a step on ${result.provider}; ` +
          `${p.train} photos${p.heldOut ? ` (+${p.heldOut} held out for preview.jpg)` : ''}${p.unreadable ? `, ${p.unreadable} unreadable skipped` : ''}. Use it: impasto fst -s ${opts.output} …\n`,
      );
    }
  } catch (e) {
    if (controller.signal.aborted) {
      process.stderr.write(`impasto: ${firstLineOf(e)}; go on with --resume -o ${opts.output}\n`);
      process.exitCode = 130;
      return;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
