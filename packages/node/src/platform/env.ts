import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ImpastoEnv } from '@impasto/core/platform';
import { ImpastoError } from '@impasto/core/platform';

/** `IMPASTO_MEMORY_BUDGET` in bytes, or undefined when unset; anything but a whole number of MiB (16 or more) is refused. */
export function memoryBudgetFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const mib = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!(mib >= 16 && mib <= 2 ** 31 - 1)) {
    throw new ImpastoError('INVALID_ARGUMENT', `IMPASTO_MEMORY_BUDGET must be a whole number of MiB between 16 and 2147483647, but is '${value.slice(0, 40)}'`);
  }
  return mib * 2 ** 20;
}

const flag = (v: string | undefined) => !!v && v !== '0';

/** The value of `IMPASTO_MEMORY_BUDGET` when it is not a number: refused when a run first needs it. */
let badBudget: string | undefined;

/** Impasto's settings in this process, read once from the environment (`IMPASTO_*`); set fields to change them. */
export const env: ImpastoEnv = (() => {
  const e = process.env;
  let memoryBudgetMiB: number | undefined;
  try {
    const bytes = memoryBudgetFromEnv(e.IMPASTO_MEMORY_BUDGET);
    memoryBudgetMiB = bytes === undefined ? undefined : bytes / 2 ** 20;
  } catch {
    badBudget = e.IMPASTO_MEMORY_BUDGET;
  }
  return {
    weights: e.IMPASTO_WEIGHTS || undefined,
    allowDownloads: true,
    cache: e.IMPASTO_CACHE || join(homedir(), '.cache', 'impasto'),
    memoryBudgetMiB,
    threads: 0,
    verbose: flag(e.IMPASTO_VERBOSE),
    warmEngines: 4,
    wasmPaths: undefined,
    ffmpeg: e.IMPASTO_FFMPEG || undefined,
  };
})();

/** `env.memoryBudgetMiB` in bytes, or undefined; a malformed `IMPASTO_MEMORY_BUDGET` is refused here, at first use. */
export function envMemoryBudget(): number | undefined {
  if (badBudget !== undefined && env.memoryBudgetMiB === undefined) memoryBudgetFromEnv(badBudget);
  return env.memoryBudgetMiB === undefined ? undefined : env.memoryBudgetMiB * 2 ** 20;
}
