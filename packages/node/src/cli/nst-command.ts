import { dirname, basename, extname, join } from 'node:path';
import { Command, Option } from 'commander';
import { ImpastoError, type NstMode, type NstResult } from '@impasto/core';
import { type OutputFormat, checkOutputPath, encodeImage, formatFromPath, writeFileAtomic } from '../image-io';
import { NET_NAMES, type NetName } from '../nst/feature-nets';
import { transfer } from '../nst/transfer';
import { ModelStore } from '../store/model-store';
import { fail } from './errors';
import { epOption, finiteNumber, nonNegativeInt, positiveInt, threadsOption } from './options';
import { downloadReporter, progressBar } from './progress';

interface NstCliOptions {
  content?: string;
  style?: string;
  output: string;
  iterations: number;
  checkpoint: number;
  net: NetName;
  contentLayer?: string;
  styleLayers?: string;
  layer?: string;
  layers?: string;
  contentWeight?: number;
  styleWeight?: number;
  tvWeight?: number;
  optimizer: 'adam' | 'lbfgs';
  lr?: number;
  size: number;
  init?: 'noise' | 'content';
  seed: number;
  pooling: 'max' | 'avg';
  ep: 'auto' | 'cpu' | 'cuda' | 'dml' | 'webgpu';
  threads: number;
  quiet?: boolean;
}

const list = (s?: string) => s?.split(',').map((x) => x.trim()).filter(Boolean);

/** The options every optimisation command shares, with the library's defaults. */
function addRunOptions(cmd: Command, iterations: number): Command {
  return cmd
    .requiredOption('-o, --output <file>', 'output image; checkpoints go beside it as <name>_<N>.<ext>')
    .option('--iterations <n>', 'optimiser iterations', positiveInt, iterations)
    .option('--checkpoint <n>', 'save a checkpoint every n iterations (0 = none)', nonNegativeInt, 50)
    .addOption(new Option('--net <net>', 'loss network').choices(NET_NAMES).default('vgg19'))
    .addOption(new Option('--optimizer <name>', 'optimiser').choices(['adam', 'lbfgs']).default('adam'))
    .option('--lr <x>', 'learning rate (default: 4 for adam on the 0-255 scale, 1 for lbfgs)', finiteNumber)
    .option('--size <n>', 'longest side of the result in pixels', positiveInt, 512)
    .option('--seed <n>', 'seed for the noise initialisation', nonNegativeInt, 0)
    .addOption(new Option('--pooling <kind>', 'pooling inside VGG19').choices(['max', 'avg']).default('max'))
    .addOption(epOption())
    .addOption(threadsOption())
    .option('-q, --quiet', 'print nothing but errors');
}

/** `impasto nst`, `impasto reconstruct content`, `impasto reconstruct style`. */
export function registerNst(program: Command): void {
  addRunOptions(
    program
      .command('nst')
      .description('neural style transfer (Gatys et al. 2015): optimise an image to match a photo\'s content and a painting\'s style')
      .requiredOption('-c, --content <image>', 'content photo')
      .requiredOption('-s, --style <image>', 'style painting')
      .option('--content-layer <layer>', 'content layer: a name (relu4_2) or Owl index (23); default: the net\'s')
      .option('--style-layers <list>', 'style layers, comma-separated names or Owl indices (2,7,12,21,30); default: the net\'s')
      .option('--content-weight <x>', 'content loss weight (default 1)', finiteNumber)
      .option('--style-weight <x>', 'style loss weight (default 1000)', finiteNumber)
      .option('--tv-weight <x>', 'total-variation weight (default 0.1)', finiteNumber)
      .addOption(new Option('--init <kind>', 'initial image').choices(['noise', 'content']).default('content')),
    250,
  ).action((opts: NstCliOptions) => run('transfer', opts));

  const reconstruct = program.command('reconstruct').description('reconstruct an image from one layer\'s content or a set of layers\' style (the seed\'s figures 3 and 5)');
  addRunOptions(
    reconstruct
      .command('content')
      .description('reconstruct a photo from its features at one layer, starting from noise')
      .requiredOption('-c, --content <image>', 'content photo')
      .option('--layer <layer>', 'layer: a name (relu2_1) or Owl index (7); default: the net\'s content layer'),
    100,
  ).action((opts: NstCliOptions) => run('content', opts));
  addRunOptions(
    reconstruct
      .command('style')
      .description('synthesise a texture from a painting\'s Gram matrices at a set of layers, starting from noise')
      .requiredOption('-s, --style <image>', 'style painting')
      .option('--layers <list>', 'layers, comma-separated names or Owl indices (2,7,12); default: the net\'s style layers'),
    100,
  ).action((opts: NstCliOptions) => run('style', opts));
}

