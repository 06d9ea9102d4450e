import { ImpastoError, invalidParam } from '../errors';

/**
 * One options schema per operation: each field says its type, range, default and one sentence of
 * documentation. From it come the defaults and validation (`resolveOptions`), the TSDoc'd
 * interfaces (`renderOptionTypes`, written to `generated.ts` by `scripts/gen-options.ts`), the
 * CLI flags and help text (`@impasto/node`'s cli/schema-flags.ts) and, through those interfaces,
 * the Web Worker's message types. Options are plain data, so they cross postMessage unchanged.
 */

/** Which platform resolves the options: a field may default differently in the browser. */
export type PlatformKind = 'node' | 'web';

type Resolved = Record<string, unknown>;

/** What a computed default may look at besides the fields resolved before it. */
export interface ResolveContext {
  readonly platform: PlatformKind;
  /** Options of the object the call runs on (e.g. the engine's `mode` for a run). */
  readonly [key: string]: unknown;
}

/** A default: a value, or one computed from the fields resolved before this one. */
export type DefaultValue<T> = T | ((resolved: Resolved, context: ResolveContext) => T | undefined);

interface FieldBase<T> {
  /** One sentence for TSDoc and `--help`. */
  readonly doc: string;
  readonly default?: DefaultValue<T>;
  /** How the docs state a computed default, e.g. `4 for adam, 1 for lbfgs`. */
  readonly defaultDoc?: string;
  /** CLI flag name (kebab-case, without dashes) when it differs from the key; `false`: no flag. */
  readonly flag?: string | false;
  /** The flag's value placeholder, e.g. `n`, `list`. */
  readonly arg?: string;
  /** What the flag means given without a value (`--preserve-colors` alone); unset: a value is required. */
  readonly bare?: T;
}

export interface IntField extends FieldBase<number> {
  readonly kind: 'int';
  readonly min: number;
  readonly max: number;
}
export interface NumberField extends FieldBase<number> {
  readonly kind: 'number';
  readonly min?: number;
  readonly max?: number;
  /** True when `min` itself is not allowed. */
  readonly exclusiveMin?: boolean;
}
export interface ChoiceField<T extends string = string> extends FieldBase<T> {
  readonly kind: 'choice';
  readonly choices: readonly T[];
}
export interface BoolField extends FieldBase<boolean> {
  readonly kind: 'bool';
}
/** Names or indices (layers); on the command line a comma-separated list. */
export interface ListField extends FieldBase<readonly (string | number)[]> {
  readonly kind: 'list';
  readonly minLength?: number;
}
/** A value the schema only passes through after `check` (e.g. an init image); `tsType` types it. */
export interface CustomField extends FieldBase<unknown> {
  readonly kind: 'custom';
  readonly tsType: string;
  /** What `--help` and errors call the accepted values. */
  readonly expected: string;
  check(value: unknown): boolean;
  /** Parses the CLI string (omit: no flag). */
  fromString?(value: string): unknown;
}

export type Field = IntField | NumberField | ChoiceField | BoolField | ListField | CustomField;
export type Fields = Readonly<Record<string, Field>>;

/** A named group of fields, resolved together. */
export interface Schema<F extends Fields = Fields> {
  /** The interface name in generated.ts, e.g. `NstRunOptions`. */
  readonly name: string;
  /** What the options configure, for the interface's TSDoc and error messages. */
  readonly doc: string;
  readonly fields: F;
  /** Checks across fields after each has been resolved. */
  readonly check?: (resolved: Resolved, context: ResolveContext) => void;
}

/** Declares a schema; `extend` lists schemas whose fields come first. */
export function defineSchema<F extends Fields>(
  name: string,
  doc: string,
  fields: F,
  opts: { extend?: readonly Schema[]; check?: (r: Resolved, c: ResolveContext) => void } = {},
): Schema<F> {
  const merged: Record<string, Field> = {};
  for (const base of opts.extend ?? []) Object.assign(merged, base.fields);
  Object.assign(merged, fields);
  type Check = (r: Resolved, c: ResolveContext) => void;
  const checks = [...(opts.extend ?? []).map((s) => s.check), opts.check].filter((c): c is Check => !!c);
  return { name, doc, fields: merged as unknown as F, check: checks.length ? (r, c) => checks.forEach((f) => f(r, c)) : undefined };
}

