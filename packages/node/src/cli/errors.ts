import { ImpastoError } from '@impasto/core';

/** One line for the user: our own messages as they are, anything else with its first line. */
export function errorLine(e: unknown): string {
  if (e instanceof ImpastoError) return e.message;
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0] ?? msg;
}

/** Prints `impasto: <message>` on stderr and exits non-zero. */
export function fail(e: unknown, code = 1): never {
  process.stderr.write(`impasto: ${errorLine(e)}\n`);
  process.exit(code);
}
