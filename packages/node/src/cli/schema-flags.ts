import { InvalidArgumentError, Option, type Command } from 'commander';
import { type Field, type Schema, checkField, defaultText, kebab } from '@impasto/core/platform';

/** How one command shows a schema's fields. */
export interface FlagPlan {
  /** Fields to show, in this order (default: every field with a flag). */
  readonly only?: readonly string[];
  /** Flag names for this command (e.g. `layers` for `styleLayers` in `reconstruct style`). */
  readonly rename?: Readonly<Record<string, string>>;
  /** Defaults for this command (e.g. fewer iterations for reconstructions). */
  readonly defaults?: Readonly<Record<string, unknown>>;
  /** Narrower choices on this platform (e.g. no `wasm` provider in Node). */
  readonly choices?: Readonly<Record<string, readonly string[]>>;
  /** Short flags, e.g. `{ style: '-s' }`. */
  readonly short?: Readonly<Record<string, string>>;
}

function parser(key: string, f: Field): ((value: string) => unknown) | undefined {
  const check = (v: unknown) => {
    try {
      return checkField(key, f, v);
    } catch (e) {
      // commander prints "option '--x <n>' argument '…' is invalid." before this reason.
      throw new InvalidArgumentError((e as Error).message.replace(/^Expected /, 'expected ').replace(/ but received .*$/, ''));
    }
  };
  switch (f.kind) {
    case 'int':
    case 'number':
      return (s) => check(s.trim() === '' ? NaN : Number(s));
    case 'list':
      return (s) => check(s.split(',').map((x) => x.trim()).filter(Boolean).map((x) => (/^\d+$/.test(x) ? Number(x) : x)));
    case 'custom':
      return f.fromString && ((s) => check(f.fromString!(s)));
    default:
      return undefined;
  }
}

/**
 * Adds `schema`'s fields to `cmd` as flags: names, value placeholders, help text, choices and
 * defaults all come from the schema, so `--help` says what the library does. Returns `pick`,
 * which reads the parsed flags back as library options (keyed by schema field).
 */
export function addSchemaFlags(cmd: Command, schema: Schema, plan: FlagPlan = {}): { pick(opts: Record<string, unknown>): Record<string, unknown> } {
  const keys = plan.only ?? Object.keys(schema.fields).filter((k) => schema.fields[k]!.flag !== false);
  const attr = new Map<string, string>();
  for (const key of keys) {
    const f = schema.fields[key];
    if (!f) throw new RangeError(`${schema.name} has no field ${key}`);
    const flag = plan.rename?.[key] ?? (typeof f.flag === 'string' ? f.flag : kebab(key));
    const placeholder = f.arg ?? (f.kind === 'choice' ? 'name' : 'value');
    const value = f.kind === 'bool' ? '' : f.bare !== undefined ? ` [${placeholder}]` : ` <${placeholder}>`;
    const spec = `${plan.short?.[key] ? `${plan.short[key]}, ` : ''}--${flag}${value}`;
    const given = plan.defaults?.[key];
    const fixed = given ?? (typeof f.default === 'function' ? undefined : f.default);
    const shown = fixed === undefined ? defaultText(f) : '';
    const option = new Option(spec, `${f.doc}${shown ? ` (default: ${shown})` : ''}`);
    if (f.kind === 'choice') option.choices([...(plan.choices?.[key] ?? f.choices)]);
    if (f.bare !== undefined) option.preset(f.bare);
    const parse = parser(key, f);
    if (parse) option.argParser(parse);
    if (fixed !== undefined) option.default(fixed);
    cmd.addOption(option);
    attr.set(key, option.attributeName());
  }
  return {
    pick(opts) {
      const out: Record<string, unknown> = {};
      // Only what the user typed (and the plan's own defaults): the schema's defaults are the
      // library's to fill in, under anything spread beneath (a preset).
      for (const [key, name] of attr) if (opts[name] !== undefined && (cmd.getOptionValueSource(name) !== 'default' || plan.defaults?.[key] !== undefined)) out[key] = opts[name];
      return out;
    },
  };
}