/** A schema of some of `from`'s fields: an operation that takes only part of another's options. */
export function pickSchema(name: string, doc: string, from: Schema, keys: readonly string[]): Schema {
  const fields: Record<string, Field> = {};
  for (const k of keys) {
    if (!from.fields[k]) throw new ImpastoError('INVALID_ARGUMENT', `${from.name} has no field ${k}`);
    fields[k] = from.fields[k]!;
  }
  return { name, doc, fields };
}

/** The range part of a message, sharp-style: `integer between 1 and 100`. */
export function expectedText(f: Field): string {
  switch (f.kind) {
    case 'int':
      return `integer between ${f.min} and ${f.max}`;
    case 'number': {
      const lo = f.min === undefined ? '' : f.exclusiveMin ? `greater than ${f.min}` : `at least ${f.min}`;
      const hi = f.max === undefined ? '' : `at most ${f.max}`;
      return `finite number${lo || hi ? ' ' : ''}${[lo, hi].filter(Boolean).join(' and ')}`;
    }
    case 'choice':
      return `one of ${f.choices.join(', ')}`;
    case 'bool':
      return 'boolean';
    case 'list':
      return `array of layer names or indices${f.minLength ? ` (at least ${f.minLength})` : ''}`;
    case 'custom':
      return f.expected;
  }
}

/** Validates one value of field `f` (named `key` in messages) and returns it. */
export function checkField(key: string, f: Field, v: unknown): unknown {
  const bad = () => invalidParam(key, expectedText(f), v);
  switch (f.kind) {
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < f.min || v > f.max) throw bad();
      return v;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad();
      if (f.min !== undefined && (f.exclusiveMin ? v <= f.min : v < f.min)) throw bad();
      if (f.max !== undefined && v > f.max) throw bad();
      return v;
    case 'choice':
      if (typeof v !== 'string' || !f.choices.includes(v)) throw bad();
      return v;
    case 'bool':
      if (typeof v !== 'boolean') throw bad();
      return v;
    case 'list':
      if (!Array.isArray(v) || v.length < (f.minLength ?? 0) || !v.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isInteger(x) && x >= 0))) throw bad();
      return [...v];
    case 'custom':
      if (!f.check(v)) throw bad();
      return v;
  }
}

/**
 * Fills defaults and validates `input` against `schema`, field by field in declaration order (so a
 * default may depend on fields before it), then the schema's cross-field check. An unknown key is
 * an `INVALID_ARGUMENT` error listing the valid ones (typos fail loudly instead of being ignored).
 */
export function resolveOptions<R>(schema: Schema, input: object | undefined, context: ResolveContext = { platform: 'node' }): R {
  if (input !== undefined && (input === null || typeof input !== 'object' || Array.isArray(input))) {
    throw invalidParam('options', `an object of ${schema.doc}`, input);
  }
  const given = (input ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in schema.fields) && given[key] !== undefined) {
      throw new ImpastoError('INVALID_ARGUMENT', `Unknown option '${key}' for ${schema.doc}; valid options: ${Object.keys(schema.fields).join(', ')}`);
    }
  }
  const out: Resolved = {};
  for (const [key, f] of Object.entries(schema.fields)) {
    let v = given[key];
    if (v === undefined && f.default !== undefined) {
      v = typeof f.default === 'function' ? (f.default as (r: Resolved, c: ResolveContext) => unknown)(out, context) : f.default;
    }
    if (v !== undefined) out[key] = checkField(key, f, v);
  }
  schema.check?.(out, context);
  return out as R;
}

/** `camelCase` to `kebab-case`, for flags. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
