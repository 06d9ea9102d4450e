import { type OptionNamer, OPTION_SCHEMAS, isImpastoError, kebab } from '@impasto/core/platform';

/** Every library option's flag, from the schemas the flags are made from (`intraOpNumThreads` → `threads`). */
const FLAGS: ReadonlyMap<string, string> = new Map(
  OPTION_SCHEMAS.flatMap((s) => Object.entries(s.fields).map(([key, f]) => [key, typeof f.flag === 'string' ? f.flag : kebab(key)] as const)),
);

/** Options named as the command line knows them: `--max-size 1448`. */
export const flagNames: OptionNamer = (option, value) => `--${FLAGS.get(option) ?? kebab(option)}${value === undefined ? '' : ` ${value}`}`;

/** One line for the user: our own messages (options named as flags), anything else with its first line. */
export function errorLine(e: unknown): string {
  if (isImpastoError(e)) return typeof e.messageFor === 'function' ? e.messageFor(flagNames) : e.message;
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0] ?? msg;
}

/** Prints `impasto: <message>` on stderr and exits non-zero. */
export function fail(e: unknown, code = 1): never {
  process.stderr.write(`impasto: ${errorLine(e)}\n`);
  process.exit(code);
}
