/** Machine-readable error codes, so callers can branch without parsing messages. */
export type ImpastoErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_STYLE'
  | 'UNKNOWN_LAYER'
  | 'UNSUPPORTED_OP'
  | 'MISSING_FILE'
  | 'HASH_MISMATCH'
  | 'DOWNLOAD_FAILED'
  | 'BAD_IMAGE'
  | 'BAD_VIDEO'
  | 'IMAGE_TOO_LARGE'
  | 'PROVIDER_UNAVAILABLE'
  | 'BAD_MODEL'
  | 'NUMERIC'
  | 'ABORTED'
  | 'RUNTIME'
  | 'IO';

/**
 * How a message names an option the user can change, with the value to try: the library's key
 * (`maxSize 1448`) by default; the CLI names its flags instead (`--max-size 1448`).
 */
export type OptionNamer = (option: string, value?: string | number) => string;

/** Options as the library's callers know them: `maxSize 1448`. */
export const libraryOptionNames: OptionNamer = (option, value) => (value === undefined ? option : `${option} ${value}`);

/** A message that names options: rendered with the library's names, and again with a caller's own. */
export type AdvisedMessage = (name: OptionNamer) => string;

/** Every error Impasto throws on purpose: a one-line message and a stable `code`. */
export class ImpastoError extends Error {
  /**
   * Whether `e` is an `ImpastoError` from any copy of Impasto: `instanceof` fails across an ESM and a
   * CJS copy of the package in one app, this does not.
   */
  static is(e: unknown): e is ImpastoError {
    return isImpastoError(e);
  }

  readonly code: ImpastoErrorCode;
  private readonly advised?: AdvisedMessage;

  /**
   * `message` is a string, or a function of an `OptionNamer` when it advises options (a size to
   * try, a flag to raise): `message` is then its text with the library's names, and
   * `messageFor(namer)` renders it in a caller's terms.
   */
  constructor(code: ImpastoErrorCode, message: string | AdvisedMessage, options?: { cause?: unknown }) {
    super(typeof message === 'string' ? message : message(libraryOptionNames));
    this.name = 'ImpastoError';
    this.code = code;
    if (typeof message === 'function') this.advised = message;
    if (options && 'cause' in options) (this as { cause?: unknown }).cause = options.cause;
  }

  /** The message with its options named by `name` (e.g. the CLI's flags); `message` when it names none. */
  messageFor(name: OptionNamer): string {
    return this.advised ? this.advised(name) : this.message;
  }
}

/** How a message shows a value it was given: `'abc' of type string`, `a Float32Array`, `NaN of type number`. */
export function describeValue(actual: unknown): string {
  if (actual === null) return 'null';
  if (ArrayBuffer.isView(actual)) return `a ${actual.constructor.name}`;
  if (typeof actual === 'string') return `'${actual.length > 60 ? `${actual.slice(0, 60)}…` : actual}' of type string`;
  if (typeof actual === 'object') return `a value of type ${Array.isArray(actual) ? 'array' : 'object'}`;
  return `${String(actual)} of type ${typeof actual}`;
}

/** sharp-shaped parameter error: `Expected <expected> for <name> but received <actual>` (`INVALID_ARGUMENT` unless `code` says otherwise). */
export function invalidParam(name: string, expected: string, actual: unknown, code: ImpastoErrorCode = 'INVALID_ARGUMENT'): ImpastoError {
  return new ImpastoError(code, `Expected ${expected} for ${name} but received ${describeValue(actual)}`);
}

/** Validates an integer option in [min, max] and returns it. */
export function checkInt(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParam(name, `integer between ${min} and ${max}`, value);
  }
  return value;
}

/** Validates a finite number option in [min, max] and returns it. */
export function checkNumber(name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = Number.isFinite(min) || Number.isFinite(max) ? ` between ${min} and ${max}` : '';
    throw invalidParam(name, `finite number${range}`, value);
  }
  return value;
}

/** Validates that `value` is one of `choices` and returns it. */
export function checkChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw invalidParam(name, `one of ${choices.join(', ')}`, value);
  }
  return value as T;
}

/** True for an `ImpastoError`, also one thrown by another copy of Impasto (ESM beside CJS). */
export function isImpastoError(e: unknown): e is ImpastoError {
  return e instanceof ImpastoError || (e instanceof Error && e.name === 'ImpastoError' && typeof (e as { code?: unknown }).code === 'string');
}

/** The first non-empty line of an error's message, shortened: what a one-line report shows. */
export function firstLine(e: unknown, max = 200): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split('\n').find((l) => l.trim()) ?? msg).replace(/\x1b\[[0-9;]*m/g, '').trim().slice(0, max);
}

/** `e` as it is when it is an `ImpastoError`, else wrapped with `code` and its first line. */
export function asImpastoError(e: unknown, code: ImpastoErrorCode, context: string): ImpastoError {
  if (isImpastoError(e)) return e;
  return new ImpastoError(code, `${context}: ${firstLine(e)}`, { cause: e });
}

/** Throws `ABORTED` ("`what` was aborted") when `signal` is aborted: checked before work starts and between steps. */
export function throwIfAborted(signal: { readonly aborted: boolean } | undefined, what: string): void {
  if (signal?.aborted) throw new ImpastoError('ABORTED', `${what} was aborted`);
}
