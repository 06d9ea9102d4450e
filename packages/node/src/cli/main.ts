import { Command } from 'commander';
import { registerFst } from './fst-command';
import { registerNst } from './nst-command';
import { registerStyles } from './styles-command';

/** Builds the `impasto` command line (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('impasto')
    .description('Neural style transfer on ONNX Runtime: fast style transfer and Gatys optimisation')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(`impasto: ${str.replace(/^error: /, '')}`) });
  registerStyles(program);
  registerFst(program);
  registerNst(program);
  return program;
}

/** Runs the CLI on `argv` (process.argv shape). */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}