function checkpointPath(output: string, iteration: number): string {
  const ext = extname(output);
  return join(dirname(output), `${basename(output, ext)}_${iteration}${ext || '.png'}`);
}

async function run(mode: NstMode, opts: NstCliOptions): Promise<void> {
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const format: OutputFormat = formatFromPath(opts.output) ?? 'png';
    const inputs = [opts.content, opts.style].filter((x): x is string => !!x);
    await checkOutputPath(opts.output, inputs);
    const store = new ModelStore({ onProgress: opts.quiet ? undefined : downloadReporter() });
    const contentLayer = opts.contentLayer ?? opts.layer;
    const styleLayers = list(opts.styleLayers ?? opts.layers);
    const gen = transfer({
      mode,
      content: mode === 'style' ? undefined : opts.content,
      style: mode === 'content' ? undefined : opts.style,
      net: opts.net,
      size: opts.size,
      store,
      pooling: opts.pooling,
      contentLayers: contentLayer ? [contentLayer] : undefined,
      styleLayers,
      contentWeight: opts.contentWeight,
      styleWeight: opts.styleWeight,
      tvWeight: opts.tvWeight,
      optimizer: opts.optimizer,
      lr: opts.lr,
      iterations: opts.iterations,
      checkpointEvery: opts.checkpoint,
      init: mode === 'transfer' ? opts.init : 'noise',
      seed: opts.seed,
      signal: abort.signal,
      ep: opts.ep,
      intraOpNumThreads: opts.threads,
    });
    const tty = !opts.quiet && process.stderr.isTTY;
    const bar = tty ? progressBar('{mode} [{bar}] {value}/{total} | loss {loss} | {ms} ms/it | ETA {eta_formatted}') : undefined;
    let result: NstResult | undefined;
    let lastLog = 0;
    for (let r = await gen.next(); ; r = await gen.next()) {
      if (r.done) {
        result = r.value;
        break;
      }
      const ev = r.value;
      if (ev.type === 'progress') {
        if (!bar?.isActive) bar?.start(ev.iterations, 0, { mode, loss: '', ms: '' });
        bar?.update(ev.iteration, { loss: ev.loss.toExponential(3), ms: Math.round(ev.msPerIteration) });
        if (!tty && !opts.quiet && (ev.iteration === 1 || ev.iteration - lastLog >= Math.max(1, ev.iterations / 10))) {
          lastLog = ev.iteration;
          process.stderr.write(`iteration ${ev.iteration}/${ev.iterations} loss ${ev.loss.toExponential(3)} ${Math.round(ev.msPerIteration)} ms/it ETA ${Math.round(ev.etaMs / 1000)} s\n`);
        }
      } else {
        const file = checkpointPath(opts.output, ev.iteration);
        await writeFileAtomic(file, await encodeImage(ev.image, format), inputs);
        if (!tty && !opts.quiet) process.stderr.write(`checkpoint ${file}\n`);
      }
    }
    bar?.stop();
    await writeFileAtomic(opts.output, await encodeImage(result.image, format), inputs);
    if (!opts.quiet) process.stderr.write(`${opts.output} (${result.image.width}x${result.image.height}, ${result.iterations} iterations, ${Math.round(result.msPerIteration)} ms/it on ${result.provider}, loss ${result.loss.toExponential(3)})\n`);
  } catch (e) {
    if (e instanceof ImpastoError && e.code === 'ABORTED') fail(e, 130);
    fail(e);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
