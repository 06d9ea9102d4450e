import { basename, dirname, extname, join } from 'node:path';
import { type Command, Option } from 'commander';
import { ImpastoError, NST_PRESETS, NST_SCHEMA, type NeuralStyleOptions, type NstMode, type NstPreset, type NstScale, type ResolvedNeuralStyleOptions, coarseToFineSizes, resolveOptions } from '@impasto/core/platform';
import { STDOUT, checkOutputPath, checkRunFiles, outputFormat, writeFileAtomic } from '../files';
import { neuralStyle } from '../neural-style';
import { nodeBackend } from '../platform/backend';
import { ModelStore } from '../platform/cache-store';
import { nodeCodec } from '../platform/image-codec';
import { fail } from './errors';
import { styleWeights } from './inputs';
import { downloadReporter, progressBar } from './progress';
import { type FlagPlan, addSchemaFlags } from './schema-flags';

interface NstCliOptions {
  preset?: string;
  content?: string;
  style?: string[];
  styleWeights?: string;
  contentMask?: string;
  styleMask?: string;
  output: string;
  quiet?: boolean;
}

const COMMON = ['net', 'pooling', 'size', 'optimizer', 'lr', 'iterations', 'checkpointEvery', 'seed', 'memoryBudget', 'ep', 'intraOpNumThreads'];

/** Each command's flags from the one NST schema: which fields, under which names, with which defaults. */
const PLANS: Record<NstMode, FlagPlan> = {
  transfer: { only: ['contentLayers', 'styleLayers', 'contentWeight', 'styleWeight', 'tvWeight', 'photorealism', 'smooth', 'init', 'styleSize', 'styleScale', 'preserveColors', 'startSize', 'topIterations', 'tile', ...COMMON] },
  content: { only: ['contentLayers', 'startSize', 'topIterations', 'tile', ...COMMON], rename: { contentLayers: 'layer' }, defaults: { iterations: 100 } },
  style: { only: ['styleLayers', ...COMMON], rename: { styleLayers: 'layers' }, defaults: { iterations: 100 } },
};

function command(cmd: Command, mode: NstMode): void {
  cmd.requiredOption('-o, --output <file>', 'output image (- for standard output, then no checkpoints); checkpoints go beside it as <name>_<N>.<ext>');
  const flags = addSchemaFlags(cmd, NST_SCHEMA, { ...PLANS[mode], choices: { ep: ['auto', ...nodeBackend.providers] } });
  cmd.option('-q, --quiet', 'print nothing but errors').action((opts: NstCliOptions & Record<string, unknown>) =>
    run(mode, opts, { ...(opts.preset ? NST_PRESETS[opts.preset as NstPreset] : {}), ...flags.pick(opts) }));
}

/** `impasto nst`, `impasto reconstruct content`, `impasto reconstruct style`. */
export function registerNst(program: Command): void {
  command(
    program
      .command('nst')
      .description("neural style transfer (Gatys et al. 2015): optimise an image to match a photo's content and a painting's style")
      .requiredOption('-c, --content <image>', 'content photo')
      .requiredOption('-s, --style <images...>', 'style painting(s); several are summed with weights (see --style-weights)')
      .option('--style-weights <list>', 'comma-separated weights of the style paintings (default: equal)')
      .option('--content-mask <image>', "region labels of the photo in flat colours (sky blue, buildings red, …); each region takes its style from the style mask's region of the same colour")
      .option('--style-mask <image>', 'region labels of the style image, in the colours of --content-mask')
      .addOption(
        new Option(
          '--preset <name>',
          'a named configuration, under your own flags: seed = figure 6 of the neural-style chapter of OCaml Scientific Computing (VGG19, content 23, style 2,7,12,21,30 summed with weight 20, noise start, no TV); photo = Luan et al.\'s Deep Photo Style Transfer for a photo as the style (content 5, style 100 a layer, TV 1e-3, photorealism 1e4, photo start, L-BFGS)',
        ).choices(Object.keys(NST_PRESETS)),
      ),
    'transfer',
  );
  const reconstruct = program.command('reconstruct').description("reconstruct an image from one layer's content or a set of layers' style, from noise (as in Gatys et al.'s figures)");
  command(reconstruct.command('content').description('reconstruct a photo from its features at one layer, starting from noise').requiredOption('-c, --content <image>', 'content photo'), 'content');
  command(reconstruct.command('style').description("synthesise a texture from a painting's Gram matrices at a set of layers, starting from noise").requiredOption('-s, --style <images...>', 'style painting(s); several are summed with equal weights'), 'style');
}

