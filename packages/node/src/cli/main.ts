import { Command } from 'commander';
import { ImpastoError } from '@impasto/core/platform';
import { fail } from './errors';
import { env } from '../platform/env';
import { registerAst } from './ast-command';
import { registerFst } from './fst-command';
import { registerNst } from './nst-command';
import { registerRecolor } from './recolor-command';
import { registerStyles } from './styles-command';
import { registerTrain } from './train-command';
import { registerVideo } from './video-command';

/** Builds the `impasto` command line (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('impasto')
    .description('Neural style transfer on ONNX Runtime: fast style transfer, Gatys optimisation and arbitrary style in one pass')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ helpWidth: 100 })
    .configureOutput({ outputError: (str, write) => write(`impasto: ${str.replace(/^error: /, '')}`) })
    .option('--verbose', "also print ONNX Runtime's own warnings and log lines (IMPASTO_VERBOSE=1)")
    .addHelpText(
      'after',
      `
Environment:
  IMPASTO_WEIGHTS        a local copy of the weights, one folder per model (none by default: downloads)
  IMPASTO_CACHE          where downloads and built graphs are kept (default ~/.cache/impasto)
  IMPASTO_MEMORY_BUDGET  MiB one run may use (default 80 % of the memory left: free memory, or the container's limit less its use)
  IMPASTO_FFMPEG         the ffmpeg "impasto video" runs (default: ffmpeg on the PATH)
  IMPASTO_VERBOSE=1      as --verbose`,
    )
    .hook('preAction', (cmd) => {
      if (cmd.opts().verbose) env.verbose = true;
    });
  registerStyles(program);
  registerFst(program);
  registerNst(program);
  registerRecolor(program);
  registerAst(program);
  registerVideo(program);
  registerTrain(program);
  // Listed here, run by @impasto/server (see `main`): the service's dependencies stay out of the library's.
  program.command('serve').description('run Impasto as an HTTP service (@impasto/server; --help for its options)');
  program.command('worker').description('take service jobs from Redis and run them here (@impasto/server)');
  return program;
}

const SERVICE_COMMANDS = ['serve', 'worker'];

/** @impasto/server's CLI, or one line saying how to get it. */
async function serviceCli(): Promise<{ main(argv: readonly string[]): Promise<void> }> {
  const name = '@impasto/server';
  try {
    return (await import(name)) as { main(argv: readonly string[]): Promise<void> };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' && (e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    throw new ImpastoError('MISSING_FILE', 'the service commands are in @impasto/server: npm install @impasto/server');
  }
}

/** Runs the CLI on `argv` (process.argv shape). */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const command = argv.slice(2).find((a) => !a.startsWith('-'));
  if (command && SERVICE_COMMANDS.includes(command)) {
    try {
      return await (await serviceCli()).main(argv);
    } catch (e) {
      fail(e);
    }
  }
  await buildProgram().parseAsync([...argv]);
}
