import { InvalidArgumentError, Option } from 'commander';

/** Parses a positive integer flag with a commander-style error. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Parses a non-negative integer flag. */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer >= 0');
  return n;
}

/** Parses a finite number flag. */
export function finiteNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
}

/** `--ep`, shared by every command that runs a model. */
export function epOption(): Option {
  return new Option('--ep <provider>', 'execution provider').choices(['auto', 'cpu', 'cuda', 'dml', 'webgpu']).default('auto');
}

/** `--threads`, shared by every command that runs a model. */
export function threadsOption(): Option {
  return new Option('--threads <n>', 'CPU threads inside one operator (0 = all cores)').argParser(nonNegativeInt).default(0);
}
