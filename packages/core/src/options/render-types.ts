import type { Field, Schema } from './schema';

function tsType(f: Field): string {
  switch (f.kind) {
    case 'int':
    case 'number':
      return 'number';
    case 'choice':
      return f.choices.map((c) => `'${c}'`).join(' | ');
    case 'bool':
      return 'boolean';
    case 'list':
      return 'readonly (string | number)[]';
    case 'custom':
      return f.tsType;
  }
}

/** The default as the docs show it (`[512]`), or '' when there is none. */
export function defaultText(f: Field): string {
  if (f.defaultDoc) return f.defaultDoc;
  if (f.default === undefined || typeof f.default === 'function') return '';
  return Array.isArray(f.default) ? f.default.join(', ') : String(f.default);
}

function rangeText(f: Field): string {
  if (f.kind === 'int') return ` (${f.min}–${f.max})`;
  if (f.kind === 'number' && (f.min !== undefined || f.max !== undefined)) {
    const lo = f.min === undefined ? '' : `${f.exclusiveMin ? '>' : '≥'} ${f.min}`;
    const hi = f.max === undefined ? '' : `≤ ${f.max}`;
    return ` (${[lo, hi].filter(Boolean).join(', ')})`;
  }
  return '';
}

function renderInterface(s: Schema, resolved: boolean): string {
  const name = resolved ? `Resolved${s.name}` : s.name;
  const doc = resolved ? `${s.doc[0]!.toUpperCase()}${s.doc.slice(1)} with every default filled in (what \`resolveOptions\` returns).` : `Options of ${s.doc}. Plain data: every field is optional and validated when given.`;
  const lines = [`/** ${doc} */`, `export interface ${name} {`];
  for (const [key, f] of Object.entries(s.fields)) {
    if (!resolved) {
      const d = defaultText(f);
      lines.push(`  /** ${f.doc}${rangeText(f)}${d ? ` [${d}]` : ''} */`);
    }
    const optional = !resolved || f.default === undefined;
    lines.push(`  ${resolved ? 'readonly ' : ''}${key}${optional ? '?' : ''}: ${tsType(f)};`);
  }
  lines.push('}');
  return lines.join('\n');
}

/**
 * TypeScript for the schemas' option interfaces, each field with its TSDoc (range and default in
 * brackets, as sharp's docs write them), and a `Resolved…` twin with defaults made required.
 */
export function renderOptionTypes(schemas: readonly Schema[], header: string): string {
  const parts = [header.trimEnd(), ...schemas.flatMap((s) => [renderInterface(s, false), renderInterface(s, true)])];
  return `${parts.join('\n\n')}\n`;
}