/** `<name>_<iteration>.<ext>` beside the output; in a coarse-to-fine run `<name>_<size>px_<iteration>.<ext>`. */
function checkpointPath(output: string, iteration: number, scale?: NstScale): string {
  const ext = extname(output);
  return join(dirname(output), `${basename(output, ext)}${scale ? `_${scale.size}px` : ''}_${iteration}${ext || '.png'}`);
}

/** Every checkpoint a run will write: per scale, every `every` iterations but the last. */
function plannedCheckpoints(output: string, o: ResolvedNeuralStyleOptions): string[] {
  const every = o.checkpointEvery;
  if (output === STDOUT || !every) return [];
  const sizes = o.startSize !== undefined && o.startSize < o.size ? coarseToFineSizes(o.startSize, o.size) : [undefined];
  return sizes.flatMap((size, i) => {
    const iterations = size === undefined ? o.iterations : i === sizes.length - 1 ? o.topIterations : o.iterations;
    const scale = size === undefined ? undefined : { index: i + 1, scales: sizes.length, size };
    return Array.from({ length: Math.ceil(iterations / every) - 1 }, (_, k) => checkpointPath(output, (k + 1) * every, scale));
  });
}

async function run(mode: NstMode, opts: NstCliOptions, options: NeuralStyleOptions): Promise<void> {
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const format = outputFormat(opts.output);
    const paintings = opts.style ?? [];
    const weights = styleWeights(opts.styleWeights, paintings.length);
    const inputs = [opts.content, ...paintings, opts.contentMask, opts.styleMask].filter((x): x is string => !!x);
    if (!opts.contentMask !== !opts.styleMask) throw new ImpastoError('INVALID_ARGUMENT', `region masks come in pairs: give ${opts.contentMask ? '--style-mask' : '--content-mask'} too`);
    // The run's own defaults, from the schema, decide which checkpoints it will write.
    const checkpoints = plannedCheckpoints(opts.output, resolveOptions<ResolvedNeuralStyleOptions>(NST_SCHEMA, { ...options, mode }, { platform: 'node', mode }));
    // Every file the run will write, against the inputs and each other, before any work.
    checkRunFiles(inputs, [opts.output, ...checkpoints]);
    await checkOutputPath(opts.output, inputs);
    const store = new ModelStore({ onProgress: opts.quiet ? undefined : downloadReporter() });
    const images = { content: opts.content, style: paintings.length > 1 ? paintings.map((p, i) => ({ style: p, weight: weights[i]! })) : paintings[0], contentMask: opts.contentMask, styleMask: opts.styleMask };
    const { events, result } = neuralStyle(images, { ...options, mode }, { store, signal: abort.signal });
    const tty = !opts.quiet && process.stderr.isTTY;
    const bar = tty ? progressBar('{mode}{scale} [{bar}] {value}/{total} | loss {loss} | {ms} ms/it | ETA {eta_formatted}') : undefined;
    let lastLog = 0;
    for await (const ev of events) {
      const scale = ev.scale ? ` ${ev.scale.size}px (${ev.scale.index}/${ev.scale.scales})` : '';
      if (ev.type === 'progress') {
        if (ev.iteration === 1) {
          bar?.stop();
          bar?.start(ev.iterations, 0, { mode, scale, loss: '', ms: '' });
        }
        bar?.update(ev.iteration, { loss: ev.loss.toExponential(3), ms: Math.round(ev.msPerIteration) });
        if (ev.iteration === 1) lastLog = 0;
        if (!tty && !opts.quiet && (ev.iteration === 1 || ev.iteration - lastLog >= Math.max(1, ev.iterations / 10))) {
          lastLog = ev.iteration;
          process.stderr.write(`${scale ? `scale${scale} ` : ''}iteration ${ev.iteration}/${ev.iterations} loss ${ev.loss.toExponential(3)} ${Math.round(ev.msPerIteration)} ms/it ETA ${Math.round(ev.etaMs / 1000)} s\n`);
        }
      } else if (opts.output !== STDOUT) {
        const file = checkpointPath(opts.output, ev.iteration, ev.scale);
        await writeFileAtomic(file, await nodeCodec.encode(ev.image, { format }), inputs);
        if (!tty && !opts.quiet) process.stderr.write(`checkpoint ${file}\n`);
      }
    }
    const r = await result;
    bar?.stop();
    await writeFileAtomic(opts.output, await nodeCodec.encode(r.image, { format }), inputs);
    if (!opts.quiet) {
      process.stderr.write(`${opts.output} (${r.image.width}x${r.image.height}, ${r.iterations} iterations, ${Math.round(r.msPerIteration)} ms/it on ${r.provider}, loss ${r.loss.toExponential(3)})\n`);
    }
  } catch (e) {
    if (e instanceof ImpastoError && e.code === 'ABORTED') fail(e, 130);
    fail(e);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
